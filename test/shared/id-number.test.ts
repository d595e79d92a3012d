import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { idCheckChar, idLast4, idNumberProblem, isValidIdNumber, normalizeIdNumber } from '../../shared/id-number'

/**
 * ISO 7064 MOD 11-2 in its recursive form (not the weight table the implementation uses):
 * p ← 2·(p + d) mod 11 over the 17 digits, then the check value c makes p + c ≡ 1 (mod 11).
 */
function checkChar(first17: string): string {
  let p = 0
  for (const ch of first17) p = (2 * (p + Number(ch))) % 11
  const c = (12 - p) % 11
  return c === 10 ? 'X' : String(c)
}
const makeId = (region: string, birth: string, seq: string) => {
  const body = region + birth + seq
  return body + checkChar(body)
}
/** A different check character from the right one. */
const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0')

const today = new Date('2024-06-15T04:00:00Z')

describe('the check-character helper', () => {
  it('agrees with the worked examples printed in GB 11643-1999', () => {
    expect(checkChar('11010519491231002')).toBe('X')
    expect(checkChar('44052418800101001')).toBe('4')
  })
})

describe('isValidIdNumber / idNumberProblem', () => {
  it('accepts the standard examples, including an X check character', () => {
    expect(idNumberProblem('11010519491231002X', { today })).toBeNull()
    expect(isValidIdNumber('440524188001010014', { today })).toBe(false) // born 1880: before 1900
    expect(idNumberProblem('440524188001010014', { today })).toBe('birthdate')
  })

  it('accepts a lowercase x and surrounding whitespace', () => {
    expect(isValidIdNumber('11010519491231002x', { today })).toBe(true)
    expect(isValidIdNumber('  11010519491231002X\t', { today })).toBe(true)
  })

  it('finds a wrong check character', () => {
    const id = makeId('320102', '19880808', '123')
    expect(isValidIdNumber(id, { today })).toBe(true)
    expect(idNumberProblem(wrongCheck(id), { today })).toBe('checksum')
    // X where a digit belongs
    const digitCheck = makeId('110101', '19900307', '451')
    expect(digitCheck[17]).not.toBe('X')
    expect(idNumberProblem(digitCheck.slice(0, 17) + 'X', { today })).toBe('checksum')
  })

  it('knows leap days: 1900-02-29 never existed, 2000-02-29 did', () => {
    expect(idNumberProblem(makeId('110101', '19000229', '001'), { today })).toBe('birthdate')
    expect(idNumberProblem(makeId('110101', '20000229', '001'), { today })).toBeNull()
    expect(idNumberProblem(makeId('110101', '19960229', '001'), { today })).toBeNull()
    expect(idNumberProblem(makeId('110101', '19970229', '001'), { today })).toBe('birthdate')
  })

  it('rejects impossible and out-of-range birth dates', () => {
    expect(idNumberProblem(makeId('110101', '19000101', '001'), { today })).toBeNull()
    expect(idNumberProblem(makeId('110101', '18991231', '001'), { today })).toBe('birthdate')
    expect(idNumberProblem(makeId('110101', '19901301', '001'), { today })).toBe('birthdate')
    expect(idNumberProblem(makeId('110101', '19900000', '001'), { today })).toBe('birthdate')
    expect(idNumberProblem(makeId('110101', '19900431', '001'), { today })).toBe('birthdate')
    expect(idNumberProblem(makeId('110101', '19900430', '001'), { today })).toBeNull()
  })

  it('rejects a birth date after today, by the Shanghai calendar', () => {
    expect(idNumberProblem(makeId('110101', '20240615', '001'), { today })).toBeNull()
    expect(idNumberProblem(makeId('110101', '20240616', '001'), { today })).toBe('birthdate')
    // 2024-06-15T16:30Z is already the 16th in Shanghai
    const lateEvening = new Date('2024-06-15T16:30:00Z')
    expect(idNumberProblem(makeId('110101', '20240616', '001'), { today: lateEvening })).toBeNull()
    expect(idNumberProblem(makeId('110101', '20240617', '001'), { today: lateEvening })).toBe('birthdate')
  })

  it('defaults today to now', () => {
    expect(isValidIdNumber(makeId('110101', '20991231', '001'))).toBe(false)
    expect(isValidIdNumber(makeId('110101', '19991231', '001'))).toBe(true)
  })

  it('reports length before format', () => {
    expect(idNumberProblem('', { today })).toBe('length')
    expect(idNumberProblem('11010519491231002', { today })).toBe('length')
    expect(idNumberProblem('11010519491231002X1', { today })).toBe('length')
    expect(idNumberProblem('110105491231002', { today })).toBe('length') // first-generation 15 digits
    expect(idNumberProblem('11010519491231002 X', { today })).toBe('length')
  })

  it('reports format: letters inside, X not last, region starting with 0, full-width digits', () => {
    expect(idNumberProblem('1101051949123100AX', { today })).toBe('format')
    expect(idNumberProblem('1101051949123X0021', { today })).toBe('format')
    const zeroRegion = makeId('010105', '19491231', '002')
    expect(idNumberProblem(zeroRegion, { today })).toBe('format')
    expect(idNumberProblem('１１0105194912310021', { today })).toBe('format')
  })

  it('every single-digit change of a valid number is caught', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100000, max: 999999 }),
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2023-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (region, birth, seq, pos, delta) => {
          const id = makeId(String(region), birth.toISOString().slice(0, 10).replaceAll('-', ''), String(seq).padStart(3, '0'))
          expect(idNumberProblem(id, { today })).toBeNull()
          const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1)
          expect(isValidIdNumber(changed, { today })).toBe(false)
        },
      ),
    )
  })
})

describe('normalizeIdNumber / idLast4', () => {
  it('upper-cases and trims, nothing more', () => {
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X')
    expect(normalizeIdNumber('abc')).toBe('ABC')
  })
  it('gives the last four of the normalised number', () => {
    expect(idLast4('11010519491231002x')).toBe('002X')
    expect(idLast4(' 440524188001010014 ')).toBe('0014')
  })
})

describe('idCheckChar', () => {
  it('agrees with the recursive formulation on any 17 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
        expect(idCheckChar(first17)).toBe(checkChar(first17))
      }),
    )
    expect(idCheckChar('11010519491231002')).toBe('X')
  })
  it('refuses anything but 17 digits', () => {
    expect(() => idCheckChar('1101051949123100')).toThrow(RangeError)
    expect(() => idCheckChar('1101051949123100A')).toThrow(RangeError)
  })
})
