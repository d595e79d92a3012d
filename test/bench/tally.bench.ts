/**
 * How fast the tally is on a large community, against a baseline measured in the same run.
 *
 *   npx tsx test/bench/tally.bench.ts
 *
 * 200,000 units: 179,999 owners (19,000 of them with two units) plus the developer holding
 * 1,001 unsold units as one voter (《解释》第9条). 85% of voters cast a ballot. The baseline is the
 * least any tally must do: one pass over the units summing areas into a Map by voter. No
 * assertions on time: the numbers are printed for people to compare between machines and commits.
 */
import {
  tally,
  tallyElection,
  type Choice,
  type CountedBallot,
  type ElectionBallot,
  type ElectorUnit,
} from '../../shared/tally'

const WARMUP = 5
const RUNS = 15

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same community. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function buildCommunity(): { units: ElectorUnit[]; voterIds: string[] } {
  const random = rng(278)
  const area = (): number => 4_000 + Math.floor(random() * 21_000) // 40–250 m², in hundredths
  const units: ElectorUnit[] = []
  const voterIds: string[] = []
  for (let v = 0; v < 179_999; v++) {
    const voterId = `owner-${v}`
    voterIds.push(voterId)
    units.push({ unitId: `unit-${v}-a`, voterId, areaCenti: area() })
    if (v < 19_000) units.push({ unitId: `unit-${v}-b`, voterId, areaCenti: area() })
  }
  voterIds.push('developer')
  for (let k = 0; k < 1_001; k++) units.push({ unitId: `unsold-${k}`, voterId: 'developer', areaCenti: area() })
  return { units, voterIds }
}

function buildBallots(voterIds: string[]): { ballots: CountedBallot[]; electionBallots: ElectionBallot[] } {
  const random = rng(1259)
  const choices: Choice[] = ['agree', 'agree', 'agree', 'oppose', 'abstain', 'spoiled']
  const ballots: CountedBallot[] = []
  const electionBallots: ElectionBallot[] = []
  for (const voterId of voterIds) {
    if (random() >= 0.85) continue
    ballots.push({ voterId, choice: choices[Math.floor(random() * choices.length)] as Choice })
    if (random() < 0.02) {
      electionBallots.push({ voterId, marks: [], spoiled: true })
      continue
    }
    // mark up to SEATS of the candidates, favouring the first few
    const marks: string[] = []
    for (const c of CANDIDATES) if (marks.length < SEATS && random() < 0.6) marks.push(c)
    electionBallots.push({ voterId, marks })
  }
  return { ballots, electionBallots }
}

const CANDIDATES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周杰']
const SEATS = 7

/** Median wall time in milliseconds of `fn` after warm-up; `sink` keeps results alive. */
function measure(fn: () => unknown): { median: number; min: number } {
  let sink = 0
  for (let i = 0; i < WARMUP; i++) sink += fn() === undefined ? 0 : 1
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    sink += fn() === undefined ? 0 : 1
    times.push(performance.now() - start)
  }
  if (sink !== WARMUP + RUNS) throw new Error('benchmark function returned nothing')
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)] as number, min: times[0] as number }
}

function baseline(units: ElectorUnit[]): Map<string, number> {
  const byVoter = new Map<string, number>()
  for (const u of units) byVoter.set(u.voterId, (byVoter.get(u.voterId) ?? 0) + u.areaCenti)
  return byVoter
}

const { units, voterIds } = buildCommunity()
const { ballots, electionBallots } = buildBallots(voterIds)

const base = measure(() => baseline(units))
const ordinary = measure(() => tally({ units, ballots, approval: 'ordinary' }))
const special = measure(() =>
  tally({ units, ballots, approval: 'special', nonVoters: 'follow_majority', spoiledParticipate: false }),
)
const election = measure(() => tallyElection({ units, ballots: electionBallots, candidates: CANDIDATES, seats: SEATS }))

const sample = tally({ units, ballots, approval: 'ordinary' })
const sampleElection = tallyElection({ units, ballots: electionBallots, candidates: CANDIDATES, seats: SEATS })

const fmt = (ms: number): string => ms.toFixed(1).padStart(7)
const row = (name: string, m: { median: number; min: number }): string =>
  `${name.padEnd(56)} ${fmt(m.median)} ms   (min ${fmt(m.min)} ms)   ×${(m.median / base.median).toFixed(2)} baseline`

console.log(
  `tally benchmark: ${units.length.toLocaleString('en')} units, ${voterIds.length.toLocaleString('en')} voters, ` +
    `${ballots.length.toLocaleString('en')} ballots; median of ${RUNS} runs after ${WARMUP} warm-up runs; node ${process.version}`,
)
console.log(row('baseline: sum unit areas into a Map by voter', base))
console.log(row('tally (ordinary)', ordinary))
console.log(row('tally (special, follow_majority, spoiled not counted)', special))
console.log(row(`tallyElection (${CANDIDATES.length} candidates, ${SEATS} seats)`, election))
console.log(
  `result: ${sample.outcome}, participated ${sample.participated.voters}/${sample.total.voters} voters; ` +
    `elected ${sampleElection.elected.length}: ${sampleElection.elected.join(' ')}`,
)
console.log('re-run: npx tsx test/bench/tally.bench.ts')
