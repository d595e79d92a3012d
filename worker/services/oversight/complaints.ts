import { and, asc, desc, eq, gte, inArray, isNull, lt, max, or } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import {
  COMPLAINT_CATEGORIES,
  type ComplaintCategory,
  type ComplaintStatus,
  deadlinesFrom,
  type Desk,
  DESKS,
  endOfWorkingDay,
  REVIEW_DAYS,
  STREET_ESCALATION_WORKING_DAYS,
  type Urgency,
} from '../../../shared/complaints'
import { bindings, communities, complaintEvents, complaints, roleGrants } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import type { Role, Services } from '../../env'
import { AppError } from '../../lib/errors'
import { enqueueForOwners } from '../notifications/outbox'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { servingFirm } from '../disclosure/fees'

type Row = typeof complaints.$inferSelect
type EventRow = typeof complaintEvents.$inferSelect
export type ActorRole = 'owner' | 'firm' | 'department' | 'community_staff' | 'system'

export interface FileComplaintInput {
  category: ComplaintCategory
  body: string
  /** SHA-256 of each photo, hex */
  photos?: string[]
  place: string
  /** the owner asks that the firm not see who they are */
  hideFromFirm?: boolean
}

const OPEN: ComplaintStatus[] = ['dispatched', 'contacted', 'handling', 'returned']
const DAY_MS = 86_400_000

async function addEvent(
  tx: Db,
  c: Row,
  e: { kind: string; from: string | null; to: string; actorUserId: string | null; actorRole: ActorRole; note?: string | null; at: Date; desk?: string | null },
) {
  const [{ last } = { last: 0 }] = await tx.select({ last: max(complaintEvents.seq) }).from(complaintEvents).where(eq(complaintEvents.complaintId, c.id))
  await tx.insert(complaintEvents).values({
    id: nanoid(),
    complaintId: c.id,
    communityId: c.communityId,
    seq: (last ?? 0) + 1,
    kind: e.kind,
    fromStatus: e.from,
    toStatus: e.to,
    desk: e.desk === undefined ? c.desk : e.desk,
    actorUserId: e.actorUserId,
    actorRole: e.actorRole,
    note: e.note ?? null,
    at: e.at,
  })
}

/**
 * 受理 and 派单 in one step: the owner files about their own compound, the category routes it to
 * the firm or a department with the deadlines of its urgency. The owner must hold a verified
 * binding here (the chat-bot calls this too, so the check is the verb's, not only the route's;
 * callers parse their input with FileComplaintBody from shared/api/complaints first).
 * Returns the complaint as its owner sees it.
 */
export async function fileComplaint(ctx: ServiceCtx, communityId: string, input: FileComplaintInput) {
  const actor = actorOf(ctx)
  const route = COMPLAINT_CATEGORIES[input.category]
  if (!route) throw new AppError('VALIDATION_FAILED', { field: 'category' })
  const firm = await servingFirm(ctx, communityId)
  return withTransaction(ctx.db, async (tx) => {
    const [binding] = await tx
      .select({ unitKey: bindings.unitKey })
      .from(bindings)
      .where(and(eq(bindings.userId, actor.userId), eq(bindings.communityId, communityId), eq(bindings.status, 'verified')))
      .orderBy(asc(bindings.createdAt))
      .limit(1)
    if (!binding) throw new AppError('FORBIDDEN', { reason: 'not_an_owner_here' })
    const now = ctx.clock.now()
    const d = deadlinesFrom(now, route.urgency)
    // with no firm under contract, a firm's complaint waits for community staff to choose a desk
    const desk: Desk | null = route.desk === 'firm' && !firm ? null : route.desk
    const [c] = await tx
      .insert(complaints)
      .values({
        id: nanoid(),
        communityId,
        firmId: firm?.id ?? null,
        complainantUserId: actor.userId,
        complainantUnitKey: binding.unitKey,
        hiddenFromFirm: input.hideFromFirm ?? false,
        category: input.category,
        urgency: route.urgency,
        body: input.body,
        photos: input.photos ?? [],
        place: input.place,
        desk,
        status: desk ? 'dispatched' : 'returned',
        filedAt: now,
        dispatchedAt: now,
        firstContactBy: d.firstContactBy,
        resolveBy: d.resolveBy,
        sendBackBy: d.sendBackBy,
      })
      .returning()
    await addEvent(tx, c!, { kind: 'filed', from: null, to: 'accepted', actorUserId: actor.userId, actorRole: 'owner', at: now, desk: null })
    await addEvent(tx, c!, {
      kind: desk ? 'dispatched' : 'returned',
      from: 'accepted',
      to: c!.status,
      actorUserId: null,
      actorRole: 'system',
      note: desk ? `按类别派至${deskLabel(desk)}` : '本小区暂无物业服务企业，待社区指定承办单位',
      at: now,
    })
    await recordAudit(tx, ctx, { communityId, action: 'complaint.filed', subjectType: 'complaint', subjectId: c!.id, details: { category: input.category, desk } })
    return present({ userId: actor.userId, roles: new Set<Role>(['owner']), firmIds: [], departments: [] }, c!)
  })
}

