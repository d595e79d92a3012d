/**
 * A property firm's comprehensive credit score (物业服务企业信用综合评价) under a scheme the
 * district chooses and publishes. Pure: the same inputs give the same scores, grades and order
 * on the server and on a phone, so anyone can recompute a published list.
 *
 * Arithmetic is exact: points are integer hundredths (`centi`, 1 point = 100), rates are integer
 * fractions, and the one division (a weight times a rate) rounds half up once, on hundredths.
 * Every score comes back with the inputs and the weights that made it.
 *
 * Two presets ship (seeds 000, 003, 004 ask for evidence-based grading; the presets are the two
 * real schemes the oversight issue names):
 * - YANTAI_2022 (山东·烟台, 2022): base information ≤ 80 + good conduct ≤ 40 − bad conduct; records
 *   count for one year; grades by fixed thresholds AAA ≥ 85, AA ≥ 80, A ≥ 70, B ≥ 60, C below,
 *   except that a firm below 60 with no bad record in force stays B; serious dishonesty puts a
 *   firm on the blacklist whatever its score.
 * - BEIJING_2026 (北京, 2026): half-yearly on the document's fixed cycles, 上半年 1 Jan–30 Jun and
 *   下半年 1 Jul–31 Dec (never a rolling six months); the records as above plus complaint handling
 *   (接诉即办: response, on-time resolution, satisfaction) and owner satisfaction (quarterly
 *   ratings), both over the whole half year; grades A/B/C/D by rank proportion within the
 *   district, not by thresholds. A half year's list is addressed by the quarter that closes it
 *   (Q2 上半年, Q4 下半年; see `evaluationPeriod`).
 *   PROVISIONAL: the document is 《北京市住宅项目物业服务企业综合评价管理办法（试行）》 (北京市住房
 *   城乡建设委 with others, issued 2025-12-19, in trial from 2026-01-01). What the public reports
 *   of it say, and this preset follows: evaluated every half year (1 Jan–30 Jun, 1 Jul–31 Dec),
 *   A/B/C/D by score from high to low in proportions, indicators including 接诉即办, awards,
 *   fees and administrative penalties. Its proportions, weights and caps are not in those reports
 *   nor in the project's seed documents, so the numbers below are labelled placeholders
 *   (`provisional`), shown with every list computed under them; the department publishes its
 *   own scheme with the document's numbers (shared/credit-scheme.ts `withDistrictNumbers`), and
 *   lists computed under it carry no placeholder text.
 */

import { quarter } from './statements'

export type RecordCategory = 'base' | 'good' | 'bad'

/** One entry of a firm's credit file, as the score sees it. */
export interface ScoreRecord {
  id: string
  category: RecordCategory
  /** what it is, in words people read (e.g. 季度报表逾期未公示) */
  item: string
  /** always ≥ 0; a bad record's points are deducted */
  pointsCenti: number
  /** when it happened (Beijing date, YYYY-MM-DD) */
  occurredOn: string
  /** an explicit last day of effect; otherwise the scheme's validity decides */
  expiresOn?: string | null
  /** 严重失信: blacklist (Yantai) or the lowest grade (Beijing), whatever the score */
  seriousDishonesty?: boolean
}

/** A share as an exact fraction; `of` = 0 means nothing to measure. */
export interface Rate {
  hits: number
  of: number
}

export interface FirmInputs {
  firmId: string
  firmName: string
  records: readonly ScoreRecord[]
  /** 接诉即办 over the period: answered within the first-contact limit / resolved on time / owners satisfied */
  complaints?: { response: Rate; resolution: Rate; satisfaction: Rate }
  /** owners' quarterly ratings over the period: ratings of 4–5 among all */
  ownerSatisfaction?: Rate
}

interface SchemeBase {
  id: string
  name: string
  /** the document the scheme follows */
  source: string
  /** how long a record counts, in months after it happened, unless it names its own expiry */
  validityMonths: number
  baseCapCenti: number
  goodCapCenti: number
  /** grades that put a firm on the period's good list (好榜) and bad list (差榜) */
  goodGrades: readonly string[]
  badGrades: readonly string[]
  /** null: the numbers are the document's; else what is not, in words people read (shown with every list) */
  provisional: string | null
}

export interface ThresholdScheme extends SchemeBase {
  grading: 'thresholds'
  period: 'quarter' | 'year'
  /** best first; a firm takes the first grade whose floor it reaches */
  thresholds: readonly { grade: string; minCenti: number }[]
  /** the grade below every floor */
  bottomGrade: string
  /** a firm below every floor with no bad record in force takes this grade instead */
  bottomWithoutBadRecord: string
  blacklistGrade: string
}

