import { eq } from 'drizzle-orm'
import { CommunitySettings } from '../../../shared/community'
import { polls } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { standingBallots } from '../ballots/standing'
import type { ServiceCtx } from '../context'
import { displayStatus } from '../polls/lifecycle'

const ceilDiv = (a: number, b: number) => Math.floor((a + b - 1) / b)

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
  const w = () => ({ areaCenti: 0, voters: 0 })
  const participated = w()
  const split = { agree: w(), oppose: w(), abstain: w() }
  for (const b of standing) {
    if (b.choice === 'spoiled' && !settings.spoiledParticipate) continue
    participated.areaCenti += b.areaCenti
    participated.voters += 1
    if (b.choice !== 'spoiled' && b.choice !== 'marked') {
      split[b.choice].areaCenti += b.areaCenti
      split[b.choice].voters += 1
    }
  }
  const total = { areaCenti: p.totalAreaCenti!, voters: p.totalVoters! }
  const quorumNeeds = { areaCenti: ceilDiv(2 * total.areaCenti, 3), voters: ceilDiv(2 * total.voters, 3) }
  const status = displayStatus(p, ctx.clock.now())
  return {
    status,
    total,
    participated,
    quorumNeeds,
    quorumReached: 3 * participated.areaCenti >= 2 * total.areaCenti && 3 * participated.voters >= 2 * total.voters,
    // elections report per candidate in the result; the agree/oppose split is for single matters
    split: p.kind === 'single' && (p.status === 'closed' || settings.showSplitWhileOpen) ? split : null,
  }
}
