import { describe, expect, it } from 'vitest'
import {
  MATTERS,
  MATTER_KEYS,
  TallyInputError,
  approvalClassOf,
  tally,
  type Choice,
  type CountedBallot,
  type ElectorUnit,
  type TallyInput,
} from '../../shared/tally'

/** Units for voters given as [voterId, area, area, ...]; unit ids are `${voterId}/${k}`. */
function units(...voters: [string, ...number[]][]): ElectorUnit[] {
  return voters.flatMap(([voterId, ...areas]) =>
    areas.map((areaCenti, k) => ({ unitId: `${voterId}/${k}`, voterId, areaCenti })),
  )
}

function ballots(choices: Record<string, Choice>): CountedBallot[] {
  return Object.entries(choices).map(([voterId, choice]) => ({ voterId, choice }))
}

/** n voters of area 100 each, named v1..vn */
function equalVoters(n: number): ElectorUnit[] {
  return units(...Array.from({ length: n }, (_, i): [string, number] => [`v${i + 1}`, 100]))
}

function expectInputError(run: () => unknown, code: string, subject: string | null): TallyInputError {
  let caught: unknown
  try {
    run()
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(TallyInputError)
  const err = caught as TallyInputError
  expect(err.name).toBe('TallyInputError')
  expect(err.code).toBe(code)
  expect(err.subject).toBe(subject)
  if (subject !== null) expect(err.message).toContain(subject)
  return err
}

describe('the nine matters (民法典 第278条)', () => {
  it('lists exactly nine matters, three of them special', () => {
    expect(MATTER_KEYS).toEqual([
      'rules', 'covenant', 'committee', 'manager', 'fund_use',
      'fund_raise', 'rebuild', 'common_use', 'other',
    ])
    expect(MATTER_KEYS.filter((m) => approvalClassOf(m) === 'special')).toEqual([
      'fund_raise', 'rebuild', 'common_use',
    ])
    expect(MATTERS.fund_use.approval).toBe('ordinary')
    expect(MATTERS.common_use.label).toBe('改变共有部分的用途或者利用共有部分从事经营活动')
  })
})

describe('tally: a plain count', () => {
  it('reports every weight exactly', () => {
    const t = tally({
      units: units(['a', 100], ['b', 200], ['c', 300], ['d', 400], ['e', 500]),
      ballots: ballots({ a: 'agree', b: 'agree', c: 'oppose', d: 'abstain', e: 'spoiled' }),
      approval: 'ordinary',
    })
    expect(t).toEqual({
      total: { areaCenti: 1500, voters: 5 },
      participated: { areaCenti: 1500, voters: 5 },
      agree: { areaCenti: 300, voters: 2 },
      oppose: { areaCenti: 300, voters: 1 },
      abstain: { areaCenti: 400, voters: 1 },
      spoiled: { areaCenti: 500, voters: 1 },
      deemed: { areaCenti: 0, voters: 0 },
      quorum: true,
      passed: false,
      outcome: 'rejected',
    })
  })

  it('passes an ordinary matter with a clear majority', () => {
    const t = tally({
      units: equalVoters(3),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
    })
    expect(t.outcome).toBe('passed')
    expect(t.passed).toBe(true)
    expect(t.agree).toEqual({ areaCenti: 200, voters: 2 })
  })

  it('with no ballots at all: no quorum, all zero', () => {
    const t = tally({ units: equalVoters(3), ballots: [], approval: 'ordinary' })
    expect(t.participated).toEqual({ areaCenti: 0, voters: 0 })
    expect(t.quorum).toBe(false)
    expect(t.outcome).toBe('no_quorum')
  })

  it('does not modify its input', () => {
    const input: TallyInput = {
      units: units(['a', 100, 50], ['b', 200]),
      ballots: ballots({ a: 'agree' }),
      approval: 'special',
      nonVoters: 'follow_majority',
      delivered: ['b'],
    }
    const copy = structuredClone(input)
    tally(input)
    expect(input).toEqual(copy)
  })
})

describe('quorum: 3·A_part ≥ 2·A_total and 3·P_part ≥ 2·P_total (民法典 第278条, 第1259条 以上)', () => {
  it('exactly 2/3 of area and of voters is a quorum (inclusive)', () => {
    const t = tally({ units: equalVoters(3), ballots: ballots({ v1: 'agree', v2: 'agree' }), approval: 'ordinary' })
    expect(t.participated).toEqual({ areaCenti: 200, voters: 2 })
    expect(t.quorum).toBe(true)
    expect(t.outcome).toBe('passed')
  })

  it('one hundredth of a square metre short of 2/3 of area: no quorum', () => {
    const t = tally({
      units: units(['v1', 100], ['v2', 99], ['v3', 101]),
      ballots: ballots({ v1: 'agree', v2: 'agree' }),
      approval: 'ordinary',
    })
    // 3·199 = 597 < 600 = 2·300, voters 3·2 = 6 ≥ 6
    expect(t.participated).toEqual({ areaCenti: 199, voters: 2 })
    expect(t.quorum).toBe(false)
    expect(t.passed).toBe(false)
    expect(t.outcome).toBe('no_quorum')
  })

  it('exactly 2/3 of area but not 2/3 of voters: no quorum', () => {
    const t = tally({
      units: units(['v1', 200], ['v2', 100], ['v3', 100], ['v4', 100], ['v5', 50], ['v6', 50]),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'agree' }),
      approval: 'ordinary',
    })
    // area 3·400 = 1200 ≥ 1200, voters 3·3 = 9 < 12
    expect(t.participated).toEqual({ areaCenti: 400, voters: 3 })
    expect(t.quorum).toBe(false)
    expect(t.outcome).toBe('no_quorum')
  })

  it('exactly 2/3 of voters but not 2/3 of area: no quorum', () => {
    const t = tally({
      units: units(['v1', 100], ['v2', 100], ['v3', 201]),
      ballots: ballots({ v1: 'agree', v2: 'agree' }),
      approval: 'ordinary',
    })
    // voters 6 ≥ 6, area 3·200 = 600 < 802
    expect(t.quorum).toBe(false)
    expect(t.outcome).toBe('no_quorum')
  })
})

