import { and, desc, eq, lt, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { CreateCommunityBody, UpdateSettingsBody } from '../../../shared/api/communities'
import { CommunitySettings } from '../../../shared/community'
import { auditLog, communities, rosterVersions } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import type { ServiceCtx } from '../context'
import { describeMe } from '../auth/me'

type CommunityRow = typeof communities.$inferSelect

async function present(ctx: ServiceCtx, row: CommunityRow) {
  let currentRosterVersion: number | null = null
  if (row.currentRosterVersionId) {
    const [v] = await ctx.db.select({ version: rosterVersions.version }).from(rosterVersions).where(eq(rosterVersions.id, row.currentRosterVersionId))
    currentRosterVersion = v?.version ?? null
  }
  return {
    id: row.id,
    name: row.name,
    district: row.district,
    street: row.street,
    residentsCommittee: row.residentsCommittee,
    settings: CommunitySettings.parse(row.settings),
    currentRosterVersion,
  }
}

export async function createCommunity(ctx: ServiceCtx, input: z.infer<typeof CreateCommunityBody>) {
  const row = await withTransaction(ctx.db, async (tx) => {
    const [created] = await tx
      .insert(communities)
      .values({
        id: nanoid(),
        name: input.name,
        district: input.district,
        street: input.street,
        residentsCommittee: input.residentsCommittee,
        settings: CommunitySettings.parse(input.settings ?? {}),
        createdBy: ctx.actor?.userId ?? null,
      })
      .returning()
    await recordAudit(tx, ctx, { communityId: created!.id, action: 'community.created', subjectType: 'community', subjectId: created!.id })
    return created!
  })
  return present(ctx, row)
}

export async function getCommunity(ctx: ServiceCtx, id: string) {
  const [row] = await ctx.db.select().from(communities).where(eq(communities.id, id))
  if (!row) throw new AppError('NOT_FOUND')
  return present(ctx, row)
}

/** Admins see every community; everyone else the ones they hold a role in. */
export async function listCommunities(ctx: ServiceCtx) {
  const actor = ctx.actor!
  if (actor.isAdmin) {
    const rows = await ctx.db.select().from(communities).orderBy(communities.name)
    return Promise.all(rows.map((r) => present(ctx, r)))
  }
  const me = await describeMe(ctx, actor)
  return Promise.all(me.communities.map((c) => getCommunity(ctx, c.communityId)))
}

/** Settings apply to polls announced afterwards: a poll freezes the settings it was announced under. */
export async function updateSettings(ctx: ServiceCtx, id: string, patch: z.infer<typeof UpdateSettingsBody>) {
  const row = await withTransaction(ctx.db, async (tx) => {
    const [current] = await tx.select().from(communities).where(eq(communities.id, id)).for('update')
    if (!current) throw new AppError('NOT_FOUND')
    const settings = CommunitySettings.parse({ ...current.settings, ...patch })
    const [updated] = await tx.update(communities).set({ settings }).where(eq(communities.id, id)).returning()
    await recordAudit(tx, ctx, { communityId: id, action: 'community.settings_changed', subjectType: 'community', subjectId: id, details: { changed: patch } })
    return updated!
  })
  return present(ctx, row)
}

export async function listAudit(ctx: ServiceCtx, communityId: string, q: { before?: number; limit: number }) {
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.communityId, communityId), q.before ? lt(auditLog.id, q.before) : sql`true`))
    .orderBy(desc(auditLog.id))
    .limit(q.limit)
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorUserId: r.actorUserId,
    action: r.action,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    details: r.details,
  }))
}
