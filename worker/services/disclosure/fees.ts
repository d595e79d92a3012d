import { and, count, desc, eq, gte, isNull, lte, or } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { FeeItemBody, FirmProfileBody, ReferencePriceBody } from '../../../shared/api/disclosure'
import { FEE_BASIS_UNIT } from '../../../shared/fees'
import { formatFen } from '../../../shared/decimal'
import { addMonthsToDate, shanghaiDate } from '../../../shared/time'
import { communities, feeItems, firmContracts, firmProfiles, firms, referencePrices, roleGrants } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { publishNotice } from '../notices/notices'

/** A rate change is posted at least one month before it applies (disclosure.md; seed 003 item 四). */
export const RATE_CHANGE_NOTICE_MONTHS = 1

/** The firm the caller acts for here: one of theirs with a service contract in force in this community. */
export async function callerFirm(ctx: ServiceCtx, communityId: string): Promise<string> {
  const actor = actorOf(ctx)
  const today = shanghaiDate(ctx.clock.now())
  const [row] = await ctx.db
    .select({ firmId: roleGrants.firmId })
    .from(roleGrants)
    .innerJoin(firmContracts, eq(firmContracts.firmId, roleGrants.firmId))
    .where(
      and(
        eq(roleGrants.userId, actor.userId),
        eq(roleGrants.role, 'firm_staff'),
        isNull(roleGrants.revokedAt),
        eq(firmContracts.communityId, communityId),
        lte(firmContracts.startsOn, today),
        or(isNull(firmContracts.endsOn), gte(firmContracts.endsOn, today)),
      ),
    )
  if (!row?.firmId) throw new AppError('FORBIDDEN', { reason: 'no_contract_in_force' })
  return row.firmId
}

/** The firm serving the community today (the latest contract in force), if any. */
export async function servingFirm(ctx: ServiceCtx, communityId: string) {
  const today = shanghaiDate(ctx.clock.now())
  const [row] = await ctx.db
    .select({ id: firms.id, name: firms.name, uscc: firms.uscc, serviceGrade: firmContracts.serviceGrade, startsOn: firmContracts.startsOn })
    .from(firmContracts)
    .innerJoin(firms, eq(firms.id, firmContracts.firmId))
    .where(and(eq(firmContracts.communityId, communityId), lte(firmContracts.startsOn, today), or(isNull(firmContracts.endsOn), gte(firmContracts.endsOn, today))))
    .orderBy(desc(firmContracts.startsOn))
    .limit(1)
  return row ?? null
}

export async function postFirmProfile(ctx: ServiceCtx, communityId: string, content: z.infer<typeof FirmProfileBody>) {
  const firmId = await callerFirm(ctx, communityId)
  await withTransaction(ctx.db, async (tx) => {
    const [p] = await tx.insert(firmProfiles).values({ id: nanoid(), firmId, communityId, content, postedBy: actorOf(ctx).userId, postedAt: ctx.clock.now() }).returning()
    await recordAudit(tx, ctx, { communityId, action: 'firm.profile_posted', subjectType: 'firm_profile', subjectId: p!.id, details: { firmId } })
  })
  return getFirmProfile(ctx, communityId)
}

export async function getFirmProfile(ctx: ServiceCtx, communityId: string) {
  const firm = await servingFirm(ctx, communityId)
  if (!firm) throw new AppError('NOT_FOUND', { reason: 'no_firm_in_force' })
  const where = and(eq(firmProfiles.communityId, communityId), eq(firmProfiles.firmId, firm.id))
  const [latest] = await ctx.db.select().from(firmProfiles).where(where).orderBy(desc(firmProfiles.seq)).limit(1)
  if (!latest) throw new AppError('NOT_FOUND', { reason: 'no_profile_posted' })
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: count() }).from(firmProfiles).where(where)
  return { firm: { id: firm.id, name: firm.name, uscc: firm.uscc }, content: latest.content, postedAt: latest.postedAt.toISOString(), versions: n }
}

