import { and, eq, inArray, ne } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '../../../shared/complaints'
import { CREDIT_SCHEMES, type FirmInputs, formatPoints, listOf, rankFirms, type Rate } from '../../../shared/credit-score'
import { satisfactionOf } from '../../../shared/ratings'
import { quarter as quarterOf } from '../../../shared/statements'
import { creditLists, creditRecords, firmRatings } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { publishNotice } from '../notices/notices'
import { quarterSpan } from './complaint-ledger'
import { complaintsFiled } from './complaints'
import { districtCommunities, districtFirms } from './credit'

type ListRow = typeof creditLists.$inferSelect
const LIST_DISPLAY_DAYS = 90

const present = (l: ListRow) => ({
  id: l.id,
  district: l.district,
  quarter: l.quarter,
  schemeId: l.schemeId,
  schemeName: CREDIT_SCHEMES[l.schemeId]?.name ?? l.schemeId,
  schemeSource: CREDIT_SCHEMES[l.schemeId]?.source ?? '',
  schemeProvisional: CREDIT_SCHEMES[l.schemeId]?.provisional ?? null,
  asOf: l.asOf,
  status: l.status,
  entries: l.entries as ListEntry[],
  computedAt: l.computedAt.toISOString(),
  publishedAt: l.publishedAt?.toISOString() ?? null,
  noticeCodes: l.noticeCodes ?? [],
})

export type ListEntry = ReturnType<typeof rankFirms>[number] & { list: 'good' | 'bad' | null; badTwoQuartersRunning: boolean }

const rateOf = (hits: number, of: number): Rate => ({ hits, of })

/**
 * Computes (or recomputes, while a draft) a district's list for a quarter under the scheme the
 * district chose. Records in force on the quarter's last day count (withdrawn ones do not; one
 * under appeal does until decided). For a half-yearly scheme the complaint and rating inputs
 * cover this quarter and the one before. A firm on the bad list of the previous published list
 * and again now is flagged (seed 003 三: 连续两个季度 → 通报曝光).
 */
export async function computeList(ctx: ServiceCtx, district: string, period: string, schemeId: string) {
  const actor = actorOf(ctx)
  const scheme = CREDIT_SCHEMES[schemeId]
  if (!scheme || !Object.hasOwn(CREDIT_SCHEMES, schemeId)) throw new AppError('VALIDATION_FAILED', { field: 'scheme', allowed: Object.keys(CREDIT_SCHEMES) })
  const q = quarterOf(period)
  if (!q) throw new AppError('VALIDATION_FAILED', { field: 'quarter' })
  const firms = await districtFirms(ctx, district)
  const communityIds = (await districtCommunities(ctx, district)).map((c) => c.id)
  const quarters = scheme.period === 'half_year' ? [q.previous, period] : [period]
  const from = quarterSpan(quarters[0]!).from
  const to = quarterSpan(period).to

  const records = firms.length
    ? await ctx.db.select().from(creditRecords).where(and(eq(creditRecords.district, district), ne(creditRecords.status, 'withdrawn'), inArray(creditRecords.firmId, firms.map((f) => f.id))))
    : []
  const complaints = (await complaintsFiled(ctx.db, { communityIds }, from, to)).filter(
    (c) => c.firmId && (c.desk === 'firm' || (c.desk === null && COMPLAINT_CATEGORIES[c.category as ComplaintCategory]?.desk === 'firm')),
  )
  const ratings = communityIds.length
    ? await ctx.db.select({ firmId: firmRatings.firmId, scores: firmRatings.scores }).from(firmRatings).where(and(inArray(firmRatings.communityId, communityIds), inArray(firmRatings.quarter, quarters)))
    : []

  const inputs: FirmInputs[] = firms.map((f) => {
    const cs = complaints.filter((c) => c.firmId === f.id)
    const measured = (pick: (c: (typeof cs)[number]) => boolean | null) => rateOf(cs.filter((c) => pick(c) === true).length, cs.filter((c) => pick(c) !== null).length)
    return {
      firmId: f.id,
      firmName: f.name,
      records: records
        .filter((r) => r.firmId === f.id)
        .map((r) => ({ id: r.id, category: r.category, item: r.item, pointsCenti: r.pointsCenti, occurredOn: r.occurredOn, expiresOn: r.expiresOn, seriousDishonesty: r.seriousDishonesty })),
      complaints: { response: measured((c) => c.contactedOnTime), resolution: measured((c) => c.resolvedOnTime), satisfaction: measured((c) => c.satisfied) },
      ownerSatisfaction: satisfactionOf(ratings.filter((r) => r.firmId === f.id).map((r) => r.scores)),
    }
  })
  const [previous] = await ctx.db.select().from(creditLists).where(and(eq(creditLists.district, district), eq(creditLists.quarter, q.previous), eq(creditLists.status, 'published')))
  const badBefore = new Set(((previous?.entries ?? []) as ListEntry[]).filter((e) => e.list === 'bad').map((e) => e.firmId))
  const entries: ListEntry[] = rankFirms(scheme, inputs, q.end).map((s) => {
    const list = listOf(scheme, s.grade)
    return { ...s, list, badTwoQuartersRunning: list === 'bad' && badBefore.has(s.firmId) }
  })

  return withTransaction(ctx.db, async (tx) => {
    const [existing] = await tx.select().from(creditLists).where(and(eq(creditLists.district, district), eq(creditLists.quarter, period))).for('update')
    if (existing?.status === 'published') throw new AppError('RESOURCE_STATE', { reason: 'already_published' })
    const now = ctx.clock.now()
    const values = { schemeId, asOf: q.end, entries, status: 'draft' as const, computedBy: actor.userId, computedAt: now }
    const [row] = existing
      ? await tx.update(creditLists).set(values).where(eq(creditLists.id, existing.id)).returning()
      : await tx.insert(creditLists).values({ id: nanoid(), district, quarter: period, ...values }).returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'credit_list.computed', subjectType: 'credit_list', subjectId: row!.id, details: { quarter: period, schemeId, firms: entries.length } })
    return present(row!)
  })
}

