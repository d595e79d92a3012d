/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
 * set (digits and capitals without I, O, S, V, Z), the last being a check character. The
 * structure of the first 17 (registration authority, organisation type, region) is not checked.
 * Positions 9–17 are the organisation code (组织机构代码, GB 11714-1997) with its own check
 * character; that one is checked only on request (`orgCode: true`), to tell a mistyped ID number
 * from a code when both shapes fit.
 */

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
/** GB 32100-2015 §4.4: weight of position i (1-based) is 3^(i-1) mod 31. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const

/** Trimmed and upper-cased. Letters outside the set (e.g. 'O' for '0') are not guessed at. */
export function normalizeUscc(s: string): string {
  return s.trim().toUpperCase()
}

/** GB 11714-1997: weights of the 8 body characters of an organisation code. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const

/** Positions 9–17 as an organisation code: body values 0–9, A=10 … Z=35; check 10 → 'X', 11 → '0'. */
function orgCodeValid(code: string): boolean {
  let sum = 0
  for (let i = 0; i < 8; i++) sum += parseInt(code[8 + i]!, 36) * ORG_WEIGHTS[i]!
  const c = 11 - (sum % 11)
  return code[16] === (c === 10 ? 'X' : c === 11 ? '0' : String(c))
}

/** The check character of 17 characters from the set, or null when they are not. */
function checkCharOf(first17: string): string | null {
  if (first17.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i]!)
    if (v < 0) return null
    sum += v * WEIGHTS[i]!
  }
  return CHARSET[(31 - (sum % 31)) % 31]!
}

/** The check character 17 characters call for; RangeError if they are not 17 from the set. */
export function usccCheckChar(first17: string): string {
  const c = checkCharOf(first17)
  if (c === null) throw new RangeError('usccCheckChar needs 17 characters from 0-9 and A-Y without I, O, S, V, Z')
  return c
}

/**
 * 18 characters from the set with the right check character. With `orgCode: true`, positions
 * 9–17 must also be a valid organisation code.
 */
export function isValidUscc(s: string, opts: { orgCode?: boolean } = {}): boolean {
  const code = normalizeUscc(s)
  if (code.length !== 18 || checkCharOf(code.slice(0, 17)) !== code[17]) return false
  return !opts.orgCode || orgCodeValid(code)
}
