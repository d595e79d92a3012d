/**
 * How a result reads to people: the wording of the signed result, its notice and its export, in
 * the form owners know from published notices (同意 411 人，其中随多数 41 人; 参与表决人数 616/950，
 * 未达三分之二，需 634 人). Pure, shared with the mini-program. Nothing here decides anything: the
 * decisions are the integer comparisons of shared/tally.ts; this only says them.
 */
import { formatCenti } from './decimal'
import type { ElectionTally, FollowMajority, Tally, Weight } from './tally'

// ---------------------------------------------------------------------------------------------
// Percentages for people (voting-rules.md, "Percentages for people")
// ---------------------------------------------------------------------------------------------

/** The lines the law draws (民法典 第278条): a printed share never crosses one it is below. */
const LINES: readonly [bigint, bigint][] = [
  [1n, 2n],
  [2n, 3n],
  [3n, 4n],
  [1n, 1n],
]

/**
 * part / whole as a percentage with two decimals, rounded half-up in integers, except that a share
 * below a legal line is never printed as reaching it: just under 2/3 prints 66.66%, not 66.67%;
 * just under all prints 99.99%. Decisions never read it.
 */
export function percentForPeople(part: number, whole: number): string {
  if (whole <= 0) return '0.00%'
  const p = BigInt(part)
  const w = BigInt(whole)
  // half-up: floor((2·p·10000 + w) / (2·w))
  let bp = (2n * p * 10000n + w) / (2n * w)
  for (const [n, d] of LINES) {
    // below the line (p/w < n/d), printed at or above it (bp/10000 ≥ n/d): the largest value below it
    if (p * d < n * w && bp * d >= n * 10000n) bp = (n * 10000n + d - 1n) / d - 1n
  }
  return `${bp / 100n}.${String(bp % 100n).padStart(2, '0')}%`
}

// ---------------------------------------------------------------------------------------------
// Lines missed, and by how much
// ---------------------------------------------------------------------------------------------

export type Line = 'two_thirds' | 'more_than_half' | 'three_quarters'
const LINE_ZH: Record<Line, string> = { two_thirds: '未达三分之二', more_than_half: '未过半数', three_quarters: '未达四分之三' }

/** The least x that passes the line against `of` (exactly, in integers). */
function least(line: Line, of: number): number {
  const o = BigInt(of)
  // 3x ≥ 2·of (以上, inclusive); 2x > of (过半数, strict); 4x ≥ 3·of (inclusive)
  const x = line === 'two_thirds' ? (2n * o + 2n) / 3n : line === 'three_quarters' ? (3n * o + 3n) / 4n : o / 2n + 1n
  return Number(x)
}

export interface Shortfall {
  /** what was measured: participation, agreement, or a candidate's marks (by name) */
  subject: string
  measure: 'voters' | 'area'
  line: Line
  have: number
  of: number
  /** the least number that would have passed the line */
  need: number
  text: string
}

const area = (areaCenti: number) => `${formatCenti(areaCenti)} 平方米`
const measureText = (m: 'voters' | 'area', n: number) => (m === 'voters' ? `${n} 人` : area(n))

/** Each measure (voters, area) of `have` against `of` that misses `line`. */
function shortfalls(subject: string, line: Line, have: Weight, of: Weight): Shortfall[] {
  const out: Shortfall[] = []
  for (const measure of ['voters', 'area'] as const) {
    const h = measure === 'voters' ? have.voters : have.areaCenti
    const o = measure === 'voters' ? of.voters : of.areaCenti
    const need = least(line, o)
    if (h >= need) continue
    const label = `${subject}${measure === 'voters' ? '人数' : '面积'}`
    const ratio = measure === 'voters' ? `${h}/${o}` : `${formatCenti(h)}/${formatCenti(o)} 平方米`
    out.push({ subject, measure, line, have: h, of: o, need, text: `${label} ${ratio}，${LINE_ZH[line]}，需 ${measureText(measure, need)}` })
  }
  return out
}

/** Why a one-matter poll failed: the quorum (2/3 of all), then approval (of the participants). */
export function tallyShortfalls(t: Tally, approval: 'ordinary' | 'special'): Shortfall[] {
  if (!t.quorum) return shortfalls('参与表决', 'two_thirds', t.participated, t.total)
  if (t.passed) return []
  return shortfalls('同意', approval === 'special' ? 'three_quarters' : 'more_than_half', t.agree, t.participated)
}

