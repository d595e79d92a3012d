import { and, eq, inArray, ne } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '../../../shared/complaints'
import { closingQuarters, CREDIT_SCHEMES, type CreditScheme, evaluationPeriod, type FirmInputs, formatPoints, listOf, PERIOD_ZH, rankFirms, type Rate } from '../../../shared/credit-score'
import { describeNumbers } from '../../../shared/credit-scheme'
import { satisfactionOf } from '../../../shared/ratings'
import { quarter as quarterOf } from '../../../shared/statements'
import { beijingDate } from '../../../shared/time'
import { creditLists, creditRecords, firmRatings } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { publishNotice } from '../notices/notices'
import { quarterSpan } from './complaint-ledger'
import { complaintsFiled } from './complaints'
import { districtCommunities, districtFirms } from './credit'
import { currentDistrictScheme, DISTRICT_SCHEME, districtSchemeById, type DistrictSchemeRow, schemeOfRow } from './credit-scheme'

type ListRow = typeof creditLists.$inferSelect
const LIST_DISPLAY_DAYS = 90

/** The period a stored list covers; null for a list of a scheme no longer shipped, or a half-year draft computed before the fixed cycles. */
const periodOf = (l: ListRow) => {
  const scheme = CREDIT_SCHEMES[l.schemeId]
  return scheme ? evaluationPeriod(scheme.period, l.quarter) : null
}

/**
 * The scheme a stored list was computed with: the preset, or the version of the district's
 * published scheme it names (kept even after a newer version is published).
 */
async function schemeOfList(db: Db, l: ListRow): Promise<{ scheme: CreditScheme | undefined; version: DistrictSchemeRow | undefined }> {
  if (!l.districtSchemeId) return { scheme: CREDIT_SCHEMES[l.schemeId], version: undefined }
  const version = await districtSchemeById(db, l.districtSchemeId)
  return { scheme: version ? schemeOfRow(version) : undefined, version }
}

/** A list as the API gives it; `used` is what `schemeOfList` found for it. */
const present = (l: ListRow, used: Awaited<ReturnType<typeof schemeOfList>>) => ({
  id: l.id,
  district: l.district,
  quarter: l.quarter,
  periodLabel: periodOf(l)?.label ?? l.quarter,
  periodStart: periodOf(l)?.start ?? null,
  schemeId: used.version ? DISTRICT_SCHEME : l.schemeId,
  schemeName: used.scheme?.name ?? l.schemeId,
  schemeSource: used.scheme?.source ?? '',
  // the district's numbers are the department's own, not placeholders: its scheme's provisional is null
  schemeProvisional: used.scheme?.provisional ?? null,
  schemeBasedOn: l.schemeId,
  districtSchemeVersion: used.version?.version ?? null,
  asOf: l.asOf,
  status: l.status,
  entries: l.entries as ListEntry[],
  computedAt: l.computedAt.toISOString(),
  publishedAt: l.publishedAt?.toISOString() ?? null,
  noticeCodes: l.noticeCodes ?? [],
})

/**
 * `badTwoQuartersRunning` keeps its name for the clients that read it; it means two evaluation
 * periods of the scheme running: two quarters under a quarterly scheme, two half years under a
 * half-year one.
 */
export type ListEntry = ReturnType<typeof rankFirms>[number] & { list: 'good' | 'bad' | null; badTwoQuartersRunning: boolean }

const rateOf = (hits: number, of: number): Rate => ({ hits, of })

const CYCLE_ZH: Record<CreditScheme['period'], string> = {
  quarter: '每季度评价一次',
  half_year: '每半年评价一次（上半年1月1日至6月30日，下半年7月1日至12月31日），好差榜只按第二季度（上半年）或第四季度（下半年）计算',
  year: '每年评价一次（1月1日至12月31日），好差榜只按第四季度（全年）计算',
}

