import { and, asc, eq } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { pollComments, polls } from '../../../drizzle/schema'
import type { Role } from '../../env'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { castableVoters } from '../ballots/eligibility'

type CommentRow = typeof pollComments.$inferSelect

const present = (c: CommentRow) => ({
  id: c.id,
  parentId: c.parentId,
  authorLabel: c.authorLabel,
  authorRole: c.authorRole,
  // a hidden post stays on record; readers see that it was hidden, by whom's decision and why
  body: c.hiddenAt ? null : c.body,
  hidden: c.hiddenAt ? { reason: c.hiddenReason ?? '', at: c.hiddenAt.toISOString() } : null,
  createdAt: c.createdAt.toISOString(),
})

export async function listComments(ctx: ServiceCtx, pollId: string) {
  const rows = await ctx.db.select().from(pollComments).where(eq(pollComments.pollId, pollId)).orderBy(asc(pollComments.createdAt))
  return rows.map(present)
}

/** Verified owners of the poll's electorate and the committee may post; owners are shown by unit. */
export async function postComment(ctx: ServiceCtx, pollId: string, communityId: string, roles: ReadonlySet<Role>, input: { body: string; parentId?: string }) {
  const actor = actorOf(ctx)
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p || p.status === 'draft') throw new AppError('RESOURCE_STATE', { status: p?.status })
  let authorRole: 'owner' | 'committee'
  let authorLabel: string
  if (roles.has('committee')) {
    authorRole = 'committee'
    authorLabel = '业主委员会'
  } else {
    const mine = (await castableVoters(ctx.db, pollId, communityId, actor.userId)).filter((v) => v.via === 'owner')
    if (mine.length === 0) throw new AppError('NOT_IN_ELECTORATE')
    authorRole = 'owner'
    authorLabel = `${mine[0]!.unitLabels.split('、')[0]} 业主`
  }
  return withTransaction(ctx.db, async (tx) => {
    if (input.parentId) {
      const [parent] = await tx.select({ id: pollComments.id }).from(pollComments).where(and(eq(pollComments.id, input.parentId), eq(pollComments.pollId, pollId)))
      if (!parent) throw new AppError('NOT_FOUND', { resource: 'parent comment' })
    }
    const [c] = await tx
      .insert(pollComments)
      .values({ id: nanoid(), pollId, communityId, parentId: input.parentId ?? null, authorUserId: actor.userId, authorRole, authorLabel, body: input.body, createdAt: ctx.clock.now() })
      .returning()
    await recordAudit(tx, ctx, { communityId, action: 'comment.posted', subjectType: 'poll_comment', subjectId: c!.id, details: { pollId } })
    return present(c!)
  })
}

export async function hideComment(ctx: ServiceCtx, pollId: string, commentId: string, reason: string) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const [c] = await tx.select().from(pollComments).where(and(eq(pollComments.id, commentId), eq(pollComments.pollId, pollId))).for('update')
    if (!c) throw new AppError('NOT_FOUND')
    if (c.hiddenAt) throw new AppError('RESOURCE_STATE', { reason: 'already_hidden' })
    const [u] = await tx.update(pollComments).set({ hiddenAt: ctx.clock.now(), hiddenBy: actor.userId, hiddenReason: reason }).where(eq(pollComments.id, commentId)).returning()
    const [p] = await tx.select({ communityId: polls.communityId }).from(polls).where(eq(polls.id, pollId))
    await recordAudit(tx, ctx, { communityId: p!.communityId, action: 'comment.hidden', subjectType: 'poll_comment', subjectId: commentId, details: { pollId, reason } })
    return present(u!)
  })
}