/** Why seats stayed empty: the quorum, else each candidate without a majority. */
export function electionShortfalls(e: ElectionTally, nameOf: (id: string) => string): Shortfall[] {
  if (!e.quorum) return shortfalls('参与表决', 'two_thirds', e.participated, e.total)
  return e.candidates.filter((c) => !c.majority).flatMap((c) => shortfalls(`${nameOf(c.candidateId)}得票`, 'more_than_half', c.votes, e.participated))
}

// ---------------------------------------------------------------------------------------------
// The lines of a result notice
// ---------------------------------------------------------------------------------------------

/** "411 人（63.62%），面积 4110.00 平方米（63.62%）": heads first, area beside them, shares of `of`. */
export function weightText(w: Weight, of: Weight): string {
  return `${w.voters} 人（${percentForPeople(w.voters, of.voters)}），面积 ${area(w.areaCenti)}（${percentForPeople(w.areaCenti, of.areaCenti)}）`
}

const deemedText = (d: Weight) => `其中随多数 ${d.voters} 人、面积 ${area(d.areaCenti)}`

/** 指导规则 第26条: what follow_majority did, said plainly; null when the rule is not in force. */
export function followMajorityText(f: FollowMajority | undefined, deemed: Weight, nameOf: (id: string) => string): string | null {
  if (!f) return null
  const rule = '本小区议事规则规定：已送达表决通知而未投票的业主随多数。'
  switch (f.reason) {
    case 'added':
      return `${rule}本次 ${deemed.voters} 人（面积 ${area(deemed.areaCenti)}）随多数计入${f.to.map((x) => (x === 'agree' ? '同意' : x === 'oppose' ? '反对' : nameOf(x))).join('、')}，并计入参与表决。`
    case 'no_majority':
      return `${rule}本次实际投票中没有一方同时获得参与表决面积和人数过半数，未投票业主未计入任何一方。`
    case 'tie_for_seat':
      return `${rule}本次实际投票中应选名额的最后一席出现票数相同，未投票业主未计入任何候选人。`
    case 'none_delivered':
      return `${rule}本次没有已送达表决通知而未投票的业主，无人随多数。`
  }
}

/** The body of a one-matter result: participation, each side with its area, follow-majority, lines missed. */
export function tallyLines(t: Tally, approval: 'ordinary' | 'special'): string[] {
  const p = t.participated
  const side = (label: string, w: Weight, withDeemed: boolean) => `${label} ${weightText(w, p)}${withDeemed && t.deemed.voters > 0 ? `，${deemedText(t.deemed)}` : ''}`
  const to = t.followMajority?.to ?? []
  return [
    `参与表决：${p.voters}/${t.total.voters} 人（${percentForPeople(p.voters, t.total.voters)}），面积 ${formatCenti(p.areaCenti)}/${area(t.total.areaCenti)}（${percentForPeople(p.areaCenti, t.total.areaCenti)}）。`,
    `${[side('同意', t.agree, to.includes('agree')), side('反对', t.oppose, to.includes('oppose')), side('弃权', t.abstain, false)].join('；')}；废票 ${t.spoiled.voters} 张（面积 ${area(t.spoiled.areaCenti)}）。`,
    followMajorityText(t.followMajority, t.deemed, String),
    ...tallyShortfalls(t, approval).map((s) => `${s.text}。`),
  ].filter((l): l is string => l !== null)
}

/** The body of a candidate poll's result: participation, each candidate with area and follow-majority, lines missed. */
export function electionLines(e: ElectionTally, nameOf: (id: string) => string): string[] {
  const p = e.participated
  const standing = (c: ElectionTally['candidates'][number]) =>
    !e.quorum ? '' : c.elected ? `，当选（第${c.rank}名）` : c.majority ? '，过半数但名额已满，未当选' : '，未过半数，未当选'
  return [
    `参与表决：${p.voters}/${e.total.voters} 人（${percentForPeople(p.voters, e.total.voters)}），面积 ${formatCenti(p.areaCenti)}/${area(e.total.areaCenti)}（${percentForPeople(p.areaCenti, e.total.areaCenti)}）；弃权 ${e.abstain.voters} 人，废票 ${e.spoiled.voters} 张。`,
    ...e.candidates.map((c) => `${nameOf(c.candidateId)}：${weightText(c.votes, p)}${c.deemed.voters > 0 ? `，${deemedText(c.deemed)}` : ''}${standing(c)}。`),
    followMajorityText(e.followMajority, e.deemed, nameOf),
    ...electionShortfalls(e, nameOf).map((s) => `${s.text}。`),
  ].filter((l): l is string => l !== null)
}