describe('ordinary approval: 2·agree > participants, area and voters (过半数, strict)', () => {
  it('exactly half the participating area is not passed, though voters are a majority', () => {
    const t = tally({
      units: units(['v1', 50], ['v2', 50], ['v3', 100]),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
    })
    expect(t.agree).toEqual({ areaCenti: 100, voters: 2 })
    expect(t.participated).toEqual({ areaCenti: 200, voters: 3 })
    expect(t.quorum).toBe(true)
    expect(t.passed).toBe(false)
    expect(t.outcome).toBe('rejected')
  })

  it('exactly half the participating voters is not passed, though area is a majority', () => {
    const t = tally({
      units: units(['v1', 150], ['v2', 150], ['v3', 50], ['v4', 50]),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose', v4: 'oppose' }),
      approval: 'ordinary',
    })
    expect(t.agree).toEqual({ areaCenti: 300, voters: 2 })
    expect(t.outcome).toBe('rejected')
  })

  it('one hundredth over half of the area passes', () => {
    const t = tally({
      units: units(['v1', 51], ['v2', 50], ['v3', 100]),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
    })
    expect(t.agree).toEqual({ areaCenti: 101, voters: 2 })
    expect(t.outcome).toBe('passed')
  })

  it('the denominator is the participants, not all owners', () => {
    // 3 of 4 participate; 2 agree: 2/3 of participants, only 1/2 of owners
    const t = tally({
      units: equalVoters(4),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
    })
    expect(t.outcome).toBe('passed')
  })

  it('an abstention participates and does not agree: it turns a pass into a rejection', () => {
    const base = { v1: 'agree', v2: 'agree', v3: 'oppose' } as const
    const without = tally({ units: equalVoters(4), ballots: ballots(base), approval: 'ordinary' })
    expect(without.outcome).toBe('passed')
    const withAbstention = tally({
      units: equalVoters(4),
      ballots: ballots({ ...base, v4: 'abstain' }),
      approval: 'ordinary',
    })
    expect(withAbstention.abstain).toEqual({ areaCenti: 100, voters: 1 })
    expect(withAbstention.participated).toEqual({ areaCenti: 400, voters: 4 })
    expect(withAbstention.agree).toEqual({ areaCenti: 200, voters: 2 })
    expect(withAbstention.outcome).toBe('rejected')
  })

  it('an abstention can supply the quorum', () => {
    const t = tally({
      units: equalVoters(3),
      ballots: ballots({ v1: 'agree', v2: 'abstain' }),
      approval: 'ordinary',
    })
    // quorum 2 of 3; agree 1 of 2 participants = exactly half: rejected, not no_quorum
    expect(t.quorum).toBe(true)
    expect(t.outcome).toBe('rejected')
  })
})