export const deskLabel = (desk: string | null): string => (desk ? ((DESKS as Record<string, string>)[desk] ?? desk) : '待指定')

/** The complaint's community, for the access middleware (null: no such complaint → 404). */
export async function complaintCommunity(ctx: Pick<ServiceCtx, 'db'>, id: string) {
  const [c] = await ctx.db.select({ communityId: complaints.communityId }).from(complaints).where(eq(complaints.id, id))
  return c?.communityId ?? null
}

/** What the caller may do on complaints of this community, beyond what their roles name. */
export interface Viewer {
  userId: string
  roles: ReadonlySet<Role>
  /** firms the caller works for (firm staff) */
  firmIds: string[]
  /** departments the caller works in, in this community's district */
  departments: string[]
}

export async function viewerOf(ctx: ServiceCtx, communityId: string, roles: ReadonlySet<Role>, db: Db = ctx.db): Promise<Viewer> {
  const actor = actorOf(ctx)
  const grants = await db
    .select({ role: roleGrants.role, firmId: roleGrants.firmId, district: roleGrants.district, department: roleGrants.department })
    .from(roleGrants)
    .where(and(eq(roleGrants.userId, actor.userId), isNull(roleGrants.revokedAt), inArray(roleGrants.role, ['firm_staff', 'department_staff'])))
  const [c] = await db.select({ district: communities.district }).from(communities).where(eq(communities.id, communityId))
  return {
    userId: actor.userId,
    roles,
    firmIds: roles.has('firm_staff') ? grants.filter((g) => g.role === 'firm_staff' && g.firmId).map((g) => g.firmId!) : [],
    departments: roles.has('department_staff') ? grants.filter((g) => g.role === 'department_staff' && g.district === c?.district && g.department).map((g) => g.department!) : [],
  }
}

const isStaff = (v: Viewer) => v.roles.has('community_staff') || v.roles.has('admin')
/** The firm sees complaints about it: those whose desk is (or was routed as) the firm's. */
const firmConcerned = (v: Viewer, c: Row) => c.firmId !== null && v.firmIds.includes(c.firmId) && (c.desk === 'firm' || COMPLAINT_CATEGORIES[c.category as ComplaintCategory]?.desk === 'firm')
const departmentConcerned = (v: Viewer, c: Row) => (c.desk !== null && v.departments.includes(c.desk)) || v.departments.includes(COMPLAINT_CATEGORIES[c.category as ComplaintCategory]?.desk ?? '')

export function canSee(v: Viewer, c: Row) {
  return isStaff(v) || c.complainantUserId === v.userId || firmConcerned(v, c) || departmentConcerned(v, c)
}

/** Who complained is for community staff, departments and the owner; the firm only if the owner allowed it. */
export function seesIdentity(v: Viewer, c: Row) {
  return isStaff(v) || c.complainantUserId === v.userId || departmentConcerned(v, c) || (firmConcerned(v, c) && !c.hiddenFromFirm)
}

