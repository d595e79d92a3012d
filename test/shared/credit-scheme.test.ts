import { describe, expect, it } from 'vitest'
import { BEIJING_2026, type FirmInputs, rankFirms, type RankScheme, type ScoreRecord, type ThresholdScheme, YANTAI_2022 } from '../../shared/credit-score'
import { describeNumbers, districtNumberIssues, numbersOf, type RankNumbers, type ThresholdNumbers, withDistrictNumbers } from '../../shared/credit-scheme'
import { rankNumbers } from '../helpers/credit'

const rec = (id: string, category: ScoreRecord['category'], pointsCenti: number, occurredOn = '2026-03-01'): ScoreRecord => ({ id, category, item: id, pointsCenti, occurredOn })
const firm = (firmId: string, records: ScoreRecord[], extra: Partial<FirmInputs> = {}): FirmInputs => ({ firmId, firmName: `物业${firmId}`, records, ...extra })
const meta = { id: 'district', name: '朝阳区物业服务企业信用评价方案（第1版）', source: '朝建发〔2026〕12号' }

const beijingNumbers = (over: Partial<RankNumbers> = {}): RankNumbers => ({
  ...rankNumbers([10, 50, 90, 100], {
    baseCapCenti: 4500,
    goodCapCenti: 2500,
    complaintWeightsCenti: { response: 2000, resolution: 1000, satisfaction: 500 },
    ownerSatisfactionWeightCenti: 3000,
    validityMonths: 6,
  }),
  ...over,
})

describe('a district scheme from a preset and the department’s numbers', () => {
  it('takes the numbers, the department’s name and source, and leaves nothing provisional; period, grades and lists stay the preset’s; the preset is untouched', () => {
    const before = JSON.stringify(BEIJING_2026)
    const s = withDistrictNumbers(BEIJING_2026, beijingNumbers(), meta) as RankScheme
    expect(s).toMatchObject({
      id: 'district',
      name: meta.name,
      source: meta.source,
      provisional: null,
      grading: 'rank',
      period: 'half_year',
      baseCapCenti: 4500,
      goodCapCenti: 2500,
      validityMonths: 6,
      ownerSatisfactionWeightCenti: 3000,
      complaintWeightsCenti: { response: 2000, resolution: 1000, satisfaction: 500 },
      dishonestyGrade: 'D',
      goodGrades: ['A'],
      badGrades: ['D'],
    })
    expect(s.shares.map((x) => x.cumulativePercent)).toEqual([10, 50, 90, 100])
    expect(JSON.stringify(BEIJING_2026)).toBe(before)
    expect(numbersOf(s)).toEqual(beijingNumbers())
    expect(describeNumbers(s)).toBe(
      '按得分排名比例评级：A 10%，B 40%，C 40%，D 10%；基础信息上限45分，良好行为上限25分，记录有效期6个月；投诉响应率20分，投诉按时办结率10分，投诉满意率5分，业主满意率30分。',
    )
  })

  it('custom shares 10/50/90/100 change who is A: ten firms, hand-counted', () => {
    // ten firms with base points 9000, 8900 … 8100 (all under no cap that bites: cap 90 points)
    const firms = Array.from({ length: 10 }, (_, i) => firm(`f${i}`, [rec(`r${i}`, 'base', 9000 - i * 100)], { ownerSatisfaction: { hits: 0, of: 0 } }))
    const caps = { baseCapCenti: 9000 }
    // the preset (20/80/95/100): r·100 ≤ 20·10 → ranks 1–2 A; ≤ 800 → 3–8 B; ≤ 950 → 9 C; 10 D
    const preset = rankFirms({ ...BEIJING_2026, ...caps }, firms, '2026-06-30').map((e) => e.grade)
    expect(preset).toEqual(['A', 'A', 'B', 'B', 'B', 'B', 'B', 'B', 'C', 'D'])
    // the district's (10/50/90/100): rank 1 A; 2–5 B; 6–9 C; 10 D
    const district = withDistrictNumbers(BEIJING_2026, beijingNumbers({ ...caps, validityMonths: 12 }), meta)
    expect(rankFirms(district, firms, '2026-06-30').map((e) => [e.firmId, e.grade])).toEqual([
      ['f0', 'A'],
      ['f1', 'B'],
      ['f2', 'B'],
      ['f3', 'B'],
      ['f4', 'B'],
      ['f5', 'C'],
      ['f6', 'C'],
      ['f7', 'C'],
      ['f8', 'C'],
      ['f9', 'D'],
    ])
  })

  it('scores with the district’s caps, weights and validity (hand-computed)', () => {
    const f = firm('x', [rec('base', 'base', 5000, '2026-01-15'), rec('good', 'good', 3000, '2026-01-15'), rec('old', 'bad', 700, '2025-12-01')], {
      complaints: { response: { hits: 1, of: 2 }, resolution: { hits: 1, of: 3 }, satisfaction: { hits: 0, of: 0 } },
      ownerSatisfaction: { hits: 2, of: 3 },
    })
    // the preset: 40 + 20 − 7 (the bad record of 2025-12-01 counts 12 months, to 2026-11-30)
    //   + 10·½ = 5 + 15·⅓ = 5 + 15 (no complaint to satisfy: full) + 20·⅔ = 13.33 → 91.33
    const [p] = rankFirms(BEIJING_2026, [f], '2026-06-30')
    expect(p!.scoreCenti).toBe(4000 + 2000 - 700 + 500 + 500 + 1500 + 1333)
    // the district: 45 + 25 (6 months: the bad record ended 2026-05-31, the others run to 2026-07-14)
    //   + 20·½ = 10 + 10·⅓ = 3.33 + 5 + 30·⅔ = 20 → 108.33
    const [d] = rankFirms(withDistrictNumbers(BEIJING_2026, beijingNumbers(), meta), [f], '2026-06-30')
    expect(d!.scoreCenti).toBe(4500 + 2500 + 1000 + 333 + 500 + 2000)
    expect(d!.expired.map((r) => r.id)).toEqual(['old'])
    expect(d!.parts.find((x) => x.part === 'complaint_response')).toMatchObject({ weightCenti: 2000, pointsCenti: 1000 })
  })

  it('Yantai with the district’s floors: 88 is AA, not AAA; 62 with a bad record is C, not B', () => {
    const numbers: ThresholdNumbers = {
      thresholds: [
        { grade: 'AAA', minCenti: 9000 },
        { grade: 'AA', minCenti: 8500 },
        { grade: 'A', minCenti: 7500 },
        { grade: 'B', minCenti: 6500 },
      ],
      baseCapCenti: 9000,
      goodCapCenti: 4000,
      validityMonths: 12,
    }
    const s = withDistrictNumbers(YANTAI_2022, numbers, meta) as ThresholdScheme
    expect(s).toMatchObject({ period: 'quarter', bottomGrade: 'C', blacklistGrade: '黑名单', provisional: null, baseCapCenti: 9000 })
    const firms = [firm('a', [rec('a', 'base', 8800)]), firm('b', [rec('b', 'base', 6300), rec('b-bad', 'bad', 100)])]
    expect(rankFirms(YANTAI_2022, firms, '2026-06-30').map((e) => [e.scoreCenti, e.grade])).toEqual([
      [8000, 'AA'], // the preset caps base information at 80
      [6200, 'B'],
    ])
    expect(rankFirms(s, firms, '2026-06-30').map((e) => [e.scoreCenti, e.grade])).toEqual([
      [8800, 'AA'],
      [6200, 'C'],
    ])
    expect(describeNumbers(s)).toBe('按分数线评级：AAA ≥ 90分，AA ≥ 85分，A ≥ 75分，B ≥ 65分，其余 C；基础信息上限90分，良好行为上限40分，记录有效期12个月。')
  })
})

