/**
 * A district's own numbers for a credit-score preset (issue 15: the score uses "a scheme the
 * district chooses and publishes"). Seeds 000, 003 and 004 ask districts to grade firms on
 * evidence and publish how; the Beijing preset ships placeholder proportions, caps and weights
 * (its `provisional` text says the department's published scheme prevails), so the district's
 * housing department publishes its numbers and the lists use them.
 *
 * Pure, like credit-score.ts: `withDistrictNumbers` builds an ordinary `CreditScheme` from a
 * preset and the numbers, and `rankFirms` scores with it unchanged. The period (quarter / half
 * year), the grade names and which grades make the good and bad lists stay the preset's: the
 * department changes numbers, not the shape of the scheme.
 */

import { type CreditScheme, formatPoints, type RankScheme, type ThresholdScheme } from './credit-score'

/** Bounds of every number: points in hundredths (0–1000 points), months of validity, percents. */
export const NUMBER_BOUNDS = {
  centi: { min: 0, max: 100_000 },
  months: { min: 1, max: 60 },
  percent: { min: 1, max: 100 },
} as const

/** A rank-proportion preset's numbers (Beijing-like). */
export interface RankNumbers {
  /** best first, cumulative percent of the district's firms; the last is 100 */
  shares: { grade: string; cumulativePercent: number }[]
  baseCapCenti: number
  goodCapCenti: number
  complaintWeightsCenti: { response: number; resolution: number; satisfaction: number }
  ownerSatisfactionWeightCenti: number
  validityMonths: number
}

/** A threshold preset's numbers (Yantai-like). */
export interface ThresholdNumbers {
  /** best first, floors strictly decreasing */
  thresholds: { grade: string; minCenti: number }[]
  baseCapCenti: number
  goodCapCenti: number
  validityMonths: number
}

export type DistrictNumbers = RankNumbers | ThresholdNumbers

export interface NumberIssue {
  path: (string | number)[]
  message: string
}

const isInt = (n: unknown, b: { min: number; max: number }): n is number => Number.isSafeInteger(n) && (n as number) >= b.min && (n as number) <= b.max

/** The numbers a preset ships with, in the shape a department publishes its own. */
export function numbersOf(scheme: CreditScheme): DistrictNumbers {
  const common = { baseCapCenti: scheme.baseCapCenti, goodCapCenti: scheme.goodCapCenti, validityMonths: scheme.validityMonths }
  if (scheme.grading === 'rank') {
    return {
      shares: scheme.shares.map((s) => ({ ...s })),
      ...common,
      complaintWeightsCenti: { ...scheme.complaintWeightsCenti },
      ownerSatisfactionWeightCenti: scheme.ownerSatisfactionWeightCenti,
    }
  }
  return { thresholds: scheme.thresholds.map((t) => ({ ...t })), ...common }
}

/**
 * What is wrong with `numbers` for `preset`, per field, in words people read; empty when they
 * fit. The same rules guard the API body (400, nothing stored) and `withDistrictNumbers`.
 */
