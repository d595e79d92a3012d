import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { electionLines, percentForPeople, tallyLines, tallyShortfalls } from '../../shared/result-text'
import { tallyE4 as tally, tallyElectionE4 as tallyElection, type ElectorUnitE4 } from '../../shared/tally'

const equalVoters = (n: number, areaE4 = 1_000_000): ElectorUnitE4[] => Array.from({ length: n }, (_, i) => ({ unitId: `u${i}`, voterId: `v${i}`, areaE4 }))

describe('percentages for people (voting-rules.md)', () => {
  it('rounds half-up to two places where it used to truncate', () => {
    expect(percentForPeople(634888, 1000000)).toBe('63.49%')
    expect(percentForPeople(59949, 100000)).toBe('59.95%')
    expect(percentForPeople(12345, 1000000)).toBe('1.23%')
    expect(percentForPeople(12355, 1000000)).toBe('1.24%')
    expect(percentForPeople(0, 0)).toBe('0.00%')
    expect(percentForPeople(646, 817)).toBe('79.07%')
  })

  it('to one place on pages, by the same rule: the page and the signed result agree', () => {
    expect(percentForPeople(5, 68, 1)).toBe('7.4%') // 7.35…%: the result says 7.35%
    expect(percentForPeople(5, 68)).toBe('7.35%')
    expect(percentForPeople(1, 68, 1)).toBe('1.5%') // 1.47…%
    expect(percentForPeople(1_790_000, 6_325_800, 1)).toBe('28.3%') // 28.297…%
    expect(percentForPeople(0, 0, 1)).toBe('0.0%')
    expect(percentForPeople(2, 3, 1)).toBe('66.7%')
    expect(percentForPeople(6666, 10000, 1)).toBe('66.6%') // would round to 66.7%
    expect(percentForPeople(4996, 10000, 1)).toBe('49.9%') // would round to 50.0%
    expect(percentForPeople(7496, 10000, 1)).toBe('74.9%')
    expect(percentForPeople(9996, 10000, 1)).toBe('99.9%')
    expect(percentForPeople(1, 1, 1)).toBe('100.0%')
  })

  it('never prints a share below a line as reaching it', () => {
    expect(percentForPeople(2, 3)).toBe('66.67%')
    expect(percentForPeople(66666, 100000)).toBe('66.66%') // would round to 66.67%
    expect(percentForPeople(199999, 300000)).toBe('66.66%')
    expect(percentForPeople(49999, 100000)).toBe('49.99%') // would round to 50.00%
    expect(percentForPeople(74999, 100000)).toBe('74.99%')
    expect(percentForPeople(99999, 100000)).toBe('99.99%')
    expect(percentForPeople(1, 1)).toBe('100.00%')
  })

  it('against a BigInt reference: within half a hundredth, and on the same side of every line', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.bigInt({ min: 0n, max: 10n ** 6n }), (whole, k) => {
        const part = Number((BigInt(whole) * k) / 10n ** 6n)
        const printed = percentForPeople(part, whole)
        const m = /^(\d+)\.(\d\d)%$/.exec(printed)!
        const bp = BigInt(m[1]!) * 100n + BigInt(m[2]!)
        // |bp/10000 − part/whole| ≤ 1/20000, unless held below a line (then within 1/10000)
        const err = bp * 2n * BigInt(whole) - BigInt(part) * 20000n
        expect(err <= BigInt(whole) && err >= -2n * BigInt(whole)).toBe(true)
        for (const [n, d] of [[1n, 2n], [2n, 3n], [3n, 4n], [1n, 1n]] as const) {
          expect(BigInt(part) * d < n * BigInt(whole)).toBe(bp * d < n * 10000n)
        }
      }),
      { numRuns: 3000 },
    )
  })
})

