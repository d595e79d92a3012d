/**
 * The count of owners' joint decisions (业主共同决定), as a pure function shared by the server,
 * the result page and the mini-program. The rules it follows are written out in
 * shared/domain/voting-rules.md; each rule below names the article it comes from.
 *
 * Arithmetic: areas are integers. The published protocol (`tally`, `tallyElection`) takes and
 * returns hundredths of a square metre (`areaCenti`), as voting-rules.md defines it; the server,
 * which keeps areas as registered (up to four decimals), calls the same count in ten-thousandths
 * (`tallyE4`, `tallyElectionE4`). One count serves both: every test is a comparison of ratios
 * (3·A_part ≥ 2·A_total, a·P + p·A), which no choice of unit changes, so the core works on a plain
 * integer `area` and only the edges name the unit. Sums stay exact JavaScript numbers because the
 * whole electorate's area is checked to be a safe integer and every sum here is a part of it.
 * Products of an area and a small factor can pass 2^53, so every comparison of products is made in
 * BigInt; no division and no floating point decide anything.
 */

// ---------------------------------------------------------------------------------------------
// Shapes (voting-rules.md, "The pure function" and "Elections and choices among candidates")
// ---------------------------------------------------------------------------------------------

export type Choice = 'agree' | 'oppose' | 'abstain' | 'spoiled'
export type ApprovalClass = 'ordinary' | 'special'
export interface Weight {
  areaCenti: number
  voters: number
}
export interface ElectorUnit {
  unitId: string
  voterId: string
  areaCenti: number
}
/** The same weight in ten-thousandths of a square metre: areas as registered, up to four decimals. */
export interface WeightE4 {
  areaE4: number
  voters: number
}
export interface ElectorUnitE4 {
  unitId: string
  voterId: string
  areaE4: number
}
export interface CountedBallot {
  voterId: string
  choice: Choice
}
/** TallyInput over any unit of area: `U` is ElectorUnit (areaCenti) or ElectorUnitE4. */
export interface TallyInputOf<U> {
  units: U[]
  ballots: CountedBallot[]
  approval: ApprovalClass
  /** 指导规则 第26条: counting non-voters is a community setting; default 'ignore' */
  nonVoters?: 'ignore' | 'follow_majority'
  /**
   * follow_majority only: voters whose notice delivery is on record; omitted = every non-voter
   * counts as delivered. Ids that are not voters of this electorate are ignored (a delivery log
   * may cover the whole community while the poll covers one building).
   */
  delivered?: string[]
  /** 废票 count as participation: unsettled nationally, a community setting; default true */
  spoiledParticipate?: boolean
}
export interface TallyInput extends TallyInputOf<ElectorUnit> {}
export interface TallyInputE4 extends TallyInputOf<ElectorUnitE4> {}
/** Tally over any weight: `W` is Weight (areaCenti) or WeightE4. */
export interface TallyOf<W> {
  total: W
  /** agree + oppose + abstain (+ spoiled when it participates); actual + deemed */
  participated: W
  agree: W
  oppose: W
  abstain: W
  /** always reported, whether or not it participates */
  spoiled: W
  /** zero unless follow_majority applied; already included in participated and in its side */
  deemed: W
  quorum: boolean
  passed: boolean
  outcome: 'passed' | 'rejected' | 'no_quorum'
  /** present only under follow_majority: what the rule did, so a result never claims more */
  followMajority?: FollowMajority
}
export interface Tally extends TallyOf<Weight> {}
export interface TallyE4 extends TallyOf<WeightE4> {}

/**
 * What follow_majority did (指导规则 第26条). `to`: the side ('agree' / 'oppose') or the candidates
 * that received the delivered non-voters' weight; empty when nothing was added, and `reason` says
 * why: no side / candidate had a majority of the actual ballots, the actual ballots left a tie for
 * a seat, or no delivered non-voter was left to add.
 */
export interface FollowMajority {
  to: string[]
  reason: 'added' | 'no_majority' | 'tie_for_seat' | 'none_delivered'
}

