import type { RankNumbers } from '../../shared/credit-scheme'

/** A department's numbers for the Beijing preset: grades A, B, C, … with these cumulative percents, and the rest as given. */
export const rankNumbers = (percents: number[], rest: Omit<RankNumbers, 'shares'>): RankNumbers => ({
  ...rest,
  shares: percents.map((cumulativePercent, i) => ({ grade: 'ABCDEFGHIJ'[i]!, cumulativePercent })),
})