/** For a quarter that closes no period of the scheme: the quarters of its year that do, and what to tell the person. */
function notAPeriodEnd(scheme: CreditScheme, period: string) {
  const allowed = closingQuarters(scheme.period, Number(period.slice(0, 4)))
  const choices = allowed.map((c) => `${c}（${evaluationPeriod(scheme.period, c)!.label}）`).join('或 ')
  return { allowed, message: `${scheme.name}${CYCLE_ZH[scheme.period]}，请选择 ${choices}` }
}

/** The scheme's period closed by `period`, or a 400 telling the person which quarters close one. */
function periodFor(scheme: CreditScheme, period: string) {
  if (!quarterOf(period)) throw new AppError('VALIDATION_FAILED', { field: 'quarter', expected: '2026Q4' })
  const p = evaluationPeriod(scheme.period, period)
  if (p) return p
  const { allowed, message } = notAPeriodEnd(scheme, period)
  throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'quarter', code: 'not_a_period_end', message }], allowed })
}

/**
 * Computes (or recomputes, while a draft) a district's list for one evaluation period of the
 * scheme the district chose, addressed by the quarter that closes it. A quarterly scheme
 * (Yantai) evaluates every quarter. A half-year scheme (Beijing: 每半年评价一次, 1 Jan–30 Jun and
 * 1 Jul–31 Dec, fixed cycles) evaluates only the half year closed by Q2 (上半年) or Q4 (下半年);
 * Q1 or Q3 is refused before anything is read or stored, since no half year ends there.
 * Records in force on the period's last day count (withdrawn ones do not; one under appeal does
 * until decided); complaints filed in the period and ratings given for its quarters are the
 * complaint and satisfaction inputs. A firm on the bad list now and on that of the previous
 * period's published list is flagged (seed 003 三: 连续两个季度 → 通报曝光; see below).
 */
export async function computeList(ctx: ServiceCtx, district: string, period: string, requested: string) {
  const actor = actorOf(ctx)
  // 'district': the current version of the scheme the district's department published (its
  // numbers on its preset); the list keeps the version it used, whatever is published later
  let version: DistrictSchemeRow | undefined
  if (requested === DISTRICT_SCHEME) {
    version = await currentDistrictScheme(ctx.db, district)
    if (!version) {
      throw new AppError('VALIDATION_FAILED', {
        issues: [{ path: 'scheme', code: 'no_district_scheme', message: '本区县住建部门尚未公布评价方案，请先公布方案（PUT /api/districts/{district}/credit-scheme），或选择预设方案' }],
      })
    }
  } else if (!Object.hasOwn(CREDIT_SCHEMES, requested)) throw new AppError('VALIDATION_FAILED', { field: 'scheme', allowed: [...Object.keys(CREDIT_SCHEMES), DISTRICT_SCHEME] })
  const schemeId = version ? version.basedOn : requested
  const scheme = version ? schemeOfRow(version) : CREDIT_SCHEMES[requested]!
  const p = periodFor(scheme, period)
  const firms = await districtFirms(ctx, district)
  const communityIds = (await districtCommunities(ctx, district)).map((c) => c.id)
  const from = quarterSpan(p.quarters[0]!).from
  const to = quarterSpan(period).to

  const records = firms.length
    ? await ctx.db.select().from(creditRecords).where(and(eq(creditRecords.district, district), ne(creditRecords.status, 'withdrawn'), inArray(creditRecords.firmId, firms.map((f) => f.id))))
    : []
  const complaints = (await complaintsFiled(ctx.db, { communityIds }, from, to)).filter(
    (c) => c.firmId && (c.desk === 'firm' || (c.desk === null && COMPLAINT_CATEGORIES[c.category as ComplaintCategory]?.desk === 'firm')),
  )
  const ratings = communityIds.length
    ? await ctx.db.select({ firmId: firmRatings.firmId, scores: firmRatings.scores }).from(firmRatings).where(and(inArray(firmRatings.communityId, communityIds), inArray(firmRatings.quarter, p.quarters)))
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
  // Seed 003 三 names a firm on the bad list 连续两个季度 for exposure; under a half-year scheme
  // that is two evaluation periods running, i.e. this half year and the one before (two quarters
  // back), never the previous quarter. The list compared with is the published list of the
  // previous period of this scheme's own cycle, and only if it evaluated that same span — was
  // computed under a scheme with the same period. A quarterly list (Yantai's Q4, Q1 …) judged
  // one quarter, not the half year before, so when a district changes cycle the count starts
  // again with the first list of the new cycle rather than pairing periods of different lengths.
  const [previous] = await ctx.db.select().from(creditLists).where(and(eq(creditLists.district, district), eq(creditLists.quarter, p.previous), eq(creditLists.status, 'published')))
  const sameCycle = previous !== undefined && periodOf(previous) !== null && CREDIT_SCHEMES[previous.schemeId]!.period === scheme.period
  const badBefore = new Set(sameCycle ? (previous.entries as ListEntry[]).filter((e) => e.list === 'bad').map((e) => e.firmId) : [])
  const entries: ListEntry[] = rankFirms(scheme, inputs, p.end).map((s) => {
    const list = listOf(scheme, s.grade)
    return { ...s, list, badTwoQuartersRunning: list === 'bad' && badBefore.has(s.firmId) }
  })

  return withTransaction(ctx.db, async (tx) => {
    const [existing] = await tx.select().from(creditLists).where(and(eq(creditLists.district, district), eq(creditLists.quarter, period))).for('update')
    if (existing?.status === 'published') throw new AppError('RESOURCE_STATE', { reason: 'already_published' })
    const now = ctx.clock.now()
    const values = { schemeId, districtSchemeId: version?.id ?? null, asOf: p.end, entries, status: 'draft' as const, computedBy: actor.userId, computedAt: now }
    const [row] = existing
      ? await tx.update(creditLists).set(values).where(eq(creditLists.id, existing.id)).returning()
      : await tx.insert(creditLists).values({ id: nanoid(), district, quarter: period, ...values }).returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'credit_list.computed', subjectType: 'credit_list', subjectId: row!.id, details: { quarter: period, schemeId, districtSchemeVersion: version?.version ?? null, firms: entries.length } })
    return present(row!, { scheme, version })
  })
}

