/**
 * Exact decimal strings ↔ integers: money in fen (`amountFen`); areas in ten-thousandths of m²
 * (`areaE4`) with the number of decimals they were registered with, and, for the published tally
 * protocol (shared/tally.ts), in hundredths (`areaCenti`). Never through floating point.
 * Spreadsheet numbers reach us as their shortest round-trip string ("95.363"), so a strict parse
 * loses nothing.
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

// ---------------------------------------------------------------------------------------------
// Areas as registered (《解释》第8条: the property register's figure, which may carry up to four
// decimals: 95.363 m², 120.1234 m²)
// ---------------------------------------------------------------------------------------------

/** Registers give at most four decimals; the stored unit is 0.0001 m² (`areaE4`). */
export const AREA_MAX_SCALE = 4
/** Sums and totals print with at least two decimals, as notices always have. */
export const AREA_MIN_SUM_SCALE = 2

/** An area as registered: its value in ten-thousandths of m², and how many decimals it was written with. */
export interface RegisteredArea {
  e4: number
  /** 0–4: "120" → 0, "88.50" → 2, "95.363" → 3 */
  scale: number
}

export type AreaProblem = 'area_format' | 'area_precision' | 'area_not_positive' | 'area_too_large'

/** 1,000,000 m² in one unit is a typing error; it also keeps a 100,000-row roster's sum a safe integer. */
export const MAX_UNIT_AREA_E4 = 10_000_000_000

/**
 * The area behind binary floating-point noise: "89.12999999999999" and "120.57000000000001" are
 * how a script (Python, JavaScript) or a computed cell saved as text writes the doubles nearest
 * 89.13 and 120.57. They are read as 89.13 and 120.57, the figures typed before a program wrote
 * them out, and not refused: that is no rounding of a registered figure, since both tests below
 * hold only for noise:
 * - 15 or more significant digits: no person types that many for an area (a register gives at
 *   most four decimals of under 1,000,000 m², eleven digits), while a double printed so as to
 *   read back exactly takes 15 to 17;
 * - within 1e-12 (relative) of a number of at most four decimals: a thousand times the error of
 *   any chain of sheet arithmetic (a double carries 1.1e-16), and ten times less than a real
 *   fifth decimal moves an area under 1,000,000 m² (at least 1e-5 m², 1e-11 relative). So
 *   12345.678910000001, noise on the five-decimal 12345.67891, is still refused.
 * This is also how the same double reads from an XLSX: Excel keeps and shows 15 significant
 * digits (excelNumber), 89.13, and a roll must not import as XLSX and be refused as CSV.
 * Returns the whole and fraction digits meant (fraction without trailing zeros), or null.
 */
function floatNoiseOf(whole: string, frac: string): [string, string] | null {
  if ((whole + frac).replace(/^0+/, '').length < 15) return null
  const x = BigInt(whole + frac)
  const unit = 10n ** BigInt(frac.length - AREA_MAX_SCALE)
  const e4 = (x + unit / 2n) / unit
  const off = x - e4 * unit
  if ((off < 0n ? -off : off) * 10n ** 12n > x) return null
  const digits = e4.toString().padStart(AREA_MAX_SCALE + 1, '0')
  return [digits.slice(0, -AREA_MAX_SCALE), digits.slice(-AREA_MAX_SCALE).replace(/0+$/, '')]
}

/**
 * A registered area, as written in a cell: digits, an optional '.' and at most four decimals
 * ("95.363", "88.50", "120"), or such a number under binary floating-point noise (floatNoiseOf).
 * Refused, with a Chinese message that names the cell (`label`, e.g.
 * "专有部分面积"): a fifth decimal (no register gives one, and rounding it would change the count),
 * a negative or zero area, anything that is not a plain number. Trailing zeros are kept as written:
 * "88.50" stays "88.50".
 */
