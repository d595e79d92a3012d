import { and, eq, inArray, sql } from 'drizzle-orm'
import { paperIssues, pollVoters } from '../../../drizzle/schema'
import { exactSum } from '../../../shared/decimal'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'
import { assertBeforeClose, lockPoll } from '../polls/lifecycle'

/** The organiser records which voters were handed a paper ballot (for 已发放未回收). */
export async function recordPaperIssued(ctx: ServiceCtx, pollId: string, voterIds: string[]) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    await assertBeforeClose(tx, ctx.clock, p)
    const ids = [...new Set(voterIds)]
    const known = await tx.select({ voterId: pollVoters.voterId }).from(pollVoters).where(and(eq(pollVoters.pollId, pollId), inArray(pollVoters.voterId, ids)))
    if (known.length !== ids.length) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'voterIds', code: 'not_in_electorate', message: '有投票权人不在本次表决名单中' }] })
    for (let i = 0; i < ids.length; i += 1000) {
      await tx
        .insert(paperIssues)
        .values(ids.slice(i, i + 1000).map((voterId) => ({ pollId, communityId: p.communityId, voterId, issuedBy: actor.userId, issuedAt: ctx.clock.now() })))
        .onConflictDoNothing()
    }
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.paper_issued', subjectType: 'poll', subjectId: pollId, details: { count: ids.length } })
    return { recorded: ids.length }
  })
}

/** Issued, returned (a paper ballot came back for that voter) and not returned, with the area not returned. */
export async function paperCounts(db: Db, pollId: string) {
  const [r] = rowsOf<{ issued: string | number; returned: string | number; not_returned_area: string | number | null }>(
    await db.execute(sql`
      with issued as (
        select pi.voter_id, exists (select 1 from ballots b where b.poll_id = pi.poll_id and b.voter_id = pi.voter_id and b.kind = 'paper') as returned
        from paper_issues pi where pi.poll_id = ${pollId})
      select count(*) as issued, count(*) filter (where i.returned) as returned,
             coalesce(sum(pv.area_e4) filter (where not i.returned), 0)::text as not_returned_area
      from issued i join poll_voters pv on pv.poll_id = ${pollId} and pv.voter_id = i.voter_id`),
  )
  const issued = Number(r?.issued ?? 0)
  const returned = Number(r?.returned ?? 0)
  // a bigint sum comes back as text: exact, then checked to be a safe integer (ten-thousandths of m²)
  return { issued, returned, notReturned: issued - returned, notReturnedAreaE4: exactSum(r?.not_returned_area) }
}