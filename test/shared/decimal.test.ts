import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ceilToScale, exactSum, formatArea, formatCenti, formatFen, ownedAreaScale, parseArea, parseCenti, parseFen, sumScale } from '../../shared/decimal'

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

describe('parseArea / formatArea: areas as registered (up to four decimals)', () => {
  it.each([
    ['95.363', 953630, 3, '95.363'],
    ['120.1234', 1201234, 4, '120.1234'],
    ['88.50', 885000, 2, '88.50'],
    ['120', 1200000, 0, '120'],
    [' 0.0001 ', 1, 4, '0.0001'],
    ['007.5', 75000, 1, '7.5'],
    ['1000000', 10_000_000_000, 0, '1000000'],
  ])('%j → %d with %d decimals, printed %j', (s, e4, scale, printed) => {
    expect(parseArea(s, '面积')).toEqual({ ok: true, area: { e4, scale } })
    expect(formatArea(e4, scale)).toBe(printed)
  })

  it.each([
    ['95.36301', 'area_precision', '面积“95.36301”有5位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）'],
    ['95.36300', 'area_precision', '面积“95.36300”有5位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）'],
    ['-3', 'area_not_positive', '面积“-3”必须大于0'],
    ['0.0000', 'area_not_positive', '面积“0.0000”必须大于0'],
    ['abc', 'area_format', '面积“abc”格式不正确，应为以平方米为单位、最多四位小数的数字，如 89.50 或 95.363'],
    ['1e3', 'area_format', '面积“1e3”格式不正确，应为以平方米为单位、最多四位小数的数字，如 89.50 或 95.363'],
    ['.5', 'area_format', '面积“.5”格式不正确，应为以平方米为单位、最多四位小数的数字，如 89.50 或 95.363'],
    ['1000000.0001', 'area_too_large', '面积“1000000.0001”平方米超出合理范围（不超过 1000000.00）'],
    ['99999999999999999999', 'area_too_large', '面积“99999999999999999999”平方米超出合理范围（不超过 1000000.00）'],
  ])('%j is refused (%s) with a message naming the cell', (s, code, message) => {
    expect(parseArea(s, '面积')).toEqual({ ok: false, code, message })
  })

  it('binary floating-point noise on a four-decimal area reads as that area; a real fifth decimal never does', () => {
    const read = (s: string) => {
      const r = parseArea(s, '面积')
      return r.ok ? formatArea(r.area.e4, r.area.scale) : r.code
    }
    for (const [typed, meant] of [
      ['89.12999999999999', '89.13'],
      ['120.57000000000001', '120.57'],
      ['0.30000000000000004', '0.3'],
      ['119.99999999999999', '120'],
      ['95.36299999999999', '95.363'],
      ['999999.99999999999', '1000000'],
      // 15 digits, off by 1e-13 (sheet arithmetic a few steps long): still noise
      ['89.1300000000001', '89.13'],
      // typed: too few digits to be a program's float, whatever the value
      ['89.1300001', 'area_precision'],
      ['89.130000000001', 'area_precision'],
      // noise on a real fifth decimal, and a value 1e-11 from its four-decimal neighbour
      ['12345.678910000001', 'area_precision'],
      ['100000.00000100001', 'area_precision'],
      ['1000000.0001000001', 'area_too_large'],
    ] as const) expect(read(typed), typed).toBe(meant)
    // every double nearest a four-decimal area, printed as JavaScript or Python prints it, reads back as that area
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), (e4) => {
        const printed = String((e4 / 10_000) * (1 + Number.EPSILON))
        expect(read(printed)).toBe(formatArea(e4, 0))
      }),
    )
  })

  it('formats never drop a digit, and round-trip every registered area', () => {
    expect(formatArea(953630, 2)).toBe('95.363')
    expect(formatArea(2839630, 2)).toBe('283.963')
    expect(formatArea(885000, 3)).toBe('88.500')
    expect(formatArea(1, 0)).toBe('0.0001')
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), fc.integer({ min: 0, max: 4 }), (e4, scale) => {
        const text = formatArea(e4, scale)
        const back = parseArea(text, '面积')
        expect(back.ok && back.area.e4).toBe(e4)
        expect(back.ok && back.area.scale).toBeGreaterThanOrEqual(scale)
      }),
    )
  })

  it('sums print with the most decimals involved, at least two; needs round up to that precision', () => {
    expect(sumScale(0, 1)).toBe(2)
    expect(sumScale(2, 3)).toBe(3)
    expect(sumScale()).toBe(2)
    // one unit prints as registered; an owner's several units as a sum
    expect(ownedAreaScale(0, 1)).toBe(0)
    expect(ownedAreaScale(0, 2)).toBe(2)
    expect(ownedAreaScale(3, 2)).toBe(3)
    expect(ceilToScale(1907260, 3)).toBe(1907260)
    expect(ceilToScale(1907261, 3)).toBe(1907270)
    expect(ceilToScale(633333334, 2)).toBe(633333400)
  })

  it('exactSum refuses a database sum that is not a safe integer', () => {
    expect(exactSum('2839630')).toBe(2839630)
    expect(exactSum(null)).toBe(0)
    expect(() => exactSum('9007199254740993')).toThrow(RangeError)
  })
})
