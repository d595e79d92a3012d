import { and, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm'
import { customAlphabet, nanoid } from 'nanoid'
import { communities, firms, noticeScanDevices, notices, roleGrants } from '../../../drizzle/schema'
import { shanghaiDate } from '../../../shared/time'
import type { Role } from '../../env'
import { withTransaction } from '../../db/tx'
import { recordAudit } from '../audit'
import { actorOf } from '../context'
import type { Db } from '../../db/types'
import { limitKeyOf } from '../../lib/client-ip'
import { AppError } from '../../lib/errors'
import { hmacHex } from '../../lib/crypto'
import type { ServiceCtx } from '../context'

/** Short public codes for /n/<code>: no look-alike characters, easy to type from a printed notice. */
export const noticeCode = customAlphabet('23456789abcdefghjkmnpqrstuvwxyz', 8)

type NoticeRow = typeof notices.$inferSelect
type NewNotice = Omit<typeof notices.$inferInsert, 'id' | 'code' | 'publishedAt'>

/** Publishes a notice inside the caller's transaction (the poll announcement or close that causes it). */
export async function publishNotice(tx: Db, ctx: Pick<ServiceCtx, 'clock'>, notice: NewNotice, at: Date = ctx.clock.now()) {
  const [n] = await tx
    .insert(notices)
    .values({ ...notice, id: nanoid(), code: noticeCode(), publishedAt: at })
    .returning()
  return n!
}

export const presentNotice = (n: NoticeRow, base: string) => ({
  id: n.id,
  communityId: n.communityId,
  kind: n.kind,
  title: n.title,
  body: n.body,
  contacts: n.contacts ?? null,
  pollId: n.pollId,
  statementId: n.statementId,
  supersedesId: n.supersedesId,
  code: n.code,
  url: `${base.replace(/\/$/, '')}/n/${n.code}`,
  startsAt: n.startsAt.toISOString(),
  endsAt: n.endsAt?.toISOString() ?? null,
  pinned: n.pinned,
  version: n.version,
  issuerLabel: n.issuerLabel,
  publishedAt: n.publishedAt.toISOString(),
})

/** Notices on display now (or all, for the record), pinned first. Public: they hang on the board. */
export async function listNotices(ctx: ServiceCtx, communityId: string, all: boolean) {
  const now = ctx.clock.now()
  const rows = await ctx.db
    .select()
    .from(notices)
    .where(and(eq(notices.communityId, communityId), all ? undefined : and(lte(notices.startsAt, now), or(isNull(notices.endsAt), gt(notices.endsAt, now)))))
    .orderBy(desc(notices.pinned), desc(notices.publishedAt))
  return rows.map((n) => presentNotice(n, ctx.config.PUBLIC_BASE_URL))
}

export async function noticeByCode(ctx: ServiceCtx, code: string) {
  const [n] = await ctx.db.select().from(notices).where(eq(notices.code, code))
  if (!n) throw new AppError('NOT_FOUND')
  return presentNotice(n, ctx.config.PUBLIC_BASE_URL)
}

export type PostableKind = 'general' | 'disclosure' | 'fee_change' | 'enforcement_contacts'

/**
 * Who may post which kind (issue 5; disclosure.md "Who may post what"). Poll announcements and
 * results are published by the polls themselves, never by hand.
 */
export const POSTERS: Record<PostableKind, readonly Role[]> = {
  general: ['committee', 'community_staff', 'firm_staff'],
  disclosure: ['firm_staff', 'committee'],
  fee_change: ['firm_staff'],
  enforcement_contacts: ['community_staff'],
}
const ISSUER: Partial<Record<Role, string>> = { committee: '业主委员会', community_staff: '社区居委会', firm_staff: '物业服务企业' }

export interface NoticeInput {
  kind: PostableKind
  title: string
  body: string
  contacts?: { department: string; handles: string; phone: string }[]
  startsAt?: string
  endsAt?: string
  pinned?: boolean
}

function posterRole(kind: PostableKind, roles: ReadonlySet<Role>): Role {
  const role = POSTERS[kind].find((r) => roles.has(r))
  if (!role) throw new AppError('FORBIDDEN', { reason: 'may_not_post_this_kind', allowed: POSTERS[kind] })
  return role
}

/** The issuer printed on a notice; `db` is the caller's transaction when there is one. */
async function issuerLabel(db: Db, ctx: ServiceCtx, role: Role, communityId: string) {
  if (role === 'community_staff') {
    const [c] = await db.select({ rc: communities.residentsCommittee }).from(communities).where(eq(communities.id, communityId))
    return c?.rc ?? ISSUER.community_staff!
  }
  if (role === 'firm_staff') {
    const [f] = await db
      .select({ name: firms.name })
      .from(roleGrants)
      .innerJoin(firms, eq(firms.id, roleGrants.firmId))
      .where(and(eq(roleGrants.userId, actorOf(ctx).userId), eq(roleGrants.role, 'firm_staff'), isNull(roleGrants.revokedAt)))
      .limit(1)
    return f?.name ?? ISSUER.firm_staff!
  }
  return ISSUER[role] ?? '业主委员会'
}

export async function postNotice(ctx: ServiceCtx, communityId: string, roles: ReadonlySet<Role>, input: NoticeInput) {
  const role = posterRole(input.kind, roles)
  const label = await issuerLabel(ctx.db, ctx, role, communityId)
  return withTransaction(ctx.db, async (tx) => {
    const n = await publishNotice(tx, ctx, {
      communityId,
      kind: input.kind,
      title: input.title,
      body: input.body,
      contacts: input.contacts ?? null,
      startsAt: input.startsAt ? new Date(input.startsAt) : ctx.clock.now(),
      endsAt: input.endsAt ? new Date(input.endsAt) : null,
      pinned: input.pinned ?? false,
      issuedBy: actorOf(ctx).userId,
      issuerLabel: label,
    })
    await recordAudit(tx, ctx, { communityId, action: 'notice.posted', subjectType: 'notice', subjectId: n.id, details: { kind: input.kind, code: n.code } })
    return presentNotice(n, ctx.config.PUBLIC_BASE_URL)
  })
}

export async function noticeCommunity(ctx: Pick<ServiceCtx, 'db'>, id: string) {
  const [n] = await ctx.db.select({ communityId: notices.communityId }).from(notices).where(eq(notices.id, id))
  return n?.communityId ?? null
}

/** A published notice is never edited: the correction is a new version, and the old one leaves the board. */
export async function correctNotice(ctx: ServiceCtx, noticeId: string, roles: ReadonlySet<Role>, input: Omit<NoticeInput, 'kind'>) {
  return withTransaction(ctx.db, async (tx) => {
    const [old] = await tx.select().from(notices).where(eq(notices.id, noticeId)).for('update')
    if (!old) throw new AppError('NOT_FOUND')
    if (!(old.kind in POSTERS)) throw new AppError('FORBIDDEN', { reason: 'published_by_the_system' })
    const [newer] = await tx.select({ id: notices.id }).from(notices).where(eq(notices.supersedesId, old.id))
    if (newer) throw new AppError('RESOURCE_STATE', { reason: 'already_superseded', by: newer.id })
    const role = posterRole(old.kind as PostableKind, roles)
    // A correction is the issuer's own: the same office (the committee, this firm, this 居委会), by
    // the label the notice was issued under. A statement's notice follows the statement's own
    // correction (statements.ts), never a notice's: otherwise a firm could retitle the committee's
    // notice, or either side take the other's disclosure off the board.
    if (!(await sameIssuer(tx, ctx, role, old))) throw new AppError('NOTICE_NOT_YOURS', { issuer: old.issuerLabel })
    if (old.statementId) throw new AppError('NOTICE_NOT_YOURS', { reason: 'statement_notice' })
    const now = ctx.clock.now()
    const endsAt = input.endsAt ? new Date(input.endsAt) : old.endsAt && old.endsAt > now ? old.endsAt : null
    // a disclosure or a fee change stays up as long as first announced (disclosure.md): a correction may lengthen it, not cut it short
    if (old.kind !== 'general' && (old.endsAt === null ? endsAt !== null : endsAt !== null && endsAt < old.endsAt)) {
      throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'endsAt', code: 'display_shortened', message: '公示期不能因更正而缩短' }] })
    }
    await tx.update(notices).set({ endsAt: now }).where(eq(notices.id, old.id))
    const n = await publishNotice(tx, ctx, {
      communityId: old.communityId,
      kind: old.kind,
      title: input.title,
      body: input.body,
      contacts: input.contacts ?? old.contacts,
      startsAt: input.startsAt ? new Date(input.startsAt) : now,
      endsAt,
      pinned: input.pinned ?? old.pinned,
      version: old.version + 1,
      supersedesId: old.id,
      issuedBy: actorOf(ctx).userId,
      issuerLabel: await issuerLabel(tx, ctx, role, old.communityId),
    })
    await recordAudit(tx, ctx, { communityId: old.communityId, action: 'notice.corrected', subjectType: 'notice', subjectId: n.id, details: { supersedes: old.id, version: n.version } })
    return presentNotice(n, ctx.config.PUBLIC_BASE_URL)
  })
}

