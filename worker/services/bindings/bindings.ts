import { and, desc, eq, inArray, ne } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { RequestBindingBody } from '../../../shared/api/bindings'
import { idLast4, isValidIdNumber, normalizeIdNumber } from '../../../shared/id-number'
import { normalizePhone } from '../../../shared/phone'
import { unitKeyOf } from '../../../shared/unit-key'
import { isValidUscc, normalizeUscc } from '../../../shared/uscc'
import { bindings, communities, rosterOwners, rosterUnits } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { endOrphanedProxies } from '../ballots/proxies'
import { consume } from '../auth/rate-limit'
import { actorOf, type ServiceCtx } from '../context'
import { idHashOf } from '../roster/id-hash'
import { currentRosterVersionId } from '../roster/read'
import { enqueueForOwners } from '../notifications/outbox'

/** Binding attempts per account per hour: a claim is a guess at someone's ID number. */
export const BINDING_ATTEMPTS_PER_HOUR = 10

type BindingRow = typeof bindings.$inferSelect

async function communityNames(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>()
  const rows = await db.select({ id: communities.id, name: communities.name }).from(communities).where(inArray(communities.id, ids))
  return new Map(rows.map((r) => [r.id, r.name]))
}

async function present(db: Db, rows: BindingRow[]) {
  const names = await communityNames(db, [...new Set(rows.map((r) => r.communityId))])
  return rows.map((b) => ({
    id: b.id,
    communityId: b.communityId,
    communityName: names.get(b.communityId) ?? '',
    unitKey: b.unitKey,
    status: b.status,
    reason: b.reason,
    createdAt: b.createdAt.toISOString(),
    decidedAt: b.decidedAt?.toISOString() ?? null,
  }))
}

function normalizeClaimedId(raw: string): string {
  const id = normalizeIdNumber(raw)
  if (isValidIdNumber(id)) return id
  const uscc = normalizeUscc(raw)
  if (isValidUscc(uscc)) return uscc
  throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'idNumber', code: 'id_invalid', message: '身份证号码有误，请对照证件重新填写（最后一位是X的，填X）' }] })
}

/** Why a claim that matches the roll still waits: the owner is bound to another account. */
const HELD_ELSEWHERE = '该业主已由另一个账号绑定，须业委会与业主核实后生效'
/** …or the roll gives the owner's phone, and it is not the one the claimant signed in with. */
const ANOTHER_PHONE = '业主名册登记的手机号与您登录的手机号不同，须业委会与业主核实后生效；也可以用名册登记的手机号登录后再绑定'

/**
 * An owner claims a unit. Name + ID (keyed hash) + unit matching an owner on the current roster
 * verifies at once; anything else waits for the committee or community staff.
 * `replacePending`: a new claim to a unit the account already has pending withdraws the pending
 * one (the owner corrects a typo in the name) instead of being refused as a duplicate.
 */
