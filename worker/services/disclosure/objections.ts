import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { AnswerBody, ObjectionBody } from '../../../shared/api/disclosure'
import { displayEndsAt } from '../../../shared/statements'
import { bindings, statementObjections, statements } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import type { Role } from '../../env'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { enqueueForOwners } from '../notifications/outbox'
import { actorOf, type ServiceCtx } from '../context'
import { callerFirm } from './fees'

type Row = typeof statementObjections.$inferSelect

const present = (o: Row) => ({
  id: o.id,
  statementId: o.statementId,
  line: o.line,
  body: o.body,
  authorLabel: o.authorLabel,
  createdAt: o.createdAt.toISOString(),
  answer: o.answer,
  answererLabel: o.answererLabel,
  answeredAt: o.answeredAt?.toISOString() ?? null,
})

/**
 * The thread of a statement: public to the community, oldest first. A correction keeps the thread
 * of the versions before it (each objection names the version it was made on): what owners asked
 * is often why it was corrected.
 */
export async function listObjections(ctx: ServiceCtx, statementId: string) {
  const [s] = await ctx.db.select().from(statements).where(eq(statements.id, statementId))
  if (!s) return []
  const versions = ctx.db
    .select({ id: statements.id })
    .from(statements)
    .where(and(eq(statements.communityId, s.communityId), eq(statements.kind, s.kind), eq(statements.period, s.period), lte(statements.version, s.version)))
  const rows = await ctx.db.select().from(statementObjections).where(inArray(statementObjections.statementId, versions)).orderBy(asc(statementObjections.createdAt), asc(statementObjections.id))
  return rows.map(present)
}

/**
 * An owner objects to a line (or the whole statement) while it is on display (disclosure.md;
 * displayEndsAt: 30 working days). The owner is shown by their unit, never by name or phone.
 */
export async function postObjection(ctx: ServiceCtx, statementId: string, input: z.infer<typeof ObjectionBody>) {
  const actor = actorOf(ctx)
  const [s] = await ctx.db.select().from(statements).where(eq(statements.id, statementId))
  if (!s) throw new AppError('NOT_FOUND')
  const now = ctx.clock.now()
  const closes = displayEndsAt(s.publishedAt)
  if (now >= closes) throw new AppError('RESOURCE_STATE', { reason: 'display_period_over', closedAt: closes.toISOString() })
  if (input.line !== undefined && input.line > s.content.lines.length) {
    throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'line', code: 'no_such_line', message: `报表只有 ${s.content.lines.length} 行` }] })
  }
  const [b] = await ctx.db
    .select({ unitKey: bindings.unitKey })
    .from(bindings)
    .where(and(eq(bindings.userId, actor.userId), eq(bindings.communityId, s.communityId), eq(bindings.status, 'verified')))
    .limit(1)
  if (!b) throw new AppError('FORBIDDEN', { reason: 'owners_only' })
  const authorLabel = `${b.unitKey.split('|').filter(Boolean).join('-')} 业主`
  return withTransaction(ctx.db, async (tx) => {
    const [o] = await tx
      .insert(statementObjections)
      .values({ id: nanoid(), statementId, communityId: s.communityId, line: input.line ?? null, body: input.body, authorUserId: actor.userId, authorLabel, createdAt: now })
      .returning()
    await recordAudit(tx, ctx, { communityId: s.communityId, action: 'statement.objected', subjectType: 'statement_objection', subjectId: o!.id, details: { statementId, line: input.line ?? null } })
    return present(o!)
  })
}

/**
 * The discloser answers on record, once: firm staff of the firm that published a firm statement,
 * the committee for its own statements. The answer is never edited; a further word is a new objection thread.
 */
export async function answerObjection(ctx: ServiceCtx, objectionId: string, roles: ReadonlySet<Role>, input: z.infer<typeof AnswerBody>) {
  const actor = actorOf(ctx)
  const [o] = await ctx.db.select().from(statementObjections).where(eq(statementObjections.id, objectionId))
  if (!o) throw new AppError('NOT_FOUND')
  const [s] = await ctx.db.select().from(statements).where(eq(statements.id, o.statementId))
  let answererLabel: string
  if (s!.discloser === 'firm') {
    if (!roles.has('firm_staff') || (await callerFirm(ctx, s!.communityId)) !== s!.firmId) throw new AppError('FORBIDDEN', { reason: 'not_the_discloser' })
    answererLabel = '物业服务企业'
  } else {
    if (!roles.has('committee')) throw new AppError('FORBIDDEN', { reason: 'not_the_discloser' })
    answererLabel = '业主委员会'
  }
  return withTransaction(ctx.db, async (tx) => {
    // conditional update: of two answers racing, one stands and the other is told so
    const [u] = await tx
      .update(statementObjections)
      .set({ answer: input.answer, answeredBy: actor.userId, answererLabel, answeredAt: ctx.clock.now() })
      .where(and(eq(statementObjections.id, objectionId), isNull(statementObjections.answer)))
      .returning()
    if (!u) throw new AppError('RESOURCE_STATE', { reason: 'already_answered' })
    await recordAudit(tx, ctx, { communityId: o.communityId, action: 'statement.objection_answered', subjectType: 'statement_objection', subjectId: objectionId, details: { statementId: o.statementId } })
    await enqueueForOwners(tx, ctx, o.communityId, { userIds: [o.authorUserId] }, 'objection_answered', { title: '您对收支报表的异议已答复', text: input.answer, path: `/h5/statements/${o.statementId}` }, `objection:${objectionId}`)
    return present(u)
  })
}

export async function objectionCommunity(ctx: Pick<ServiceCtx, 'db'>, id: string) {
  const [o] = await ctx.db.select({ communityId: statementObjections.communityId }).from(statementObjections).where(eq(statementObjections.id, id))
  return o?.communityId ?? null
}
