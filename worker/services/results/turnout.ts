import { eq } from 'drizzle-orm'
import { CommunitySettings } from '../../../shared/community'
import { areaReply, ceilToScale, sumScale } from '../../../shared/decimal'
import { polls } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { standingBallots } from '../ballots/standing'
import type { ServiceCtx } from '../context'
import { displayStatus } from '../polls/lifecycle'

/** ⌈2x/3⌉ exactly: the least part with 3·part ≥ 2·x (2x may pass 2^53, hence BigInt) */
const twoThirds = (x: number) => Number((2n * BigInt(x) + 2n) / 3n)

/**
 * Participation against the 2/3 lines (民法典 第278条: 3·part ≥ 2·total, area and voters), by
 * aggregate over the standing ballots. The split by choice stays hidden until close unless the
 * community chose to show it.
 */
export async function turnout(ctx: ServiceCtx, pollId: string) {
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p) throw new AppError('NOT_FOUND')
  if (!p.rosterVersionId) throw new AppError('RESOURCE_STATE', { status: p.status })
  const settings = CommunitySettings.parse(p.settings ?? {})
  const standing = await standingBallots(ctx.db, pollId, settings.paperVsElectronic)
  const w = () => ({ areaE4: 0, voters: 0 })
  const participated = w()
  const split = { agree: w(), oppose: w(), abstain: w() }
  for (const b of standing) {
    if (b.choice === 'spoiled' && !settings.spoiledParticipate) continue
    participated.areaE4 += b.areaE4
    participated.voters += 1
    if (b.choice !== 'spoiled' && b.choice !== 'marked') {
      split[b.choice].areaE4 += b.areaE4
      split[b.choice].voters += 1
    }
  }
  // every area here prints with the decimals of the electorate's most precise unit (at least two)
  const scale = sumScale(p.areaScale!)
  const total = { areaE4: p.totalAreaE4!, voters: p.totalVoters! }
  // the least area that reaches 2/3, at the precision areas are registered in (3·part ≥ 2·total)
  const quorumNeeds = { areaE4: ceilToScale(twoThirds(total.areaE4), scale), voters: twoThirds(total.voters) }
  const out = (x: { areaE4: number; voters: number }) => ({ ...areaReply(x.areaE4, scale), voters: x.voters })
  const status = displayStatus(p, ctx.clock.now())
  return {
    status,
    total: out(total),
    participated: out(participated),
    quorumNeeds: out(quorumNeeds),
    quorumReached: 3n * BigInt(participated.areaE4) >= 2n * BigInt(total.areaE4) && 3 * participated.voters >= 2 * total.voters,
    // elections report per candidate in the result; the agree/oppose split is for single matters
    split: p.kind === 'single' && (p.status === 'closed' || settings.showSplitWhileOpen) ? { agree: out(split.agree), oppose: out(split.oppose), abstain: out(split.abstain) } : null,
  }
}