export function districtNumberIssues(preset: CreditScheme, numbers: DistrictNumbers): NumberIssue[] {
  const issues: NumberIssue[] = []
  const points = (path: (string | number)[], value: unknown, what: string) => {
    if (!isInt(value, NUMBER_BOUNDS.centi)) issues.push({ path, message: `${what}须为 0 至 100000 之间的整数（单位 0.01 分）` })
  }
  points(['baseCapCenti'], numbers.baseCapCenti, '基础信息上限')
  points(['goodCapCenti'], numbers.goodCapCenti, '良好行为上限')
  if (!isInt(numbers.validityMonths, NUMBER_BOUNDS.months)) issues.push({ path: ['validityMonths'], message: '记录有效期须为 1 至 60 之间的整数（月）' })

  if (preset.grading === 'rank') {
    const n = numbers as Partial<RankNumbers>
    const grades = preset.shares.map((s) => s.grade)
    if (!Array.isArray(n.shares)) issues.push({ path: ['shares'], message: `须按 ${grades.join('、')} 的顺序给出各等级的累计比例` })
    else {
      if (n.shares.length !== grades.length) issues.push({ path: ['shares'], message: `须为 ${grades.length} 个等级：${grades.join('、')}（等级名称与方案相同，不能增减）` })
      n.shares.forEach((s, i) => {
        if (i < grades.length && s.grade !== grades[i]) issues.push({ path: ['shares', i, 'grade'], message: `第 ${i + 1} 个等级须为 ${grades[i]}` })
        if (!isInt(s.cumulativePercent, NUMBER_BOUNDS.percent)) issues.push({ path: ['shares', i, 'cumulativePercent'], message: '累计比例须为 1 至 100 之间的整数（百分比）' })
        else if (i > 0 && isInt(n.shares![i - 1]!.cumulativePercent, NUMBER_BOUNDS.percent) && s.cumulativePercent <= n.shares![i - 1]!.cumulativePercent) {
          issues.push({ path: ['shares', i, 'cumulativePercent'], message: `累计比例须逐级递增：${s.grade} 须大于 ${n.shares![i - 1]!.grade} 的 ${n.shares![i - 1]!.cumulativePercent}%` })
        }
      })
      const last = n.shares[n.shares.length - 1]
      if (last && last.cumulativePercent !== 100) issues.push({ path: ['shares', n.shares.length - 1, 'cumulativePercent'], message: '最后一个等级的累计比例须为 100（全部企业）' })
    }
    const w = n.complaintWeightsCenti
    if (!w || typeof w !== 'object') issues.push({ path: ['complaintWeightsCenti'], message: '须给出投诉响应率、按时办结率、满意率的分值' })
    else {
      points(['complaintWeightsCenti', 'response'], w.response, '投诉响应率分值')
      points(['complaintWeightsCenti', 'resolution'], w.resolution, '投诉按时办结率分值')
      points(['complaintWeightsCenti', 'satisfaction'], w.satisfaction, '投诉满意率分值')
    }
    points(['ownerSatisfactionWeightCenti'], n.ownerSatisfactionWeightCenti, '业主满意率分值')
  } else {
    const n = numbers as Partial<ThresholdNumbers>
    const grades = preset.thresholds.map((t) => t.grade)
    if (!Array.isArray(n.thresholds)) issues.push({ path: ['thresholds'], message: `须按 ${grades.join('、')} 的顺序给出各等级的最低分` })
    else {
      if (n.thresholds.length !== grades.length) issues.push({ path: ['thresholds'], message: `须为 ${grades.length} 个等级：${grades.join('、')}（${preset.bottomGrade} 为其余，等级名称与方案相同，不能增减）` })
      n.thresholds.forEach((t, i) => {
        if (i < grades.length && t.grade !== grades[i]) issues.push({ path: ['thresholds', i, 'grade'], message: `第 ${i + 1} 个等级须为 ${grades[i]}` })
        if (!isInt(t.minCenti, NUMBER_BOUNDS.centi)) issues.push({ path: ['thresholds', i, 'minCenti'], message: '最低分须为 0 至 100000 之间的整数（单位 0.01 分）' })
        else if (i > 0 && isInt(n.thresholds![i - 1]!.minCenti, NUMBER_BOUNDS.centi) && t.minCenti >= n.thresholds![i - 1]!.minCenti) {
          issues.push({ path: ['thresholds', i, 'minCenti'], message: `最低分须逐级递减：${t.grade} 须低于 ${n.thresholds![i - 1]!.grade} 的 ${formatPoints(n.thresholds![i - 1]!.minCenti)} 分` })
        }
      })
    }
  }
  return issues
}

/**
 * The preset with the district's numbers: name and source are the department's, and nothing is
 * a placeholder any more (`provisional: null`), since the numbers are the ones it published.
 * Throws on numbers that do not fit the preset (the API refuses them before this is reached).
 */
export function withDistrictNumbers(preset: CreditScheme, numbers: DistrictNumbers, meta: { id: string; name: string; source: string }): CreditScheme {
  const issues = districtNumberIssues(preset, numbers)
  if (issues.length) throw new RangeError(`numbers do not fit ${preset.id}: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const common = { ...meta, baseCapCenti: numbers.baseCapCenti, goodCapCenti: numbers.goodCapCenti, validityMonths: numbers.validityMonths, provisional: null }
  if (preset.grading === 'rank') {
    const n = numbers as RankNumbers
    return {
      ...preset,
      ...common,
      shares: n.shares.map((s) => ({ grade: s.grade, cumulativePercent: s.cumulativePercent })),
      complaintWeightsCenti: { response: n.complaintWeightsCenti.response, resolution: n.complaintWeightsCenti.resolution, satisfaction: n.complaintWeightsCenti.satisfaction },
      ownerSatisfactionWeightCenti: n.ownerSatisfactionWeightCenti,
    } satisfies RankScheme
  }
  const n = numbers as ThresholdNumbers
  return { ...preset, ...common, thresholds: n.thresholds.map((t) => ({ grade: t.grade, minCenti: t.minCenti })) } satisfies ThresholdScheme
}

/** The numbers in words, printed with every list computed under them so anyone can recompute it. */
export function describeNumbers(scheme: CreditScheme): string {
  const caps = `基础信息上限${formatPoints(scheme.baseCapCenti)}分，良好行为上限${formatPoints(scheme.goodCapCenti)}分，记录有效期${scheme.validityMonths}个月`
  if (scheme.grading === 'rank') {
    let before = 0
    const shares = scheme.shares.map((s) => {
      const text = `${s.grade} ${s.cumulativePercent - before}%`
      before = s.cumulativePercent
      return text
    })
    const w = scheme.complaintWeightsCenti
    return `按得分排名比例评级：${shares.join('，')}；${caps}；投诉响应率${formatPoints(w.response)}分，投诉按时办结率${formatPoints(w.resolution)}分，投诉满意率${formatPoints(w.satisfaction)}分，业主满意率${formatPoints(scheme.ownerSatisfactionWeightCenti)}分。`
  }
  const floors = scheme.thresholds.map((t) => `${t.grade} ≥ ${formatPoints(t.minCenti)}分`)
  return `按分数线评级：${floors.join('，')}，其余 ${scheme.bottomGrade}；${caps}。`
}
