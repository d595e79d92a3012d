/**
 * Property tests of tally and tallyElection against a reference written here from
 * voting-rules.md alone, in BigInt throughout and by different algorithms (rank by counting who
 * beats whom, not by sorting; validation by collecting every fault, not by stopping at the first).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  TallyInputError,
  tally,
  tallyE4,
  tallyElection,
  tallyElectionE4,
  type ElectorUnitE4,
  type Choice,
  type ElectionBallot,
  type ElectionInput,
  type ElectionTally,
  type ElectorUnit,
  type FollowMajority,
  type Tally,
  type TallyInput,
  type Weight,
} from '../../shared/tally'

const MAX = Number.MAX_SAFE_INTEGER

// ---------------------------------------------------------------------------------------------
// Reference
// ---------------------------------------------------------------------------------------------

interface BW {
  area: bigint
  voters: bigint
}
const bw = (w: Weight): BW => ({ area: BigInt(w.areaCenti), voters: BigInt(w.voters) })
const Z: BW = { area: 0n, voters: 0n }
const add = (a: BW, b: BW): BW => ({ area: a.area + b.area, voters: a.voters + b.voters })

interface RefTally {
  total: BW
  participated: BW
  agree: BW
  oppose: BW
  abstain: BW
  spoiled: BW
  deemed: BW
  quorum: boolean
  passed: boolean
  outcome: string
  followMajority?: FollowMajority
}

type RefOutcome<T> = { errors: Set<string> } | { value: T }

/** Every fault of the electorate, and each voter's area if the electorate can be counted. */
function refElectorate(units: ElectorUnit[]): { errors: Set<string>; voters: Map<string, bigint> } {
  const errors = new Set<string>()
  const voters = new Map<string, bigint>()
  if (units.length === 0) errors.add('empty_electorate')
  const unitCount = new Map<string, number>()
  let total = 0n
  for (const u of units) {
    unitCount.set(u.unitId, (unitCount.get(u.unitId) ?? 0) + 1)
    const ok = typeof u.areaCenti === 'number' && Number.isInteger(u.areaCenti) && u.areaCenti >= 1 && u.areaCenti <= MAX
    if (!ok) errors.add('invalid_area')
    const a = ok ? BigInt(u.areaCenti) : 0n
    voters.set(u.voterId, (voters.get(u.voterId) ?? 0n) + a)
    total += a
  }
  if ([...unitCount.values()].some((n) => n > 1)) errors.add('duplicate_unit')
  if (total > BigInt(MAX)) errors.add('area_overflow')
  return { errors, voters }
}

function refTotal(voters: Map<string, bigint>): BW {
  let area = 0n
  for (const a of voters.values()) area += a
  return { area, voters: BigInt(voters.size) }
}

const quorumOf = (part: BW, total: BW): boolean => part.area * 3n >= total.area * 2n && part.voters * 3n >= total.voters * 2n
const overHalf = (side: BW, of: BW): boolean => side.area * 2n > of.area && side.voters * 2n > of.voters

