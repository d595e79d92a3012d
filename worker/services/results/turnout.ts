import { eq } from 'drizzle-orm'
import { CommunitySettings } from '../../../shared/community'
import { areaReply, ceilToScale, sumScale } from '../../../shared/decimal'
import { polls } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { standingTotals, type StandingTotal } from '../ballots/standing'
import type { Role } from '../../env'
import type { ServiceCtx } from '../context'
import { displayStatus } from '../polls/lifecycle'

/** ⌈2x/3⌉ exactly: the least part with 3·part ≥ 2·x (2x may pass 2^53, hence BigInt) */
const twoThirds = (x: number) => Number((2n * BigInt(x) + 2n) / 3n)

/**
 * How old the turnout an owner is shown may be, on the app's clock. Adding up a poll's standing
 * ballots reads every one of them (17 ms of the database's CPU at 10,000 ballots), and in the
 * rush before a deadline every owner who opens the poll's page asks for it; a vote must not buy
 * its page view that much. So owners share one sum per poll and process for this long, and the
 * answer says when it was taken (`asOf`). The committee and the staff, who run the vote and enter
 * paper ballots, are always given a fresh sum. A sum is taken afresh at once when the poll's
 * state or deadline changes (the close, a count opened, an extension) and once its deadline has
 * passed since the sum was taken: the last seconds' ballots decide the 2/3 lines (民法典 第278条).
 * While one request takes the next sum, owners asking meanwhile get the previous one, with its time.
 */
export const TURNOUT_SNAPSHOT_MS = 5_000
/** who is given a fresh sum: those who run the vote (not owners, nor a proxy) */
export const seesLiveTurnout = (roles: ReadonlySet<Role>) => roles.has('committee') || roles.has('community_staff') || roles.has('admin')
const MAX_SNAPSHOTS = 2_000

interface Snapshot {
  /** the poll's state and deadline when taken: a change of either retakes it */
  status: string
  closesAt: number
  takenAt: number
  totals: StandingTotal[]
  /** when a request began summing again, this sum being too old; null: nobody is */
  refreshingSince: number | null
}
/** per process (per isolate on Workers), by poll id */
const snapshots = new Map<string, Snapshot>()
/** how long owners are given the previous sum while one request takes the next */
const REFRESH_GRACE_MS = 10_000

/**
 * The sum owners are shown. Once it is too old, the first request sums again and the owners who
 * ask meanwhile are given the previous sum with its time, rather than all summing at once. Only
 * plain values are shared between requests: a Worker may not wait on another request's I/O.
 */
async function totalsOf(ctx: ServiceCtx, p: typeof polls.$inferSelect, prefer: 'electronic' | 'paper', fresh: boolean): Promise<Snapshot> {
  const now = ctx.clock.now().getTime()
  const closesAt = p.closesAt.getTime()
  const hit = snapshots.get(p.id)
  // not after the clock moved back (tests), nor once the deadline has passed since it was taken
  const usable = !fresh && hit && hit.status === p.status && hit.closesAt === closesAt && now >= hit.takenAt && !(hit.takenAt < closesAt && now >= closesAt)
  if (usable) {
    if (now - hit.takenAt < TURNOUT_SNAPSHOT_MS) return hit
    if (hit.refreshingSince !== null && now >= hit.refreshingSince && now - hit.refreshingSince < REFRESH_GRACE_MS) return hit
    hit.refreshingSince = now
  }
  try {
    const taken: Snapshot = { status: p.status, closesAt, takenAt: now, totals: await standingTotals(ctx.db, p.id, prefer), refreshingSince: null }
    snapshots.delete(p.id)
    snapshots.set(p.id, taken)
    if (snapshots.size > MAX_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value!)
    return taken
  } finally {
    if (usable) hit.refreshingSince = null
  }
}

/**
 * Participation against the 2/3 lines (民法典 第278条: 3·part ≥ 2·total, area and voters), by
 * aggregate over the standing ballots. The split by choice stays hidden until close unless the
 * community chose to show it, and then only households per choice, the scheduler's batch
 * (open-split.ts). `fresh`: a sum taken now (the committee's and staff's views), not owners'
 * shared one (TURNOUT_SNAPSHOT_MS).
 */
export async function turnout(ctx: ServiceCtx, pollId: string, opts: { fresh: boolean }) {
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p) throw new AppError('NOT_FOUND')
  if (!p.rosterVersionId) throw new AppError('RESOURCE_STATE', { status: p.status })
  const settings = CommunitySettings.parse(p.settings ?? {})
  const { totals, takenAt } = await totalsOf(ctx, p, settings.paperVsElectronic, opts.fresh)
  const w = () => ({ areaE4: 0, voters: 0 })
  const participated = w()
  // after the close, the split of the standing ballots, with areas
  const split = { agree: w(), oppose: w(), abstain: w() }
  const closedSingle = p.kind === 'single' && p.status === 'closed'
  for (const t of totals) {
    if (t.choice === 'spoiled' && !settings.spoiledParticipate) continue
    participated.areaE4 += t.areaE4
    participated.voters += t.voters
    if (closedSingle && (t.choice === 'agree' || t.choice === 'oppose' || t.choice === 'abstain')) {
      split[t.choice].areaE4 += t.areaE4
      split[t.choice].voters += t.voters
    }
  }
  // before it, only where the community shows it, and then only households, as the scheduler last
  // took them (open-split.ts): never live, never areas
  const open = p.kind === 'single' && p.status !== 'closed' && settings.showSplitWhileOpen && p.openSplit ? p.openSplit : null
  const households = (choice: string) => open!.totals.filter((t) => t.choice === choice).reduce((n, t) => n + t.voters, 0)
  // every area here prints with the decimals of the electorate's most precise unit (at least two)
  const scale = sumScale(p.areaScale!)
  const total = { areaE4: p.totalAreaE4!, voters: p.totalVoters! }
  // the least area that reaches 2/3, at the precision areas are registered in (3·part ≥ 2·total)
  const quorumNeeds = { areaE4: ceilToScale(twoThirds(total.areaE4), scale), voters: twoThirds(total.voters) }
  const out = (x: { areaE4: number; voters: number }) => ({ ...areaReply(x.areaE4, scale), voters: x.voters })
  const status = displayStatus(p, ctx.clock.now())
  return {
    status,
    /** when the ballots were added up */
    asOf: new Date(takenAt).toISOString(),
    total: out(total),
    participated: out(participated),
    quorumNeeds: out(quorumNeeds),
    quorumReached: 3n * BigInt(participated.areaE4) >= 2n * BigInt(total.areaE4) && 3 * participated.voters >= 2 * total.voters,
    // elections report per candidate in the result; the agree/oppose split is for single matters
    split: closedSingle ? { agree: out(split.agree), oppose: out(split.oppose), abstain: out(split.abstain) } : null,
    /** while the vote runs, where the community shows it: households per choice at the last batch (open-split.ts) */
    splitWhileOpen: open ? { agree: households('agree'), oppose: households('oppose'), abstain: households('abstain'), asOf: open.takenAt } : null,
  }
}