describe('special approval: 4·agree ≥ 3·participants, area and voters (民法典 第278条, 3/4 以上)', () => {
  it('exactly 3/4 of area and voters passes (inclusive)', () => {
    const t = tally({
      units: equalVoters(4),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'agree', v4: 'oppose' }),
      approval: 'special',
    })
    expect(t.agree).toEqual({ areaCenti: 300, voters: 3 })
    expect(t.outcome).toBe('passed')
  })

  it('one hundredth short of 3/4 of area is rejected', () => {
    const t = tally({
      units: units(['v1', 100], ['v2', 100], ['v3', 99], ['v4', 101]),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'agree', v4: 'oppose' }),
      approval: 'special',
    })
    // 4·299 = 1196 < 1200
    expect(t.agree).toEqual({ areaCenti: 299, voters: 3 })
    expect(t.outcome).toBe('rejected')
  })

  it('3/4 of area but not 3/4 of voters is rejected', () => {
    const t = tally({
      units: units(['v1', 100], ['v2', 100], ['v3', 100], ['v4', 50], ['v5', 50]),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'agree', v4: 'oppose', v5: 'oppose' }),
      approval: 'special',
    })
    // area 4·300 ≥ 3·400, voters 4·3 = 12 < 15
    expect(t.outcome).toBe('rejected')
  })

  it('the same ballots pass as ordinary but not as special', () => {
    const input = {
      units: equalVoters(3),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
    }
    expect(tally({ ...input, approval: 'ordinary' }).outcome).toBe('passed')
    expect(tally({ ...input, approval: 'special' }).outcome).toBe('rejected')
  })
})

describe('spoiled ballots (废票)', () => {
  it('participate by default and so can supply the quorum; never agree', () => {
    const input = { units: equalVoters(3), ballots: ballots({ v1: 'agree', v2: 'spoiled' }), approval: 'ordinary' as const }
    const on = tally(input)
    expect(on.spoiled).toEqual({ areaCenti: 100, voters: 1 })
    expect(on.participated).toEqual({ areaCenti: 200, voters: 2 })
    expect(on.agree).toEqual({ areaCenti: 100, voters: 1 })
    expect(on.outcome).toBe('rejected')

    const off = tally({ ...input, spoiledParticipate: false })
    expect(off.spoiled).toEqual({ areaCenti: 100, voters: 1 })
    expect(off.participated).toEqual({ areaCenti: 100, voters: 1 })
    expect(off.outcome).toBe('no_quorum')
  })

  it('participating spoiled ballots dilute approval; not participating they do not', () => {
    const input = {
      units: equalVoters(4),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose', v4: 'spoiled' }),
      approval: 'ordinary' as const,
    }
    expect(tally(input).outcome).toBe('rejected')
    expect(tally({ ...input, spoiledParticipate: true }).outcome).toBe('rejected')
    const off = tally({ ...input, spoiledParticipate: false })
    expect(off.participated).toEqual({ areaCenti: 300, voters: 3 })
    expect(off.spoiled).toEqual({ areaCenti: 100, voters: 1 })
    expect(off.outcome).toBe('passed')
  })
})