export async function getList(ctx: ServiceCtx, district: string, period: string) {
  const [l] = await ctx.db.select().from(creditLists).where(and(eq(creditLists.district, district), eq(creditLists.quarter, period)))
  if (!l) throw new AppError('NOT_FOUND')
  return present(l, await schemeOfList(ctx.db, l))
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
    const used = await schemeOfList(tx, l)
    const scheme = used.scheme!
    // a half-year draft computed before the fixed cycles (a rolling Q1 or Q3 list) is not a period of the document's: recompute it for Q2 or Q4
    const p = periodOf(l)
    if (!p) {
      const { allowed, message } = notAPeriodEnd(scheme, period)
      throw new AppError('RESOURCE_STATE', { reason: 'not_a_period_end', allowed }, `该草稿不是一个完整的评价期，不能发布。${message}`)
    }
    const named = entries.filter((e) => e.badTwoQuartersRunning)
    const body = [
      `评价方案：${scheme.name}（${scheme.source}），评价期 ${p.start} 至 ${p.end}（${p.label}），评价日 ${l.asOf}。`,
      // the district's own numbers are printed with its list, so anyone can recompute it from them
      used.version ? `本区县住房城乡建设部门公布的方案（第${used.version.version}版，${beijingDate(used.version.publishedAt)}公布）：${describeNumbers(scheme)}` : null,
      scheme.provisional,
      `好榜：${entries.filter((e) => e.list === 'good').map((e) => e.firmName).join('、') || '无'}`,
      `差榜：${entries.filter((e) => e.list === 'bad').map((e) => e.firmName).join('、') || '无'}`,
      named.length ? `连续两个${PERIOD_ZH[scheme.period]}列入差榜，予以通报：${named.map((e) => e.firmName).join('、')}` : null,
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
        title: `${district}物业服务企业${p.label}好差榜`,
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
    return present(u!, used)
  })
}
