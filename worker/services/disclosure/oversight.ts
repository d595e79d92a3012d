import { and, count, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { communities, emergencyUses, roleGrants, statementObjections } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { actorOf, type ServiceCtx } from '../context'
import { feeSchedule } from './fees'
import { overdueStatements } from './statements'

/**
 * The community staff's view (disclosure.md "oversight views"; seed 003 item 三, the quarterly
 * good/bad list): every community their street / residents' committee covers, with what is overdue,
 * fees above the guided range, objections not yet answered and emergency uses awaiting them.
 * Admins see every community.
 */
export async function oversight(ctx: ServiceCtx) {
  const actor = actorOf(ctx)
  let covered: (typeof communities.$inferSelect)[]
  if (actor.isAdmin) covered = await ctx.db.select().from(communities).orderBy(communities.name)
  else {
    const grants = await ctx.db
      .select()
      .from(roleGrants)
      .where(and(eq(roleGrants.userId, actor.userId), eq(roleGrants.role, 'community_staff'), isNull(roleGrants.revokedAt)))
    if (grants.length === 0) throw new AppError('FORBIDDEN', { required: ['community_staff'] })
    covered = await ctx.db
      .select()
      .from(communities)
      .where(
        or(
          ...grants.map((g) =>
            and(eq(communities.district, g.district!), eq(communities.street, g.street!), g.residentsCommittee ? eq(communities.residentsCommittee, g.residentsCommittee) : sql`true`),
          ),
        ),
      )
      .orderBy(communities.name)
  }
  const ids = covered.map((c) => c.id)
  const open = ids.length
    ? await ctx.db
        .select({ communityId: statementObjections.communityId, n: count() })
        .from(statementObjections)
        .where(and(inArray(statementObjections.communityId, ids), isNull(statementObjections.answeredAt)))
        .groupBy(statementObjections.communityId)
    : []
  const pending = ids.length
    ? await ctx.db
        .select({ communityId: emergencyUses.communityId, n: count() })
        .from(emergencyUses)
        .where(and(inArray(emergencyUses.communityId, ids), eq(emergencyUses.status, 'approved')))
        .groupBy(emergencyUses.communityId)
    : []
  const countOf = (rows: { communityId: string; n: number }[], id: string) => Number(rows.find((r) => r.communityId === id)?.n ?? 0)
  const out = []
  for (const c of covered) {
    const fees = await feeSchedule(ctx, c.id)
    out.push({
      communityId: c.id,
      name: c.name,
      firm: fees.firm?.name ?? null,
      overdue: await overdueStatements(ctx, c.id),
      flaggedFees: fees.flagged.map((f) => ({ item: f.item, rateFen: f.rateFen, maxFen: f.reference!.maxFen })),
      unansweredObjections: countOf(open, c.id),
      emergencyUsesAwaitingConfirmation: countOf(pending, c.id),
    })
  }
  return { communities: out }
}