/**
 * Whether the caller corrects for the office that issued the notice: the committee or the 居委会 by
 * the label it was issued under (one per compound); a firm by the firm itself, one the original
 * issuer and the caller are staff of (a label is a name two firms may share, and a fee notice
 * carries the generic 物业服务企业).
 */
async function sameIssuer(tx: Db, ctx: ServiceCtx, role: Role, old: typeof notices.$inferSelect): Promise<boolean> {
  if (role !== 'firm_staff') return (await issuerLabel(tx, ctx, role, old.communityId)) === old.issuerLabel
  if (!old.issuedBy) return false
  const caller = actorOf(ctx).userId
  const grants = await tx
    .select({ userId: roleGrants.userId, firmId: roleGrants.firmId, revokedAt: roleGrants.revokedAt })
    .from(roleGrants)
    .where(and(eq(roleGrants.role, 'firm_staff'), inArray(roleGrants.userId, [old.issuedBy, caller])))
  const issuers = new Set(grants.filter((g) => g.userId === old.issuedBy).map((g) => g.firmId))
  return grants.some((g) => g.userId === caller && g.revokedAt === null && g.firmId !== null && issuers.has(g.firmId))
}

/** What the scan figure counts, in words for the people who read it. */
export const SCAN_COUNT_LABEL = '扫码访问（按设备每日计一次）'

