import { eq } from 'drizzle-orm'
import { formatArea } from '../../../shared/decimal'
import { resultAreas } from '../../../shared/result-document'
import { electionShortfalls, percentForPeople, tallyShortfalls } from '../../../shared/result-text'
import type { ElectionTallyE4 as ElectionTally, TallyE4 as Tally, WeightE4 as Weight } from '../../../shared/tally'
import { pollResults } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'
import { publishIfDue } from './close'

/**
 * The tally as a table a person can check with a pencil. Every column means one thing on every
 * row; a cell that does not apply is empty. 类别 says how rows add up: the 明细 rows split the
 * electorate (their 人数 and 面积 add up to 投票权人总数; those with 计入参与表决 = 是 add up to
 * 参与表决); 合计 rows are those sums; 得票 rows are each candidate's marks (a ballot may mark
 * several); 附注 rows are reported, never counted (已发放未回收, voting-rules.md). Areas print exactly,
 * with the decimals of the electorate's most precise registered area (95.363 stays 95.363).
 */
export const TALLY_COLUMNS = [
  '表决事项', '类别', '项目', '计入参与表决', '人数', '其中随多数人数', '专有部分面积（平方米）', '其中随多数面积（平方米）',
  '占投票权人总数人数比例', '占投票权人总数面积比例', '占参与表决人数比例', '占参与表决面积比例', '判定',
] as const

type Cell = string | number
interface ResultDoc {
  title: string
  approvalClass: 'ordinary' | 'special'
  rules: { spoiledParticipate: boolean }
  tally: Tally | null
  election: (ElectionTally & { candidates: (ElectionTally['candidates'][number] & { name: string })[] }) | null
  paperBallots: { notReturned: number; notReturnedAreaE4?: number }
}

const ZERO: Weight = { areaE4: 0, voters: 0 }
const minus = (a: Weight, b: Weight): Weight => ({ areaE4: a.areaE4 - b.areaE4, voters: a.voters - b.voters })

/** The published tally as rows, from the signed result document alone (either version: shared/result-document.ts). */
export function tallyRows(signed: Record<string, unknown>): Cell[][] {
  const { doc: read, scale } = resultAreas(signed)
  const doc = read as unknown as ResultDoc
  const t = doc.tally ?? doc.election!
  const { total, participated } = t
  const area = (e4: number) => formatArea(e4, scale)
  const row = (kind: string, item: string, counts: boolean | null, w: Weight, deemed: Weight | null, verdict: string): Cell[] => [
    doc.title, kind, item, counts === null ? '' : counts ? '是' : '否',
    w.voters, deemed ? deemed.voters : '', area(w.areaE4), deemed ? area(deemed.areaE4) : '',
    percentForPeople(w.voters, total.voters), percentForPeople(w.areaE4, total.areaE4),
    counts ? percentForPeople(w.voters, participated.voters) : '', counts ? percentForPeople(w.areaE4, participated.areaE4) : '',
    verdict,
  ]
  const spoiledCounts = doc.rules.spoiledParticipate
  // the actual ballots: participants less the deemed, plus spoiled ballots that do not participate
  const balloted = { areaE4: participated.areaE4 - t.deemed.areaE4 + (spoiledCounts ? 0 : t.spoiled.areaE4), voters: participated.voters - t.deemed.voters + (spoiledCounts ? 0 : t.spoiled.voters) }
  const notVoted = minus(minus(total, balloted), t.deemed)
  const short = (s: { text: string }[]) => s.map((x) => x.text).join('；')
  const quorumVerdict = t.quorum ? '达到三分之二' : short(doc.tally ? tallyShortfalls(doc.tally, doc.approvalClass, scale) : electionShortfalls(doc.election!, (id) => id, scale))
  const rows: Cell[][] = [[...TALLY_COLUMNS]]

  if (doc.tally) {
    const x = doc.tally
    const to = x.followMajority?.to ?? []
    const agreeVerdict = x.passed ? '通过' : x.quorum ? `未通过（未形成决定）：${short(tallyShortfalls(x, doc.approvalClass, scale))}` : '表决不成立'
    rows.push(
      row('明细', '同意', true, x.agree, to.includes('agree') ? x.deemed : ZERO, agreeVerdict),
      row('明细', '反对', true, x.oppose, to.includes('oppose') ? x.deemed : ZERO, ''),
      row('明细', '弃权', true, x.abstain, ZERO, ''),
    )
  } else {
    const e = doc.election!
    const marked = minus(minus(minus(participated, e.abstain), spoiledCounts ? e.spoiled : ZERO), e.deemed)
    rows.push(row('明细', '有效票（选了候选人）', true, marked, ZERO, ''), row('明细', '弃权（未选任何候选人）', true, e.abstain, ZERO, ''))
    if (e.deemed.voters > 0) rows.push(row('明细', '随多数（未投票，按议事规则计入）', true, e.deemed, e.deemed, ''))
  }
  rows.push(
    row('明细', '废票', spoiledCounts, t.spoiled, null, ''),
    row('明细', '未投票', false, notVoted, null, ''),
    row('合计', '投票权人总数', null, total, null, ''),
    row('合计', '参与表决', true, participated, t.deemed, quorumVerdict),
  )
  if (doc.election) {
    for (const c of doc.election.candidates) {
      const verdict = !t.quorum ? '表决不成立' : c.elected ? `当选（第${c.rank}名）` : c.majority ? '未当选（名额已满）' : `未当选：${short(electionShortfalls({ ...doc.election, candidates: [c] }, () => c.name, scale))}`
      rows.push(row('得票', `候选人：${c.name}`, true, c.votes, c.deemed ?? ZERO, verdict))
    }
  }
  const nr = doc.paperBallots.notReturned
  const nrArea = doc.paperBallots.notReturnedAreaE4
  rows.push([doc.title, '附注', '已发放未回收纸质票', '否', nr, '', nrArea === undefined ? '' : area(nrArea), '', percentForPeople(nr, total.voters), nrArea === undefined ? '' : percentForPeople(nrArea, total.areaE4), '', '', '不计入'])
  return rows
}

export async function tallyTable(ctx: ServiceCtx, pollId: string): Promise<Cell[][]> {
  await publishIfDue(ctx, pollId)
  const [r] = await ctx.db.select().from(pollResults).where(eq(pollResults.pollId, pollId))
  if (!r) throw new AppError('RESULT_NOT_PUBLISHED')
  return tallyRows(r.document as Record<string, unknown>)
}
