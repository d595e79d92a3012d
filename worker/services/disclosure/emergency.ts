import { and, desc, eq, isNull } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { EmergencyReviewBody, EmergencyUseBody } from '../../../shared/api/disclosure'
import { formatFen } from '../../../shared/decimal'
import { displayEndsAt } from '../../../shared/statements'
import { emergencyUses, notices } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { publishNotice } from '../notices/notices'

type Row = typeof emergencyUses.$inferSelect
const WORKS_NOTICE_TITLE = '专项维修资金应急使用公告'

const present = (e: Row) => ({
  id: e.id,
  communityId: e.communityId,
  hazard: e.hazard,
  works: e.works,
  contractor: e.contractor,
  estimatedFen: e.estimatedFen,
  status: e.status,
  approvedAt: e.approvedAt.toISOString(),
  confirmedAt: e.confirmedAt?.toISOString() ?? null,
  actualFen: e.actualFen,
  review: e.review,
  reviewedAt: e.reviewedAt?.toISOString() ?? null,
})

/**
 * 民法典 第281条第2款 and seed 000 四(四): where a common part endangers safety and cannot wait for a
 * vote, the committee approves the works (recorded here, with the hazard), the community confirms,
 * the works are announced while they last, and a review with the actual cost follows.
 */
export async function recordEmergency(ctx: ServiceCtx, communityId: string, input: z.infer<typeof EmergencyUseBody>) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const [e] = await tx
      .insert(emergencyUses)
      .values({ id: nanoid(), communityId, ...input, contractor: input.contractor ?? null, status: 'approved', approvedBy: actor.userId, approvedAt: ctx.clock.now() })
      .returning()
    await recordAudit(tx, ctx, { communityId, action: 'emergency.approved', subjectType: 'emergency_use', subjectId: e!.id, details: { estimatedFen: input.estimatedFen } })
    return present(e!)
  })
}

async function lockEmergency(tx: ServiceCtx['db'], id: string) {
  const [e] = await tx.select().from(emergencyUses).where(eq(emergencyUses.id, id)).for('update')
  if (!e) throw new AppError('NOT_FOUND')
  return e
}

/** The community's confirmation (居委会 / 街道): from here the fund may be drawn, and the works are announced. */
export async function confirmEmergency(ctx: ServiceCtx, id: string) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const e = await lockEmergency(tx, id)
    if (e.status !== 'approved') throw new AppError('RESOURCE_STATE', { status: e.status })
    const now = ctx.clock.now()
    const [u] = await tx.update(emergencyUses).set({ status: 'confirmed', confirmedBy: actor.userId, confirmedAt: now }).where(eq(emergencyUses.id, id)).returning()
    await publishNotice(tx, ctx, {
      communityId: e.communityId,
      kind: 'general',
      title: WORKS_NOTICE_TITLE,
      body: [
        `险情：${e.hazard}`,
        `维修内容：${e.works}`,
        e.contractor ? `施工单位：${e.contractor}` : null,
        `预算：${formatFen(e.estimatedFen)} 元。业主委员会已批准，社区已确认。完工后将公示审核结果和实际费用。`,
      ]
        .filter((l) => l !== null)
        .join('\n'),
      startsAt: now,
      endsAt: null, // on the board while the works last: until the review replaces it
      pinned: true,
      issuedBy: actor.userId,
      issuerLabel: '业主委员会、社区居民委员会',
    })
    await recordAudit(tx, ctx, { communityId: e.communityId, action: 'emergency.confirmed', subjectType: 'emergency_use', subjectId: id, details: {} })
    return present(u!)
  })
}

/** After the works: the committee's review with the actual cost, announced for the display period. */
export async function reviewEmergency(ctx: ServiceCtx, id: string, input: z.infer<typeof EmergencyReviewBody>) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const e = await lockEmergency(tx, id)
    if (e.status !== 'confirmed') throw new AppError('RESOURCE_STATE', { status: e.status })
    const now = ctx.clock.now()
    const [u] = await tx
      .update(emergencyUses)
      .set({ status: 'reviewed', actualFen: input.actualFen, review: input.review, reviewedBy: actor.userId, reviewedAt: now })
      .where(eq(emergencyUses.id, id))
      .returning()
    // the works notice leaves the board as the review goes up
    await tx
      .update(notices)
      .set({ endsAt: now })
      .where(and(eq(notices.communityId, e.communityId), eq(notices.title, WORKS_NOTICE_TITLE), eq(notices.startsAt, e.confirmedAt!), isNull(notices.endsAt)))
    await publishNotice(tx, ctx, {
      communityId: e.communityId,
      kind: 'general',
      title: '专项维修资金应急使用完工审核公示',
      body: `维修内容：${e.works}\n预算 ${formatFen(e.estimatedFen)} 元，实际 ${formatFen(input.actualFen)} 元。\n${input.review}`,
      startsAt: now,
      endsAt: displayEndsAt(now),
      pinned: false,
      issuedBy: actor.userId,
      issuerLabel: '业主委员会',
    })
    await recordAudit(tx, ctx, { communityId: e.communityId, action: 'emergency.reviewed', subjectType: 'emergency_use', subjectId: id, details: { actualFen: input.actualFen } })
    return present(u!)
  })
}

export async function listEmergencies(ctx: ServiceCtx, communityId: string) {
  return (await ctx.db.select().from(emergencyUses).where(eq(emergencyUses.communityId, communityId)).orderBy(desc(emergencyUses.approvedAt))).map(present)
}

export async function emergencyCommunity(ctx: Pick<ServiceCtx, 'db'>, id: string) {
  const [e] = await ctx.db.select({ communityId: emergencyUses.communityId }).from(emergencyUses).where(and(eq(emergencyUses.id, id)))
  return e?.communityId ?? null
}