export async function requestBinding(ctx: ServiceCtx, communityId: string, input: z.infer<typeof RequestBindingBody>, opts: { replacePending?: boolean } = {}) {
  const actor = actorOf(ctx)
  const idNumber = normalizeClaimedId(input.idNumber)
  await consume({ db: ctx.db, clock: ctx.clock, secret: ctx.config.ID_HASH_SECRET }, `binding:user:${actor.userId}`, BINDING_ATTEMPTS_PER_HOUR, 3600)
  const versionId = await currentRosterVersionId(ctx, communityId)
  const unitKey = unitKeyOf(input.building, input.unit, input.room)
  const idHash = await idHashOf(ctx, idNumber)
  const row = await withTransaction(ctx.db, async (tx) => {
    const [unit] = await tx
      .select({ id: rosterUnits.id })
      .from(rosterUnits)
      .where(and(eq(rosterUnits.rosterVersionId, versionId), eq(rosterUnits.unitKey, unitKey)))
    if (!unit) throw new AppError('UNIT_NOT_IN_ROSTER')
    const [dup] = await tx
      .select({ id: bindings.id, status: bindings.status })
      .from(bindings)
      .where(and(eq(bindings.userId, actor.userId), eq(bindings.communityId, communityId), eq(bindings.unitKey, unitKey), inArray(bindings.status, ['verified', 'pending'])))
      .for('update')
    if (dup && !(dup.status === 'pending' && opts.replacePending)) throw new AppError('BINDING_DUPLICATE', { bindingId: dup.id })
    if (dup) {
      await tx.update(bindings).set({ status: 'revoked', reason: '已由新的申请取代', endedAt: ctx.clock.now() }).where(eq(bindings.id, dup.id))
      await recordAudit(tx, ctx, { communityId, action: 'binding.replaced', subjectType: 'binding', subjectId: dup.id })
    }
    const [match] = await tx
      .select({ ownerKey: rosterOwners.ownerKey, name: rosterOwners.name, phone: rosterOwners.phone })
      .from(rosterOwners)
      .where(and(eq(rosterOwners.unitId, unit.id), eq(rosterOwners.idHash, idHash)))
    // names compared without spaces: a roll pads 赵磊 to 赵　磊 to line names up
    const matches = match !== undefined && match.name.replace(/\s/g, '') === input.name.replace(/\s/g, '')
    // An owner another account already speaks for: a name and an ID number are no secret (the
    // firm holds both), and a second account bound by them alone would read and replace the
    // owner's ballots. Such a claim waits for the committee, who check with the owner (an owner
    // with a new phone is approved there), and the account that holds the binding is told.
    const holders = matches ? await otherHolders(tx, communityId, match.ownerKey, actor.userId) : []
    // Nor is a flat nobody holds yet bound at once by a name and an ID number alone when the roll
    // gives the owner's phone and the claimant signed in with another (or none): whoever holds the
    // roll (the firm, the committee) knows both, and could otherwise vote for every owner not yet
    // online. The committee checks with the owner; an owner with a new phone is approved there.
    const otherPhone = matches && match.phone !== null && match.phone !== '' && normalizePhone(match.phone) !== (actor.phone ? normalizePhone(actor.phone) : null)
    const verified = matches && holders.length === 0 && !otherPhone
    const now = ctx.clock.now()
    const [b] = await tx
      .insert(bindings)
      .values({
        id: nanoid(),
        userId: actor.userId,
        communityId,
        unitKey,
        claimedName: input.name,
        claimedIdHash: idHash,
        claimedIdLast4: idLast4(idNumber),
        ownerKey: verified ? match.ownerKey : null,
        status: verified ? 'verified' : 'pending',
        reason: holders.length ? HELD_ELSEWHERE : otherPhone ? ANOTHER_PHONE : null,
        decidedAt: verified ? now : null,
        createdAt: now,
      })
      .returning()
    await tellHolders(tx, ctx, communityId, holders, `有人用您的姓名和身份证号申请绑定 ${input.building}${input.unit ?? ''}${input.room}，已交业委会核实。如不是您本人，请尽快联系业委会。`, `binding-claim:${b!.id}`)
    await recordAudit(tx, ctx, {
      communityId,
      action: verified ? 'binding.verified' : 'binding.requested',
      subjectType: 'binding',
      subjectId: b!.id,
      details: { unitKey, match: verified ? 'roster' : holders.length ? 'roster_held_by_another_account' : otherPhone ? 'roster_phone_differs' : 'none' },
    })
    return b!
  })
  return (await present(ctx.db, [row]))[0]!
}

/** One of the caller's own bindings; another person's is "not found". */
export async function myBinding(ctx: ServiceCtx, bindingId: string) {
  const [b] = await ctx.db.select().from(bindings).where(and(eq(bindings.id, bindingId), eq(bindings.userId, actorOf(ctx).userId)))
  if (!b) throw new AppError('NOT_FOUND')
  return (await present(ctx.db, [b]))[0]!
}

export async function listMyBindings(ctx: ServiceCtx) {
  const rows = await ctx.db.select().from(bindings).where(eq(bindings.userId, actorOf(ctx).userId)).orderBy(desc(bindings.createdAt))
  return present(ctx.db, rows)
}

/** The owner ends their own binding (sold the flat, wrong unit, lost phone). */
export async function revokeMyBinding(ctx: ServiceCtx, bindingId: string) {
  const actor = actorOf(ctx)
  const row = await withTransaction(ctx.db, async (tx) => {
    const [b] = await tx.select().from(bindings).where(eq(bindings.id, bindingId)).for('update')
    // Another person's binding is "not found": its existence is not theirs to learn.
    if (!b || b.userId !== actor.userId) throw new AppError('NOT_FOUND')
    if (b.status !== 'verified' && b.status !== 'pending') throw new AppError('RESOURCE_STATE', { status: b.status })
    const [u] = await tx.update(bindings).set({ status: 'revoked', endedAt: ctx.clock.now() }).where(eq(bindings.id, b.id)).returning()
    await recordAudit(tx, ctx, { communityId: b.communityId, action: 'binding.revoked', subjectType: 'binding', subjectId: b.id })
    // the proxies this owner named end with the binding
    await endOrphanedProxies(tx, ctx, b.communityId)
    return u!
  })
  return (await present(ctx.db, [row]))[0]!
}

export async function bindingCommunity(db: Db, bindingId: string): Promise<string | null> {
  const [b] = await db.select({ communityId: bindings.communityId }).from(bindings).where(eq(bindings.id, bindingId))
  return b?.communityId ?? null
}

