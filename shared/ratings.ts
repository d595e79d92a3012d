/**
 * Owners' quarterly ratings of their firm (seed 004: owner satisfaction ≥ 90%). Shown only in
 * aggregate: per dimension, how many gave each score, and the satisfaction rate, the share of 4
 * and 5 among all scores given, against the 90% target.
 */
export const RATING_DIMENSIONS = {
  cleaning: '环境卫生',
  security: '秩序维护',
  greenery: '绿化养护',
  repairs: '维修服务',
  attitude: '服务态度',
} as const
export type RatingDimension = keyof typeof RATING_DIMENSIONS
export const RATING_DIMENSION_KEYS = Object.keys(RATING_DIMENSIONS) as RatingDimension[]

/** seed 004: 物业服务区域业主总体满意度达到90%以上 */
export const SATISFACTION_TARGET_PERCENT = 90
/** Below this many responses nothing but the count is shown, so no one's rating can be read off. */
export const MIN_RESPONSES_SHOWN = 3

export interface RatingSummary {
  responses: number
  /** false: too few responses to show anything else */
  shown: boolean
  dimensions: { dimension: RatingDimension; label: string; counts: number[]; satisfied: number; of: number; percent: number | null }[]
  satisfied: number
  of: number
  /** rounded half up; null when not shown */
  percent: number | null
  targetPercent: number
  /** exact: satisfied × 100 ≥ 90 × of */
  meetsTarget: boolean | null
}

const pct = (hits: number, of: number) => (of === 0 ? null : Math.floor((200 * hits + of) / (2 * of)))

/** How many gave each score 1–5 on one dimension (anything else is not a score and is left out). */
function countsOf(ratings: readonly Record<string, number>[], dimension: RatingDimension) {
  const counts = [0, 0, 0, 0, 0]
  for (const r of ratings) {
    const s = r[dimension]
    if (Number.isInteger(s) && s! >= 1 && s! <= 5) counts[s! - 1]!++
  }
  return counts
}

/**
 * Scores of 4–5 among all scores given, over every dimension: the one count behind both the
 * owners' summary and the credit score's owner satisfaction (exact, before anything is hidden).
 */
export function satisfactionOf(ratings: readonly Record<string, number>[]): { hits: number; of: number } {
  let hits = 0
  let of = 0
  for (const d of RATING_DIMENSION_KEYS) {
    const counts = countsOf(ratings, d)
    hits += counts[3]! + counts[4]!
    of += counts.reduce((a, b) => a + b, 0)
  }
  return { hits, of }
}

export function summariseRatings(ratings: readonly Record<string, number>[]): RatingSummary {
  const shown = ratings.length >= MIN_RESPONSES_SHOWN
  const { hits: satisfied, of } = satisfactionOf(ratings)
  const dimensions = RATING_DIMENSION_KEYS.map((dimension) => {
    const counts = countsOf(ratings, dimension)
    const n = counts.reduce((a, b) => a + b, 0)
    const good = counts[3]! + counts[4]!
    return { dimension, label: RATING_DIMENSIONS[dimension], counts: shown ? counts : [], satisfied: shown ? good : 0, of: shown ? n : 0, percent: shown ? pct(good, n) : null }
  })
  return {
    responses: ratings.length,
    shown,
    dimensions,
    satisfied: shown ? satisfied : 0,
    of: shown ? of : 0,
    percent: shown ? pct(satisfied, of) : null,
    targetPercent: SATISFACTION_TARGET_PERCENT,
    meetsTarget: shown && of > 0 ? satisfied * 100 >= SATISFACTION_TARGET_PERCENT * of : null,
  }
}
