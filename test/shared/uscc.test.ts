import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isValidUscc, normalizeUscc, usccCheckChar } from '../../shared/uscc'

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
/** GB 32100-2015 §4.4 from its definition: weights 3^(i-1) mod 31, check = 31 − (Σ mod 31), 31 → 0. */
function checkChar(first17: string): string {
  let sum = 0
  let w = 1
  for (const ch of first17) {
    sum += CHARSET.indexOf(ch) * w
    w = (w * 3) % 31
  }
  const c = 31 - (sum % 31)
  return CHARSET[c === 31 ? 0 : c]!
}
/** GB 11714-1997 organisation-code check character of an 8-character body. */
function orgCheck(body8: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i]!, 36) * w[i]!
  const c = 11 - (sum % 11)
  return c === 10 ? 'X' : c === 11 ? '0' : String(c)
}

// Published codes, each checked by the helper below before use.
const published = ['91350100M000100Y43', '91110000600037341L', '91440300708461136T']

describe('isValidUscc', () => {
  it('the helper agrees with published codes', () => {
    for (const code of published) {
      expect(checkChar(code.slice(0, 17))).toBe(code[17])
      expect(orgCheck(code.slice(8, 16))).toBe(code[16])
    }
  })

  it('accepts published codes, lowercase and padded', () => {
    for (const code of published) {
      expect(isValidUscc(code)).toBe(true)
      expect(isValidUscc(code, { orgCode: true })).toBe(true)
      expect(isValidUscc(` ${code.toLowerCase()} `)).toBe(true)
    }
  })

  it('rejects a wrong check character', () => {
    expect(isValidUscc('91350100M000100Y44')).toBe(false)
    expect(isValidUscc('91110000600037341M')).toBe(false)
  })

  it('rejects characters outside the set and wrong lengths', () => {
    for (const bad of 'IOSVZ') {
      const body = `9135010${bad}M000100Y4`
      // whatever the check character, it is not a code
      for (const c of CHARSET) expect(isValidUscc(body + c)).toBe(false)
    }
    expect(isValidUscc('91350100M000100Y4')).toBe(false)
    expect(isValidUscc('91350100M000100Y433')).toBe(false)
    expect(isValidUscc('')).toBe(false)
  })

  it('orgCode: true also checks positions 9–17', () => {
    const body = '91110000MA00EXA' + 'M'
    const good = body + orgCheck(body.slice(8))
    const goodCode = good + checkChar(good)
    expect(isValidUscc(goodCode, { orgCode: true })).toBe(true)
    const badOrg = body + (orgCheck(body.slice(8)) === '1' ? '2' : '1')
    const badCode = badOrg + checkChar(badOrg)
    expect(isValidUscc(badCode)).toBe(true)
    expect(isValidUscc(badCode, { orgCode: true })).toBe(false)
  })

  it('any valid code with one character changed is refused', () => {
    const ch = fc.constantFrom(...CHARSET)
    fc.assert(
      fc.property(fc.array(ch, { minLength: 17, maxLength: 17 }), fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }), (chars, pos, delta) => {
        const body = chars.join('')
        const code = body + checkChar(body)
        expect(isValidUscc(code)).toBe(true)
        const changed = code.slice(0, pos) + CHARSET[(CHARSET.indexOf(code[pos]!) + delta) % 31] + code.slice(pos + 1)
        expect(isValidUscc(changed)).toBe(false)
      }),
    )
  })
})

describe('normalizeUscc', () => {
  it('trims and upper-cases without guessing letters', () => {
    expect(normalizeUscc(' 91350100m000100y43 ')).toBe('91350100M000100Y43')
    expect(normalizeUscc('o')).toBe('O')
  })
})

describe('usccCheckChar', () => {
  it('agrees with the definition on any 17 characters from the set', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CHARSET), { minLength: 17, maxLength: 17 }), (chars) => {
        const body = chars.join('')
        expect(usccCheckChar(body)).toBe(checkChar(body))
      }),
    )
  })
  it('refuses a wrong length or a character outside the set', () => {
    expect(() => usccCheckChar('91350100M000100Y')).toThrow(RangeError)
    expect(() => usccCheckChar('91350100M000100YO')).toThrow(RangeError)
  })
})
