import { sql } from 'drizzle-orm'
import type { Db } from '../../db/types'
import { rowsOf } from '../roles/resolve'

export interface StandingBallot {
  voterId: string
  choice: 'agree' | 'oppose' | 'abstain' | 'spoiled' | 'marked'
  marks: string[] | null
  channel: string
  version: number
  receipt: string
  castAt: Date
  /** the voter's area, ten-thousandths of m² */
  areaE4: number
  /** a paper ballot signed by a proxy, guardian or legal representative; null: the owner */
  signedAs: 'proxy' | 'guardian' | 'legal_representative' | null
}

/** What the order below needs of a ballot. */
interface Ranked {
  voterId: string
  kind: string
  current: boolean
  channel: string
  signedAs: string | null
}

/**
 * The owner's own ballot: not a proxy's online one, nor a paper one someone else signed. Where a
 * voter has an electronic and a paper ballot and only one is the owner's own, that one counts,
 * whatever the community's rule: a proxy speaks for the owner only until the owner speaks
 * (指导规则 第26条), and an owner without a smartphone speaks on paper.
 */
const ownOf = (b: Pick<Ranked, 'channel' | 'signedAs'>) => b.channel !== 'proxy' && b.signedAs === null

/**
 * Whether a ballot is the one that counts for its voter, among that voter's ballots of the poll:
 * current; the owner's own before a proxy's; then of the preferred kind unless the voter has no
 * current ballot of that kind. The same rule as standingBallots below, for pages and replies that
 * show an owner their own ballots.
 */
export function countsAmong<B extends Ranked>(b: B, ofPoll: readonly B[], prefer: 'electronic' | 'paper'): boolean {
  if (!b.current) return false
  const others = ofPoll.filter((o) => o !== b && o.voterId === b.voterId && o.current)
  if (others.some((o) => ownOf(o) && !ownOf(b))) return false
  if (ownOf(b) && others.every((o) => !ownOf(o))) return true
  return b.kind === prefer || !others.some((o) => o.kind === prefer)
}

/**
 * The one ballot that counts per voter: its current electronic or paper ballot, and where it has
 * both, the owner's own before a proxy's (ownOf), then the kind the community's rule prefers
 * (default electronic). Both stay on record.
 */
export async function standingBallots(db: Db, pollId: string, prefer: 'electronic' | 'paper'): Promise<StandingBallot[]> {
  const rows = rowsOf<{ voter_id: string; choice: StandingBallot['choice']; marks: string[] | string | null; channel: string; version: number; receipt: string; cast_at: string | Date; area_e4: string | number; signed_as: StandingBallot['signedAs'] }>(
    await db.execute(sql`
      select distinct on (b.voter_id) b.voter_id, b.choice, b.marks, b.channel, b.version, b.receipt, b.cast_at, pv.area_e4, b.signed_as
      from ballots b join poll_voters pv on pv.poll_id = b.poll_id and pv.voter_id = b.voter_id
      where b.poll_id = ${pollId} and b.current
      order by b.voter_id, (b.channel <> 'proxy' and b.signed_as is null) desc, (b.kind = ${prefer}) desc`),
  )
  return rows.map((r) => ({
    voterId: r.voter_id,
    choice: r.choice,
    marks: typeof r.marks === 'string' ? (JSON.parse(r.marks) as string[]) : r.marks,
    channel: r.channel,
    version: Number(r.version),
    receipt: r.receipt,
    castAt: new Date(r.cast_at),
    areaE4: Number(r.area_e4),
    signedAs: r.signed_as ?? null,
  }))
}

/** What the standing ballots of one choice add up to: how many voters, and their area (ten-thousandths of m²). */
export interface StandingTotal {
  choice: StandingBallot['choice']
  voters: number
  areaE4: number
}

/**
 * standingBallots' rule summed in the database, a row per choice: for the turnout, which every
 * owner opening the poll's page reads while the vote runs. Sending every standing ballot to the
 * server to add them up there cost 60 ms of CPU per view at 10,000 ballots (test/bench/RESULTS.md,
 * session 9).
 */
export async function standingTotals(db: Db, pollId: string, prefer: 'electronic' | 'paper'): Promise<StandingTotal[]> {
  return totalsOf(rowsOf<StandingTotalRow>(await db.execute(standingTotalsSql(pollId, prefer))))
}

/** standingTotals' statement, for a caller that reads other things in the same snapshot (open-split.ts). Columns: choice, voters, area_e4. */
export const standingTotalsSql = (pollId: string, prefer: 'electronic' | 'paper') => sql`
  select s.choice, count(*) as voters, coalesce(sum(pv.area_e4), 0) as area_e4
  from (select distinct on (b.voter_id) b.voter_id, b.choice
        from ballots b
        where b.poll_id = ${pollId} and b.current
        order by b.voter_id, (b.channel <> 'proxy' and b.signed_as is null) desc, (b.kind = ${prefer}) desc) s
  join poll_voters pv on pv.poll_id = ${pollId} and pv.voter_id = s.voter_id
  group by s.choice`

export type StandingTotalRow = { choice: StandingBallot['choice']; voters: string | number; area_e4: string | number }
export const totalsOf = (rows: StandingTotalRow[]): StandingTotal[] => rows.map((r) => ({ choice: r.choice, voters: Number(r.voters), areaE4: Number(r.area_e4) }))

