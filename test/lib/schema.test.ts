/**
 * City scale past one database (issue 17): every tenant table carries `community_id` itself, not
 * only through a parent, so the schema can be distributed by compound on Citus without a rewrite
 * and every query of one compound stays on one shard. The list of tables that are not per compound
 * is explicit here: a new table is either a tenant table with the column or is named below.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import { MIGRATIONS_FOLDER, openPglite } from '../../worker/db/node'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, setupCommunity } from '../helpers/fixtures'
import { openTestDatabase } from '../helpers/db'
import { startHarness } from '../helpers/harness'

/** Not per compound: Citus reference tables (or, for `communities`, the distribution key itself). */
const GLOBAL_TABLES = {
  communities: 'the compound itself: distributed by its id, which is every other table’s community_id',
  users: 'a person may own in several compounds',
  refresh_tokens: 'sessions of a person',
  otp_codes: 'sign-in codes of a phone',
  rate_limits: 'counters keyed by phone, IP or account digest',
  sms_outbox: 'development SMS outbox',
  firms: 'a firm serves many compounds',
  reference_prices: 'guided fee ranges of a district',
} as const

/** Per compound for most rows, but also holding platform-wide rows (community_id null). */
const MIXED_TABLES = {
  audit_log: 'platform actions (a firm created, a street grant) have no compound: at distribution they take the platform’s own key',
  role_grants: 'firm staff and community staff are granted by firm or street, not per compound: a reference table',
} as const

/** Tenant tables whose column another branch adds (named, so the merge removes the entry). */
const PENDING = {
  notice_scans: 'rewritten as per-device daily digests on branch `sec` (scan counting is theirs); the digest table must carry community_id',
} as const

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function columnsOf(execute: (q: ReturnType<typeof sql>) => Promise<unknown>) {
  const rows = rowsOf<{ table_name: string; is_nullable: string | null }>(
    await execute(sql`
      select t.table_name, c.is_nullable
      from information_schema.tables t
      left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'community_id'
      where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by 1`),
  )
  return new Map(rows.map((r) => [r.table_name, r.is_nullable]))
}

describe('community_id on every tenant table', () => {
  it('every table is a tenant table with a NOT NULL community_id, or is named as global, mixed or pending', async () => {
    const d = await openTestDatabase()
    const columns = await columnsOf((q) => d.db.execute(q))
    await d.close()
    expect(columns.size).toBeGreaterThan(25)
    const offenders: string[] = []
    for (const [table, nullable] of columns) {
      if (table in GLOBAL_TABLES || table in PENDING) continue
      if (table in MIXED_TABLES) {
        if (nullable === null) offenders.push(`${table}: no community_id at all`)
        continue
      }
      if (nullable !== 'NO') offenders.push(`${table}: ${nullable === null ? 'no community_id' : 'community_id is nullable'}`)
    }
    expect(offenders).toEqual([])
    // the named lists name real tables (a dropped or renamed table is taken off them)
    for (const t of [...Object.keys(GLOBAL_TABLES), ...Object.keys(MIXED_TABLES), ...Object.keys(PENDING)]) expect(columns.has(t), t).toBe(true)
  }, 120_000)

  it('the backfill (0011_community_id_backfill) gives rows written before the column existed their parent’s compound', async () => {
    // migrate a fresh database only up to 0010 (the column added, nullable), from a copy of the folder
    const upTo = mkdtempSync(join(tmpdir(), 'gongyi-migrations-'))
    dirs.push(upTo)
    cpSync(MIGRATIONS_FOLDER, upTo, { recursive: true })
    const journalPath = join(upTo, 'meta', '_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
    const at = journal.entries.findIndex((e) => e.tag === '0010_community_id_everywhere')
    expect(at).toBeGreaterThan(0)
    journal.entries = journal.entries.slice(0, at + 1)
    writeFileSync(journalPath, JSON.stringify(journal))
    const d = await openPglite()
    await migrate(drizzle(d.client), { migrationsFolder: upTo })

    // real rows through the app, then their community_id taken away as an older release left them
    const h = await startHarness({ database: d })
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })).status).toBe(201)
    expect((await h.request('POST', `/api/polls/${p.id}/comments`, { token: s.owner, json: { body: '支持更换电梯' } })).status).toBe(201)
    h.clock.advance(2 * 3_600_000)
    const committee = (await h.login(s.committeePhone)).accessToken
    expect((await h.request('POST', `/api/polls/${p.id}/close`, { token: committee })).status).toBe(200)
    const tables = ['poll_voters', 'ballots', 'poll_events', 'poll_comments', 'poll_results', 'roster_owners']
    await d.client.exec(`alter table poll_results disable trigger poll_results_immutable;
      ${tables.map((t) => `update ${t} set community_id = null;`).join('\n')}
      alter table poll_results enable trigger poll_results_immutable;`)

    await d.migrate()
    for (const t of tables) {
      const [r] = rowsOf<{ n: number; wrong: number }>(
        await d.db.execute(sql.raw(`select count(*)::int as n, count(*) filter (where community_id is distinct from '${s.community.id}')::int as wrong from ${t}`)),
      )
      expect(r!.n, t).toBeGreaterThan(0)
      expect(r!.wrong, t).toBe(0)
    }
    await h.close()
    await d.close()
  }, 180_000)
})