describe('units and voters (《解释》第9条)', () => {
  it('a voter with several units counts its summed area once as a voter', () => {
    const t = tally({
      units: units(['big', 100, 150, 250], ['s1', 100], ['s2', 100]),
      ballots: ballots({ big: 'agree', s1: 'oppose', s2: 'oppose' }),
      approval: 'ordinary',
    })
    expect(t.total).toEqual({ areaCenti: 700, voters: 3 })
    expect(t.agree).toEqual({ areaCenti: 500, voters: 1 })
    // area 5/7 agree but only 1 of 3 voters: rejected
    expect(t.outcome).toBe('rejected')
  })

  it("the developer's unsold units are one voter, however many", () => {
    const developerUnits = Array.from({ length: 60 }, (_, k) => ({
      unitId: `dev-${k}`,
      voterId: 'developer',
      areaCenti: 9000,
    }))
    const owners = Array.from({ length: 40 }, (_, k) => ({
      unitId: `own-${k}`,
      voterId: `owner-${k}`,
      areaCenti: 9000,
    }))
    const t = tally({
      units: [...developerUnits, ...owners],
      ballots: [
        { voterId: 'developer', choice: 'agree' },
        ...owners.slice(0, 27).map((u): CountedBallot => ({ voterId: u.voterId, choice: 'oppose' })),
      ],
      approval: 'ordinary',
    })
    expect(t.total).toEqual({ areaCenti: 900_000, voters: 41 })
    expect(t.agree).toEqual({ areaCenti: 540_000, voters: 1 })
    expect(t.oppose).toEqual({ areaCenti: 243_000, voters: 27 })
    // quorum: area 783000·3 ≥ 1800000, voters 28·3 = 84 ≥ 82
    expect(t.quorum).toBe(true)
    expect(t.outcome).toBe('rejected')
  })
})

