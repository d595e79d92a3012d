import { and, eq, inArray } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { deliveries, pollVoters } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { assertBeforeClose, lockPoll } from './lifecycle'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'

/** Records how voters were told of the poll: what a court asks for before silence may count (指导规则 第26条). */
export async function recordDeliveries(ctx: ServiceCtx, pollId: string, input: { voterIds: string[]; method: (typeof deliveries.$inferInsert)['method']; evidenceSha256?: string }) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (!p.rosterVersionId) throw new AppError('RESOURCE_STATE', { status: p.status })
    // the poll row is locked, so the close cannot slip in between
    await assertBeforeClose(tx, ctx.clock, p)
    const ids = [...new Set(input.voterIds)]
    const known = await tx.select({ voterId: pollVoters.voterId }).from(pollVoters).where(and(eq(pollVoters.pollId, pollId), inArray(pollVoters.voterId, ids)))
    if (known.length !== ids.length) {
      const set = new Set(known.map((k) => k.voterId))
      throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'voterIds', code: 'not_in_electorate', message: `不在本次表决名单中：${ids.filter((i) => !set.has(i)).slice(0, 20).join(', ')}` }] })
    }
    const now = ctx.clock.now()
    // 指导规则 第26条 as courts read it: a non-voter is deemed only with proof that the ballot reached
    // that owner and told what silence means. A receipt the owner signed is such proof, and a message
    // to that owner with its evidence on record (the sent message's screenshot); a notice on the
    // board reaches nobody in particular, and a message without evidence is the committee's word
    const proves = input.method === 'paper_signed' || ((input.method === 'app_message' || input.method === 'chatbot') && input.evidenceSha256 !== undefined)
    for (let i = 0; i < ids.length; i += 1000) {
      await tx.insert(deliveries).values(
        ids.slice(i, i + 1000).map((voterId) => ({ id: nanoid(), pollId, communityId: p.communityId, voterId, method: input.method, evidenceSha256: input.evidenceSha256 ?? null, tellsNonVoterRule: proves, recordedBy: actor.userId, recordedAt: now })),
      )
    }
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.deliveries_recorded', subjectType: 'poll', subjectId: pollId, details: { count: ids.length, method: input.method } })
    return { recorded: ids.length }
  })
}

export async function assertInElectorate(ctx: ServiceCtx, pollId: string, voterId: string) {
  const [v] = await ctx.db.select({ voterId: pollVoters.voterId }).from(pollVoters).where(and(eq(pollVoters.pollId, pollId), eq(pollVoters.voterId, voterId)))
  if (!v) throw new AppError('NOT_IN_ELECTORATE', { voterId })
}