function refTally(input: TallyInput): RefOutcome<RefTally> {
  const { errors, voters } = refElectorate(input.units)
  const seen = new Map<string, number>()
  for (const b of input.ballots) {
    if (!voters.has(b.voterId)) errors.add('unknown_voter')
    seen.set(b.voterId, (seen.get(b.voterId) ?? 0) + 1)
    if (!['agree', 'oppose', 'abstain', 'spoiled'].includes(b.choice)) errors.add('invalid_choice')
  }
  if ([...seen.values()].some((n) => n > 1)) errors.add('duplicate_ballot')
  if (errors.size > 0) return { errors }

  const weightOf = (voterIds: string[]): BW =>
    voterIds.reduce<BW>((w, id) => add(w, { area: voters.get(id) ?? 0n, voters: 1n }), Z)
  const byChoice = (c: Choice) => weightOf(input.ballots.filter((b) => b.choice === c).map((b) => b.voterId))
  let agree = byChoice('agree')
  let oppose = byChoice('oppose')
  const abstain = byChoice('abstain')
  const spoiled = byChoice('spoiled')
  const spoiledCounts = input.spoiledParticipate !== false
  let participated = add(add(add(agree, oppose), abstain), spoiledCounts ? spoiled : Z)

  let deemed = Z
  let followMajority: FollowMajority | undefined
  if (input.nonVoters === 'follow_majority') {
    const agreeWins = overHalf(agree, participated)
    const opposeWins = overHalf(oppose, participated)
    followMajority = { to: [], reason: 'no_majority' }
    if (agreeWins || opposeWins) {
      deemed = weightOf(refNonVoters(voters, input.ballots, input.delivered))
      if (agreeWins) agree = add(agree, deemed)
      else oppose = add(oppose, deemed)
      participated = add(participated, deemed)
      followMajority = deemed.voters > 0n ? { to: [agreeWins ? 'agree' : 'oppose'], reason: 'added' } : { to: [], reason: 'none_delivered' }
    }
  }
  const total = refTotal(voters)
  const quorum = quorumOf(participated, total)
  const approved =
    input.approval === 'special'
      ? agree.area * 4n >= participated.area * 3n && agree.voters * 4n >= participated.voters * 3n
      : overHalf(agree, participated)
  const passed = quorum && approved
  const value: RefTally = {
    total, participated, agree, oppose, abstain, spoiled, deemed, quorum, passed,
    outcome: !quorum ? 'no_quorum' : passed ? 'passed' : 'rejected',
  }
  if (followMajority) value.followMajority = followMajority
  return { value }
}

/** Voters without a ballot whose delivery is on record (all of them when no record is given). */
function refNonVoters(voters: Map<string, bigint>, ballots: { voterId: string }[], delivered: string[] | undefined): string[] {
  const balloted = new Set(ballots.map((b) => b.voterId))
  const deliveredSet = delivered === undefined ? null : new Set(delivered)
  return [...voters.keys()].filter((id) => !balloted.has(id) && (deliveredSet === null || deliveredSet.has(id)))
}

interface RefCandidate {
  candidateId: string
  votes: BW
  deemed: BW
  majority: boolean
  elected: boolean
  rank: number | null
}
interface RefElection {
  total: BW
  participated: BW
  abstain: BW
  spoiled: BW
  deemed: BW
  followMajority?: FollowMajority
  quorum: boolean
  candidates: RefCandidate[]
  elected: string[]
}

/**
 * Rank (1-based) of each candidate among those with a majority of `participated`, by counting who
 * beats whom; null without a majority.
 */
function refRanks(votes: BW[], participated: BW): (number | null)[] {
  const A = participated.area
  const P = participated.voters
  // x beats y: a higher a/A + p/P, i.e. (ax − ay)·P > (py − px)·A; then larger area; then earlier
  const beats = (x: number, y: number): boolean => {
    const vx = votes[x] as BW
    const vy = votes[y] as BW
    const lhs = (vx.area - vy.area) * P
    const rhs = (vy.voters - vx.voters) * A
    if (lhs !== rhs) return lhs > rhs
    if (vx.area !== vy.area) return vx.area > vy.area
    return x < y
  }
  const qualified = votes.map((v, i) => (overHalf(v, participated) ? i : -1)).filter((i) => i >= 0)
  return votes.map((_, i) => (qualified.includes(i) ? 1 + qualified.filter((j) => j !== i && beats(j, i)).length : null))
}