/**
 * One fee item however it is typed: 物业服务费(住宅) and 物业服务费（住宅） are one item, so a
 * near-duplicate name cannot post a second, backdated rate beside the first without notice.
 */
const feeItemKey = (item: string) => item.normalize('NFKC').replace(/[\s()[\]{}【】〔〕<>《》·•\-_—:：,，.。/、]/gu, '')

/** After a firm's first fee posting in a compound, this many days to enter the schedule as it stands; then every new item is a change. */
const FEE_ONBOARDING_DAYS = 7

/**
 * Posts a fee item. A change to an item already posted, and any new item once the firm's first
 * week (entering the schedule as it stands) is over, must take effect at least a month after it is
 * posted, or it is refused; it goes on the board.
 */
export async function postFeeItem(ctx: ServiceCtx, communityId: string, input: z.infer<typeof FeeItemBody>) {
  const firmId = await callerFirm(ctx, communityId)
  const now = ctx.clock.now()
  const today = shanghaiDate(now)
  return withTransaction(ctx.db, async (tx) => {
    const posted = await tx
      .select()
      .from(feeItems)
      .where(and(eq(feeItems.communityId, communityId), eq(feeItems.firmId, firmId)))
      .orderBy(desc(feeItems.startsOn), desc(feeItems.postedAt))
    const earlier = posted.find((f) => feeItemKey(f.item) === feeItemKey(input.item))
    // the item keeps the name it was first posted under, so the schedule shows one line for it
    const item = earlier?.item ?? input.item
    const firstPostedAt = posted.reduce<Date | null>((min, f) => (min === null || f.postedAt < min ? f.postedAt : min), null)
    const onboarding = firstPostedAt === null || now.getTime() - firstPostedAt.getTime() <= FEE_ONBOARDING_DAYS * 86_400_000
    // seed 003 item 四: a rate changed, or an item added to a schedule in force, is posted a month ahead
    const change = earlier !== undefined || !onboarding
    const earliest = addMonthsToDate(today, RATE_CHANGE_NOTICE_MONTHS)
    if (change && input.startsOn < earliest) {
      const what = earlier ? '调整收费' : '新增收费项目'
      throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'startsOn', code: 'notice_too_short', message: `${what}须提前一个月公示，最早执行日期为 ${earliest}` }] })
    }
    if (earlier?.regime === 'guided' && input.regime === 'market') {
      throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'regime', code: 'regime_changed', message: `“${item}”执行政府指导价，不能自行改为市场调节价` }] })
    }
    const [f] = await tx.insert(feeItems).values({ id: nanoid(), firmId, communityId, ...input, item, postedBy: actorOf(ctx).userId, postedAt: now }).returning()
    if (change) {
      // the change hangs on the board from now until a month after it applies (seed 003 item 四)
      const unit = FEE_BASIS_UNIT[input.basis]
      await publishNotice(tx, ctx, {
        communityId,
        kind: 'fee_change',
        title: earlier ? `收费调整公示：${item}` : `新增收费项目公示：${item}`,
        body: [
          earlier
            ? `${item}（缴费人：${input.payer}）由 ${formatFen(earlier.rateFen)} ${FEE_BASIS_UNIT[earlier.basis]} 调整为 ${formatFen(input.rateFen)} ${unit}，自 ${input.startsOn} 起执行。`
            : `新增收费项目 ${item}（缴费人：${input.payer}），${formatFen(input.rateFen)} ${unit}，自 ${input.startsOn} 起执行。`,
          `定价方式：${input.regime === 'guided' ? '政府指导价' : '市场调节价'}。对收费有异议，可向业主委员会反映，或拨打价格举报电话 12358。`,
        ].join('\n'),
        startsAt: now,
        endsAt: new Date(`${addMonthsToDate(input.startsOn, 1)}T00:00:00+08:00`),
        pinned: true,
        issuedBy: actorOf(ctx).userId,
        issuerLabel: '物业服务企业',
      })
    }
    await recordAudit(tx, ctx, { communityId, action: change ? 'fee.change_posted' : 'fee.posted', subjectType: 'fee_item', subjectId: f!.id, details: { item, rateFen: input.rateFen, startsOn: input.startsOn } })
    return f!
  })
}

