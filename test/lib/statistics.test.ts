/**
 * The planner's statistics after a bulk write (worker/db/statistics.ts): a roll of 1,200 units
 * imported and a poll announced to its voters leave the planner knowing those rows at once, in the
 * same transaction, instead of whenever autovacuum gets to it (or never, where it is off: then a
 * large compound in a database analyzed while small got plans that took minutes, bench:city).
 * On a database of its own, so other test files' rows do not blur the counts.
 */
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, setupCommunity } from '../helpers/fixtures'
import { onPrivateDatabase, type Harness } from '../helpers/harness'

let h: Harness
onPrivateDatabase((x) => (h = x))

/** What the planner believes: pg_class.reltuples (-1 or 0 before any ANALYZE), beside the true count. */
async function planned(table: 'roster_units' | 'roster_owners' | 'roster_voters' | 'poll_voters') {
  const [row] = rowsOf<{ believed: number; actual: number }>(
    await h.db.execute(sql`select (select reltuples from pg_class where relname = ${table} and relkind = 'r')::float8 as believed,
                                  (select count(*) from ${sql.identifier(table)})::int as actual`),
  )
  return { believed: Number(row!.believed), actual: row!.actual }
}

describe('statistics after a bulk write', () => {
  it('a 1,200-unit roll and a poll announced to its voters are known to the planner as soon as they commit', async () => {
    const before = await planned('roster_units')
    const s = await setupCommunity(h, { units: 1_200 })
    for (const table of ['roster_units', 'roster_owners', 'roster_voters'] as const) {
      const now = await planned(table)
      expect(now.actual, table).toBeGreaterThanOrEqual(before.actual + 1_200)
      // ANALYZE samples; on tables this small the count is exact, allow a tenth either way
      expect(now.believed, `${table}: the planner's row count`).toBeGreaterThanOrEqual(now.actual * 0.9)
      expect(now.believed, `${table}: the planner's row count`).toBeLessThanOrEqual(now.actual * 1.1)
    }
    await announcedPoll(h, s.community.id, s.committee)
    const voters = await planned('poll_voters')
    expect(voters.actual).toBeGreaterThanOrEqual(1_200)
    expect(voters.believed, "poll_voters: the planner's row count").toBeGreaterThanOrEqual(voters.actual * 0.9)
  }, 120_000)
})