function refElection(input: ElectionInput): RefOutcome<RefElection> {
  const { errors, voters } = refElectorate(input.units)
  const { seats, candidates } = input
  if (!(Number.isInteger(seats) && seats >= 1)) errors.add('invalid_seats')
  if (new Set(candidates).size !== candidates.length) errors.add('duplicate_candidate')
  const seen = new Map<string, number>()
  for (const b of input.ballots) {
    if (!voters.has(b.voterId)) errors.add('unknown_voter')
    seen.set(b.voterId, (seen.get(b.voterId) ?? 0) + 1)
    if (b.spoiled === true) continue
    if (b.marks.length > seats) errors.add('too_many_marks')
    if (b.marks.some((m) => !candidates.includes(m))) errors.add('unknown_candidate')
    if (new Set(b.marks).size !== b.marks.length) errors.add('duplicate_mark')
  }
  if ([...seen.values()].some((n) => n > 1)) errors.add('duplicate_ballot')
  if (errors.size > 0) return { errors }

  const w = (bs: ElectionBallot[]): BW =>
    bs.reduce<BW>((acc, b) => add(acc, { area: voters.get(b.voterId) ?? 0n, voters: 1n }), Z)
  const spoiled = w(input.ballots.filter((b) => b.spoiled === true))
  const valid = input.ballots.filter((b) => b.spoiled !== true)
  const abstain = w(valid.filter((b) => b.marks.length === 0))
  let participated = add(w(valid), input.spoiledParticipate === false ? Z : spoiled)
  const votes = candidates.map((c) => w(valid.filter((b) => b.marks.includes(c))))
  const deemedOf = candidates.map(() => Z)

  let deemed = Z
  let followMajority: FollowMajority | undefined
  if (input.nonVoters === 'follow_majority') {
    const actual = refRanks(votes, participated)
    const winners = candidates.map((_, i) => i).filter((i) => (actual[i] ?? Infinity) <= seats)
    // a tie for a seat: the last seat's holder and the first one out have the same area and voters
    const at = (r: number) => candidates.map((_, i) => i).filter((i) => actual[i] === r)
    const tie = at(seats).some((x) => at(seats + 1).some((y) => (votes[x] as BW).area === (votes[y] as BW).area && (votes[x] as BW).voters === (votes[y] as BW).voters))
    const nonVoters = refNonVoters(voters, input.ballots, input.delivered)
    if (winners.length === 0) followMajority = { to: [], reason: 'no_majority' }
    else if (tie) followMajority = { to: [], reason: 'tie_for_seat' }
    else if (nonVoters.length === 0) followMajority = { to: [], reason: 'none_delivered' }
    else {
      deemed = nonVoters.reduce<BW>((acc, id) => add(acc, { area: voters.get(id) ?? 0n, voters: 1n }), Z)
      const ordered = winners.sort((x, y) => (actual[x] ?? 0) - (actual[y] ?? 0))
      for (const i of ordered) {
        votes[i] = add(votes[i] as BW, deemed)
        deemedOf[i] = deemed
      }
      participated = add(participated, deemed)
      followMajority = { to: ordered.map((i) => candidates[i] as string), reason: 'added' }
    }
  }

  const total = refTotal(voters)
  const quorum = quorumOf(participated, total)
  const ranks = refRanks(votes, participated)
  const results: RefCandidate[] = candidates.map((candidateId, i) => {
    const rank = quorum ? (ranks[i] ?? null) : null
    return { candidateId, votes: votes[i] as BW, deemed: deemedOf[i] as BW, majority: overHalf(votes[i] as BW, participated), elected: rank !== null && rank <= seats, rank }
  })
  const elected = results
    .filter((r) => r.elected)
    .sort((x, y) => (x.rank ?? 0) - (y.rank ?? 0))
    .map((r) => r.candidateId)
  const value: RefElection = { total, participated, abstain, spoiled, deemed, quorum, candidates: results, elected }
  if (followMajority) value.followMajority = followMajority
  return { value }
}

function asBig(t: Tally): RefTally {
  return {
    total: bw(t.total), participated: bw(t.participated), agree: bw(t.agree), oppose: bw(t.oppose),
    abstain: bw(t.abstain), spoiled: bw(t.spoiled), deemed: bw(t.deemed),
    quorum: t.quorum, passed: t.passed, outcome: t.outcome,
    ...(t.followMajority ? { followMajority: t.followMajority } : {}),
  }
}