describe('numbers that do not fit the preset', () => {
  const issues = (over: Partial<RankNumbers>) => districtNumberIssues(BEIJING_2026, beijingNumbers(over)).map((i) => [i.path.join('.'), i.message])
  const shares = (...ps: number[]) => rankNumbers(ps, beijingNumbers()).shares

  it('are refused per field, in Chinese', () => {
    expect(districtNumberIssues(BEIJING_2026, beijingNumbers())).toEqual([])
    expect(districtNumberIssues(BEIJING_2026, numbersOf(BEIJING_2026))).toEqual([])
    expect(districtNumberIssues(YANTAI_2022, numbersOf(YANTAI_2022))).toEqual([])
    expect(issues({ shares: shares(10, 50, 50, 100) })).toEqual([['shares.2.cumulativePercent', '累计比例须逐级递增：C 须大于 B 的 50%']])
    expect(issues({ shares: shares(10, 50, 90, 95) })).toEqual([['shares.3.cumulativePercent', '最后一个等级的累计比例须为 100（全部企业）']])
    expect(issues({ shares: shares(10, 50, 100) })).toEqual([['shares', '须为 4 个等级：A、B、C、D（等级名称与方案相同，不能增减）']])
    expect(issues({ shares: shares(10, 50, 90, 100).map((s, i) => (i === 0 ? { ...s, grade: 'A+' } : s)) })).toEqual([['shares.0.grade', '第 1 个等级须为 A']])
    expect(issues({ complaintWeightsCenti: { response: -1, resolution: 1000, satisfaction: 500 } })).toEqual([['complaintWeightsCenti.response', '投诉响应率分值须为 0 至 100000 之间的整数（单位 0.01 分）']])
    expect(issues({ validityMonths: 0 })).toEqual([['validityMonths', '记录有效期须为 1 至 60 之间的整数（月）']])
    expect(issues({ baseCapCenti: 12.5 })).toEqual([['baseCapCenti', '基础信息上限须为 0 至 100000 之间的整数（单位 0.01 分）']])
    const y = numbersOf(YANTAI_2022) as ThresholdNumbers
    expect(districtNumberIssues(YANTAI_2022, { ...y, thresholds: y.thresholds.map((t, i) => (i === 2 ? { ...t, minCenti: 8000 } : t)) }).map((i) => [i.path.join('.'), i.message])).toEqual([
      ['thresholds.2.minCenti', '最低分须逐级递减：A 须低于 AA 的 80 分'],
    ])
    // a rank preset's numbers are not a threshold preset's
    expect(districtNumberIssues(YANTAI_2022, beijingNumbers()).map((i) => i.path.join('.'))).toEqual(['thresholds'])
  })

  it('cannot build a scheme', () => {
    expect(() => withDistrictNumbers(BEIJING_2026, beijingNumbers({ shares: shares(10, 50, 90, 95) }), meta)).toThrow(RangeError)
  })
})
