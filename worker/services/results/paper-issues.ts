import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { ballotNumber } from '../../../shared/ballot-number'
import { exactSum } from '../../../shared/decimal'
import { paperIssues, polls, pollVoters } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'
import { assertBeforeClose, lockPoll } from '../polls/lifecycle'

/** The poll's number (第12号): every poll is numbered when drafted (0015 numbered the older ones). */
export function pollNumberOf(p: { number: number | null }): number {
  if (p.number === null) throw new Error('poll without a number')
  return p.number
}

/**
 * The organiser records which voters were handed a paper ballot (for 已发放未回收). Each newly
 * issued ballot gets the next number of the poll's issue list, printed on it as 选票编号
 * (shared/ballot-number.ts); a voter already issued one keeps it. Numbers follow the order given.
 */
export async function recordPaperIssued(ctx: ServiceCtx, pollId: string, voterIds: string[]) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    await assertBeforeClose(tx, ctx.clock, p)
    const ids = [...new Set(voterIds)]
    const known = await tx.select({ voterId: pollVoters.voterId }).from(pollVoters).where(and(eq(pollVoters.pollId, pollId), inArray(pollVoters.voterId, ids)))
    if (known.length !== ids.length) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'voterIds', code: 'not_in_electorate', message: '有投票权人不在本次表决名单中' }] })
    // the poll row is locked: no other issue can take a number between this read and the insert
    const issuedBefore = new Set<string>()
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000)
      for (const r of await tx.select({ voterId: paperIssues.voterId }).from(paperIssues).where(and(eq(paperIssues.pollId, pollId), inArray(paperIssues.voterId, chunk)))) issuedBefore.add(r.voterId)
    }
    const [last] = rowsOf<{ seq: number | string | null }>(await tx.execute(sql`select max(seq) as seq from paper_issues where poll_id = ${pollId}`))
    let seq = Number(last?.seq ?? 0)
    const fresh = ids.filter((v) => !issuedBefore.has(v)).map((voterId) => ({ pollId, communityId: p.communityId, voterId, seq: ++seq, issuedBy: actor.userId, issuedAt: ctx.clock.now() }))
    for (let i = 0; i < fresh.length; i += 1000) await tx.insert(paperIssues).values(fresh.slice(i, i + 1000))
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.paper_issued', subjectType: 'poll', subjectId: pollId, details: { count: ids.length, numbered: fresh.length } })
    return { recorded: ids.length, numbered: fresh.length }
  })
}

/** The issue list (发放登记表): each issued paper ballot's printed number, the voter's units and masked name. */
export async function paperIssueList(db: Db, pollId: string) {
  const [p] = await db.select({ number: polls.number, title: polls.title }).from(polls).where(eq(polls.id, pollId))
  if (!p) throw new AppError('NOT_FOUND')
  const n = pollNumberOf(p)
  const rows = await db
    .select({ seq: paperIssues.seq, voterId: paperIssues.voterId, units: pollVoters.unitLabels, maskedName: pollVoters.maskedName, issuedAt: paperIssues.issuedAt })
    .from(paperIssues)
    .innerJoin(pollVoters, and(eq(pollVoters.pollId, paperIssues.pollId), eq(pollVoters.voterId, paperIssues.voterId)))
    .where(eq(paperIssues.pollId, pollId))
    .orderBy(asc(paperIssues.seq))
  return {
    pollNumber: n,
    title: p.title,
    ballots: rows.map((r) => ({ ballotNumber: ballotNumber(n, r.seq), voterId: r.voterId, units: r.units, maskedName: r.maskedName, issuedAt: r.issuedAt.toISOString() })),
  }
}

/**
 * Issued, returned (a standing paper ballot came back for that voter) and not returned, with the
 * area not returned. A paper entry withdrawn at the count as a mistake returned nothing.
 * `votedOtherwise`: of those not returned, the voters with a standing electronic ballot (online,
 * or by their proxy), which counts: for the words of the result, not part of its document.
 */
export async function paperCounts(db: Db, pollId: string) {
  const [r] = rowsOf<{ issued: string | number; returned: string | number; voted_otherwise: string | number; not_returned_area: string | number | null }>(
    await db.execute(sql`
      with issued as (
        select pi.voter_id,
               exists (select 1 from ballots b where b.poll_id = pi.poll_id and b.voter_id = pi.voter_id and b.kind = 'paper' and b.current) as returned,
               exists (select 1 from ballots b where b.poll_id = pi.poll_id and b.voter_id = pi.voter_id and b.kind = 'electronic' and b.current) as voted_online
        from paper_issues pi where pi.poll_id = ${pollId})
      select count(*) as issued, count(*) filter (where i.returned) as returned,
             count(*) filter (where not i.returned and i.voted_online) as voted_otherwise,
             coalesce(sum(pv.area_e4) filter (where not i.returned), 0)::text as not_returned_area
      from issued i join poll_voters pv on pv.poll_id = ${pollId} and pv.voter_id = i.voter_id`),
  )
  const issued = Number(r?.issued ?? 0)
  const returned = Number(r?.returned ?? 0)
  // a bigint sum comes back as text: exact, then checked to be a safe integer (ten-thousandths of m²)
  return { counts: { issued, returned, notReturned: issued - returned, notReturnedAreaE4: exactSum(r?.not_returned_area) }, votedOtherwise: Number(r?.voted_otherwise ?? 0) }
}