export function present(v: Viewer, c: Row, events?: EventRow[]) {
  const identity = seesIdentity(v, c)
  const cat = COMPLAINT_CATEGORIES[c.category as ComplaintCategory]
  return {
    id: c.id,
    communityId: c.communityId,
    firmId: c.firmId,
    category: c.category,
    categoryLabel: cat?.label ?? c.category,
    urgency: c.urgency as Urgency,
    body: c.body,
    photos: c.photos,
    place: c.place,
    hiddenFromFirm: c.hiddenFromFirm,
    complainant: identity ? { userId: c.complainantUserId, unitKey: c.complainantUnitKey } : null,
    desk: c.desk,
    deskLabel: deskLabel(c.desk),
    status: c.status as ComplaintStatus,
    escalation: c.escalation,
    filedAt: c.filedAt.toISOString(),
    firstContactBy: c.firstContactBy.toISOString(),
    resolveBy: c.resolveBy.toISOString(),
    sendBackBy: c.sendBackBy.toISOString(),
    contactedAt: c.contactedAt?.toISOString() ?? null,
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    reviewBy: c.reviewBy?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    contactedOnTime: c.contactedOnTime,
    resolvedOnTime: c.resolvedOnTime,
    satisfied: c.satisfied,
    reopenCount: c.reopenCount,
    ...(events
      ? {
          events: events.map((e) => ({
            seq: e.seq,
            kind: e.kind,
            fromStatus: e.fromStatus,
            toStatus: e.toStatus,
            desk: e.desk,
            actorRole: e.actorRole,
            // an owner's own steps name them only to those who may know who complained
            actorUserId: e.actorRole === 'owner' && !identity ? null : e.actorUserId,
            note: e.note,
            at: e.at.toISOString(),
          })),
        }
      : {}),
  }
}

export async function listComplaints(ctx: ServiceCtx, communityId: string, roles: ReadonlySet<Role>) {
  const v = await viewerOf(ctx, communityId, roles)
  const rows = await ctx.db.select().from(complaints).where(eq(complaints.communityId, communityId)).orderBy(desc(complaints.filedAt))
  return rows.filter((c) => canSee(v, c)).map((c) => present(v, c))
}

export async function getComplaint(ctx: ServiceCtx, id: string, roles: ReadonlySet<Role>) {
  const [c] = await ctx.db.select().from(complaints).where(eq(complaints.id, id))
  if (!c) throw new AppError('NOT_FOUND')
  const v = await viewerOf(ctx, c.communityId, roles)
  // someone of this community who is not concerned learns nothing about it
  if (!canSee(v, c)) throw new AppError('NOT_FOUND')
  const events = await ctx.db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id)).orderBy(asc(complaintEvents.seq))
  return present(v, c, events)
}

/** One step on one complaint, in one transaction, with the row locked. */
async function step<T>(ctx: ServiceCtx, id: string, roles: ReadonlySet<Role>, fn: (tx: Db, c: Row, v: Viewer, now: Date) => Promise<T>) {
  return withTransaction(ctx.db, async (tx) => {
    const [c] = await tx.select().from(complaints).where(eq(complaints.id, id)).for('update')
    if (!c) throw new AppError('NOT_FOUND')
    const v = await viewerOf(ctx, c.communityId, roles, tx)
    if (!canSee(v, c)) throw new AppError('NOT_FOUND')
    return fn(tx, c, v, ctx.clock.now())
  })
}

/** The caller answers for the complaint's desk: the firm's staff for the firm, a department's for it. */
function deskCapacity(v: Viewer, c: Row): ActorRole {
  if (c.desk === 'firm' && c.firmId && v.firmIds.includes(c.firmId)) return 'firm'
  if (c.desk && c.desk !== 'firm' && v.departments.includes(c.desk)) return 'department'
  throw new AppError('FORBIDDEN', { reason: 'not_the_desk' })
}

function requireStatus(c: Row, allowed: ComplaintStatus[]) {
  if (!allowed.includes(c.status as ComplaintStatus)) throw new AppError('RESOURCE_STATE', { status: c.status, allowed })
}

async function update(tx: Db, id: string, set: Partial<typeof complaints.$inferInsert>) {
  const [u] = await tx.update(complaints).set(set).where(eq(complaints.id, id)).returning()
  return u!
}

export type DeskAction = 'contact' | 'handle' | 'resolve' | 'send_back'

/**
 * The desk's steps: 先行联系 (first contact with the owner), 处置 (what was done; repeatable),
 * 办结 (done: the owner is asked to confirm), and 退回 (not ours: within 2 working days of the
 * dispatch, with a reason, back to community staff to choose the right desk).
 */