describe('non-voters follow the majority (指导规则 第26条)', () => {
  const fiveVoters = equalVoters(5)

  it("'ignore' (the default) never deems anyone", () => {
    const input = { units: fiveVoters, ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }), approval: 'ordinary' as const }
    for (const t of [tally(input), tally({ ...input, nonVoters: 'ignore', delivered: ['v4', 'v5'] })]) {
      expect(t.deemed).toEqual({ areaCenti: 0, voters: 0 })
      expect(t.participated).toEqual({ areaCenti: 300, voters: 3 })
      expect(t.outcome).toBe('no_quorum')
    }
  })

  it('adds every non-voter to the agreeing side when it holds a majority of area and voters', () => {
    const t = tally({
      units: fiveVoters,
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
    })
    expect(t.deemed).toEqual({ areaCenti: 200, voters: 2 })
    expect(t.agree).toEqual({ areaCenti: 400, voters: 4 })
    expect(t.oppose).toEqual({ areaCenti: 100, voters: 1 })
    expect(t.participated).toEqual({ areaCenti: 500, voters: 5 })
    expect(t.quorum).toBe(true)
    expect(t.outcome).toBe('passed')
  })

  it('adds them to the opposing side when that side holds the majority', () => {
    const t = tally({
      units: fiveVoters,
      ballots: ballots({ v1: 'agree', v2: 'oppose', v3: 'oppose' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
    })
    expect(t.deemed).toEqual({ areaCenti: 200, voters: 2 })
    expect(t.agree).toEqual({ areaCenti: 100, voters: 1 })
    expect(t.oppose).toEqual({ areaCenti: 400, voters: 4 })
    expect(t.outcome).toBe('rejected')
  })

  it('adds nothing when no side has a majority of the actual ballots', () => {
    const t = tally({
      units: fiveVoters,
      ballots: ballots({ v1: 'agree', v2: 'oppose', v3: 'abstain' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
    })
    expect(t.deemed).toEqual({ areaCenti: 0, voters: 0 })
    expect(t.participated).toEqual({ areaCenti: 300, voters: 3 })
    expect(t.outcome).toBe('no_quorum')
  })

  it('adds nothing when a side has a majority of area but not of voters', () => {
    const t = tally({
      units: units(['v1', 300], ['v2', 100], ['v3', 100], ['v4', 100], ['v5', 100]),
      ballots: ballots({ v1: 'agree', v2: 'oppose', v3: 'oppose' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
    })
    expect(t.deemed).toEqual({ areaCenti: 0, voters: 0 })
    expect(t.outcome).toBe('no_quorum')
  })

  it('an abstaining majority is not a side', () => {
    const t = tally({
      units: fiveVoters,
      ballots: ballots({ v1: 'abstain', v2: 'abstain', v3: 'agree' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
    })
    expect(t.deemed).toEqual({ areaCenti: 0, voters: 0 })
  })

  it('the majority side is judged among actual ballots, spoiled ones included when they participate', () => {
    const input = {
      units: fiveVoters,
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'spoiled', v4: 'spoiled' }),
      approval: 'ordinary' as const,
      nonVoters: 'follow_majority' as const,
    }
    // participating spoiled: agree 2 of 4, exactly half: no side
    expect(tally(input).deemed).toEqual({ areaCenti: 0, voters: 0 })
    // not participating: agree 2 of 2, and only v5 (no ballot) is a non-voter
    const off = tally({ ...input, spoiledParticipate: false })
    expect(off.deemed).toEqual({ areaCenti: 100, voters: 1 })
    expect(off.agree).toEqual({ areaCenti: 300, voters: 3 })
    expect(off.participated).toEqual({ areaCenti: 300, voters: 3 })
    expect(off.spoiled).toEqual({ areaCenti: 200, voters: 2 })
    // 3 of 5 participate: no quorum even with the deemed voter
    expect(off.outcome).toBe('no_quorum')
  })

  it('deems only non-voters whose delivery is on record', () => {
    const t = tally({
      units: units(['v1', 100], ['v2', 100], ['v3', 100], ['v4', 100], ['v5', 100], ['v6', 250]),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
      // v1 voted (not a non-voter), v4 twice, 'stranger' is not in this electorate
      delivered: ['v1', 'v4', 'v4', 'stranger', 'v6'],
    })
    expect(t.deemed).toEqual({ areaCenti: 350, voters: 2 })
    expect(t.agree).toEqual({ areaCenti: 550, voters: 4 })
    expect(t.participated).toEqual({ areaCenti: 650, voters: 5 })
    expect(t.outcome).toBe('passed')
  })

  it('partial delivery can leave the vote without quorum', () => {
    const t = tally({
      units: fiveVoters,
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
      delivered: ['v4'],
    })
    // 4 of 5 participate, so quorum; only v4 deemed
    expect(t.deemed).toEqual({ areaCenti: 100, voters: 1 })
    expect(t.outcome).toBe('passed')

    const none = tally({
      units: equalVoters(6),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'oppose' }),
      approval: 'ordinary',
      nonVoters: 'follow_majority',
      delivered: [],
    })
    // an empty delivery record deems no one (unlike an omitted one)
    expect(none.deemed).toEqual({ areaCenti: 0, voters: 0 })
    expect(none.outcome).toBe('no_quorum')
  })

  it('deemed weight counts toward a special approval', () => {
    const t = tally({
      units: equalVoters(8),
      ballots: ballots({ v1: 'agree', v2: 'agree', v3: 'agree', v4: 'oppose', v5: 'oppose' }),
      approval: 'special',
      nonVoters: 'follow_majority',
    })
    // actual: 3 of 5 agree (a majority side, not 3/4); with 3 deemed: 6 of 8 = exactly 3/4
    expect(t.deemed).toEqual({ areaCenti: 300, voters: 3 })
    expect(t.agree).toEqual({ areaCenti: 600, voters: 6 })
    expect(t.outcome).toBe('passed')
  })

  it('with no ballots at all nothing is deemed', () => {
    const t = tally({ units: fiveVoters, ballots: [], approval: 'ordinary', nonVoters: 'follow_majority' })
    expect(t.deemed).toEqual({ areaCenti: 0, voters: 0 })
    expect(t.outcome).toBe('no_quorum')
  })
})

describe('products beyond 2^53 are compared exactly', () => {
  const MAX = Number.MAX_SAFE_INTEGER

  it('quorum: 3·A_part falls one short of 2·A_total where floating point says it is equal', () => {
    // t = A_total, a = A_part with 3a = 2t − 1 exactly
    const t = 9_007_199_254_740_986
    const a = 6_004_799_503_160_657
    expect(3n * BigInt(a)).toBe(2n * BigInt(t) - 1n)
    expect(3 * a >= 2 * t).toBe(true) // the float comparison is wrong here
    const a1 = 3_000_000_000_000_000
    const result = tally({
      units: units(['p1', a1], ['p2', a - a1], ['absent', t - a]),
      ballots: ballots({ p1: 'agree', p2: 'agree' }),
      approval: 'ordinary',
    })
    expect(result.total).toEqual({ areaCenti: t, voters: 3 })
    expect(result.participated).toEqual({ areaCenti: a, voters: 2 })
    expect(result.quorum).toBe(false)
    expect(result.outcome).toBe('no_quorum')
  })

  it('special approval: 4·agree falls one short of 3·part where floating point says it is equal', () => {
    const part = MAX
    const agree = 6_755_399_441_055_743
    expect(4n * BigInt(agree)).toBe(3n * BigInt(part) - 1n)
    expect(4 * agree >= 3 * part).toBe(true) // the float comparison is wrong here
    const result = tally({
      units: units(['a1', 2_000_000_000_000_000], ['a2', 2_000_000_000_000_000], ['a3', agree - 4_000_000_000_000_000], ['o1', part - agree]),
      ballots: ballots({ a1: 'agree', a2: 'agree', a3: 'agree', o1: 'oppose' }),
      approval: 'special',
    })
    expect(result.total).toEqual({ areaCenti: MAX, voters: 4 })
    expect(result.agree).toEqual({ areaCenti: agree, voters: 3 })
    expect(result.quorum).toBe(true)
    expect(result.passed).toBe(false)
    expect(result.outcome).toBe('rejected')

    // one more hundredth of a square metre on the agreeing side tips it
    const tipped = tally({
      units: units(['a1', 2_000_000_000_000_000], ['a2', 2_000_000_000_000_000], ['a3', agree - 4_000_000_000_000_000 + 1], ['o1', part - agree - 1]),
      ballots: ballots({ a1: 'agree', a2: 'agree', a3: 'agree', o1: 'oppose' }),
      approval: 'special',
    })
    expect(tipped.outcome).toBe('passed')
  })

  it('accepts a single unit of Number.MAX_SAFE_INTEGER', () => {
    const result = tally({ units: units(['v', MAX]), ballots: ballots({ v: 'agree' }), approval: 'special' })
    expect(result.agree).toEqual({ areaCenti: MAX, voters: 1 })
    expect(result.outcome).toBe('passed')
  })

  it('refuses an electorate whose total area is not a safe integer', () => {
    expectInputError(
      () => tally({ units: units(['v', MAX], ['w', 1]), ballots: [], approval: 'ordinary' }),
      'area_overflow',
      null,
    )
  })
})

describe('TallyInputError', () => {
  const three = units(['a', 100], ['b', 100], ['c', 100])

  it('an empty electorate', () => {
    expectInputError(() => tally({ units: [], ballots: [], approval: 'ordinary' }), 'empty_electorate', null)
  })

  it('a ballot whose voter owns no unit in the electorate', () => {
    expectInputError(
      () => tally({ units: three, ballots: ballots({ a: 'agree', zed: 'agree' }), approval: 'ordinary' }),
      'unknown_voter',
      'zed',
    )
  })

  it('two ballots of one voter, even with the same choice', () => {
    expectInputError(
      () =>
        tally({
          units: three,
          ballots: [
            { voterId: 'b', choice: 'agree' },
            { voterId: 'a', choice: 'agree' },
            { voterId: 'b', choice: 'agree' },
          ],
          approval: 'ordinary',
        }),
      'duplicate_ballot',
      'b',
    )
  })

  it('a unit listed twice, even for the same voter', () => {
    const dup = [...three, { unitId: 'a/0', voterId: 'a', areaCenti: 100 }]
    expectInputError(() => tally({ units: dup, ballots: [], approval: 'ordinary' }), 'duplicate_unit', 'a/0')
  })

  it.each([0, -100, 12.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'an area of %s',
    (areaCenti) => {
      const bad = [...three, { unitId: 'bad-unit', voterId: 'd', areaCenti }]
      expectInputError(() => tally({ units: bad, ballots: [], approval: 'ordinary' }), 'invalid_area', 'bad-unit')
    },
  )

  it('a choice that is not one of the four', () => {
    const bad = [{ voterId: 'c', choice: 'yes' as Choice }]
    expectInputError(() => tally({ units: three, ballots: bad, approval: 'ordinary' }), 'invalid_choice', 'c')
  })

  it('an unknown approval class or non-voter rule', () => {
    expectInputError(
      () => tally({ units: three, ballots: [], approval: 'unanimous' as 'special' }),
      'invalid_option',
      'unanimous',
    )
    expectInputError(
      () => tally({ units: three, ballots: [], approval: 'ordinary', nonVoters: 'follow_agree' as 'ignore' }),
      'invalid_option',
      'follow_agree',
    )
  })
})
