/**
 * How a result reads to people: the wording of the signed result, its notice and its export, in
 * the form owners know from published notices (同意 411 人，其中随多数 41 人; 参与表决人数 616/950，
 * 未达三分之二，需 634 人). Pure, shared with the mini-program. Nothing here decides anything: the
 * decisions are the integer comparisons of shared/tally.ts; this only says them.
 *
 * Areas are ten-thousandths of m² (the server's `tallyE4`), printed with `scale` decimals: those of
 * the electorate's most precise registered area, at least two (shared/decimal.ts sumScale), so a
 * total prints exactly and every area of one notice has the same number of decimals.
 */
import { ceilToScale, formatArea } from './decimal'
import type { ElectionTallyE4 as ElectionTally, FollowMajority, TallyE4 as Tally, WeightE4 as Weight } from './tally'

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
 * part / whole as a percentage with two decimals (one on pages: `decimals` 1), rounded half-up in
 * integers, except that a share below a legal line is never printed as reaching it: just under 2/3
 * prints 66.66% (66.6%), not 66.67% (66.7%); just under all prints 99.99% (99.9%). Every figure a
 * person reads comes from here, so a page and the signed result never round one share two ways.
 * Decisions never read it.
 */
export function percentForPeople(part: number, whole: number, decimals: 1 | 2 = 2): string {
  const unit = decimals === 2 ? 100n : 10n
  const scale = 100n * unit
  if (whole <= 0) return `0.${'0'.repeat(decimals)}%`
  const p = BigInt(part)
  const w = BigInt(whole)
  // half-up: floor((2·p·scale + w) / (2·w))
  let bp = (2n * p * scale + w) / (2n * w)
  for (const [n, d] of LINES) {
    // below the line (p/w < n/d), printed at or above it (bp/scale ≥ n/d): the largest value below it
    if (p * d < n * w && bp * d >= n * scale) bp = (n * scale + d - 1n) / d - 1n
  }
  return `${bp / unit}.${String(bp % unit).padStart(decimals, '0')}%`
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
  /** heads, or area in ten-thousandths of m² */
  have: number
  of: number
  /** the least number that would have passed the line (an area: at the precision areas are registered in) */
  need: number
  text: string
}

const area = (areaE4: number, scale: number) => `${formatArea(areaE4, scale)} 平方米`

/** Each measure (voters, area) of `have` against `of` that misses `line`. */
function shortfalls(subject: string, line: Line, have: Weight, of: Weight, scale: number): Shortfall[] {
  const out: Shortfall[] = []
  for (const measure of ['voters', 'area'] as const) {
    const h = measure === 'voters' ? have.voters : have.areaE4
    const o = measure === 'voters' ? of.voters : of.areaE4
    // areas are sums of registered areas, so the least reachable area that passes is a whole
    // number of units in the last printed decimal
    const need = measure === 'voters' ? least(line, o) : ceilToScale(least(line, o), scale)
    if (h >= need) continue
    const label = `${subject}${measure === 'voters' ? '人数' : '面积'}`
    const ratio = measure === 'voters' ? `${h}/${o}` : `${formatArea(h, scale)}/${formatArea(o, scale)} 平方米`
    const needText = measure === 'voters' ? `${need} 人` : area(need, scale)
    out.push({ subject, measure, line, have: h, of: o, need, text: `${label} ${ratio}，${LINE_ZH[line]}，需 ${needText}` })
  }
  return out
}

/** Why a one-matter poll failed: the quorum (2/3 of all), then approval (of the participants). */
export function tallyShortfalls(t: Tally, approval: 'ordinary' | 'special', scale: number): Shortfall[] {
  if (!t.quorum) return shortfalls('参与表决', 'two_thirds', t.participated, t.total, scale)
  if (t.passed) return []
  return shortfalls('同意', approval === 'special' ? 'three_quarters' : 'more_than_half', t.agree, t.participated, scale)
}

/** Why seats stayed empty: the quorum, else each candidate without a majority. */
export function electionShortfalls(e: ElectionTally, nameOf: (id: string) => string, scale: number): Shortfall[] {
  if (!e.quorum) return shortfalls('参与表决', 'two_thirds', e.participated, e.total, scale)
  return e.candidates.filter((c) => !c.majority).flatMap((c) => shortfalls(`${nameOf(c.candidateId)}得票`, 'more_than_half', c.votes, e.participated, scale))
}

// ---------------------------------------------------------------------------------------------
// The lines of a result notice
// ---------------------------------------------------------------------------------------------

/** "411 人（63.62%），面积 4110.00 平方米（63.62%）": heads first, area beside them, shares of `of`. */
export function weightText(w: Weight, of: Weight, scale: number): string {
  return `${w.voters} 人（${percentForPeople(w.voters, of.voters)}），面积 ${area(w.areaE4, scale)}（${percentForPeople(w.areaE4, of.areaE4)}）`
}

const deemedText = (d: Weight, scale: number) => `其中随多数 ${d.voters} 人、面积 ${area(d.areaE4, scale)}`