function asBigElection(t: ElectionTally): RefElection {
  return {
    total: bw(t.total), participated: bw(t.participated), abstain: bw(t.abstain), spoiled: bw(t.spoiled),
    deemed: bw(t.deemed), quorum: t.quorum,
    candidates: t.candidates.map((c) => ({ ...c, votes: bw(c.votes), deemed: bw(c.deemed) })),
    elected: t.elected,
    ...(t.followMajority ? { followMajority: t.followMajority } : {}),
  }
}

/** Runs `run`; checks it throws a TallyInputError with one of `errors`' codes, or returns. */
function outcomeOf<T>(run: () => T, expected: RefOutcome<unknown>): T | null {
  if ('errors' in expected) {
    let caught: unknown
    try {
      run()
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(TallyInputError)
    expect([...expected.errors]).toContain((caught as TallyInputError).code)
    return null
  }
  return run()
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/**
 * Area scales: tiny areas make exact boundaries (2/3, 3/4, half) frequent; MAX/48 keeps 48 units
 * under 2^53 while every product passes it; MAX makes the total overflow often.
 */
const areaScale = fc.oneof(
  { weight: 4, arbitrary: fc.constant(3) },
  { weight: 2, arbitrary: fc.constant(1000) },
  { weight: 1, arbitrary: fc.constant(2 ** 40) },
  { weight: 2, arbitrary: fc.constant(Math.floor(MAX / 48)) },
  { weight: 1, arbitrary: fc.constant(MAX) },
)

const voterIdArb = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', '', '业主甲', 'developer'),
  fc.string({ maxLength: 5 }),
)

interface Community {
  voterIds: string[]
  units: ElectorUnit[]
}

/** 1–12 voters of 1–4 units each, units in random order. */
const communityArb: fc.Arbitrary<Community> = areaScale
  .chain((max) =>
    fc.uniqueArray(fc.tuple(voterIdArb, fc.array(fc.integer({ min: 1, max }), { minLength: 1, maxLength: 4 })), {
      minLength: 1,
      maxLength: 12,
      selector: ([id]) => id,
    }),
  )
  .chain((voters) => {
    const units = voters.flatMap(([voterId, areas], v) =>
      areas.map((areaCenti, k): ElectorUnit => ({ unitId: `u${v}-${k}`, voterId, areaCenti })),
    )
    return fc
      .shuffledSubarray(units, { minLength: units.length, maxLength: units.length })
      .map((shuffled) => ({ voterIds: voters.map(([id]) => id), units: shuffled }))
  })

type Fault = 'none' | 'duplicate_unit' | 'unknown_voter' | 'duplicate_ballot' | 'invalid_area' | 'empty' | 'invalid_choice'
const faultArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Fault>('none') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Fault>('duplicate_unit', 'unknown_voter', 'duplicate_ballot', 'invalid_area', 'empty', 'invalid_choice'),
  },
)
const badAreaArb = fc.constantFrom(0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, MAX + 1, MAX + 2)

/** Breaks a valid input in one way; the shared faults of tally and tallyElection. */
function injectFault<B extends { voterId: string }>(
  fault: Fault,
  units: ElectorUnit[],
  ballots: B[],
  makeBallot: (voterId: string) => B,
  badArea: number,
): { units: ElectorUnit[]; ballots: B[] } {
  const first = units[0] as ElectorUnit
  switch (fault) {
    case 'duplicate_unit':
      return { units: [...units, { ...first, voterId: `${first.voterId}#` }], ballots }
    case 'unknown_voter':
      return { units, ballots: [...ballots, makeBallot('nobody-here')] }
    case 'duplicate_ballot':
      return { units, ballots: [...ballots, makeBallot(first.voterId)] }
    case 'invalid_area':
      return { units: [...units, { unitId: 'bad', voterId: first.voterId, areaCenti: badArea }], ballots }
    case 'empty':
      return { units: [], ballots }
    default:
      return { units, ballots }
  }
}