export interface ElectionBallot {
  voterId: string
  marks: string[]
  /** a spoiled ballot's marks are kept on record by the caller but never counted or checked */
  spoiled?: boolean
}
export interface ElectionInputOf<U> {
  units: U[]
  ballots: ElectionBallot[]
  candidates: string[]
  seats: number
  spoiledParticipate?: boolean
  /** as in TallyInput: 指导规则 第26条, per candidate (voting-rules.md, "In candidate polls") */
  nonVoters?: 'ignore' | 'follow_majority'
  delivered?: string[]
}
export interface ElectionInput extends ElectionInputOf<ElectorUnit> {}
export interface ElectionInputE4 extends ElectionInputOf<ElectorUnitE4> {}
export interface CandidateResultOf<W> {
  candidateId: string
  /** actual marks plus `deemed` */
  votes: W
  /** the non-voters' weight this candidate received under follow_majority (else zero) */
  deemed: W
  majority: boolean
  elected: boolean
  /** 1-based among candidates with a majority, else null; null for everyone without quorum */
  rank: number | null
}
export interface CandidateResult extends CandidateResultOf<Weight> {}
export interface ElectionTallyOf<W> {
  total: W
  /** actual + deemed */
  participated: W
  abstain: W
  spoiled: W
  /** zero unless follow_majority added non-voters; included in participated */
  deemed: W
  /** present only under follow_majority */
  followMajority?: FollowMajority
  quorum: boolean
  /** in the order of input.candidates */
  candidates: CandidateResultOf<W>[]
  /** by rank; empty without quorum */
  elected: string[]
  /**
   * present only when the last seat was decided by the order of the candidates: candidates with a
   * majority tied in score and area across the last seat (so in voters too), by rank. The result
   * must say so (result-text.ts electionLines): the seat went by the ballot's order, not by votes.
   */
  tiedForLastSeat?: string[]
}
export interface ElectionTally extends ElectionTallyOf<Weight> {}
export interface ElectionTallyE4 extends ElectionTallyOf<WeightE4> {}

// ---------------------------------------------------------------------------------------------
// The nine matters (民法典 第278条) and their approval class
// ---------------------------------------------------------------------------------------------

export const MATTERS = {
  rules: { approval: 'ordinary', label: '制定和修改业主大会议事规则' },
  covenant: { approval: 'ordinary', label: '制定和修改管理规约' },
  committee: { approval: 'ordinary', label: '选举业主委员会或者更换业主委员会成员' },
  manager: { approval: 'ordinary', label: '选聘和解聘物业服务企业或者其他管理人' },
  fund_use: { approval: 'ordinary', label: '使用建筑物及其附属设施的维修资金' },
  fund_raise: { approval: 'special', label: '筹集建筑物及其附属设施的维修资金' },
  rebuild: { approval: 'special', label: '改建、重建建筑物及其附属设施' },
  common_use: { approval: 'special', label: '改变共有部分的用途或者利用共有部分从事经营活动' },
  other: { approval: 'ordinary', label: '有关共有和共同管理权利的其他重大事项' },
} as const satisfies Record<string, { approval: ApprovalClass; label: string }>

export type Matter = keyof typeof MATTERS

export const MATTER_KEYS = Object.keys(MATTERS) as Matter[]

