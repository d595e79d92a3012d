import { describe, expect, it } from 'vitest'
import {
  BEIJING_2026,
  closingQuarters,
  evaluationPeriod,
  formatPoints,
  type FirmInputs,
  lastDayInForce,
  rankFirms,
  type ScoreRecord,
  thresholdGrade,
  weighted,
  YANTAI_2022,
} from '../../shared/credit-score'

const rec = (id: string, category: ScoreRecord['category'], pointsCenti: number, occurredOn = '2026-09-01', extra: Partial<ScoreRecord> = {}): ScoreRecord => ({
  id,
  category,
  item: id,
  pointsCenti,
  occurredOn,
  ...extra,
})
const firm = (firmId: string, records: ScoreRecord[], extra: Partial<FirmInputs> = {}): FirmInputs => ({ firmId, firmName: `物业${firmId}`, records, ...extra })

/**
 * The reference: Yantai's grading written out as the 2022 rules read, on whole points and
 * decimals in strings, independent of the implementation's hundredths.
 */
function yantaiReference(score: string, hasBad: boolean, dishonest: boolean): string {
  if (dishonest) return '黑名单'
  const [i, f = ''] = score.replace('-', '').split('.')
  const hundredths = (Number(i) * 100 + Number((f + '00').slice(0, 2))) * (score.startsWith('-') ? -1 : 1)
  if (hundredths >= 85_00) return 'AAA'
  if (hundredths >= 80_00) return 'AA'
  if (hundredths >= 70_00) return 'A'
  if (hundredths >= 60_00) return 'B'
  return hasBad ? 'C' : 'B'
}

describe('credit score: Yantai 2022 (thresholds)', () => {
  const boundaries = ['85', '84.99', '80', '79.99', '70', '69.99', '60', '59.99', '0', '120', '-5']
  it.each(boundaries)('grade at %s matches the reference, with and without a bad record', (s) => {
    const [i, f = ''] = s.replace('-', '').split('.')
    const centi = (Number(i) * 100 + Number((f + '00').slice(0, 2))) * (s.startsWith('-') ? -1 : 1)
    for (const hasBad of [false, true]) {
      expect(thresholdGrade(YANTAI_2022, centi, hasBad, false)).toBe(yantaiReference(s, hasBad, false))
      expect(thresholdGrade(YANTAI_2022, centi, hasBad, true)).toBe('黑名单')
    }
  })

  it('base is capped at 80 and good conduct at 40; bad conduct is deducted; every part is shown', () => {
    const [s] = rankFirms(YANTAI_2022, [firm('1', [rec('b1', 'base', 6000), rec('b2', 'base', 3000), rec('g', 'good', 4500), rec('x', 'bad', 1234)])], '2026-12-31')
    expect(s!.parts.map((p) => [p.part, p.rawCenti, p.capCenti, p.pointsCenti])).toEqual([
      ['base', 9000, 8000, 8000],
      ['good', 4500, 4000, 4000],
      ['bad', 1234, undefined, -1234],
    ])
    expect(s!.scoreCenti).toBe(8000 + 4000 - 1234)
    expect(s!.grade).toBe('AAA') // 107.66
  })

  it('a record counts for one year: the day before its anniversary, not on it', () => {
    expect(lastDayInForce(rec('x', 'bad', 1), 12)).toBe('2027-08-31')
    expect(lastDayInForce(rec('x', 'bad', 1, '2028-02-29'), 12)).toBe('2029-02-27')
    const f = firm('1', [rec('base', 'base', 7000, '2026-01-01', { expiresOn: '2099-12-31' }), rec('late', 'bad', 2000, '2026-03-15')])
    const before = rankFirms(YANTAI_2022, [f], '2027-03-14')[0]!
    expect([before.scoreCenti, before.grade]).toEqual([5000, 'C'])
    const after = rankFirms(YANTAI_2022, [f], '2027-03-15')[0]!
    expect([after.scoreCenti, after.grade, after.expired.map((r) => r.id)]).toEqual([7000, 'A', ['late']])
    // a record dated after the list's day does not count yet
    expect(rankFirms(YANTAI_2022, [f], '2026-03-14')[0]!.scoreCenti).toBe(7000)
  })

  it('below 60 with no bad record stays B; with one it is C; serious dishonesty is the blacklist at any score', () => {
    const r = rankFirms(
      YANTAI_2022,
      [
        firm('low', [rec('b', 'base', 5999)]),
        firm('lowbad', [rec('b', 'base', 6000), rec('x', 'bad', 1)]),
        firm('top', [rec('b', 'base', 8000), rec('g', 'good', 4000), rec('d', 'bad', 0, '2026-09-01', { seriousDishonesty: true })]),
      ],
      '2026-12-31',
    )
    expect(r.map((s) => [s.firmId, s.scoreCenti, s.grade, s.blacklisted])).toEqual([
      ['top', 12000, '黑名单', true],
      ['low', 5999, 'B', false], // tied with lowbad: the name orders them, nothing else
      ['lowbad', 5999, 'C', false],
    ])
  })

  it('rejects fractional or negative points rather than rounding them', () => {
    expect(() => rankFirms(YANTAI_2022, [firm('1', [rec('b', 'base', 10.5)])], '2026-12-31')).toThrow(RangeError)
    expect(() => rankFirms(YANTAI_2022, [firm('1', [rec('b', 'bad', -1)])], '2026-12-31')).toThrow(RangeError)
  })
})

