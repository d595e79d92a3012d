import { describe, expect, it } from 'vitest'
import {
  TallyInputError,
  tallyElection,
  type CandidateResult,
  type ElectionBallot,
  type ElectorUnit,
} from '../../shared/tally'

/** Units for voters given as [voterId, area, area, ...]; unit ids are `${voterId}/${k}`. */
function units(...voters: [string, ...number[]][]): ElectorUnit[] {
  return voters.flatMap(([voterId, ...areas]) =>
    areas.map((areaCenti, k) => ({ unitId: `${voterId}/${k}`, voterId, areaCenti })),
  )
}

/** no non-voter's weight: what every candidate receives without follow_majority */
const none = { areaCenti: 0, voters: 0 }

/** n voters of area 100 each, named v1..vn */
function equalVoters(n: number): ElectorUnit[] {
  return units(...Array.from({ length: n }, (_, i): [string, number] => [`v${i + 1}`, 100]))
}

function marks(byVoter: Record<string, string[]>): ElectionBallot[] {
  return Object.entries(byVoter).map(([voterId, m]) => ({ voterId, marks: m }))
}

function candidate(results: CandidateResult[], id: string): CandidateResult {
  const r = results.find((c) => c.candidateId === id)
  if (r === undefined) throw new Error(`no result for ${id}`)
  return r
}