/** 民法典 第278条第2款: 第(六)至(八)项 need 3/4 of participants, the rest more than half. */
export function approvalClassOf(matter: Matter): ApprovalClass {
  return MATTERS[matter].approval
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export type TallyInputErrorCode =
  | 'empty_electorate'
  | 'invalid_area'
  | 'area_overflow'
  | 'duplicate_unit'
  | 'unknown_voter'
  | 'duplicate_ballot'
  | 'invalid_choice'
  | 'invalid_option'
  | 'invalid_seats'
  | 'duplicate_candidate'
  | 'unknown_candidate'
  | 'duplicate_mark'
  | 'too_many_marks'

/** Input the count cannot be made from. `subject` is the offending id (unit, voter, candidate). */
export class TallyInputError extends Error {
  override readonly name = 'TallyInputError'
  readonly code: TallyInputErrorCode
  readonly subject: string | null

  constructor(code: TallyInputErrorCode, message: string, subject: string | null = null) {
    super(message)
    this.code = code
    this.subject = subject
  }
}

// ---------------------------------------------------------------------------------------------
// The electorate (《解释》第9条, 指导规则 第25条)
// ---------------------------------------------------------------------------------------------

/**
 * The unit of area at the edges of the count. The core below works on `Amount`, a plain integer area
 * in whatever unit the caller chose: every decision compares ratios, so the unit cannot change one.
 */
interface AreaUnit<U, O> {
  areaOf(unit: U): number
  out(w: Amount): O
  /** for messages: '0.01 平方米' */
  name: string
}

/** The core's weight: an integer area in the caller's unit, and heads. */
interface Amount {
  area: number
  voters: number
}

const CENTI: AreaUnit<ElectorUnit, Weight> = {
  areaOf: (u) => u.areaCenti,
  out: (w) => ({ areaCenti: w.area, voters: w.voters }),
  name: '0.01 平方米',
}
const E4: AreaUnit<ElectorUnitE4, WeightE4> = {
  areaOf: (u) => u.areaE4,
  out: (w) => ({ areaE4: w.area, voters: w.voters }),
  name: '0.0001 平方米',
}

interface Electorate {
  /** voterId -> dense index */
  index: Map<string, number>
  /** per voter: sum of its units' areas */
  area: number[]
  total: Amount
}

/**
 * 《解释》第9条: units of one owner of record (the developer's unsold and undelivered units
 * included) form one voter; their areas add up and the voter counts once.
 */
function buildElectorate<U extends { unitId: string; voterId: string }>(units: U[], unit: AreaUnit<U, unknown>): Electorate {
  if (units.length === 0) {
    throw new TallyInputError('empty_electorate', '本次表决的业主名单为空，无法计票')
  }
  const index = new Map<string, number>()
  const area: number[] = []
  const seenUnits = new Set<string>()
  let seenBefore = 0
  let totalArea = 0
  for (const u of units) {
    const a = unit.areaOf(u)
    if (!Number.isSafeInteger(a) || a <= 0) {
      throw new TallyInputError(
        'invalid_area',
        `房屋 ${u.unitId} 的面积 ${String(a)} 不是正的安全整数（单位：${unit.name}）`,
        u.unitId,
      )
    }
    // one hash lookup instead of has() then add(): this loop is most of the tally's time
    seenUnits.add(u.unitId)
    if (seenUnits.size === seenBefore) {
      throw new TallyInputError('duplicate_unit', `房屋 ${u.unitId} 在名单中出现了两次`, u.unitId)
    }
    seenBefore++
    const i = index.get(u.voterId)
    if (i === undefined) {
      index.set(u.voterId, area.length)
      area.push(a)
    } else {
      area[i] = (area[i] as number) + a
    }
    totalArea += a
  }
  // Every sum below (per voter, per side) is a part of totalArea, so if totalArea is exact they
  // all are. Once a running sum of non-negative numbers reaches 2^53 rounding can never bring it
  // back below, so checking the end result is enough. 2^53 ten-thousandths of a square metre is
  // about 9·10^11 m² (hundredths: 9·10^13 m²): no real electorate comes near, so refusing is safe.
  if (totalArea > Number.MAX_SAFE_INTEGER) {
    throw new TallyInputError(
      'area_overflow',
      `本次表决的专有部分总面积超过 ${Number.MAX_SAFE_INTEGER}（${unit.name}），无法精确计算`,
    )
  }
  return { index, area, total: { area: totalArea, voters: area.length } }
}

function voterIndex(electorate: Electorate, voterId: string): number {
  const i = electorate.index.get(voterId)
  if (i === undefined) {
    throw new TallyInputError(
      'unknown_voter',
      `投票人 ${voterId} 在本次表决的范围内没有专有部分，选票不能计入`,
      voterId,
    )
  }
  return i
}

function duplicateBallot(voterId: string): TallyInputError {
  // 《解释》第9条 / voting-rules.md: one choice per voter per poll, covering all its units
  return new TallyInputError('duplicate_ballot', `投票人 ${voterId} 有两张选票`, voterId)
}

// ---------------------------------------------------------------------------------------------
// Exact comparisons
// ---------------------------------------------------------------------------------------------

/** k1·x ≥ k2·y, exactly. Areas near 2^53 times 3 or 4 pass 2^53, hence BigInt. */
function atLeast(k1: number, x: number, k2: number, y: number): boolean {
  return BigInt(k1) * BigInt(x) >= BigInt(k2) * BigInt(y)
}

/** 2·x > y, exactly: 过半数, strictly more than half. */
function moreThanHalf(x: number, y: number): boolean {
  return BigInt(2) * BigInt(x) > BigInt(y)
}

/** 民法典 第278条第2款: 参与表决 ≥ 2/3 of area and ≥ 2/3 of voters; 以上 is inclusive (第1259条). */
function hasQuorum(participated: Amount, total: Amount): boolean {
  return (
    atLeast(3, participated.area, 2, total.area) &&
    atLeast(3, participated.voters, 2, total.voters)
  )
}

/** A side with more than half of both the area and the voters of `of`. */
function majorityOf(side: Amount, of: Amount): boolean {
  return moreThanHalf(side.area, of.area) && moreThanHalf(side.voters, of.voters)
}

/**
 * 民法典 第278条第2款: 第(六)至(八)项 need 3/4 of the participants' area and of the participants
 * (以上, inclusive, 第1259条); the other matters 过半数 (strictly more than half). Both area and
 * voters must pass. The denominator is the participants, not all owners.
 */
function approves(approval: ApprovalClass, agree: Amount, participated: Amount): boolean {
  if (approval === 'special') {
    return (
      atLeast(4, agree.area, 3, participated.area) &&
      atLeast(4, agree.voters, 3, participated.voters)
    )
  }
  return majorityOf(agree, participated)
}

// ---------------------------------------------------------------------------------------------
// tally: one question, agree / oppose / abstain
// ---------------------------------------------------------------------------------------------

function nonVoterRule(rule: TallyInputOf<unknown>['nonVoters']): 'ignore' | 'follow_majority' {
  const r = rule ?? 'ignore'
  if (r !== 'ignore' && r !== 'follow_majority') {
    throw new TallyInputError('invalid_option', `未投票业主的计票规则 ${String(r)} 无效`, String(r))
  }
  return r
}

const zero = (): Amount => ({ area: 0, voters: 0 })
const plus = (a: Amount, b: Amount): Amount => ({
  area: a.area + b.area,
  voters: a.voters + b.voters,
})

/** The published protocol (voting-rules.md): areas in hundredths of a square metre. */
export function tally(input: TallyInput): Tally {
  return countMatter(input, CENTI)
}

/** The same count with areas in ten-thousandths of a square metre, as the server keeps them. */
export function tallyE4(input: TallyInputE4): TallyE4 {
  return countMatter(input, E4)
}

function countMatter<U extends { unitId: string; voterId: string }, O>(input: TallyInputOf<U>, unit: AreaUnit<U, O>): TallyOf<O> {
  const { approval } = input
  if (approval !== 'ordinary' && approval !== 'special') {
    throw new TallyInputError('invalid_option', `表决类别 ${String(approval)} 无效`, String(approval))
  }
  const nonVoters = nonVoterRule(input.nonVoters)
  const spoiledParticipate = input.spoiledParticipate ?? true

  const electorate = buildElectorate(input.units, unit)
  const voted = new Uint8Array(electorate.total.voters)
  // Sums kept as plain numbers in the loop: exact, see buildElectorate.
  let agreeA = 0, agreeP = 0, opposeA = 0, opposeP = 0
  let abstainA = 0, abstainP = 0, spoiledA = 0, spoiledP = 0
  for (const ballot of input.ballots) {
    const i = voterIndex(electorate, ballot.voterId)
    if (voted[i] === 1) throw duplicateBallot(ballot.voterId)
    voted[i] = 1
    const a = electorate.area[i] as number
    switch (ballot.choice) {
      case 'agree': agreeA += a; agreeP++; break
      case 'oppose': opposeA += a; opposeP++; break
      case 'abstain': abstainA += a; abstainP++; break
      case 'spoiled': spoiledA += a; spoiledP++; break
      default:
        throw new TallyInputError(
          'invalid_choice',
          `投票人 ${ballot.voterId} 的选项 ${String(ballot.choice)} 无效`,
          ballot.voterId,
        )
    }
  }

  let agree: Amount = { area: agreeA, voters: agreeP }
  let oppose: Amount = { area: opposeA, voters: opposeP }
  const abstain: Amount = { area: abstainA, voters: abstainP }
  const spoiled: Amount = { area: spoiledA, voters: spoiledP }
  // An abstention participates and does not agree. A spoiled ballot (废票) participates only
  // where the community says so, and never agrees.
  let participated = plus(plus(agree, oppose), abstain)
  if (spoiledParticipate) participated = plus(participated, spoiled)

  // 指导规则 第26条: non-voters follow the majority only where the 管理规约 / 议事规则 says so,
  // only when one side holds more than half of the actual participants' area AND voters, and
  // only for non-voters whose delivery is on record. A voter who returned any ballot, spoiled
  // included, is not a non-voter.
  let deemed = zero()
  let followMajority: FollowMajority | undefined
  if (nonVoters === 'follow_majority') {
    const side = majorityOf(agree, participated) ? 'agree' : majorityOf(oppose, participated) ? 'oppose' : null
    if (side === null) {
      followMajority = { to: [], reason: 'no_majority' }
    } else {
      deemed = deemedWeight(electorate, voted, input.delivered)
      if (side === 'agree') agree = plus(agree, deemed)
      else oppose = plus(oppose, deemed)
      participated = plus(participated, deemed)
      followMajority = deemed.voters > 0 ? { to: [side], reason: 'added' } : { to: [], reason: 'none_delivered' }
    }
  }

  const quorum = hasQuorum(participated, electorate.total)
  const passed = quorum && approves(approval, agree, participated)
  const result: TallyOf<O> = {
    total: unit.out(electorate.total),
    participated: unit.out(participated),
    agree: unit.out(agree),
    oppose: unit.out(oppose),
    abstain: unit.out(abstain),
    spoiled: unit.out(spoiled),
    deemed: unit.out(deemed),
    quorum,
    passed,
    outcome: passed ? 'passed' : quorum ? 'rejected' : 'no_quorum',
  }
  if (followMajority) result.followMajority = followMajority
  return result
}

function deemedWeight(electorate: Electorate, voted: Uint8Array, delivered: string[] | undefined): Amount {
  let area = 0
  let voters = 0
  if (delivered === undefined) {
    for (let i = 0; i < voted.length; i++) {
      if (voted[i] === 0) {
        area += electorate.area[i] as number
        voters++
      }
    }
    return { area, voters }
  }
  const counted = new Uint8Array(voted.length)
  for (const voterId of delivered) {
    const i = electorate.index.get(voterId)
    // Not a voter of this electorate, or already counted (a repeated delivery record).
    if (i === undefined || voted[i] === 1 || counted[i] === 1) continue
    counted[i] = 1
    area += electorate.area[i] as number
    voters++
  }
  return { area, voters }
}

// ---------------------------------------------------------------------------------------------
// tallyElection: committee members (committee) or one firm among bidders (manager, seats = 1)
// ---------------------------------------------------------------------------------------------

/** The published protocol (voting-rules.md): areas in hundredths of a square metre. */
export function tallyElection(input: ElectionInput): ElectionTally {
  return countElection(input, CENTI)
}

/** The same count with areas in ten-thousandths of a square metre, as the server keeps them. */
export function tallyElectionE4(input: ElectionInputE4): ElectionTallyE4 {
  return countElection(input, E4)
}

function countElection<U extends { unitId: string; voterId: string }, O>(input: ElectionInputOf<U>, unit: AreaUnit<U, O>): ElectionTallyOf<O> {
  const { seats, candidates } = input
  if (!Number.isSafeInteger(seats) || seats <= 0) {
    throw new TallyInputError('invalid_seats', `应选名额 ${String(seats)} 不是正整数`, String(seats))
  }
  const candidateIndex = new Map<string, number>()
  for (const [c, id] of candidates.entries()) {
    if (candidateIndex.has(id)) {
      throw new TallyInputError('duplicate_candidate', `候选人 ${id} 在候选名单中出现了两次`, id)
    }
    candidateIndex.set(id, c)
  }
  const spoiledParticipate = input.spoiledParticipate ?? true
  const nonVoters = nonVoterRule(input.nonVoters)

  const electorate = buildElectorate(input.units, unit)
  const voted = new Uint8Array(electorate.total.voters)
  const votesA = new Array<number>(candidates.length).fill(0)
  const votesP = new Array<number>(candidates.length).fill(0)
  // markedBy[c] = 1 + the ballot index that last marked candidate c: finds a repeated mark
  // without allocating per ballot.
  const markedBy = new Array<number>(candidates.length).fill(0)
  let markedA = 0, markedP = 0, abstainA = 0, abstainP = 0, spoiledA = 0, spoiledP = 0

  for (const [b, ballot] of input.ballots.entries()) {
    const i = voterIndex(electorate, ballot.voterId)
    if (voted[i] === 1) throw duplicateBallot(ballot.voterId)
    voted[i] = 1
    const a = electorate.area[i] as number
    if (ballot.spoiled === true) {
      // A spoiled ballot is often one marked against the rules (too many marks, a name not on the
      // list), so its marks are neither checked nor counted.
      spoiledA += a
      spoiledP++
      continue
    }
    const { marks } = ballot
    if (marks.length === 0) {
      // a ballot with no mark is an abstention: it participates, it elects no one
      abstainA += a
      abstainP++
      continue
    }
    if (marks.length > seats) {
      throw new TallyInputError(
        'too_many_marks',
        `投票人 ${ballot.voterId} 选了 ${marks.length} 人，超过应选名额 ${seats}`,
        ballot.voterId,
      )
    }
    for (const mark of marks) {
      const c = candidateIndex.get(mark)
      if (c === undefined) {
        throw new TallyInputError(
          'unknown_candidate',
          `投票人 ${ballot.voterId} 选择的 ${String(mark)} 不在候选名单中`,
          String(mark),
        )
      }
      if (markedBy[c] === b + 1) {
        throw new TallyInputError(
          'duplicate_mark',
          `投票人 ${ballot.voterId} 对候选人 ${mark} 投了两次`,
          mark,
        )
      }
      markedBy[c] = b + 1
      votesA[c] = (votesA[c] as number) + a
      votesP[c] = (votesP[c] as number) + 1
    }
    markedA += a
    markedP++
  }

  const abstain: Amount = { area: abstainA, voters: abstainP }
  const spoiled: Amount = { area: spoiledA, voters: spoiledP }
  let participated = plus({ area: markedA, voters: markedP }, abstain)
  if (spoiledParticipate) participated = plus(participated, spoiled)
  const votes: Amount[] = candidates.map((_, c) => ({ area: votesA[c] as number, voters: votesP[c] as number }))
  const deemedOf: Amount[] = candidates.map(() => zero())

  // 指导规则 第26条, per candidate (voting-rules.md, "In candidate polls"): the candidates the
  // ACTUAL ballots elect (majority, within the seats, by rank) receive every delivered non-voter's
  // weight, and those non-voters participate. As for one matter, the actual ballots need not reach
  // quorum by themselves: deeming is what may bring them to it. A tie for a seat among the actual
  // ballots (equal score and area across the last seat) would make the lot decide whom silence
  // follows, so then nothing is added.
  let deemed = zero()
  let followMajority: FollowMajority | undefined
  if (nonVoters === 'follow_majority') {
    const actual = rankCandidates(votes, participated)
    if (actual.length === 0) {
      followMajority = { to: [], reason: 'no_majority' }
    } else if (actual.length > seats && sameRank(actual[seats - 1]!, actual[seats]!)) {
      followMajority = { to: [], reason: 'tie_for_seat' }
    } else {
      deemed = deemedWeight(electorate, voted, input.delivered)
      if (deemed.voters === 0) {
        followMajority = { to: [], reason: 'none_delivered' }
      } else {
        const to = actual.slice(0, seats).map((x) => x.c)
        for (const c of to) {
          votes[c] = plus(votes[c] as Amount, deemed)
          deemedOf[c] = deemed
        }
        participated = plus(participated, deemed)
        followMajority = { to: to.map((c) => candidates[c] as string), reason: 'added' }
      }
    }
  }

  // 民法典 第278条第2款 / 第1259条: the same 2/3 quorum as any joint decision
  const quorum = hasQuorum(participated, electorate.total)
  // 民法典 第278条第2款: 选举业主委员会 needs 过半数 of the participants' area AND voters.
  // Reported even without quorum (it describes the marks), but then no one is ranked or elected.
  const results: CandidateResultOf<O>[] = candidates.map((candidateId, c) => ({
    candidateId,
    votes: unit.out(votes[c] as Amount),
    deemed: unit.out(deemedOf[c] as Amount),
    majority: majorityOf(votes[c] as Amount, participated),
    elected: false,
    rank: null,
  }))

  const elected: string[] = []
  let tiedForLastSeat: string[] | undefined
  if (quorum) {
    const ranked = rankCandidates(votes, participated)
    for (const [k, x] of ranked.entries()) {
      const r = results[x.c] as CandidateResultOf<O>
      r.rank = k + 1
      // Seats no candidate with a majority fills stay vacant: a by-election follows, no runoff.
      if (k < seats) {
        r.elected = true
        elected.push(r.candidateId)
      }
    }
    const last = ranked[seats - 1]
    if (last && ranked.length > seats && sameRank(last, ranked[seats]!)) tiedForLastSeat = ranked.filter((x) => sameRank(x, last)).map((x) => candidates[x.c] as string)
  }

  const result: ElectionTallyOf<O> = {
    total: unit.out(electorate.total),
    participated: unit.out(participated),
    abstain: unit.out(abstain),
    spoiled: unit.out(spoiled),
    deemed: unit.out(deemed),
    quorum,
    candidates: results,
    elected,
  }
  if (followMajority) result.followMajority = followMajority
  if (tiedForLastSeat) result.tiedForLastSeat = tiedForLastSeat
  return result
}

interface Ranked {
  c: number
  score: bigint
  area: number
}

/**
 * The candidates with a majority of `participated`, best first. Rank by area_c / A_part +
 * voters_c / P_part, higher first (Shenzhen's published election templates), compared exactly as
 * a·P + p·A in BigInt: these products pass 2^53. Ties go to the larger area. A tie in both score
 * and area is a tie in voters too (equal a and equal a/A + p/P force equal p), so no voter
 * tiebreak can apply; the last resort is the order of the candidates, which the caller should
 * make the ballot order drawn by lot (抽签) and recorded.
 */
function rankCandidates(votes: Amount[], participated: Amount): Ranked[] {
  const A = BigInt(participated.area)
  const P = BigInt(participated.voters)
  return votes
    .map((v, c) => ({ c, v }))
    .filter(({ v }) => majorityOf(v, participated))
    .map(({ c, v }) => ({ c, score: BigInt(v.area) * P + BigInt(v.voters) * A, area: v.area }))
    .sort((x, y) => {
      if (x.score !== y.score) return x.score > y.score ? -1 : 1
      if (x.area !== y.area) return y.area - x.area
      return x.c - y.c
    })
}

const sameRank = (x: Ranked, y: Ranked): boolean => x.score === y.score && x.area === y.area