describe('the lines a failed poll missed, and by how much', () => {
  it('参与表决人数 616/950，未达三分之二，需 634 人', () => {
    const units = equalVoters(950)
    const t = tally({ units, ballots: units.slice(0, 616).map((u) => ({ voterId: u.voterId, choice: 'agree' })), approval: 'ordinary' })
    const [voters, area] = tallyShortfalls(t, 'ordinary', 2)
    expect(voters!.text).toBe('参与表决人数 616/950，未达三分之二，需 634 人')
    expect(area!.text).toBe('参与表决面积 61600.00/95000.00 平方米，未达三分之二，需 63333.34 平方米')
    expect(tallyLines(t, 'ordinary', 2)).toContain('参与表决人数 616/950，未达三分之二，需 634 人。')
  })

  it('approval: more than half is strict, three quarters inclusive', () => {
    const units = equalVoters(10)
    const ballots = units.map((u, i) => ({ voterId: u.voterId, choice: (i < 5 ? 'agree' : 'oppose') as 'agree' | 'oppose' }))
    expect(tallyShortfalls(tally({ units, ballots, approval: 'ordinary' }), 'ordinary', 2)[0]!.text).toBe('同意人数 5/10，未过半数，需 6 人')
    expect(tallyShortfalls(tally({ units, ballots, approval: 'special' }), 'special', 2)[0]!.text).toBe('同意人数 5/10，未达四分之三，需 8 人')
  })

  it('says where follow-majority came in: 同意 411 人，其中随多数 41 人', () => {
    const units = equalVoters(817)
    const ballots = units.slice(0, 605).map((u, i) => ({ voterId: u.voterId, choice: (i < 370 ? 'agree' : i < 584 ? 'oppose' : i < 600 ? 'abstain' : 'spoiled') as 'agree' }))
    const t = tally({ units, ballots, approval: 'ordinary', nonVoters: 'follow_majority', delivered: units.slice(605, 646).map((u) => u.voterId) })
    const lines = tallyLines(t, 'ordinary', 2)
    // the rule's total, and beside it the owners who actually voted (605 of 817: 74.05%)
    expect(lines[0]).toBe('参与表决：646/817 人（79.07%），面积 64600.00/81700.00 平方米（79.07%），其中实际参与表决 605 人（74.05%）、面积 60500.00 平方米（74.05%），随多数计入 41 人、面积 4100.00 平方米。')
    expect(lines[1]).toMatch(/^同意 411 人（63\.62%），面积 41100\.00 平方米（63\.62%），其中随多数 41 人、面积 4100\.00 平方米；反对 214 人/)
    expect(lines[2]).toMatch(/本次 41 人（面积 4100\.00 平方米）随多数计入同意/)
  })

  it('a candidate poll names each candidate with heads and area, and who fell short', () => {
    const units = equalVoters(5)
    const e = tallyElection({ units, ballots: [{ voterId: 'v0', marks: ['A'] }, { voterId: 'v1', marks: ['A'] }, { voterId: 'v2', marks: ['B'] }, { voterId: 'v3', marks: ['A'] }], candidates: ['A', 'B'], seats: 1 })
    const lines = electionLines(e, (id) => (id === 'A' ? '甲物业' : '乙物业'), 2)
    expect(lines).toContain('甲物业：3 人（75.00%），面积 300.00 平方米（75.00%），当选（第1名）。')
    expect(lines).toContain('乙物业得票人数 1/4，未过半数，需 3 人。')
    expect(lines.join('')).not.toContain('得票完全相同')
  })

  it('a last seat the votes did not decide is said to have gone by the order on the ballot', () => {
    // two seats; 张 has 4 of 5, 林 (v0 v2 v3) and 何 (v1 v3 v4) 3 each, with the same area: the
    // second seat goes to the one listed first
    const units = equalVoters(5)
    const ballots = [
      { voterId: 'v0', marks: ['张', '林'] },
      { voterId: 'v1', marks: ['张', '何'] },
      { voterId: 'v2', marks: ['张', '林'] },
      { voterId: 'v3', marks: ['林', '何'] },
      { voterId: 'v4', marks: ['何', '张'] },
    ]
    const e = tallyElection({ units, ballots, candidates: ['林', '何', '张'], seats: 2 })
    const names: Record<string, string> = { 林: '林芳', 何: '何晓东', 张: '张伟' }
    const lines = electionLines(e, (id) => names[id]!, 2)
    expect(lines).toContain('林芳：3 人（60.00%），面积 300.00 平方米（60.00%），当选（第2名）。')
    expect(lines).toContain('何晓东：3 人（60.00%），面积 300.00 平方米（60.00%），过半数但名额已满，未当选。')
    expect(lines).toContain('林芳、何晓东得票完全相同（人数和面积都相同），票数不能决定最后一个名额，按选票上候选人的排列顺序由林芳当选。')
  })

  it('areas registered with three decimals print with three, and what is needed is reachable at that precision', () => {
    // 3 voters of 95.363 m²: 2/3 of 286.089 is 190.726, reached by two of them exactly (以上, inclusive)
    const units = equalVoters(3, 953_630)
    const one = tally({ units, ballots: [{ voterId: 'v0', choice: 'agree' }], approval: 'ordinary' })
    const [voters, area] = tallyShortfalls(one, 'ordinary', 3)
    expect(voters!.text).toBe('参与表决人数 1/3，未达三分之二，需 2 人')
    expect(area!.text).toBe('参与表决面积 95.363/286.089 平方米，未达三分之二，需 190.726 平方米')
    expect(tallyLines(one, 'ordinary', 3)[0]).toBe('参与表决：1/3 人（33.33%），面积 95.363/286.089 平方米（33.33%）。')
  })
})
