import { and, eq, sql } from 'drizzle-orm'
import { ballots } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'
import { verifiedOwnerKeys } from './eligibility'

/** An owner disputes a ballot cast in their name (a paper entry, a proxy's vote): on record for the committee and the evidence file. */
export async function disputeBallot(ctx: ServiceCtx, pollId: string, communityId: string, receipt: string, reason: string) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const [b] = await tx.select().from(ballots).where(and(eq(ballots.pollId, pollId), eq(ballots.receipt, receipt))).for('update')
    if (!b) throw new AppError('RECEIPT_NOT_FOUND')
    // only an owner this ballot speaks for may dispute it
    const mine = rowsOf<{ ok: boolean }>(
      await tx.execute(sql`select exists (select 1 from poll_voters pv where pv.poll_id = ${pollId} and pv.voter_id = ${b.voterId}
        and pv.representative_owner_key in (${verifiedOwnerKeys(sql`${actor.userId}`, sql`${communityId}`)})) as ok`),
    )
    if (!mine[0]?.ok) throw new AppError('RECEIPT_NOT_FOUND')
    if (b.disputedAt) throw new AppError('RESOURCE_STATE', { reason: 'already_disputed' })
    await tx.update(ballots).set({ disputedAt: ctx.clock.now(), disputeReason: reason }).where(eq(ballots.id, b.id))
    await recordAudit(tx, ctx, { communityId, action: 'ballot.disputed', subjectType: 'ballot', subjectId: b.id, details: { pollId, channel: b.channel } })
    return { receipt, disputed: true }
  })
}
