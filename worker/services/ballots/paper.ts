import { sql } from 'drizzle-orm'
import type * as z from 'zod'
import type { PaperBallotBody } from '../../../shared/api/polls'
import { withTransaction } from '../../db/tx'
import type { ServiceCtx } from '../context'
import { enqueueForOwners } from '../notifications/outbox'
import { assertInElectorate } from '../polls/deliveries'
import { rowsOf } from '../roles/resolve'
import { castBallot } from './cast'
import { ballotContent } from './content'

/**
 * A paper ballot the committee enters while voting is open (signed by the owner, or for them), with
 * the photo of the signed sheet. The owner's accounts are told in the same transaction: an owner
 * who is online sees a ballot entered in their name at once and can dispute it (dispute.ts), rather
 * than finding it, or its replacement, after the result.
 */
export async function enterPaperBallot(ctx: ServiceCtx, pollId: string, communityId: string, body: z.infer<typeof PaperBallotBody>, idempotencyKey: string | undefined) {
  await assertInElectorate(ctx, pollId, body.voterId)
  const content = await ballotContent(ctx.db, pollId, body, { paper: true })
  return withTransaction(ctx.db, async (tx) => {
    const out = await castBallot(
      { ...ctx, db: tx },
      {
        pollId,
        communityId,
        voterId: body.voterId,
        ...content,
        channel: 'paper',
        proxyId: null,
        // the owner's own signature: their proxy ends, as when they vote online (cast_ballot); one
        // someone else signed (as proxy, guardian, legal representative) ends nothing
        ownerCasting: !body.signedBy,
        paperPhotoSha256: body.photoSha256,
        signedBy: body.signedBy,
        idempotencyKey,
      },
    )
    if (!out.replayed) {
      const owners = rowsOf<{ user_id: string; units: string; number: number | null }>(
        await tx.execute(sql`
          select b.user_id, pv.unit_labels as units, p.number
          from poll_voters pv join polls p on p.id = pv.poll_id
          join bindings b on b.owner_key = pv.representative_owner_key and b.community_id = ${communityId} and b.status = 'verified'
          where pv.poll_id = ${pollId} and pv.voter_id = ${body.voterId}`),
      )
      if (owners.length) {
        const ref = owners[0]!.number ? `第${owners[0]!.number}号议题` : '议题'
        await enqueueForOwners(
          tx,
          ctx,
          communityId,
          { userIds: [...new Set(owners.map((o) => o.user_id))] },
          'paper_entered',
          { title: '纸质票录入提醒', text: `业委会为 ${owners[0]!.units} 录入了${ref}的一张纸质表决票。如不是您本人或您委托的人签的，请在投票页提出异议。`, path: `/h5/polls/${pollId}` },
          `paper-entered:${out.receipt}`,
        )
      }
    }
    return out
  })
}