/**
 * Counts a scan at most once per device per notice per Beijing day. The device is a keyed digest
 * of the day, the notice, the client's address and user agent, truncated: it identifies nobody,
 * cannot be linked across days or notices without the server's secret, and a reload or a burst
 * adds nothing. One insert that may do nothing: no shared row is updated on a page view.
 */
export async function countScan(ctx: ServiceCtx, notice: { id: string; communityId: string }, userAgent: string) {
  const noticeId = notice.id
  const day = shanghaiDate(ctx.clock.now())
  const device = (await hmacHex(ctx.config.ID_HASH_SECRET, `scan:${day}|${noticeId}|${limitKeyOf(ctx.clientIp)}|${userAgent.slice(0, 512)}`)).slice(0, 16)
  // a device this process has already counted today adds nothing: skip the database altogether.
  // One address that keeps changing its User-Agent is not that many phones: at most
  // DEVICES_PER_ADDRESS a day per notice (phones behind one carrier's NAT share an address, so
  // the cap is generous), and each instance keeps its own count
  const address = `${day}|${noticeId}|${limitKeyOf(ctx.clientIp)}`
  const seen = devicesOfAddress.get(address)
  if (seen?.has(device) || (seen?.size ?? 0) >= DEVICES_PER_ADDRESS) return
  await ctx.db.insert(noticeScanDevices).values({ noticeId, communityId: notice.communityId, day, device }).onConflictDoNothing()
  // read again after the insert: another request may have added the address, or the bound dropped it
  const devices = devicesOfAddress.get(address) ?? devicesOfAddress.set(address, new Set()).get(address)!
  if (devices.has(device)) return
  devices.add(device)
  devicesHeld++
  // the oldest addresses go first, with their devices, once the process holds more than the bound
  while (devicesHeld > MAX_DEVICES_HELD) {
    const [oldest, itsDevices] = devicesOfAddress.entries().next().value!
    devicesOfAddress.delete(oldest)
    devicesHeld -= itsDevices.size
  }
}

const DEVICES_PER_ADDRESS = 100
/**
 * The devices this process has counted (written), by day, notice and address, oldest address
 * first; another instance may write the same one again, harmlessly.
 */
const devicesOfAddress = new Map<string, Set<string>>()
/** Devices held in devicesOfAddress: the process's memory bound is on these */
let devicesHeld = 0
const MAX_DEVICES_HELD = 100_000

export async function scansOf(ctx: ServiceCtx, noticeId: string) {
  const days = await ctx.db
    .select({ day: noticeScanDevices.day, count: sql<number>`count(*)::int` })
    .from(noticeScanDevices)
    .where(eq(noticeScanDevices.noticeId, noticeId))
    .groupBy(noticeScanDevices.day)
    .orderBy(noticeScanDevices.day)
  return { label: SCAN_COUNT_LABEL, scans: days.map((d) => ({ day: d.day, count: Number(d.count) })) }
}

export async function noticeRowByCode(ctx: ServiceCtx, code: string) {
  const [n] = await ctx.db.select().from(notices).where(eq(notices.code, code))
  if (!n) throw new AppError('NOT_FOUND')
  return n
}