export async function deskStep(ctx: ServiceCtx, id: string, roles: ReadonlySet<Role>, action: DeskAction, note: string) {
  const actor = actorOf(ctx)
  return step(ctx, id, roles, async (tx, c, v, now) => {
    const actorRole = deskCapacity(v, c)
    let u: Row
    if (action === 'contact') {
      requireStatus(c, ['dispatched'])
      u = await update(tx, id, { status: 'contacted', contactedAt: now, contactedOnTime: c.contactedOnTime === false ? false : now <= c.firstContactBy })
    } else if (action === 'handle') {
      requireStatus(c, ['contacted', 'handling'])
      u = await update(tx, id, { status: 'handling' })
    } else if (action === 'resolve') {
      requireStatus(c, ['contacted', 'handling'])
      u = await update(tx, id, {
        status: 'resolved',
        resolvedAt: now,
        // on time only if every round was: a reopened case resolved late is late
        resolvedOnTime: c.resolvedOnTime === false ? false : now <= c.resolveBy,
        reviewBy: new Date(now.getTime() + REVIEW_DAYS * DAY_MS),
      })
    } else {
      requireStatus(c, ['dispatched', 'contacted'])
      if (now > c.sendBackBy) throw new AppError('RESOURCE_STATE', { reason: 'send_back_window_over', sendBackBy: c.sendBackBy.toISOString() })
      u = await update(tx, id, { status: 'returned', desk: null, contactedAt: null })
    }
    await addEvent(tx, u, { kind: action, from: c.status, to: u.status, actorUserId: actor.userId, actorRole, note, at: now, desk: c.desk })
    if (action === 'resolve') {
      // the owner hears of the answer (notifications issue), once per round (a reopened case is answered again)
      await enqueueForOwners(tx, ctx, c.communityId, { userIds: [c.complainantUserId] }, 'complaint_answered', { title: '您的投诉已办结，请评价', text: note, path: '/h5/me' }, `complaint:${id}:${u.reopenCount}`)
    }
    await recordAudit(tx, ctx, { communityId: c.communityId, action: `complaint.${action}`, subjectType: 'complaint', subjectId: id, details: { desk: c.desk } })
    return present(v, u)
  })
}

/** Community staff choose the desk (after a send-back, or to correct a routing), with fresh deadlines. */
export async function dispatchComplaint(ctx: ServiceCtx, id: string, roles: ReadonlySet<Role>, desk: Desk, note: string) {
  const actor = actorOf(ctx)
  return step(ctx, id, roles, async (tx, c, v, now) => {
    if (!roles.has('community_staff')) throw new AppError('FORBIDDEN')
    requireStatus(c, OPEN)
    if (desk === 'firm' && !c.firmId) throw new AppError('RESOURCE_STATE', { reason: 'no_firm_under_contract' })
    const d = deadlinesFrom(now, c.urgency as Urgency)
    const u = await update(tx, id, {
      desk,
      status: 'dispatched',
      dispatchedAt: now,
      firstContactBy: d.firstContactBy,
      resolveBy: d.resolveBy,
      sendBackBy: d.sendBackBy,
      contactedAt: null,
      // the new desk is measured on its own deadlines
      contactedOnTime: null,
      resolvedOnTime: null,
    })
    await addEvent(tx, u, { kind: 'dispatched', from: c.status, to: 'dispatched', actorUserId: actor.userId, actorRole: 'community_staff', note, at: now, desk })
    await recordAudit(tx, ctx, { communityId: c.communityId, action: 'complaint.dispatched', subjectType: 'complaint', subjectId: id, details: { desk } })
    return present(v, u)
  })
}

/**
 * 回访/评价: the owner who filed it confirms (closed, 销号) or is not satisfied (reopened: back to
 * the desk with a fresh resolution deadline of the same urgency).
 */
export async function reviewComplaint(ctx: ServiceCtx, id: string, roles: ReadonlySet<Role>, satisfied: boolean, comment: string | null) {
  const actor = actorOf(ctx)
  return step(ctx, id, roles, async (tx, c, v, now) => {
    if (c.complainantUserId !== actor.userId) throw new AppError('FORBIDDEN', { reason: 'not_the_complainant' })
    requireStatus(c, ['resolved'])
    const u = satisfied
      ? await update(tx, id, { status: 'closed', satisfied: true, closedAt: now })
      : await update(tx, id, {
          status: 'handling',
          satisfied: false,
          reopenCount: c.reopenCount + 1,
          resolvedAt: null,
          reviewBy: null,
          resolveBy: deadlinesFrom(now, c.urgency as Urgency).resolveBy,
        })
    await addEvent(tx, u, { kind: satisfied ? 'confirmed' : 'reopened', from: c.status, to: u.status, actorUserId: actor.userId, actorRole: 'owner', note: comment, at: now })
    await recordAudit(tx, ctx, { communityId: c.communityId, action: satisfied ? 'complaint.confirmed' : 'complaint.reopened', subjectType: 'complaint', subjectId: id, details: {} })
    return present(v, u)
  })
}