function expectInputError(run: () => unknown, code: string, subject: string | null): void {
  let caught: unknown
  try {
    run()
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(TallyInputError)
  const err = caught as TallyInputError
  expect(err.code).toBe(code)
  expect(err.subject).toBe(subject)
  if (subject !== null) expect(err.message).toContain(subject)
}

describe('tallyElection: choosing one firm (manager, seats = 1)', () => {
  it('elects the firm with a majority of participating area and voters', () => {
    const t = tallyElection({
      units: units(['v1', 100], ['v2', 200], ['v3', 300], ['v4', 400]),
      ballots: marks({ v1: ['firmA'], v2: ['firmA'], v3: ['firmB'], v4: ['firmA'] }),
      candidates: ['firmA', 'firmB', 'firmC'],
      seats: 1,
    })
    expect(t).toEqual({
      total: { areaCenti: 1000, voters: 4 },
      participated: { areaCenti: 1000, voters: 4 },
      abstain: { areaCenti: 0, voters: 0 },
      spoiled: { areaCenti: 0, voters: 0 },
      deemed: none,
      quorum: true,
      candidates: [
        { candidateId: 'firmA', votes: { areaCenti: 700, voters: 3 }, deemed: none, majority: true, elected: true, rank: 1 },
        { candidateId: 'firmB', votes: { areaCenti: 300, voters: 1 }, deemed: none, majority: false, elected: false, rank: null },
        { candidateId: 'firmC', votes: { areaCenti: 0, voters: 0 }, deemed: none, majority: false, elected: false, rank: null },
      ],
      elected: ['firmA'],
    })
  })

  it('no firm with a majority: the seat stays vacant (no runoff)', () => {
    const t = tallyElection({
      units: equalVoters(5),
      ballots: marks({ v1: ['A'], v2: ['A'], v3: ['B'], v4: ['B'], v5: ['C'] }),
      candidates: ['A', 'B', 'C'],
      seats: 1,
    })
    expect(t.quorum).toBe(true)
    expect(t.candidates.map((c) => [c.majority, c.rank, c.elected])).toEqual([
      [false, null, false],
      [false, null, false],
      [false, null, false],
    ])
    expect(t.elected).toEqual([])
  })
})

describe('majority: more than half of participating area AND voters (过半数, strict)', () => {
  it('exactly half of the participating voters is not a majority, even with most of the area', () => {
    const t = tallyElection({
      units: units(['v1', 300], ['v2', 300], ['v3', 100], ['v4', 100]),
      ballots: marks({ v1: ['X'], v2: ['X'], v3: ['Y'], v4: [] }),
      candidates: ['X', 'Y'],
      seats: 1,
    })
    expect(candidate(t.candidates, 'X').votes).toEqual({ areaCenti: 600, voters: 2 })
    expect(candidate(t.candidates, 'X').majority).toBe(false)
    expect(t.elected).toEqual([])
  })

  it('exactly half of the participating area is not a majority, even with most voters', () => {
    const t = tallyElection({
      units: units(['v1', 100], ['v2', 100], ['v3', 200]),
      ballots: marks({ v1: ['X'], v2: ['X'], v3: ['Y'] }),
      candidates: ['X', 'Y'],
      seats: 1,
    })
    expect(candidate(t.candidates, 'X').votes).toEqual({ areaCenti: 200, voters: 2 })
    expect(candidate(t.candidates, 'X').majority).toBe(false)
    expect(t.elected).toEqual([])
  })

  it('one hundredth of a square metre over half is a majority', () => {
    const t = tallyElection({
      units: units(['v1', 100], ['v2', 101], ['v3', 200]),
      ballots: marks({ v1: ['X'], v2: ['X'], v3: ['Y'] }),
      candidates: ['X', 'Y'],
      seats: 1,
    })
    expect(candidate(t.candidates, 'X')).toEqual({
      candidateId: 'X', votes: { areaCenti: 201, voters: 2 }, deemed: none, majority: true, elected: true, rank: 1,
    })
  })

  it('a ballot without marks is an abstention: it participates and dilutes the majority', () => {
    const base = { v1: ['X'], v2: ['X'], v3: ['Y'] }
    const without = tallyElection({ units: equalVoters(4), ballots: marks(base), candidates: ['X', 'Y'], seats: 1 })
    expect(without.elected).toEqual(['X'])
    const t = tallyElection({
      units: equalVoters(4),
      ballots: marks({ ...base, v4: [] }),
      candidates: ['X', 'Y'],
      seats: 1,
    })
    expect(t.abstain).toEqual({ areaCenti: 100, voters: 1 })
    expect(t.participated).toEqual({ areaCenti: 400, voters: 4 })
    expect(candidate(t.candidates, 'X').majority).toBe(false)
    expect(t.elected).toEqual([])
  })

  it('a voter with several units marks once, with all its area', () => {
    const t = tallyElection({
      units: units(['big', 500, 500], ['s1', 100], ['s2', 100]),
      ballots: marks({ big: ['X'], s1: ['Y'], s2: ['Y'] }),
      candidates: ['X', 'Y'],
      seats: 1,
    })
    expect(t.total).toEqual({ areaCenti: 1200, voters: 3 })
    expect(candidate(t.candidates, 'X').votes).toEqual({ areaCenti: 1000, voters: 1 })
    expect(candidate(t.candidates, 'Y').votes).toEqual({ areaCenti: 200, voters: 2 })
    // X has the area, Y the voters: neither has both
    expect(t.elected).toEqual([])
  })
})

describe('rank: area_c/A_part + voters_c/P_part, ties to the larger area', () => {
  // five voters; X is marked by v1 v2 v4 v5 (area 55, 4 voters), Y by v1 v2 v3 (area 75, 3 voters)
  const fiveUnequal = units(['v1', 15], ['v2', 15], ['v3', 45], ['v4', 12], ['v5', 13])
  const xyBallots = marks({ v1: ['X', 'Y'], v2: ['Y', 'X'], v3: ['Y'], v4: ['X'], v5: ['X'] })

  it('an exact tie in rank goes to the larger area', () => {
    const t = tallyElection({ units: fiveUnequal, ballots: xyBallots, candidates: ['X', 'Y'], seats: 2 })
    // 55·5 + 4·100 = 675 = 75·5 + 3·100
    expect(candidate(t.candidates, 'X')).toEqual({
      candidateId: 'X', votes: { areaCenti: 55, voters: 4 }, deemed: none, majority: true, elected: true, rank: 2,
    })
    expect(candidate(t.candidates, 'Y')).toEqual({
      candidateId: 'Y', votes: { areaCenti: 75, voters: 3 }, deemed: none, majority: true, elected: true, rank: 1,
    })
    expect(t.elected).toEqual(['Y', 'X'])
  })

  it('the larger area wins the last seat when the rank is tied, whatever the input order', () => {
    // ten voters, two marks each. Z: v1–v7; X: v1–v4 + v8–v10 (area 525, 7 voters);
    // Y: v5–v10 (area 625, 6 voters). X and Y: 525·10 + 7·1000 = 12250 = 625·10 + 6·1000
    const ten = units(
      ['v1', 93], ['v2', 94], ['v3', 94], ['v4', 94], ['v5', 158],
      ['v6', 158], ['v7', 159], ['v8', 50], ['v9', 50], ['v10', 50],
    )
    const t = tallyElection({
      units: ten,
      ballots: marks({
        v1: ['Z', 'X'], v2: ['Z', 'X'], v3: ['Z', 'X'], v4: ['Z', 'X'],
        v5: ['Z', 'Y'], v6: ['Z', 'Y'], v7: ['Z', 'Y'],
        v8: ['X', 'Y'], v9: ['X', 'Y'], v10: ['X', 'Y'],
      }),
      candidates: ['X', 'Y', 'Z'],
      seats: 2,
    })
    expect(t.candidates).toEqual([
      { candidateId: 'X', votes: { areaCenti: 525, voters: 7 }, deemed: none, majority: true, elected: false, rank: 3 },
      { candidateId: 'Y', votes: { areaCenti: 625, voters: 6 }, deemed: none, majority: true, elected: true, rank: 2 },
      { candidateId: 'Z', votes: { areaCenti: 850, voters: 7 }, deemed: none, majority: true, elected: true, rank: 1 },
    ])
    expect(t.elected).toEqual(['Z', 'Y'])
    // decided by area: no tie to report
    expect(t.tiedForLastSeat).toBeUndefined()
  })

  it('a tie in rank and area (hence in voters) goes by the order of input.candidates', () => {
    // R is marked by 4 of 5; Q (v1 v2 v5) and P (v3 v4 v5) tie exactly for the second seat
    const ballots = marks({ v1: ['R', 'Q'], v2: ['R', 'Q'], v3: ['R', 'P'], v4: ['R', 'P'], v5: ['Q', 'P'] })
    const t = tallyElection({ units: equalVoters(5), ballots, candidates: ['Q', 'P', 'R'], seats: 2 })
    expect(t.candidates.map((c) => [c.candidateId, c.votes.areaCenti, c.votes.voters, c.rank, c.elected])).toEqual([
      ['Q', 300, 3, 2, true],
      ['P', 300, 3, 3, false],
      ['R', 400, 4, 1, true],
    ])
    expect(t.elected).toEqual(['R', 'Q'])
    // the votes did not decide the seat: the result names the tie, best first as ranked
    expect(t.tiedForLastSeat).toEqual(['Q', 'P'])
    const swapped = tallyElection({ units: equalVoters(5), ballots, candidates: ['P', 'Q', 'R'], seats: 2 })
    expect(swapped.elected).toEqual(['R', 'P'])
    expect(swapped.tiedForLastSeat).toEqual(['P', 'Q'])
    // a tie inside the seats (both elected) decides nothing, nor does one below a seat left vacant
    expect(tallyElection({ units: equalVoters(5), ballots, candidates: ['Q', 'P', 'R'], seats: 3 }).tiedForLastSeat).toBeUndefined()
  })

  it('more candidates with a majority than seats: the lower ranks are not elected', () => {
    const t = tallyElection({
      units: equalVoters(6),
      ballots: marks({
        v1: ['A', 'B', 'C'], v2: ['A', 'B', 'C'], v3: ['A', 'B', 'C'],
        v4: ['A', 'B', 'D'], v5: ['A', 'C', 'D'], v6: ['B', 'D'],
      }),
      candidates: ['D', 'C', 'B', 'A'],
      seats: 3,
    })
    expect(t.candidates).toEqual([
      { candidateId: 'D', votes: { areaCenti: 300, voters: 3 }, deemed: none, majority: false, elected: false, rank: null },
      { candidateId: 'C', votes: { areaCenti: 400, voters: 4 }, deemed: none, majority: true, elected: true, rank: 3 },
      // A and B tie exactly (same area, same voters): B comes first in input.candidates
      { candidateId: 'B', votes: { areaCenti: 500, voters: 5 }, deemed: none, majority: true, elected: true, rank: 1 },
      { candidateId: 'A', votes: { areaCenti: 500, voters: 5 }, deemed: none, majority: true, elected: true, rank: 2 },
    ])
    expect(t.elected).toEqual(['B', 'A', 'C'])

    const twoSeats = tallyElection({
      units: equalVoters(6),
      ballots: marks({
        v1: ['A', 'B'], v2: ['A', 'B'], v3: ['A', 'C'], v4: ['A', 'C'], v5: ['B', 'C'], v6: ['B', 'C'],
      }),
      candidates: ['A', 'B', 'C'],
      seats: 2,
    })
    expect(twoSeats.candidates.map((c) => [c.majority, c.rank, c.elected])).toEqual([
      [true, 1, true],
      [true, 2, true],
      [true, 3, false],
    ])
    expect(twoSeats.elected).toEqual(['A', 'B'])
  })

  it('seats no candidate with a majority fills stay vacant', () => {
    const t = tallyElection({
      units: equalVoters(5),
      ballots: marks({ v1: ['A', 'B'], v2: ['A', 'C'], v3: ['A', 'D'], v4: ['B', 'C'], v5: [] }),
      candidates: ['A', 'B', 'C', 'D', 'E'],
      seats: 3,
    })
    expect(t.elected).toEqual(['A'])
    expect(t.candidates.filter((c) => c.rank !== null).map((c) => c.candidateId)).toEqual(['A'])
  })

  it('more seats than candidates is allowed', () => {
    const t = tallyElection({
      units: equalVoters(3),
      ballots: marks({ v1: ['A', 'B'], v2: ['A', 'B'], v3: ['A'] }),
      candidates: ['A', 'B'],
      seats: 7,
    })
    expect(t.elected).toEqual(['A', 'B'])
  })
})

describe('quorum (民法典 第278条 / 第1259条) in elections', () => {
  it('without quorum no one is ranked or elected; majority is still reported', () => {
    const t = tallyElection({
      units: equalVoters(4),
      ballots: marks({ v1: ['A'], v2: ['A'] }),
      candidates: ['A', 'B'],
      seats: 1,
    })
    // 2 of 4 voters < 2/3
    expect(t.quorum).toBe(false)
    expect(t.participated).toEqual({ areaCenti: 200, voters: 2 })
    expect(t.candidates).toEqual([
      { candidateId: 'A', votes: { areaCenti: 200, voters: 2 }, deemed: none, majority: true, elected: false, rank: null },
      { candidateId: 'B', votes: { areaCenti: 0, voters: 0 }, deemed: none, majority: false, elected: false, rank: null },
    ])
    expect(t.elected).toEqual([])
  })

  it('exactly 2/3 is a quorum; abstentions count toward it', () => {
    const t = tallyElection({
      units: equalVoters(3),
      ballots: marks({ v1: ['A'], v2: [] }),
      candidates: ['A'],
      seats: 1,
    })
    expect(t.quorum).toBe(true)
    // A has exactly half of the participants: no majority
    expect(t.elected).toEqual([])
  })
})

describe('spoiled ballots (废票) in elections', () => {
  it('participate by default, are reported always, and their marks are neither checked nor counted', () => {
    const input = {
      units: equalVoters(3),
      ballots: [
        { voterId: 'v1', marks: ['A'] },
        // marked against the rules: too many names, one not a candidate, one twice
        { voterId: 'v2', marks: ['A', 'A', 'nobody'], spoiled: true },
      ],
      candidates: ['A'],
      seats: 1,
    }
    const on = tallyElection(input)
    expect(on.spoiled).toEqual({ areaCenti: 100, voters: 1 })
    expect(on.participated).toEqual({ areaCenti: 200, voters: 2 })
    expect(on.quorum).toBe(true)
    expect(candidate(on.candidates, 'A').votes).toEqual({ areaCenti: 100, voters: 1 })
    expect(candidate(on.candidates, 'A').majority).toBe(false)
    expect(on.elected).toEqual([])

    const off = tallyElection({ ...input, spoiledParticipate: false })
    expect(off.spoiled).toEqual({ areaCenti: 100, voters: 1 })
    expect(off.participated).toEqual({ areaCenti: 100, voters: 1 })
    expect(off.quorum).toBe(false)
    expect(off.elected).toEqual([])
  })

  it('not participating, a spoiled ballot does not dilute the majority', () => {
    const input = {
      units: equalVoters(4),
      ballots: [...marks({ v1: ['A'], v2: ['A'], v3: ['B'] }), { voterId: 'v4', marks: [], spoiled: true }],
      candidates: ['A', 'B'],
      seats: 1,
    }
    expect(tallyElection(input).elected).toEqual([])
    expect(tallyElection({ ...input, spoiledParticipate: false }).elected).toEqual(['A'])
  })

  it('a spoiled voter still cannot cast a second ballot', () => {
    expectInputError(
      () =>
        tallyElection({
          units: equalVoters(3),
          ballots: [{ voterId: 'v1', marks: [], spoiled: true }, { voterId: 'v1', marks: ['A'] }],
          candidates: ['A'],
          seats: 1,
        }),
      'duplicate_ballot',
      'v1',
    )
  })
})

describe('products beyond 2^53 in the rank are compared exactly', () => {
  it('ranks X above Y by 1/(A·P) where floating point sees a tie and would give it to Y', () => {
    const A = Number.MAX_SAFE_INTEGER
    const x = [2_702_159_776_422_297, 2_702_159_776_422_298, 2_702_159_776_422_297, 450_359_962_737_049, 450_359_962_737_050]
    const [x1, x2, x3, x4, x5] = x as [number, number, number, number, number]
    const aX = x1 + x2 + x4 + x5 // 4 voters
    const aY = x1 + x2 + x3 // 3 voters
    expect(x1 + x2 + x3 + x4 + x5).toBe(A)
    // exactly: aX·5 + 4·A − (aY·5 + 3·A) = 1
    expect(BigInt(aX) * 5n + 4n * BigInt(A) - (BigInt(aY) * 5n + 3n * BigInt(A))).toBe(1n)
    // both float forms see a tie, and the area tiebreak would then pick Y
    expect(aX / A + 4 / 5).toBe(aY / A + 3 / 5)
    expect(aX * 5 + 4 * A).toBe(aY * 5 + 3 * A)

    const t = tallyElection({
      units: units(['v1', x1], ['v2', x2], ['v3', x3], ['v4', x4], ['v5', x5]),
      ballots: marks({ v1: ['X', 'Y'], v2: ['X', 'Y'], v3: ['Y'], v4: ['X'], v5: ['X'] }),
      candidates: ['Y', 'X'],
      seats: 2,
    })
    expect(t.participated).toEqual({ areaCenti: A, voters: 5 })
    expect(candidate(t.candidates, 'X')).toEqual({
      candidateId: 'X', votes: { areaCenti: aX, voters: 4 }, deemed: none, majority: true, elected: true, rank: 1,
    })
    expect(candidate(t.candidates, 'Y')).toEqual({
      candidateId: 'Y', votes: { areaCenti: aY, voters: 3 }, deemed: none, majority: true, elected: true, rank: 2,
    })
    expect(t.elected).toEqual(['X', 'Y'])

    // with one seat, X takes it
    const oneSeat = tallyElection({
      units: units(['v1', x1], ['v2', x2], ['v3', x3], ['v4', x4], ['v5', x5]),
      ballots: marks({ v1: ['X'], v2: ['X'], v3: ['Y'], v4: ['X'], v5: ['X'] }),
      candidates: ['Y', 'X'],
      seats: 1,
    })
    expect(oneSeat.elected).toEqual(['X'])
  })
})

describe('TallyInputError in elections', () => {
  const three = equalVoters(3)
  const base = { units: three, candidates: ['A', 'B', 'C'], seats: 2 }

  it('the errors of tally: empty electorate, unknown voter, two ballots, unit twice, bad area', () => {
    expectInputError(() => tallyElection({ ...base, units: [], ballots: [] }), 'empty_electorate', null)
    expectInputError(
      () => tallyElection({ ...base, ballots: marks({ v1: ['A'], ghost: ['B'] }) }),
      'unknown_voter',
      'ghost',
    )
    expectInputError(
      () => tallyElection({ ...base, ballots: [{ voterId: 'v2', marks: ['A'] }, { voterId: 'v2', marks: ['B'] }] }),
      'duplicate_ballot',
      'v2',
    )
    expectInputError(
      () => tallyElection({ ...base, units: [...three, { unitId: 'v1/0', voterId: 'v9', areaCenti: 5 }], ballots: [] }),
      'duplicate_unit',
      'v1/0',
    )
    expectInputError(
      () => tallyElection({ ...base, units: [...three, { unitId: 'u-bad', voterId: 'v9', areaCenti: 0.5 }], ballots: [] }),
      'invalid_area',
      'u-bad',
    )
  })

  it('a mark naming no candidate', () => {
    expectInputError(
      () => tallyElection({ ...base, ballots: marks({ v1: ['A', 'Zhang San'] }) }),
      'unknown_candidate',
      'Zhang San',
    )
  })

  it('the same candidate marked twice', () => {
    expectInputError(
      () => tallyElection({ ...base, ballots: marks({ v1: ['A'], v3: ['B', 'B'] }) }),
      'duplicate_mark',
      'B',
    )
  })

  it('more marks than seats', () => {
    expectInputError(
      () => tallyElection({ ...base, ballots: marks({ v2: ['A', 'B', 'C'] }) }),
      'too_many_marks',
      'v2',
    )
  })

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('seats = %s', (seats) => {
    expectInputError(() => tallyElection({ ...base, seats, ballots: [] }), 'invalid_seats', String(seats))
  })

  it('a candidate listed twice', () => {
    expectInputError(
      () => tallyElection({ ...base, candidates: ['A', 'B', 'A'], ballots: [] }),
      'duplicate_candidate',
      'A',
    )
  })
})

describe('follow_majority in candidate polls (指导规则 第26条, voting-rules.md "In candidate polls")', () => {
  it('the firm-choice notice: B 370 + 41 notified non-voters = 411, 646 taking part', () => {
    // 817 voters: A 214, B 370, 16 abstain, 5 spoiled; 41 of the 212 who did not vote were notified
    const all = equalVoters(817)
    const ids = all.map((u) => u.voterId)
    const ballots: ElectionBallot[] = [
      ...ids.slice(0, 214).map((voterId) => ({ voterId, marks: ['A'] })),
      ...ids.slice(214, 584).map((voterId) => ({ voterId, marks: ['B'] })),
      ...ids.slice(584, 600).map((voterId) => ({ voterId, marks: [] })),
      ...ids.slice(600, 605).map((voterId) => ({ voterId, marks: [], spoiled: true })),
    ]
    const t = tallyElection({ units: all, ballots, candidates: ['A', 'B'], seats: 1, nonVoters: 'follow_majority', delivered: ids.slice(605, 646) })
    expect(t.participated).toEqual({ areaCenti: 64600, voters: 646 })
    expect(t.deemed).toEqual({ areaCenti: 4100, voters: 41 })
    expect(candidate(t.candidates, 'B')).toMatchObject({ votes: { voters: 411 }, deemed: { voters: 41 }, elected: true })
    expect(candidate(t.candidates, 'A')).toMatchObject({ votes: { voters: 214 }, deemed: none, elected: false })
    expect(t.followMajority).toEqual({ to: ['B'], reason: 'added' })
    // without the rule the same ballots give 605 taking part and 370
    const plain = tallyElection({ units: all, ballots, candidates: ['A', 'B'], seats: 1, delivered: ids.slice(605, 646) })
    expect(plain.participated.voters).toBe(605)
    expect(candidate(plain.candidates, 'B').votes.voters).toBe(370)
    expect(plain.followMajority).toBeUndefined()
  })

  it('three seats: every candidate the actual ballots elect receives the non-voters, and they lift the quorum', () => {
    // 9 voters; 5 vote (5/9 < 2/3), 3 notified non-voters bring participation to 8/9
    const t = tallyElection({
      units: equalVoters(9),
      ballots: marks({ v1: ['X', 'Y', 'Z'], v2: ['X', 'Y', 'Z'], v3: ['X', 'Y', 'W'], v4: ['W'], v5: [] }),
      candidates: ['W', 'X', 'Y', 'Z'],
      seats: 3,
      nonVoters: 'follow_majority',
      delivered: ['v6', 'v7', 'v8'],
    })
    expect(t.followMajority).toEqual({ to: ['X', 'Y'], reason: 'added' })
    expect(t.quorum).toBe(true)
    expect(t.participated).toEqual({ areaCenti: 800, voters: 8 })
    expect(candidate(t.candidates, 'X').votes).toEqual({ areaCenti: 600, voters: 6 })
    expect(candidate(t.candidates, 'Z')).toMatchObject({ votes: { voters: 2 }, deemed: none, elected: false })
    expect(t.elected).toEqual(['X', 'Y'])
  })

  it('a tie for a seat among the actual ballots: nothing is added, and the result says why', () => {
    const t = tallyElection({
      units: equalVoters(6),
      ballots: marks({ v1: ['A', 'B'], v2: ['A', 'C'], v3: ['B', 'C'], v4: ['A', 'B'], v5: ['A', 'C'] }),
      candidates: ['A', 'B', 'C'],
      seats: 2,
      nonVoters: 'follow_majority',
    })
    // A 4, B 3, C 3 of 5: B and C tie for the second seat
    expect(t.followMajority).toEqual({ to: [], reason: 'tie_for_seat' })
    expect(t.deemed).toEqual(none)
    expect(t.participated.voters).toBe(5)
  })

  it('no candidate with a majority of the actual ballots: nothing is added', () => {
    const t = tallyElection({ units: equalVoters(5), ballots: marks({ v1: ['A'], v2: ['B'], v3: ['C'] }), candidates: ['A', 'B', 'C'], seats: 1, nonVoters: 'follow_majority' })
    expect(t.followMajority).toEqual({ to: [], reason: 'no_majority' })
    expect(t.participated.voters).toBe(3)
  })
})
