import { and, asc, eq, inArray } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { type RatingDimension, summariseRatings } from '../../../shared/ratings'
import { quarterOfDate } from '../../../shared/statements'
import { shanghaiDate } from '../../../shared/time'
import { bindings, firmRatings, firms } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { servingFirm } from '../disclosure/fees'

export const currentQuarter = (ctx: Pick<ServiceCtx, 'clock'>) => quarterOfDate(shanghaiDate(ctx.clock.now()))

async function voterKeyOf(ctx: ServiceCtx, communityId: string) {
  const [b] = await ctx.db
    .select({ ownerKey: bindings.ownerKey })
    .from(bindings)
    .where(and(eq(bindings.userId, actorOf(ctx).userId), eq(bindings.communityId, communityId), eq(bindings.status, 'verified')))
    .orderBy(asc(bindings.createdAt))
    .limit(1)
  if (!b?.ownerKey) throw new AppError('FORBIDDEN', { reason: 'not_an_owner_here' })
  return b.ownerKey
}

const presentMine = (r: typeof firmRatings.$inferSelect | undefined) =>
  r ? { quarter: r.quarter, firmId: r.firmId, scores: r.scores as Record<RatingDimension, number>, comment: r.comment, updatedAt: r.updatedAt.toISOString() } : null

/**
 * The owner's rating of the firm serving the compound for the current quarter: a second rating
 * in the same quarter replaces the first (changeable until the quarter ends); the next quarter
 * starts afresh. Keyed by the roster owner, so two accounts of one owner rate once.
 */
export async function rateFirm(ctx: ServiceCtx, communityId: string, input: { scores: Record<RatingDimension, number>; comment: string | null }) {
  const voterKey = await voterKeyOf(ctx, communityId)
  const firm = await servingFirm(ctx, communityId)
  if (!firm) throw new AppError('RESOURCE_STATE', { reason: 'no_firm_under_contract' })
  const quarter = currentQuarter(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now()
    const [r] = await tx
      .insert(firmRatings)
      .values({ id: nanoid(), communityId, firmId: firm.id, quarter, voterKey, userId: actorOf(ctx).userId, scores: input.scores, comment: input.comment, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [firmRatings.communityId, firmRatings.firmId, firmRatings.quarter, firmRatings.voterKey],
        set: { scores: input.scores, comment: input.comment, userId: actorOf(ctx).userId, updatedAt: now },
      })
      .returning()
    // the audit names the rating, never its scores
    await recordAudit(tx, ctx, { communityId, action: 'rating.saved', subjectType: 'firm_rating', subjectId: r!.id, details: { quarter } })
    return presentMine(r)
  })
}

export async function myRating(ctx: ServiceCtx, communityId: string) {
  const voterKey = await voterKeyOf(ctx, communityId)
  const [r] = await ctx.db
    .select()
    .from(firmRatings)
    .where(and(eq(firmRatings.communityId, communityId), eq(firmRatings.quarter, currentQuarter(ctx)), eq(firmRatings.voterKey, voterKey)))
  return { quarter: currentQuarter(ctx), rating: presentMine(r) }
}

/** The quarter's ratings of a compound, in aggregate only, per firm rated. */
export async function communityRatings(ctx: ServiceCtx, communityId: string, quarter: string) {
  const rows = await ctx.db
    .select({ firmId: firmRatings.firmId, firmName: firms.name, scores: firmRatings.scores })
    .from(firmRatings)
    .innerJoin(firms, eq(firms.id, firmRatings.firmId))
    .where(and(eq(firmRatings.communityId, communityId), eq(firmRatings.quarter, quarter)))
  const byFirm = new Map<string, { firmName: string; scores: Record<string, number>[] }>()
  for (const r of rows) {
    const f = byFirm.get(r.firmId) ?? { firmName: r.firmName, scores: [] }
    f.scores.push(r.scores)
    byFirm.set(r.firmId, f)
  }
  return { quarter, firms: [...byFirm.entries()].map(([firmId, f]) => ({ firmId, firmName: f.firmName, ...summariseRatings(f.scores) })) }
}

/** All ratings of a firm in some quarters, across compounds (for its credit score). */
export async function firmRatingScores(db: Db, firmId: string, quarters: string[]) {
  const rows = await db
    .select({ scores: firmRatings.scores })
    .from(firmRatings)
    .where(and(eq(firmRatings.firmId, firmId), inArray(firmRatings.quarter, quarters.length ? quarters : [''])))
  return rows.map((r) => r.scores)
}

