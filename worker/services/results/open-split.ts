import { and, eq, gt, lte, sql } from 'drizzle-orm'
import { CommunitySettings } from '../../../shared/community'
import { polls } from '../../../drizzle/schema'
import type { Services } from '../../env'
import { standingTotalsSql, totalsOf, type StandingTotalRow } from '../ballots/standing'
import { rowsOf } from '../roles/resolve'

/**
 * The split by choice while a vote runs, for the communities that show it (showSplitWhileOpen;
 * off by default). The secret ballot holds until the result (secrecy.ts), and the per-voter list
 * says who has voted (voter-list.ts), so whatever is shown must not let anyone tell one household's
 * choice by comparing two readings. A hostile review showed how each weaker form gave it away:
 *
 * - live, two readings around one household's ballot were its choice;
 * - with areas, the change of area per choice is a sum of known flats' areas, which, flats' areas
 *   being nearly all different, names who chose what: so only household counts are shown;
 * - counted as "households with any ballot since", a committee re-entering paper ballots it had
 *   itself typed, or friends re-casting the same choice, filled a batch around one real ballot:
 *   so a batch counts only households voting for the first time, online, by their own hand;
 * - a count and totals read at two moments could count one ballot in two batches: so both come
 *   from one statement, and the next batch starts after the last ballot that split included.
 *
 * So the scheduler takes the split only once at least OPEN_SPLIT_BATCH such households have voted
 * since the split before it. What remains: nine households colluding, voting just after a tenth
 * they watch for on the per-voter list, learn the tenth's choice from the difference. That is why
 * the setting is off by default, and why the README says so to a community turning it on.
 */
export const OPEN_SPLIT_BATCH = 10

type OpenSplit = NonNullable<(typeof polls.$inferSelect)['openSplit']>

/** Scheduled job: takes a new split for each running poll that shows one and has a batch of new voters. Returns how many. */
export async function refreshOpenSplits(services: Services): Promise<number> {
  const now = services.clock.now()
  const running = await services.db
    .select({ id: polls.id, settings: polls.settings, openSplit: polls.openSplit })
    .from(polls)
    .where(
      and(
        eq(polls.status, 'announced'),
        eq(polls.kind, 'single'),
        lte(polls.opensAt, now),
        gt(polls.closesAt, now),
        sql`${polls.settings}->>'showSplitWhileOpen' = 'true'`,
      ),
    )
  let taken = 0
  for (const p of running) {
    const since = p.openSplit?.through ?? null
    const prefer = CommunitySettings.parse(p.settings ?? {}).paperVsElectronic
    // one statement, one snapshot: the batch, the totals, and the last ballot they include
    const [row] = rowsOf<{ fresh: string | number; through: string | Date | null; totals: StandingTotalRow[] | null }>(
      await services.db.execute(sql`
        with totals as (${standingTotalsSql(p.id, prefer)})
        select
          (select count(*) from ballots b
            where b.poll_id = ${p.id} and b.version = 1 and b.channel in ('app', 'h5', 'chatbot')
              ${since ? sql`and b.cast_at > ${since}::timestamptz` : sql``}) as fresh,
          (select max(b.cast_at) from ballots b where b.poll_id = ${p.id}) as through,
          (select json_agg(totals) from totals) as totals`),
    )
    if (!row || Number(row.fresh) < OPEN_SPLIT_BATCH || row.through === null) continue
    const next: OpenSplit = { takenAt: now.toISOString(), through: new Date(row.through).toISOString(), totals: totalsOf(row.totals ?? []) }
    // two instances running the job at once: only the one that saw the split as it was writes
    const unchanged = p.openSplit ? sql`${polls.openSplit}->>'takenAt' = ${p.openSplit.takenAt}` : sql`${polls.openSplit} is null`
    const written = await services.db.update(polls).set({ openSplit: next }).where(and(eq(polls.id, p.id), unchanged)).returning({ id: polls.id })
    taken += written.length
  }
  return taken
}
