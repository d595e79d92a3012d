import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatCenti, formatFen, parseCenti, parseFen } from '../../shared/decimal'

describe('parseCenti / parseFen', () => {
  it.each([
    ['89.5', 8950],
    ['89.55', 8955],
    ['100', 10000],
    ['0.01', 1],
    ['0', 0],
    ['0.00', 0],
    [' 89.5 ', 8950],
    ['007.5', 750],
    ['89.500', 8950],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('%j → %d', (s, n) => {
    expect(parseCenti(s)).toBe(n)
    expect(parseFen(s)).toBe(n)
  })

  it.each(['89.555', '89.501', '-1', '+1', '', ' ', '1e3', 'abc', '89.', '.5', '1,000', '1 000', '８９', '0x10', 'Infinity', 'NaN', '1.2.3', '90071992547409.92', '99999999999999999999'])(
    '%j → null',
    (s) => {
      expect(parseCenti(s)).toBeNull()
      expect(parseFen(s)).toBeNull()
    },
  )

  it('never goes through a float: 0.29 and 1.15 are exact', () => {
    // as floats, 0.29 * 100 = 28.999999999999996 and 1.15 * 100 = 114.99999999999999
    expect(parseCenti('0.29')).toBe(29)
    expect(parseFen('1.15')).toBe(115)
  })
})

describe('formatCenti / formatFen', () => {
  it('prints two decimals', () => {
    expect(formatCenti(8950)).toBe('89.50')
    expect(formatCenti(1)).toBe('0.01')
    expect(formatCenti(0)).toBe('0.00')
    expect(formatFen(123456)).toBe('1234.56')
    expect(formatFen(-5)).toBe('-0.05')
    expect(formatFen(-12345)).toBe('-123.45')
    expect(formatCenti(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91')
  })
  it('refuses a non-integer', () => {
    expect(() => formatCenti(1.5)).toThrow(RangeError)
    expect(() => formatFen(Number.NaN)).toThrow(RangeError)
    expect(() => formatFen(2 ** 53)).toThrow(RangeError)
  })
  it('round-trips every safe non-negative integer', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(parseCenti(formatCenti(n))).toBe(n)
        expect(parseFen(formatFen(n))).toBe(n)
      }),
    )
  })
  it('parses what a spreadsheet prints for a two-decimal number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), (n) => {
        // the shortest round-trip string JavaScript (and Excel) gives n / 100
        expect(parseCenti(String(n / 100))).toBe(n)
      }),
    )
  })
})