type Cast = Choice | 'none'
const castArb = fc.constantFrom<Cast>('none', 'agree', 'oppose', 'abstain', 'spoiled', 'agree', 'oppose')

const tallyInputArb: fc.Arbitrary<TallyInput> = communityArb.chain(({ voterIds, units }) =>
  fc
    .record({
      casts: fc.array(castArb, { minLength: voterIds.length, maxLength: voterIds.length }),
      order: fc.array(fc.nat(), { minLength: voterIds.length, maxLength: voterIds.length }),
      approval: fc.constantFrom<'ordinary' | 'special'>('ordinary', 'special'),
      nonVoters: fc.constantFrom<TallyInput['nonVoters']>(undefined, 'ignore', 'follow_majority', 'follow_majority'),
      delivered: fc.option(fc.array(fc.constantFrom(...voterIds, 'stranger'), { maxLength: 16 }), { nil: undefined }),
      spoiledParticipate: fc.constantFrom<boolean | undefined>(undefined, true, false),
      fault: faultArb,
      badArea: badAreaArb,
    })
    .map((r) => {
      const ballots = voterIds
        .map((voterId, i) => ({ voterId, choice: r.casts[i] as Cast, key: r.order[i] as number }))
        .filter((b) => b.choice !== 'none')
        .sort((a, b) => a.key - b.key)
        .map(({ voterId, choice }) => ({ voterId, choice: choice as Choice }))
      if (r.fault === 'invalid_choice' && ballots.length > 0) {
        ;(ballots[0] as { choice: string }).choice = 'maybe'
      }
      const broken = injectFault(r.fault, units, ballots, (voterId) => ({ voterId, choice: 'agree' as Choice }), r.badArea)
      const input: TallyInput = { units: broken.units, ballots: broken.ballots, approval: r.approval }
      if (r.nonVoters !== undefined) input.nonVoters = r.nonVoters
      if (r.delivered !== undefined) input.delivered = r.delivered
      if (r.spoiledParticipate !== undefined) input.spoiledParticipate = r.spoiledParticipate
      return input
    }),
)

type ElectionFault = 'none' | 'unknown_candidate' | 'duplicate_mark' | 'too_many_marks' | 'duplicate_candidate' | 'invalid_seats'
const electionFaultArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant<ElectionFault>('none') },
  { weight: 1, arbitrary: fc.constantFrom<ElectionFault>('unknown_candidate', 'duplicate_mark', 'too_many_marks', 'duplicate_candidate', 'invalid_seats') },
)

/**
 * `crowded`: seats + 1 candidates and every ballot marks `seats` of them, so that more candidates
 * than seats reach a majority and the rank decides who is elected.
 */