export interface RankScheme extends SchemeBase {
  grading: 'rank'
  /** fixed half years, 1 Jan–30 Jun and 1 Jul–31 Dec (`evaluationPeriod`) */
  period: 'half_year'
  /** complaint handling: points at a 100% rate of each measure */
  complaintWeightsCenti: { response: number; resolution: number; satisfaction: number }
  ownerSatisfactionWeightCenti: number
  /** best first, cumulative percent of the district's firms (the last is 100) */
  shares: readonly { grade: string; cumulativePercent: number }[]
  /** serious dishonesty takes this grade, whatever the rank */
  dishonestyGrade: string
}

export type CreditScheme = ThresholdScheme | RankScheme

export const YANTAI_2022: ThresholdScheme = {
  id: 'yantai-2022',
  name: '烟台市物业服务企业信用评价（2022）',
  source: '山东省烟台市物业服务企业信用管理办法（2022）',
  grading: 'thresholds',
  period: 'quarter',
  validityMonths: 12,
  baseCapCenti: 8000,
  goodCapCenti: 4000,
  thresholds: [
    { grade: 'AAA', minCenti: 8500 },
    { grade: 'AA', minCenti: 8000 },
    { grade: 'A', minCenti: 7000 },
    { grade: 'B', minCenti: 6000 },
  ],
  bottomGrade: 'C',
  bottomWithoutBadRecord: 'B',
  blacklistGrade: '黑名单',
  goodGrades: ['AAA'],
  badGrades: ['C', '黑名单'],
  provisional: null,
}

export const BEIJING_2026: RankScheme = {
  id: 'beijing-2026',
  name: '北京市住宅项目物业服务企业综合评价（2026，暂定参数）',
  source: '北京市住宅项目物业服务企业综合评价管理办法（试行），2026年1月1日起试行，每半年评价一次',
  grading: 'rank',
  period: 'half_year',
  validityMonths: 12,
  baseCapCenti: 4000,
  goodCapCenti: 2000,
  complaintWeightsCenti: { response: 1000, resolution: 1500, satisfaction: 1500 },
  ownerSatisfactionWeightCenti: 2000,
  shares: [
    { grade: 'A', cumulativePercent: 20 },
    { grade: 'B', cumulativePercent: 80 },
    { grade: 'C', cumulativePercent: 95 },
    { grade: 'D', cumulativePercent: 100 },
  ],
  dishonestyGrade: 'D',
  goodGrades: ['A'],
  badGrades: ['D'],
  provisional:
    '暂定参数：A、B、C、D 四级按得分排名比例划分、每半年评价一次，依据该办法的公开报道；各级比例（20%、60%、15%、5%）以及基础信息、良好行为、投诉办理、业主满意率的分值为本系统的暂定值，并非该办法原文，以区县住房城乡建设部门公布的方案为准。',
}

export const CREDIT_SCHEMES: Readonly<Record<string, CreditScheme>> = {
  [YANTAI_2022.id]: YANTAI_2022,
  [BEIJING_2026.id]: BEIJING_2026,
}

/** How many quarters one evaluation period of a scheme spans. */
const QUARTERS_IN: Record<CreditScheme['period'], number> = { quarter: 1, half_year: 2, year: 4 }

export interface EvaluationPeriod {
  /** the quarter that closes the period: the key its list is stored and addressed by */
  closing: string
  /** the quarters it covers, first to last (complaints filed in them, ratings given for them) */
  quarters: string[]
  /** its first and last day (Beijing dates); records in force on the last day count */
  start: string
  end: string
  /** how people read it: 2026Q4 for a quarter (as quarterly lists have always been titled), 2026年上半年, 2026年下半年, 2026年度 */
  label: string
  /** the closing quarter of the period before it in the same cycle */
  previous: string
}

const quarterAt = (index: number) => `${Math.floor(index / 4)}Q${(index % 4) + 1}`

/**
 * The evaluation period a scheme's list for `closing` (e.g. 2026Q2) covers, or null when that
 * quarter does not close one. Periods are fixed calendar cycles, never rolling windows: the
 * Beijing document evaluates every half year, 1 Jan–30 Jun and 1 Jul–31 Dec, so under a
 * half-year scheme only Q2 (上半年, Q1+Q2) and Q4 (下半年, Q3+Q4) close a period; a yearly one
 * closes in Q4 only; a quarterly one (Yantai) in every quarter.
 */
export function evaluationPeriod(period: CreditScheme['period'], closing: string): EvaluationPeriod | null {
  const m = /^(\d{4})Q([1-4])$/.exec(closing)
  if (!m) return null
  const n = QUARTERS_IN[period]
  const year = Number(m[1])
  const last = year * 4 + Number(m[2]) - 1
  if ((last + 1) % n !== 0) return null
  const quarters = Array.from({ length: n }, (_, i) => quarterAt(last - n + 1 + i))
  const label = period === 'quarter' ? closing : period === 'year' ? `${year}年度` : `${year}年${last % 4 === 1 ? '上' : '下'}半年`
  return { closing, quarters, start: quarter(quarters[0]!)!.start, end: quarter(closing)!.end, label, previous: quarterAt(last - n) }
}