/**
 * The deadline run (called by the scheduler, and by tests on the fake clock): a complaint past its
 * first-contact or resolution deadline escalates to community staff; still open 2 working days
 * later, to the street; a resolved complaint the owner has not answered within REVIEW_DAYS closes.
 * Each complaint is its own transaction, re-checked under its lock, so runs may overlap.
 */
export async function runComplaintDeadlines(services: Services) {
  const now = services.clock.now()
  const ctx = { actor: null, requestId: `deadlines-${now.toISOString()}` }
  const due = await services.db
    .select({ id: complaints.id })
    .from(complaints)
    .where(
      or(
        and(inArray(complaints.status, OPEN), eq(complaints.escalation, 0), or(lt(complaints.resolveBy, now), and(isNull(complaints.contactedAt), lt(complaints.firstContactBy, now)))),
        and(inArray(complaints.status, OPEN), eq(complaints.escalation, 1), lt(complaints.streetBy, now)),
        and(eq(complaints.status, 'resolved'), lt(complaints.reviewBy, now)),
      ),
    )
  const done = { escalatedToCommunity: 0, escalatedToStreet: 0, autoClosed: 0 }
  for (const { id } of due) {
    await withTransaction(services.db, async (tx) => {
      const [c] = await tx.select().from(complaints).where(eq(complaints.id, id)).for('update')
      if (!c) return
      const open = OPEN.includes(c.status as ComplaintStatus)
      const missedContact = c.contactedAt === null && c.firstContactBy < now
      const missedResolve = c.resolveBy < now
      if (open && c.escalation === 0 && (missedContact || missedResolve)) {
        const u = await update(tx, id, {
          escalation: 1,
          streetBy: endOfWorkingDay(now, STREET_ESCALATION_WORKING_DAYS),
          contactedOnTime: missedContact ? false : c.contactedOnTime,
          resolvedOnTime: missedResolve ? false : c.resolvedOnTime,
        })
        const why = missedContact ? '超过先行联系时限' : '超过办理时限'
        await addEvent(tx, u, { kind: 'escalated_community', from: c.status, to: c.status, actorUserId: null, actorRole: 'system', note: `${why}，升级至社区督办`, at: now })
        await recordAudit(tx, ctx, { communityId: c.communityId, action: 'complaint.escalated', subjectType: 'complaint', subjectId: id, details: { level: 1 } })
        done.escalatedToCommunity++
      } else if (open && c.escalation === 1 && c.streetBy && c.streetBy < now) {
        const u = await update(tx, id, { escalation: 2, resolvedOnTime: false })
        await addEvent(tx, u, { kind: 'escalated_street', from: c.status, to: c.status, actorUserId: null, actorRole: 'system', note: '社区督办后仍未办结，升级至街道', at: now })
        await recordAudit(tx, ctx, { communityId: c.communityId, action: 'complaint.escalated', subjectType: 'complaint', subjectId: id, details: { level: 2 } })
        done.escalatedToStreet++
      } else if (c.status === 'resolved' && c.reviewBy && c.reviewBy < now) {
        const u = await update(tx, id, { status: 'closed', closedAt: now })
        await addEvent(tx, u, { kind: 'auto_closed', from: 'resolved', to: 'closed', actorUserId: null, actorRole: 'system', note: `业主${REVIEW_DAYS}日内未评价，自动销号`, at: now })
        await recordAudit(tx, ctx, { communityId: c.communityId, action: 'complaint.auto_closed', subjectType: 'complaint', subjectId: id, details: {} })
        done.autoClosed++
      }
    })
  }
  return done
}

/** Complaints of a community filed in [from, to), for the ledger and the quarter's rates. */
export async function complaintsFiled(db: Db, where: { communityId?: string; firmId?: string; communityIds?: string[] }, from: Date, to: Date) {
  const conds = [gte(complaints.filedAt, from), lt(complaints.filedAt, to)]
  if (where.communityId) conds.push(eq(complaints.communityId, where.communityId))
  if (where.firmId) conds.push(eq(complaints.firmId, where.firmId))
  if (where.communityIds) conds.push(inArray(complaints.communityId, where.communityIds.length ? where.communityIds : ['']))
  return db.select().from(complaints).where(and(...conds)).orderBy(asc(complaints.filedAt))
}