describe('credit score: Beijing 2026 (rank proportion)', () => {
  /** The reference: grade shares counted by hand, rank r of n in the top p% when r/n ≤ p/100. */
  function beijingReference(rank: number, n: number): string {
    if (rank / n <= 0.2 + 1e-12) return 'A'
    if (rank / n <= 0.8 + 1e-12) return 'B'
    if (rank / n <= 0.95 + 1e-12) return 'C'
    return 'D'
  }

  const district = (n: number) => Array.from({ length: n }, (_, i) => firm(String(i).padStart(2, '0'), [rec('b', 'base', 1000 + i)]))

  it.each([1, 4, 5, 10, 19, 20, 21])('grades %i firms with distinct scores by rank proportion, as the reference', (n) => {
    const r = rankFirms(BEIJING_2026, district(n), '2026-12-31')
    r.forEach((s, i) => {
      expect(s.rank).toBe(i + 1)
      expect(s.grade).toBe(beijingReference(s.rank, n))
    })
    expect(r.filter((s) => s.grade === 'A').length * 100).toBeLessThanOrEqual(20 * n)
  })

  it('equal scores share the better rank and the grade that goes with it; names order ties, deciding nothing', () => {
    const fs = [firm('a', [rec('b', 'base', 3000)]), firm('c', [rec('b', 'base', 3000)]), firm('b', [rec('b', 'base', 3000)]), firm('d', [rec('b', 'base', 100)]), firm('e', [rec('b', 'base', 50)])]
    const r = rankFirms(BEIJING_2026, fs, '2026-12-31')
    // ranks 1,1,1,4,5 of 5: rank 1 ≤ 20% → all three tied take A; 4 of 5 = 80% → B; 5 → D
    expect(r.map((s) => [s.firmId, s.rank, s.grade])).toEqual([
      ['a', 1, 'A'],
      ['b', 1, 'A'],
      ['c', 1, 'A'],
      ['d', 4, 'B'],
      ['e', 5, 'D'],
    ])
  })

  it('complaint handling and owner satisfaction are inputs, weighted exactly and shown beside the score', () => {
    const f = firm('1', [rec('b', 'base', 4000)], {
      complaints: { response: { hits: 2, of: 3 }, resolution: { hits: 1, of: 2 }, satisfaction: { hits: 0, of: 0 } },
      ownerSatisfaction: { hits: 9, of: 10 },
    })
    const [s] = rankFirms(BEIJING_2026, [f], '2026-12-31')
    // 1000 × 2/3 = 666.67 → 667; 1500 × 1/2 = 750; nothing to measure → full 1500; 2000 × 9/10 = 1800
    expect(s!.parts.slice(3).map((p) => [p.part, p.weightCenti, p.pointsCenti])).toEqual([
      ['complaint_response', 1000, 667],
      ['complaint_resolution', 1500, 750],
      ['complaint_satisfaction', 1500, 1500],
      ['owner_satisfaction', 2000, 1800],
    ])
    expect(s!.scoreCenti).toBe(4000 + 667 + 750 + 1500 + 1800)
    // no ratings at all earns nothing
    expect(rankFirms(BEIJING_2026, [firm('2', [])], '2026-12-31')[0]!.parts.at(-1)!.pointsCenti).toBe(0)
  })

  it('rounds the weighted rate half up on hundredths', () => {
    expect(weighted(1, { hits: 1, of: 2 })).toBe(1) // 0.5 → 1
    expect(weighted(1, { hits: 1, of: 3 })).toBe(0) // 0.33 → 0
    expect(weighted(2000, { hits: 0, of: 0 })).toBe(0)
    expect(() => weighted(1, { hits: 3, of: 2 })).toThrow(RangeError)
  })

  it('serious dishonesty takes D whatever the rank', () => {
    const r = rankFirms(BEIJING_2026, [firm('x', [rec('b', 'base', 4000), rec('d', 'bad', 0, '2026-10-01', { seriousDishonesty: true })]), ...district(9)], '2026-12-31')
    expect(r[0]!.firmId).toBe('x')
    expect(r[0]!.grade).toBe('D')
    expect(r[1]!.grade).toBe('A')
  })
})