export function parseArea(text: string, label: string): { ok: true; area: RegisteredArea } | { ok: false; code: AreaProblem; message: string } {
  const s = text.trim()
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s)
  if (!m) {
    if (/^-\s*\d/.test(s)) return { ok: false, code: 'area_not_positive', message: `${label}“${s}”必须大于0` }
    return { ok: false, code: 'area_format', message: `${label}“${s}”格式不正确，应为以平方米为单位、最多四位小数的数字，如 89.50 或 95.363` }
  }
  let [whole, frac] = [m[1]!, m[2] ?? '']
  if (frac.length > AREA_MAX_SCALE) {
    const meant = floatNoiseOf(whole, frac)
    if (!meant) return { ok: false, code: 'area_precision', message: `${label}“${s}”有${frac.length}位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）` }
    ;[whole, frac] = meant
  }
  whole = whole.replace(/^0+(?=\d)/, '')
  // more than 11 integer digits is far over the limit below; checked before Number() can round
  if (whole.length > 11) return { ok: false, code: 'area_too_large', message: `${label}“${s}”平方米超出合理范围（不超过 ${formatArea(MAX_UNIT_AREA_E4, 2)}）` }
  const e4 = Number(whole + frac.padEnd(AREA_MAX_SCALE, '0'))
  if (e4 === 0) return { ok: false, code: 'area_not_positive', message: `${label}“${s}”必须大于0` }
  if (e4 > MAX_UNIT_AREA_E4) return { ok: false, code: 'area_too_large', message: `${label}“${s}”平方米超出合理范围（不超过 ${formatArea(MAX_UNIT_AREA_E4, 2)}）` }
  return { ok: true, area: { e4, scale: frac.length } }
}

/**
 * Ten-thousandths of m² → m² with `scale` decimals: (953630, 3) → '95.363', (885000, 2) → '88.50',
 * (1200000, 0) → '120'. Never drops a digit: should `scale` be too few for the value, the value
 * prints with as many as it needs. Throws RangeError on a non-safe-integer or a scale outside 0–4.
 */
export function formatArea(e4: number, scale: number): string {
  if (!Number.isSafeInteger(e4)) throw new RangeError(`not a safe integer: ${e4}`)
  if (!Number.isInteger(scale) || scale < 0 || scale > AREA_MAX_SCALE) throw new RangeError(`area scale out of range: ${scale}`)
  const sign = e4 < 0 ? '-' : ''
  const digits = String(Math.abs(e4)).padStart(AREA_MAX_SCALE + 1, '0')
  let frac = digits.slice(-AREA_MAX_SCALE)
  while (frac.length > scale && frac.endsWith('0')) frac = frac.slice(0, -1)
  return `${sign}${digits.slice(0, -AREA_MAX_SCALE)}${frac ? `.${frac}` : ''}`
}

/**
 * The decimals a sum of areas prints with: as many as the most precise area in it, at least two
 * (88.50 + 95.363 → 3 decimals; 88.5 + 120 → 2).
 */
export function sumScale(...scales: number[]): number {
  return Math.max(AREA_MIN_SUM_SCALE, ...scales)
}

/** The decimals an owner's area prints with: one unit's as registered; several units' sum as any sum. */
export const ownedAreaScale = (scale: number, unitCount: number): number => (unitCount > 1 ? sumScale(scale) : scale)

/** The least multiple of one unit in the last printed decimal that is ≥ e4: what an area "needs" at that precision. */
export function ceilToScale(e4: number, scale: number): number {
  const step = 10 ** (AREA_MAX_SCALE - scale)
  const rest = e4 % step
  return rest === 0 ? e4 : e4 - rest + step
}

/** hundredths of m² (the tally protocol's `areaCenti`) → ten-thousandths. */
export const centiToE4 = (areaCenti: number): number => areaCenti * 100

/**
 * The same area in hundredths of m², the unit replies and signed results used before areas were kept
 * as registered, given only where it is exact: a client written for two-decimal areas keeps working
 * on them, and none ever reads a rounded number (95.363 has no `areaCenti`).
 */
export const centiWhereExact = <K extends string = 'areaCenti'>(areaE4: number, key: K = 'areaCenti' as K): Partial<Record<K, number>> =>
  (areaE4 % 100 === 0 ? { [key]: areaE4 / 100 } : {}) as Partial<Record<K, number>>

/** An area in an API reply: the exact decimal people read, the integer machines add (and hundredths where exact). */
export const areaReply = (areaE4: number, scale: number) => ({ area: formatArea(areaE4, scale), areaE4, ...centiWhereExact(areaE4) })

/**
 * A database sum of areas (PostgreSQL returns a bigint sum as text) as an exact JavaScript number;
 * RangeError if it is not a safe integer, never a rounded value. null (the sum of no rows) is 0.
 */
export function exactSum(v: string | number | null | undefined): number {
  const n = v == null ? 0 : Number(v)
  if (!Number.isSafeInteger(n) || (typeof v === 'string' && String(n) !== v.trim())) throw new RangeError(`area sum is not a safe integer: ${String(v)}`)
  return n
}