const electionArb = (crowded: boolean): fc.Arbitrary<ElectionInput> =>
  fc
    .tuple(communityArb, fc.integer({ min: crowded ? 2 : 1, max: 4 }))
    .chain(([{ voterIds, units }, seatCount]) =>
      fc
        .record({
          candidates: crowded
            ? fc.constant(['甲', '乙', '丙', '丁', '戊'].slice(0, seatCount + 1))
            : fc.oneof(
                { weight: 1, arbitrary: fc.constant<string[]>([]) },
                {
                  weight: 9,
                  arbitrary: fc.uniqueArray(
                    fc.oneof(fc.constantFrom('张三', '李四', '王五', 'firm-1', '__proto__'), fc.string({ maxLength: 3 })),
                    { minLength: 1, maxLength: 6 },
                  ),
                },
              ),
          seats: fc.constant(seatCount),
          nonVoters: fc.constantFrom<ElectionInput['nonVoters']>(undefined, 'ignore', 'follow_majority', 'follow_majority'),
          delivered: fc.option(fc.array(fc.constantFrom(...voterIds, 'stranger'), { maxLength: 16 }), { nil: undefined }),
          spoiledParticipate: fc.constantFrom<boolean | undefined>(undefined, true, false),
          fault: faultArb,
          electionFault: electionFaultArb,
          badArea: badAreaArb,
          badSeats: fc.constantFrom(0, -2, 1.5, Number.NaN),
          // every ballot uses all its seats: makes more candidates with a majority than seats common
          fullBallots: crowded ? fc.constant(true) : fc.boolean(),
          perVoter: fc.array(
            fc.record({
              cast: fc.constantFrom('none', 'marks', 'marks', 'marks', 'marks', 'marks', 'spoiled'),
              // low indices more often, so that several candidates reach a majority and ranks tie
              picks: fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.nat()), { maxLength: 4 }),
              start: fc.nat({ max: 5 }),
              key: fc.nat(),
            }),
            { minLength: voterIds.length, maxLength: voterIds.length },
          ),
        })
        .map((r) => {
          const pickMarks = (picks: number[], start: number): string[] => {
            const n = r.candidates.length
            if (n === 0) return []
            if (r.fullBallots) {
              return Array.from({ length: Math.min(n, r.seats) }, (_, k) => r.candidates[(start + k) % n] as string)
            }
            const chosen = [...new Set(picks.map((p) => r.candidates[p % r.candidates.length] as string))]
            return chosen.slice(0, r.seats)
          }
          let ballots: ElectionBallot[] = voterIds
            .map((voterId, i) => ({ voterId, p: r.perVoter[i] as (typeof r.perVoter)[number] }))
            .filter(({ p }) => p.cast !== 'none')
            .sort((a, b) => a.p.key - b.p.key)
            .map(({ voterId, p }): ElectionBallot =>
              p.cast === 'spoiled'
                ? { voterId, marks: pickMarks(p.picks, p.start).concat(['not-a-candidate']), spoiled: true }
                : { voterId, marks: pickMarks(p.picks, p.start) },
            )
          let candidates = r.candidates
          let seats = r.seats
          const firstMarked = ballots.findIndex((b) => b.spoiled !== true)
          switch (r.electionFault) {
            case 'unknown_candidate':
              ballots = [...ballots.slice(1), { voterId: ballots[0]?.voterId ?? (voterIds[0] as string), marks: ['not-a-candidate'] }]
              break
            case 'duplicate_mark':
              if (firstMarked >= 0 && candidates.length > 0) {
                const b = ballots[firstMarked] as ElectionBallot
                b.marks = [candidates[0] as string, candidates[0] as string]
              }
              break
            case 'too_many_marks':
              if (firstMarked >= 0 && candidates.length > seats) {
                ;(ballots[firstMarked] as ElectionBallot).marks = candidates.slice(0, seats + 1)
              }
              break
            case 'duplicate_candidate':
              if (candidates.length > 0) candidates = [...candidates, candidates[0] as string]
              break
            case 'invalid_seats':
              seats = r.badSeats
              break
            default:
          }
          const broken = injectFault(r.fault, units, ballots, (voterId) => ({ voterId, marks: [] }), r.badArea)
          const input: ElectionInput = { units: broken.units, ballots: broken.ballots, candidates, seats }
          if (r.spoiledParticipate !== undefined) input.spoiledParticipate = r.spoiledParticipate
          if (r.nonVoters !== undefined) input.nonVoters = r.nonVoters
          if (r.delivered !== undefined) input.delivered = r.delivered
          return input
        }),
    )

const electionInputArb = fc.oneof(electionArb(false), electionArb(true))

// ---------------------------------------------------------------------------------------------
// The same count in ten-thousandths (tallyE4, tallyElectionE4): the core is unit-neutral, so the
// same integers under the other name must give the same answer, field for field.
// ---------------------------------------------------------------------------------------------

