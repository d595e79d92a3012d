import { AppError } from './errors'

/**
 * PostgreSQL text cannot hold U+0000: a query carrying it fails inside the database (22021), which
 * surfaced as a 500. Every way input comes in (path, query, JSON, forms, uploaded tables) is checked
 * for it at the door instead, so such a request is a plain 400 (or 404 for a path) and reaches no SQL.
 */
export function containsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000')
  if (Array.isArray(v)) return v.some(containsNul)
  if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, x]) => k.includes('\u0000') || containsNul(x))
  return false
}

export function refuseNul(v: unknown, where: string): void {
  if (containsNul(v)) throw new AppError('VALIDATION_FAILED', { reason: `${where} contains U+0000` })
}
