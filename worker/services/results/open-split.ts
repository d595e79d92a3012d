import { and, eq, gt, lte, sql } from 'drizzle-orm'
import { CommunitySettings } from '../../../shared/community'
import { ballots, polls } from '../../../drizzle/schema'
import type { Services } from '../../env'
import { standingTotals, type StandingTotal } from '../ballots/standing'
import { rowsOf } from '../roles/resolve'

/**
 * The split by choice while a vote runs, for the communities that show it (showSplitWhileOpen;
 * off by default). Shown live, it gave away single ballots: the per-voter list says who voted
 * (voter-list.ts), so the split just before and just after one household's ballot is that
 * household's choice, and the committee was given a fresh split on every request. The secret
 * ballot holds until the result (secrecy.ts), so the split is taken only by the scheduler, and only
 * once at least this many households have voted (or changed their ballot) since the split before
 * it: any two splits anyone can see differ by the choices of at least this many households
 * together. (If they all chose alike, the difference says so, as any published tally of a group
 * that chose alike does.)
 */
export const OPEN_SPLIT_BATCH = 10

export type OpenSplit = NonNullable<(typeof polls.$inferSelect)['openSplit']>

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
    const since = p.openSplit ? new Date(p.openSplit.takenAt) : null
    // households with a ballot cast since the last split (a changed ballot counts its household once)
    const [row] = rowsOf<{ n: string | number }>(
      await services.db.execute(
        sql`select count(distinct ${ballots.voterId}) as n from ${ballots}
            where ${ballots.pollId} = ${p.id} and ${ballots.castAt} <= ${now.toISOString()}::timestamptz
            ${since ? sql`and ${ballots.castAt} > ${since.toISOString()}::timestamptz` : sql``}`,
      ),
    )
    if (Number(row?.n ?? 0) < OPEN_SPLIT_BATCH) continue
    const settings = CommunitySettings.parse(p.settings ?? {})
    const totals: StandingTotal[] = await standingTotals(services.db, p.id, settings.paperVsElectronic)
    const next: OpenSplit = { takenAt: now.toISOString(), totals }
    // two instances running the job at once: only the one that saw the split as it was writes
    const unchanged = p.openSplit ? sql`${polls.openSplit}->>'takenAt' = ${p.openSplit.takenAt}` : sql`${polls.openSplit} is null`
    const written = await services.db.update(polls).set({ openSplit: next }).where(and(eq(polls.id, p.id), unchanged)).returning({ id: polls.id })
    taken += written.length
  }
  return taken
}