const unitsE4 = (units: ElectorUnit[], times = 1): ElectorUnitE4[] => units.map(({ unitId, voterId, areaCenti }) => ({ unitId, voterId, areaE4: areaCenti * times }))
/** Renames every `areaE4` back to `areaCenti` (dividing by `times`), so the reference reads it. */
function asCenti<T>(x: unknown, times = 1): T {
  return walk(x) as T
  function walk(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(walk)
    if (v === null || typeof v !== 'object') return v
    return Object.fromEntries(Object.entries(v).map(([k, w]) => (k === 'areaE4' ? ['areaCenti', (w as number) / times] : [k, walk(w)])))
  }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const runs = { numRuns: 2000 }

describe('tally agrees with the BigInt reference', () => {
  it('every field, or the same kind of TallyInputError', () => {
    fc.assert(
      fc.property(tallyInputArb, (input) => {
        const expected = refTally(input)
        const got = outcomeOf(() => tally(input), expected)
        if (got !== null && 'value' in expected) expect(asBig(got)).toEqual(expected.value)
      }),
      runs,
    )
  })

  it('tallyE4 is the same count: every field, or the same kind of TallyInputError', () => {
    fc.assert(
      fc.property(tallyInputArb, (input) => {
        const expected = refTally(input)
        const got = outcomeOf(() => tallyE4({ ...input, units: unitsE4(input.units) }), expected)
        if (got !== null && 'value' in expected) expect(asBig(asCenti<Tally>(got))).toEqual(expected.value)
      }),
      runs,
    )
  })

  it('areas ×100 in ten-thousandths decide exactly as in hundredths', () => {
    fc.assert(
      fc.property(tallyInputArb, (input) => {
        fc.pre('value' in refTally(input) && input.units.reduce((s, u) => s + u.areaCenti, 0) * 100 <= MAX)
        expect(asCenti<Tally>(tallyE4({ ...input, units: unitsE4(input.units, 100) }), 100)).toEqual(tally(input))
      }),
      runs,
    )
  })

  it('invariants: participation adds up, passed implies quorum, deemed only under follow_majority', () => {
    fc.assert(
      fc.property(tallyInputArb, (input) => {
        fc.pre('value' in refTally(input))
        const t = asBig(tally(input))
        const spoiledCounts = input.spoiledParticipate !== false
        expect(t.participated).toEqual(add(add(add(t.agree, t.oppose), t.abstain), spoiledCounts ? t.spoiled : Z))
        expect(t.participated.area <= t.total.area && t.participated.voters <= t.total.voters).toBe(true)
        const ballotsIn = BigInt(input.ballots.length)
        expect(t.agree.voters + t.oppose.voters + t.abstain.voters + t.spoiled.voters).toBe(ballotsIn + t.deemed.voters)
        if (input.nonVoters !== 'follow_majority') expect(t.deemed).toEqual(Z)
        expect(t.deemed.voters <= t.total.voters - ballotsIn).toBe(true)
        if (t.passed) expect(t.quorum).toBe(true)
        expect(t.outcome).toBe(t.passed ? 'passed' : t.quorum ? 'rejected' : 'no_quorum')
        expect(t.total.area).toBe(input.units.reduce((s, u) => s + BigInt(u.areaCenti), 0n))
      }),
      runs,
    )
  })

  it('does not depend on the order of units or ballots', () => {
    fc.assert(
      fc.property(tallyInputArb, fc.integer(), (input, seed) => {
        fc.pre('value' in refTally(input))
        const shuffle = <T>(xs: T[]): T[] =>
          xs.map((x, i) => ({ x, k: Math.imul(i + 1, seed | 1) ^ (seed >>> 3) })).sort((a, b) => a.k - b.k).map((p) => p.x)
        expect(tally({ ...input, units: shuffle(input.units), ballots: shuffle(input.ballots) })).toEqual(tally(input))
      }),
      runs,
    )
  })

  it('turning one oppose into agree never undoes a pass', () => {
    fc.assert(
      fc.property(tallyInputArb, fc.nat(), (input, pick) => {
        fc.pre('value' in refTally(input))
        const opposing = input.ballots.map((b, i) => (b.choice === 'oppose' ? i : -1)).filter((i) => i >= 0)
        fc.pre(opposing.length > 0)
        const i = opposing[pick % opposing.length] as number
        const ballots = input.ballots.map((b, j) => (j === i ? { ...b, choice: 'agree' as Choice } : b))
        if (tally(input).passed) expect(tally({ ...input, ballots }).passed).toBe(true)
      }),
      runs,
    )
  })
})

describe('tallyElection agrees with the BigInt reference', () => {
  it('every field, or the same kind of TallyInputError', () => {
    fc.assert(
      fc.property(electionInputArb, (input) => {
        const expected = refElection(input)
        const got = outcomeOf(() => tallyElection(input), expected)
        if (got !== null && 'value' in expected) expect(asBigElection(got)).toEqual(expected.value)
      }),
      runs,
    )
  })

  it('tallyElectionE4 is the same count: every field, or the same kind of TallyInputError', () => {
    fc.assert(
      fc.property(electionInputArb, (input) => {
        const expected = refElection(input)
        const got = outcomeOf(() => tallyElectionE4({ ...input, units: unitsE4(input.units) }), expected)
        if (got !== null && 'value' in expected) expect(asBigElection(asCenti<ElectionTally>(got))).toEqual(expected.value)
      }),
      runs,
    )
  })

  it('areas ×100 in ten-thousandths elect exactly as in hundredths', () => {
    fc.assert(
      fc.property(electionInputArb, (input) => {
        fc.pre('value' in refElection(input) && input.units.reduce((s, u) => s + u.areaCenti, 0) * 100 <= MAX)
        expect(asCenti<ElectionTally>(tallyElectionE4({ ...input, units: unitsE4(input.units, 100) }), 100)).toEqual(tallyElection(input))
      }),
      runs,
    )
  })

  it('invariants: seats, ranks, majority, quorum', () => {
    fc.assert(
      fc.property(electionInputArb, (input) => {
        fc.pre('value' in refElection(input))
        const t = tallyElection(input)
        expect(t.candidates.map((c) => c.candidateId)).toEqual(input.candidates)
        expect(t.elected.length <= input.seats).toBe(true)
        const ranked = t.candidates.filter((c) => c.rank !== null)
        if (!t.quorum) {
          expect(t.elected).toEqual([])
          expect(ranked).toEqual([])
        } else {
          // ranks are exactly 1..k over the candidates with a majority
          expect(ranked.map((c) => c.rank).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(ranked.map((_, i) => i + 1))
          expect(ranked.every((c) => c.majority)).toBe(true)
          expect(t.candidates.filter((c) => c.majority).length).toBe(ranked.length)
          expect(t.elected.length).toBe(Math.min(input.seats, ranked.length))
        }
        for (const [k, id] of t.elected.entries()) {
          const c = t.candidates.find((x) => x.candidateId === id)
          expect(c?.rank).toBe(k + 1)
          expect(c?.elected).toBe(true)
        }
        const spoiledCounts = input.spoiledParticipate !== false
        const markers = t.participated.voters - t.abstain.voters - (spoiledCounts ? t.spoiled.voters : 0)
        for (const c of t.candidates) {
          expect(c.votes.voters <= markers).toBe(true)
          if (c.majority) expect(2 * c.votes.voters > t.participated.voters).toBe(true)
        }
        // follow_majority: only under the rule, the same weight to each candidate it names, and
        // those candidates (elected by the actual ballots) stay elected once counted with it
        if (input.nonVoters !== 'follow_majority') expect(t.followMajority).toBeUndefined()
        const to = t.followMajority?.to ?? []
        expect(t.followMajority?.reason === 'added').toBe(to.length > 0)
        expect(t.deemed.voters > 0).toBe(to.length > 0)
        expect(to.length <= input.seats).toBe(true)
        for (const c of t.candidates) {
          expect(c.deemed).toEqual(to.includes(c.candidateId) ? t.deemed : { areaCenti: 0, voters: 0 })
          if (to.includes(c.candidateId) && t.quorum) expect(c.elected).toBe(true)
        }
      }),
      runs,
    )
  })
})
