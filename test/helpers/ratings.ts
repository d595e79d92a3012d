/** A rating giving `n` (1–5) on every dimension the owners rate (shared/ratings.ts). */
export const allScores = (n: number) => ({ cleaning: n, security: n, greenery: n, repairs: n, attitude: n })