/** For reviewers: each claim beside the owners the roster lists for that unit. */
export async function listCommunityBindings(ctx: ServiceCtx, communityId: string, status?: BindingRow['status']) {
  const rows = await ctx.db
    .select()
    .from(bindings)
    .where(and(eq(bindings.communityId, communityId), status ? eq(bindings.status, status) : undefined))
    .orderBy(desc(bindings.createdAt))
  const versionId = await currentRosterVersionId(ctx, communityId)
  const keys = [...new Set(rows.map((r) => r.unitKey))]
  const owners = keys.length
    ? await ctx.db
        .select({ unitKey: rosterUnits.unitKey, id: rosterOwners.id, name: rosterOwners.name, idLast4: rosterOwners.idLast4, representative: rosterOwners.representative })
        .from(rosterOwners)
        .innerJoin(rosterUnits, eq(rosterUnits.id, rosterOwners.unitId))
        .where(and(eq(rosterUnits.rosterVersionId, versionId), inArray(rosterUnits.unitKey, keys)))
    : []
  const base = await present(ctx.db, rows)
  return base.map((b, i) => ({
    ...b,
    claimedName: rows[i]!.claimedName,
    claimedIdLast4: rows[i]!.claimedIdLast4,
    rosterOwners: owners.filter((o) => o.unitKey === b.unitKey).map(({ unitKey: _k, ...o }) => o),
  }))
}

/** The accounts other than `except` verified for this roster owner: who is told when another account claims it. */
async function otherHolders(tx: Db, communityId: string, ownerKey: string, except: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: bindings.userId })
    .from(bindings)
    .where(and(eq(bindings.communityId, communityId), eq(bindings.ownerKey, ownerKey), eq(bindings.status, 'verified'), ne(bindings.userId, except)))
  return [...new Set(rows.map((h) => h.userId))]
}

/** Tells those accounts (binding_claimed), in the caller's transaction; nothing when there are none. */
async function tellHolders(tx: Db, ctx: ServiceCtx, communityId: string, holders: string[], text: string, dedupe: string) {
  if (holders.length === 0) return
  await enqueueForOwners(tx, ctx, communityId, { userIds: holders }, 'binding_claimed', { title: '身份绑定提醒', text, path: '/h5/me/bindings' }, dedupe)
}

/** A reviewer decides a pending claim; approval names which roster owner the account acts as. */
export async function decideBinding(ctx: ServiceCtx, bindingId: string, decision: { approve: true; ownerId: string } | { approve: false; reason: string }) {
  const actor = actorOf(ctx)
  const row = await withTransaction(ctx.db, async (tx) => {
    const [b] = await tx.select().from(bindings).where(eq(bindings.id, bindingId)).for('update')
    if (!b) throw new AppError('NOT_FOUND')
    if (b.status !== 'pending') throw new AppError('BINDING_NOT_PENDING', { status: b.status })
    // a reviewer approving their own claim would be binding themselves to whichever owner they chose
    if (b.userId === actor.userId) throw new AppError('BINDING_OWN_CLAIM')
    const now = ctx.clock.now()
    let set: Partial<BindingRow>
    let holders: string[] = []
    if (decision.approve) {
      const versionId = await currentRosterVersionId({ ...ctx, db: tx }, b.communityId)
      const [owner] = await tx
        .select({ ownerKey: rosterOwners.ownerKey })
        .from(rosterOwners)
        .innerJoin(rosterUnits, eq(rosterUnits.id, rosterOwners.unitId))
        .where(and(eq(rosterOwners.id, decision.ownerId), eq(rosterUnits.rosterVersionId, versionId), eq(rosterUnits.unitKey, b.unitKey)))
      if (!owner) throw new AppError('OWNER_NOT_OF_UNIT')
      set = { status: 'verified', ownerKey: owner.ownerKey, decidedBy: actor.userId, decidedAt: now, reason: null }
      // the accounts already speaking for that owner are told, as at a claim (requestBinding)
      holders = await otherHolders(tx, b.communityId, owner.ownerKey, b.userId)
    } else {
      set = { status: 'rejected', reason: decision.reason, decidedBy: actor.userId, decidedAt: now }
    }
    const [u] = await tx.update(bindings).set(set).where(eq(bindings.id, b.id)).returning()
    await tellHolders(tx, ctx, b.communityId, holders, `业委会已核准另一个账号代表您绑定 ${b.unitKey.replace(/\|/g, '')}。如不是您本人或家人，请尽快联系业委会。`, `binding-approved:${b.id}`)
    await recordAudit(tx, ctx, {
      communityId: b.communityId,
      action: decision.approve ? 'binding.approved' : 'binding.rejected',
      subjectType: 'binding',
      subjectId: b.id,
      details: decision.approve ? { ownerId: decision.ownerId } : { reason: decision.reason },
    })
    return u!
  })
  return (await present(ctx.db, [row]))[0]!
}