/** The schedule owners see: items in force today and posted changes, each against the guided price. */
export async function feeSchedule(ctx: ServiceCtx, communityId: string) {
  const [community] = await ctx.db.select().from(communities).where(eq(communities.id, communityId))
  if (!community) throw new AppError('NOT_FOUND')
  const firm = await servingFirm(ctx, communityId)
  if (!firm) return { firm: null, serviceGrade: null, inForce: [], upcoming: [], flagged: [] }
  const today = shanghaiDate(ctx.clock.now())
  const [profile] = await ctx.db.select().from(firmProfiles).where(and(eq(firmProfiles.communityId, communityId), eq(firmProfiles.firmId, firm.id))).orderBy(desc(firmProfiles.seq)).limit(1)
  const grade = profile?.content.serviceGrade ?? firm.serviceGrade
  const items = await ctx.db.select().from(feeItems).where(and(eq(feeItems.communityId, communityId), eq(feeItems.firmId, firm.id))).orderBy(feeItems.item, desc(feeItems.startsOn), desc(feeItems.postedAt))
  const refs = grade
    ? await ctx.db
        .select()
        .from(referencePrices)
        .where(and(eq(referencePrices.district, community.district), eq(referencePrices.serviceGrade, grade)))
        .orderBy(desc(referencePrices.effectiveFrom))
    : []
  const referenceFor = (item: string, on: string) => refs.find((r) => r.item === item && r.effectiveFrom <= on) ?? null
  const line = (f: typeof feeItems.$inferSelect) => {
    const ref = f.regime === 'guided' ? referenceFor(f.item, f.startsOn < today ? today : f.startsOn) : null
    return {
      id: f.id,
      item: f.item,
      payer: f.payer,
      basis: f.basis,
      rateFen: f.rateFen,
      startsOn: f.startsOn,
      regime: f.regime,
      postedAt: f.postedAt.toISOString(),
      reference: ref ? { baseFen: ref.baseFen, minFen: ref.minFen, maxFen: ref.maxFen, effectiveFrom: ref.effectiveFrom } : null,
      // integer comparison in fen: above the allowed range is flagged to owners and the committee
      aboveRange: ref ? f.rateFen > ref.maxFen : false,
    }
  }
  const inForce: ReturnType<typeof line>[] = []
  const upcoming: ReturnType<typeof line>[] = []
  const seen = new Set<string>()
  for (const f of items) {
    if (f.startsOn > today) upcoming.push(line(f))
    else if (!seen.has(f.item)) {
      seen.add(f.item)
      inForce.push(line(f))
    }
  }
  upcoming.reverse()
  return { firm: { id: firm.id, name: firm.name, uscc: firm.uscc }, serviceGrade: grade, inForce, upcoming, flagged: [...inForce, ...upcoming].filter((l) => l.aboveRange) }
}

/** Community staff publish their district's guided prices; an admin may too. */
export async function publishReferencePrice(ctx: ServiceCtx, input: z.infer<typeof ReferencePriceBody>) {
  const actor = actorOf(ctx)
  if (!actor.isAdmin) {
    const [g] = await ctx.db
      .select({ id: roleGrants.id })
      .from(roleGrants)
      .where(and(eq(roleGrants.userId, actor.userId), eq(roleGrants.role, 'community_staff'), eq(roleGrants.district, input.district), isNull(roleGrants.revokedAt)))
    if (!g) throw new AppError('FORBIDDEN', { reason: 'not_staff_of_district' })
  }
  return withTransaction(ctx.db, async (tx) => {
    const [r] = await tx
      .insert(referencePrices)
      .values({ id: nanoid(), ...input, publishedBy: actor.userId, publishedAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning()
    if (!r) throw new AppError('CONFLICT', { reason: 'reference_price_exists' })
    await recordAudit(tx, ctx, { communityId: null, action: 'reference_price.published', subjectType: 'reference_price', subjectId: r.id, details: { district: input.district, item: input.item } })
    return { id: r.id, ...input }
  })
}

