import { and, eq, isNull, or, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { GrantRoleBody } from '../../../shared/api/communities'
import { maskPhone, normalizePhone } from '../../../shared/phone'
import { communities, firms, roleGrants, users } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { accountForPhone } from '../auth/phone-account'
import { actorOf, type ServiceCtx } from '../context'

/** Roles are granted to a phone: a member who has never signed in gets an account that waits for them. */
async function userIdForPhone(tx: Db, raw: string): Promise<string> {
  const phone = normalizePhone(raw)
  if (!phone) throw new AppError('PHONE_INVALID')
  return (await accountForPhone(tx, phone, 'role')).id
}

type GrantRow = typeof roleGrants.$inferSelect

async function present(db: Db, rows: GrantRow[]) {
  const phones = new Map<string, string | null>()
  for (const r of rows) {
    if (phones.has(r.userId)) continue
    const [u] = await db.select({ phone: users.phone }).from(users).where(eq(users.id, r.userId))
    phones.set(r.userId, u?.phone ?? null)
  }
  return rows.map((r) => {
    const phone = phones.get(r.userId) ?? null
    return {
      id: r.id,
      userId: r.userId,
      phoneMasked: phone ? maskPhone(phone) : null,
      role: r.role,
      communityId: r.communityId,
      firmId: r.firmId,
      district: r.district,
      street: r.street,
      residentsCommittee: r.residentsCommittee,
      grantedAt: r.grantedAt.toISOString(),
      department: r.department,
    }
  })
}

export async function grantCommittee(ctx: ServiceCtx, communityId: string, phone: string) {
  const row = await withTransaction(ctx.db, async (tx) => {
    const userId = await userIdForPhone(tx, phone)
    const [dup] = await tx
      .select({ id: roleGrants.id })
      .from(roleGrants)
      .where(and(eq(roleGrants.userId, userId), eq(roleGrants.role, 'committee'), eq(roleGrants.communityId, communityId), isNull(roleGrants.revokedAt)))
    if (dup) throw new AppError('CONFLICT', { reason: 'already_granted', grantId: dup.id })
    const [g] = await tx
      .insert(roleGrants)
      .values({ id: nanoid(), userId, role: 'committee', communityId, grantedBy: actorOf(ctx).userId })
      .returning()
    await recordAudit(tx, ctx, { communityId, action: 'role.granted', subjectType: 'role_grant', subjectId: g!.id, details: { role: 'committee', userId } })
    return g!
  })
  return (await present(ctx.db, [row]))[0]!
}

export async function grantRole(ctx: ServiceCtx, input: z.infer<typeof GrantRoleBody>) {
  const row = await withTransaction(ctx.db, async (tx) => {
    const userId = await userIdForPhone(tx, input.phone)
    let values: typeof roleGrants.$inferInsert
    if (input.role === 'firm_staff') {
      const [firm] = await tx.select({ id: firms.id }).from(firms).where(eq(firms.id, input.firmId))
      if (!firm) throw new AppError('NOT_FOUND', { resource: 'firm' })
      values = { id: nanoid(), userId, role: 'firm_staff', firmId: input.firmId, grantedBy: actorOf(ctx).userId }
    } else if (input.role === 'department_staff') {
      values = { id: nanoid(), userId, role: 'department_staff', district: input.district, department: input.department, grantedBy: actorOf(ctx).userId }
    } else {
      values = {
        id: nanoid(),
        userId,
        role: 'community_staff',
        district: input.district,
        street: input.street,
        residentsCommittee: input.residentsCommittee ?? null,
        grantedBy: actorOf(ctx).userId,
      }
    }
    const [g] = await tx.insert(roleGrants).values(values).returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'role.granted', subjectType: 'role_grant', subjectId: g!.id, details: { role: input.role, userId } })
    return g!
  })
  return (await present(ctx.db, [row]))[0]!
}

/** Revokes a grant; `communityId` restricts it to committee grants of that community. */
export async function revokeGrant(ctx: ServiceCtx, grantId: string, communityId: string | null) {
  await withTransaction(ctx.db, async (tx) => {
    const [g] = await tx.select().from(roleGrants).where(eq(roleGrants.id, grantId)).for('update')
    if (!g || (communityId !== null && g.communityId !== communityId)) throw new AppError('NOT_FOUND')
    if (g.revokedAt) throw new AppError('RESOURCE_STATE', { reason: 'already_revoked' })
    await tx.update(roleGrants).set({ revokedAt: ctx.clock.now(), revokedBy: actorOf(ctx).userId }).where(eq(roleGrants.id, grantId))
    await recordAudit(tx, ctx, { communityId: g.communityId, action: 'role.revoked', subjectType: 'role_grant', subjectId: g.id, details: { role: g.role, userId: g.userId } })
  })
}

/** Every grant that gives someone a role in this community (committee, its firms' staff, its street's staff). */
export async function listCommunityGrants(ctx: ServiceCtx, communityId: string) {
  const [c] = await ctx.db.select().from(communities).where(eq(communities.id, communityId))
  if (!c) throw new AppError('NOT_FOUND')
  const rows = await ctx.db
    .select()
    .from(roleGrants)
    .where(
      and(
        isNull(roleGrants.revokedAt),
        or(
          eq(roleGrants.communityId, communityId),
          sql`(${roleGrants.role} = 'firm_staff' and ${roleGrants.firmId} in (select firm_id from firm_contracts where community_id = ${communityId}))`,
          sql`(${roleGrants.role} = 'community_staff' and ${roleGrants.district} = ${c.district} and ${roleGrants.street} = ${c.street}
               and (${roleGrants.residentsCommittee} is null or ${roleGrants.residentsCommittee} = ${c.residentsCommittee}))`,
        ),
      ),
    )
    .orderBy(roleGrants.grantedAt)
  return present(ctx.db, rows)
}