describe('evaluation periods: fixed cycles, never rolling windows', () => {
  it('a half-year scheme (Beijing: 1 Jan–30 Jun, 1 Jul–31 Dec) closes only in Q2 and Q4, and the period before is the previous half year', () => {
    expect(BEIJING_2026.period).toBe('half_year')
    expect(evaluationPeriod('half_year', '2026Q2')).toEqual({ closing: '2026Q2', quarters: ['2026Q1', '2026Q2'], start: '2026-01-01', end: '2026-06-30', label: '2026年上半年', previous: '2025Q4' })
    expect(evaluationPeriod('half_year', '2026Q4')).toEqual({ closing: '2026Q4', quarters: ['2026Q3', '2026Q4'], start: '2026-07-01', end: '2026-12-31', label: '2026年下半年', previous: '2026Q2' })
    expect(evaluationPeriod('half_year', '2026Q1')).toBeNull()
    expect(evaluationPeriod('half_year', '2026Q3')).toBeNull()
    expect(closingQuarters('half_year', 2027)).toEqual(['2027Q2', '2027Q4'])
  })

  it('a quarterly scheme (Yantai) closes every quarter, titled by the quarter as before; a yearly one in Q4', () => {
    expect(YANTAI_2022.period).toBe('quarter')
    expect(evaluationPeriod('quarter', '2026Q1')).toEqual({ closing: '2026Q1', quarters: ['2026Q1'], start: '2026-01-01', end: '2026-03-31', label: '2026Q1', previous: '2025Q4' })
    expect(closingQuarters('quarter', 2026)).toEqual(['2026Q1', '2026Q2', '2026Q3', '2026Q4'])
    expect(evaluationPeriod('year', '2026Q4')).toEqual({ closing: '2026Q4', quarters: ['2026Q1', '2026Q2', '2026Q3', '2026Q4'], start: '2026-01-01', end: '2026-12-31', label: '2026年度', previous: '2025Q4' })
    expect(closingQuarters('year', 2026)).toEqual(['2026Q4'])
    for (const bad of ['2026Q5', '2026Q0', '2026-06', '26Q2', '']) expect(evaluationPeriod('half_year', bad)).toBeNull()
  })
})

it('shows points for people without floats', () => {
  expect([formatPoints(8550), formatPoints(8505), formatPoints(-1234), formatPoints(6000)]).toEqual(['85.5', '85.05', '-12.34', '60'])
})