/** The period in words, as in 连续两个季度 / 连续两个半年度 (seed 003 三). */
export const PERIOD_ZH: Record<CreditScheme['period'], string> = { quarter: '季度', half_year: '半年度', year: '年度' }

/** The quarters that close a period of the scheme in `year`, for telling a person which to pick. */
export const closingQuarters = (period: CreditScheme['period'], year: number) =>
  [1, 2, 3, 4].map((q) => `${year}Q${q}`).filter((c) => evaluationPeriod(period, c) !== null)

/** One line of the breakdown shown beside a score. */
export interface ScorePart {
  part: 'base' | 'good' | 'bad' | 'complaint_response' | 'complaint_resolution' | 'complaint_satisfaction' | 'owner_satisfaction'
  label: string
  /** what the inputs add up to before a cap (records) or the rate (measures) */
  rawCenti?: number
  capCenti?: number
  rate?: Rate
  weightCenti?: number
  /** what it contributes (negative for bad conduct) */
  pointsCenti: number
}

export interface FirmScore {
  firmId: string
  firmName: string
  scoreCenti: number
  grade: string
  /** 1 = best; equal scores share a rank (see `rankFirms`) */
  rank: number
  blacklisted: boolean
  parts: ScorePart[]
  /** the records in force on the day, each once, and those left out as expired */
  counted: ScoreRecord[]
  expired: ScoreRecord[]
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The last day a record counts: its own expiry, or the day before the same date `months` later. */
export function lastDayInForce(record: ScoreRecord, validityMonths: number): string {
  if (record.expiresOn) return record.expiresOn
  if (!DATE.test(record.occurredOn)) throw new RangeError(`not a date: ${record.occurredOn}`)
  const [y, m, d] = record.occurredOn.split('-').map(Number) as [number, number, number]
  const months = m - 1 + validityMonths
  // same day-of-month `months` later, clamped to the month's end (a record of 02-29 lasts to 02-27 next year)
  const ty = y + Math.floor(months / 12)
  const tm = months % 12
  const dim = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate()
  const end = Date.UTC(ty, tm, Math.min(d, dim)) - 86_400_000
  return new Date(end).toISOString().slice(0, 10)
}

export const inForce = (record: ScoreRecord, asOf: string, validityMonths: number) =>
  record.occurredOn <= asOf && asOf <= lastDayInForce(record, validityMonths)

/** weight × hits / of, in hundredths, rounded half up; 0 when there was nothing to measure */
export function weighted(weightCenti: number, rate: Rate): number {
  if (rate.of <= 0) return 0
  if (!Number.isSafeInteger(rate.hits) || !Number.isSafeInteger(rate.of) || rate.hits < 0 || rate.hits > rate.of) {
    throw new RangeError(`not a rate: ${rate.hits}/${rate.of}`)
  }
  return Math.floor((2 * weightCenti * rate.hits + rate.of) / (2 * rate.of))
}

const LABELS: Record<ScorePart['part'], string> = {
  base: '基础信息',
  good: '良好行为',
  bad: '不良行为',
  complaint_response: '投诉响应率',
  complaint_resolution: '投诉按时办结率',
  complaint_satisfaction: '投诉满意率',
  owner_satisfaction: '业主满意率',
}

function check(r: ScoreRecord) {
  if (!Number.isSafeInteger(r.pointsCenti) || r.pointsCenti < 0) throw new RangeError(`record ${r.id}: points must be whole hundredths ≥ 0`)
}

/** The score of one firm on `asOf`, before grading (grades may depend on the other firms). */
export function scoreOf(scheme: CreditScheme, firm: FirmInputs, asOf: string) {
  const counted: ScoreRecord[] = []
  const expired: ScoreRecord[] = []
  for (const r of firm.records) {
    check(r)
    if (r.occurredOn > asOf) continue // not yet happened on the day of the list
    ;(inForce(r, asOf, scheme.validityMonths) ? counted : expired).push(r)
  }
  const sum = (cat: RecordCategory) => counted.filter((r) => r.category === cat).reduce((n, r) => n + r.pointsCenti, 0)
  const base = sum('base')
  const good = sum('good')
  const bad = sum('bad')
  const parts: ScorePart[] = [
    { part: 'base', label: LABELS.base, rawCenti: base, capCenti: scheme.baseCapCenti, pointsCenti: Math.min(base, scheme.baseCapCenti) },
    { part: 'good', label: LABELS.good, rawCenti: good, capCenti: scheme.goodCapCenti, pointsCenti: Math.min(good, scheme.goodCapCenti) },
    { part: 'bad', label: LABELS.bad, rawCenti: bad, pointsCenti: -bad },
  ]
  if (scheme.grading === 'rank') {
    const none: Rate = { hits: 0, of: 0 }
    const c = firm.complaints ?? { response: none, resolution: none, satisfaction: none }
    const w = scheme.complaintWeightsCenti
    const measure = (part: ScorePart['part'], rate: Rate, weightCenti: number): ScorePart => ({
      part,
      label: LABELS[part],
      rate,
      weightCenti,
      // a firm with no complaints in the period had nothing to fail: full marks for that measure
      pointsCenti: rate.of === 0 ? weightCenti : weighted(weightCenti, rate),
    })
    parts.push(
      measure('complaint_response', c.response, w.response),
      measure('complaint_resolution', c.resolution, w.resolution),
      measure('complaint_satisfaction', c.satisfaction, w.satisfaction),
      // no ratings at all is not satisfaction: 0 points, so a firm cannot gain by discouraging them
      { part: 'owner_satisfaction', label: LABELS.owner_satisfaction, rate: firm.ownerSatisfaction ?? none, weightCenti: scheme.ownerSatisfactionWeightCenti, pointsCenti: weighted(scheme.ownerSatisfactionWeightCenti, firm.ownerSatisfaction ?? none) },
    )
  }
  const scoreCenti = parts.reduce((n, p) => n + p.pointsCenti, 0)
  const dishonest = counted.some((r) => r.seriousDishonesty)
  return { scoreCenti, parts, counted, expired, dishonest, hasBad: counted.some((r) => r.category === 'bad') }
}

/** Yantai's grade by threshold; exported for the tests' boundaries. */
export function thresholdGrade(scheme: ThresholdScheme, scoreCenti: number, hasBad: boolean, dishonest: boolean): string {
  if (dishonest) return scheme.blacklistGrade
  for (const t of scheme.thresholds) if (scoreCenti >= t.minCenti) return t.grade
  return hasBad ? scheme.bottomGrade : scheme.bottomWithoutBadRecord
}

/**
 * Scores and grades every firm of a district on `asOf`, best first.
 *
 * Order and ties (the documented rule): higher score first; equal scores share the better rank
 * (1, 2, 2, 4 …); within a tie the list shows firms by name, then id, which decides nothing.
 * Rank proportion (Beijing): a firm of rank r among n takes the first grade g with
 * r × 100 ≤ cumulativePercent(g) × n, all integers, so a grade never takes more than its share
 * except that firms tied with one inside it come in with it. Serious dishonesty takes the
 * scheme's lowest grade (Beijing D) or the blacklist (Yantai), and does not move the others' ranks.
 */
export function rankFirms(scheme: CreditScheme, firms: readonly FirmInputs[], asOf: string): FirmScore[] {
  if (!DATE.test(asOf)) throw new RangeError(`not a date: ${asOf}`)
  const scored = firms.map((f) => ({ f, s: scoreOf(scheme, f, asOf) }))
  scored.sort((a, b) => b.s.scoreCenti - a.s.scoreCenti || cmp(a.f.firmName, b.f.firmName) || cmp(a.f.firmId, b.f.firmId))
  const n = scored.length
  let rank = 0
  return scored.map(({ f, s }, i) => {
    if (i === 0 || scored[i - 1]!.s.scoreCenti !== s.scoreCenti) rank = i + 1
    let grade: string
    if (scheme.grading === 'thresholds') grade = thresholdGrade(scheme, s.scoreCenti, s.hasBad, s.dishonest)
    else if (s.dishonest) grade = scheme.dishonestyGrade
    else grade = scheme.shares.find((g) => rank * 100 <= g.cumulativePercent * n)?.grade ?? scheme.shares[scheme.shares.length - 1]!.grade
    return {
      firmId: f.firmId,
      firmName: f.firmName,
      scoreCenti: s.scoreCenti,
      grade,
      rank,
      blacklisted: scheme.grading === 'thresholds' && s.dishonest,
      parts: s.parts,
      counted: s.counted,
      expired: s.expired,
    }
  })
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Which list a grade puts a firm on (seed 003 三: 好差榜), or none. */
export const listOf = (scheme: CreditScheme, grade: string): 'good' | 'bad' | null =>
  scheme.goodGrades.includes(grade) ? 'good' : scheme.badGrades.includes(grade) ? 'bad' : null

/** 85.5 from 8550, for people; never used to decide anything. */
export const formatPoints = (centi: number) => {
  const sign = centi < 0 ? '-' : ''
  const a = Math.abs(centi)
  const frac = a % 100
  return `${sign}${Math.floor(a / 100)}${frac ? `.${String(frac).padStart(2, '0').replace(/0$/, '')}` : ''}`
}
