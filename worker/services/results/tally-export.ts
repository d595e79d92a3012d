import { eq } from 'drizzle-orm'
import { CommunitySettings } from '../../../shared/community'
import { formatCenti } from '../../../shared/decimal'
import { percentForPeople } from '../../../shared/result-text'
import type { ElectionTally, Tally, Weight } from '../../../shared/tally'
import { pollResults, polls } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { standingBallots } from '../ballots/standing'
import type { ServiceCtx } from '../context'

/** The columns of published result notices (表决结果公示). */
export const TALLY_COLUMNS = ['表决事项', '赞同', '反对', '弃权', '随多数', '未选', '已作废', '已发放未回收', '投票权人数', '占参与表决人数比例', '专有部分面积', '占参与表决面积比例', '表决结果'] as const

const percent = percentForPeople

const weightCells = (w: Weight, participated: Weight) => [w.voters, percent(w.voters, participated.voters), formatCenti(w.areaCenti), percent(w.areaCenti, participated.areaCenti)]

/** The published tally as rows: one for a single matter, one per candidate for an election. */
export async function tallyTable(ctx: ServiceCtx, pollId: string): Promise<(string | number)[][]> {
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  const [r] = await ctx.db.select().from(pollResults).where(eq(pollResults.pollId, pollId))
  if (!p || !r) throw new AppError('RESULT_NOT_PUBLISHED')
  const doc = r.document as {
    title: string
    tally: Tally | null
    election: (ElectionTally & { candidates: (ElectionTally['candidates'][number] & { name: string })[] }) | null
    paperBallots: { notReturned: number }
  }
  const notReturned = doc.paperBallots.notReturned
  if (doc.tally) {
    const t = doc.tally
    const settings = CommunitySettings.parse(p.settings ?? {})
    const actual = { agree: 0, oppose: 0, abstain: 0 }
    for (const b of await standingBallots(ctx.db, pollId, settings.paperVsElectronic)) if (b.choice in actual) actual[b.choice as keyof typeof actual]++
    const notVoted = t.total.voters - t.participated.voters + (settings.spoiledParticipate ? 0 : t.spoiled.voters)
    const result = t.outcome === 'passed' ? '通过' : t.outcome === 'rejected' ? '未通过（未形成决定）' : '表决不成立'
    return [[...TALLY_COLUMNS], [doc.title, actual.agree, actual.oppose, actual.abstain, t.deemed.voters, notVoted, t.spoiled.voters, notReturned, ...weightCells(t.agree, t.participated), result]]
  }
  const e = doc.election!
  const settings = CommunitySettings.parse(p.settings ?? {})
  // ballots that marked at least one candidate (participants less abstentions and counted spoiled ones)
  const marked = e.participated.voters - e.abstain.voters - (settings.spoiledParticipate ? e.spoiled.voters : 0)
  const rows: (string | number)[][] = [[...TALLY_COLUMNS]]
  for (const c of e.candidates) {
    const result = !e.quorum ? '表决不成立' : c.elected ? `当选（第${c.rank}名）` : c.majority ? '未当选（名额已满）' : '未当选（未过半数）'
    // 未选: a valid ballot that marked others but not this candidate
    rows.push([`候选人：${c.name}`, c.votes.voters, '', e.abstain.voters, '', marked - c.votes.voters, e.spoiled.voters, notReturned, ...weightCells(c.votes, e.participated), result])
  }
  return rows
}