/** 指导规则 第26条: what follow_majority did, said plainly; null when the rule is not in force. */
export function followMajorityText(f: FollowMajority | undefined, deemed: Weight, nameOf: (id: string) => string, scale: number): string | null {
  if (!f) return null
  const rule = '本小区议事规则规定：已送达表决通知而未投票的业主随多数。'
  switch (f.reason) {
    case 'added':
      return `${rule}本次 ${deemed.voters} 人（面积 ${area(deemed.areaE4, scale)}）随多数计入${f.to.map((x) => (x === 'agree' ? '同意' : x === 'oppose' ? '反对' : nameOf(x))).join('、')}，并计入参与表决。`
    case 'no_majority':
      return `${rule}本次实际投票中没有一方同时获得参与表决面积和人数过半数，未投票业主未计入任何一方。`
    case 'tie_for_seat':
      return `${rule}本次实际投票中应选名额的最后一席出现票数相同，未投票业主未计入任何候选人。`
    case 'none_delivered':
      return `${rule}本次没有已送达表决通知而未投票的业主，无人随多数。`
  }
}

/** The body of a one-matter result: participation, each side with its area, follow-majority, lines missed. */
export function tallyLines(t: Tally, approval: 'ordinary' | 'special', scale: number): string[] {
  const p = t.participated
  const side = (label: string, w: Weight, withDeemed: boolean) => `${label} ${weightText(w, p, scale)}${withDeemed && t.deemed.voters > 0 ? `，${deemedText(t.deemed, scale)}` : ''}`
  const to = t.followMajority?.to ?? []
  return [
    `参与表决：${participationText(p, t.total, t.deemed, scale)}。`,
    `${[side('同意', t.agree, to.includes('agree')), side('反对', t.oppose, to.includes('oppose')), side('弃权', t.abstain, false)].join('；')}；废票 ${t.spoiled.voters} 张（面积 ${area(t.spoiled.areaE4, scale)}）。`,
    followMajorityText(t.followMajority, t.deemed, String, scale),
    ...tallyShortfalls(t, approval, scale).map((s) => `${s.text}。`),
  ].filter((l): l is string => l !== null)
}

/**
 * "646/817 人（79.07%），面积 64600.00/81700.00 平方米（79.07%）". When non-voters were deemed
 * (指导规则 第26条), the owners who actually took part are stated beside them: a reader must be able
 * to see how many took part by their own hand, not only the total the rule produced.
 */
const participationText = (p: Weight, total: Weight, deemed: Weight, scale: number) => {
  const all = `${p.voters}/${total.voters} 人（${percentForPeople(p.voters, total.voters)}），面积 ${formatArea(p.areaE4, scale)}/${area(total.areaE4, scale)}（${percentForPeople(p.areaE4, total.areaE4)}）`
  if (deemed.voters === 0) return all
  const actual = { voters: p.voters - deemed.voters, areaE4: p.areaE4 - deemed.areaE4 }
  return `${all}，其中实际参与表决 ${actual.voters} 人（${percentForPeople(actual.voters, total.voters)}）、面积 ${area(actual.areaE4, scale)}（${percentForPeople(actual.areaE4, total.areaE4)}），随多数计入 ${deemed.voters} 人、面积 ${area(deemed.areaE4, scale)}`
}

/**
 * A seat the votes did not decide: candidates tied in voters and area across the last seat, the
 * seat given by the order of the candidates on the ballot (tally.ts rankCandidates). Said, so that
 * no reader takes it for a win by votes.
 */
function tiedSeatText(e: ElectionTally, nameOf: (id: string) => string): string | null {
  const tied = e.tiedForLastSeat
  if (!tied) return null
  const won = tied.filter((id) => e.elected.includes(id))
  return `${tied.map(nameOf).join('、')}得票完全相同（人数和面积都相同），票数不能决定最后${won.length > 1 ? `${won.length}个名额` : '一个名额'}，按选票上候选人的排列顺序由${won.map(nameOf).join('、')}当选。`
}

/** The body of a candidate poll's result: participation, each candidate with area and follow-majority, lines missed. */
export function electionLines(e: ElectionTally, nameOf: (id: string) => string, scale: number): string[] {
  const p = e.participated
  const standing = (c: ElectionTally['candidates'][number]) =>
    !e.quorum ? '' : c.elected ? `，当选（第${c.rank}名）` : c.majority ? '，过半数但名额已满，未当选' : '，未过半数，未当选'
  return [
    `参与表决：${participationText(p, e.total, e.deemed, scale)}；弃权 ${e.abstain.voters} 人，废票 ${e.spoiled.voters} 张。`,
    ...e.candidates.map((c) => `${nameOf(c.candidateId)}：${weightText(c.votes, p, scale)}${c.deemed.voters > 0 ? `，${deemedText(c.deemed, scale)}` : ''}${standing(c)}。`),
    tiedSeatText(e, nameOf),
    followMajorityText(e.followMajority, e.deemed, nameOf, scale),
    ...electionShortfalls(e, nameOf, scale).map((s) => `${s.text}。`),
  ].filter((l): l is string => l !== null)
}
