/**
 * Resident ID numbers (居民身份证号码), GB 11643-1999: a 6-digit region code, an 8-digit birth
 * date YYYYMMDD, a 3-digit sequence number and a check character (ISO 7064 MOD 11-2, 'X' = 10).
 * Only the 18-character form: 15-digit first-generation cards expired in 2013.
 */
import { shanghaiDate } from './time'

export type IdNumberProblem = 'length' | 'format' | 'birthdate' | 'checksum'

/** GB 11643-1999 §7: weight of position i (1-based from the left) is 2^(18-i) mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
/** Check character by (Σ aᵢ·Wᵢ) mod 11. */
const CHECK_CHARS = '10X98765432'

/** Trimmed and upper-cased, so a lowercase 'x' check character becomes 'X'. Nothing else changes. */
export function normalizeIdNumber(s: string): string {
  return s.trim().toUpperCase()
}

/** The check character ('0'–'9' or 'X') the first 17 digits call for; RangeError if not 17 digits. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckChar needs 17 digits')
  return checkCharOf(first17)
}

function checkCharOf(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!
  return CHECK_CHARS[sum % 11]!
}

/** YYYYMMDD of an instant in Shanghai; remembers the last answer, since a roster asks thousands of times. */
let lastToday = { time: Number.NaN, digits: '' }
function todayDigits(at: Date): string {
  const time = at.getTime()
  if (time !== lastToday.time) lastToday = { time, digits: shanghaiDate(at).replaceAll('-', '') }
  return lastToday.digits
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!
  return day <= days
}

/**
 * What is wrong with an ID number, checked in this order, or null when it is valid:
 * - 'length': not 18 characters after normalising;
 * - 'format': not 17 digits + a digit or X, or the region code starts with 0;
 * - 'birthdate': digits 7–14 are not a real date from 1900-01-01 up to `today`
 *   (the Asia/Shanghai calendar date of `opts.today`, default now);
 * - 'checksum': the check character does not match.
 */
export function idNumberProblem(s: string, opts: { today?: Date } = {}): IdNumberProblem | null {
  const id = normalizeIdNumber(s)
  if (id.length !== 18) return 'length'
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return 'format'
  const birth = id.slice(6, 14)
  const year = Number(birth.slice(0, 4))
  if (year < 1900 || !isRealDate(year, Number(birth.slice(4, 6)), Number(birth.slice(6, 8)))) return 'birthdate'
  if (birth > todayDigits(opts.today ?? new Date())) return 'birthdate'
  if (checkCharOf(id) !== id[17]) return 'checksum'
  return null
}

export function isValidIdNumber(s: string, opts: { today?: Date } = {}): boolean {
  return idNumberProblem(s, opts) === null
}

/** The last four characters of the normalised number, for display next to a name. No validation. */
export function idLast4(s: string): string {
  return normalizeIdNumber(s).slice(-4)
}