export async function getList(ctx: ServiceCtx, district: string, period: string) {
  const [l] = await ctx.db.select().from(creditLists).where(and(eq(creditLists.district, district), eq(creditLists.quarter, period)))
  if (!l) throw new AppError('NOT_FOUND')
  return present(l)
}

const line = (e: ListEntry) => `${e.firmName}：${formatPoints(e.scoreCenti)}分，${e.grade}（${e.parts.map((p) => `${p.label}${formatPoints(p.pointsCenti)}`).join('，')}）`

/** After review, the department publishes: a notice (with its poster and QR) on every compound's board in the district. */
export async function publishList(ctx: ServiceCtx, district: string, period: string) {
  const actor = actorOf(ctx)
  const communityIds = (await districtCommunities(ctx, district)).map((c) => c.id)
  return withTransaction(ctx.db, async (tx) => {
    const [l] = await tx.select().from(creditLists).where(and(eq(creditLists.district, district), eq(creditLists.quarter, period))).for('update')
    if (!l) throw new AppError('NOT_FOUND')
    if (l.status !== 'draft') throw new AppError('RESOURCE_STATE', { status: l.status })
    const entries = l.entries as ListEntry[]
    const scheme = CREDIT_SCHEMES[l.schemeId]!
    const named = entries.filter((e) => e.badTwoQuartersRunning)
    const body = [
      `评价方案：${scheme.name}（${scheme.source}），评价日 ${l.asOf}。`,
      scheme.provisional,
      `好榜：${entries.filter((e) => e.list === 'good').map((e) => e.firmName).join('、') || '无'}`,
      `差榜：${entries.filter((e) => e.list === 'bad').map((e) => e.firmName).join('、') || '无'}`,
      named.length ? `连续两个季度列入差榜，予以通报：${named.map((e) => e.firmName).join('、')}` : null,
      '',
      '各企业得分及构成（按得分排序，同分并列）：',
      ...entries.map((e) => `${e.rank}. ${line(e)}`),
    ]
      .filter((x) => x !== null)
      .join('\n')
    const now = ctx.clock.now()
    const codes: string[] = []
    for (const communityId of communityIds) {
      const n = await publishNotice(tx, ctx, {
        communityId,
        kind: 'general',
        title: `${district}物业服务企业${period}好差榜`,
        body,
        startsAt: now,
        endsAt: new Date(now.getTime() + LIST_DISPLAY_DAYS * 86_400_000),
        pinned: false,
        issuedBy: actor.userId,
        issuerLabel: `${district}住房城乡建设部门`,
      })
      codes.push(n.code)
    }
    const [u] = await tx.update(creditLists).set({ status: 'published', publishedBy: actor.userId, publishedAt: now, noticeCodes: codes }).where(eq(creditLists.id, l.id)).returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'credit_list.published', subjectType: 'credit_list', subjectId: l.id, details: { quarter: period, notices: codes.length } })
    return present(u!)
  })
}
