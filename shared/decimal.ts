/**
 * Exact decimal strings ↔ integers in hundredths: areas in hundredths of m² (`areaCenti`), money
 * in fen (`amountFen`). Never through floating point. Spreadsheet numbers reach us as their
 * shortest round-trip string ("89.55"), so a strict parse loses nothing.
 */

const MAX_SAFE = String(Number.MAX_SAFE_INTEGER)

/**
 * Plain ASCII digits, an optional '.' and fraction, surrounding whitespace allowed. No sign, no
 * exponent, no thousands separators, no leading or trailing '.'. Fraction digits past the second
 * must be zeros ("89.500" is exact; "89.555" is not).
 */
function parseHundredths(s: string): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s.trim())
  if (!m) return null
  const whole = m[1]!
  const frac = m[2] ?? ''
  if (!/^0*$/.test(frac.slice(2))) return null
  const digits = (whole + frac.slice(0, 2).padEnd(2, '0')).replace(/^0+(?=\d)/, '')
  if (digits.length > MAX_SAFE.length || (digits.length === MAX_SAFE.length && digits > MAX_SAFE)) return null
  return Number(digits)
}

function formatHundredths(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${n}`)
  const sign = n < 0 ? '-' : ''
  const digits = String(Math.abs(n)).padStart(3, '0')
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

/** m² string → hundredths of m²: "89.5" → 8950, "0.01" → 1; null if not exact or not a plain number. */
export function parseCenti(s: string): number | null {
  return parseHundredths(s)
}

/** yuan string → fen: "12.3" → 1230; null if not exact or not a plain number. */
export function parseFen(s: string): number | null {
  return parseHundredths(s)
}

/** hundredths of m² → m² with two decimals: 8950 → '89.50'. Throws RangeError on a non-safe-integer. */
export function formatCenti(areaCenti: number): string {
  return formatHundredths(areaCenti)
}

/** fen → yuan with two decimals, no separators or symbol: 123456 → '1234.56', -5 → '-0.05'. */
export function formatFen(amountFen: number): string {
  return formatHundredths(amountFen)
}
