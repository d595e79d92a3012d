import { and, asc, eq, inArray } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type { z } from 'zod'
import type { AppealBody, CreditRecordBody, DecideBody } from '../../../shared/api/credit'
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '../../../shared/complaints'
import { summariseRatings } from '../../../shared/ratings'
import { periodZh, quarter as quarterOf, STATEMENT_KINDS, type StatementKind } from '../../../shared/statements'
import { beijingDate, shanghaiDate } from '../../../shared/time'
import { communities, creditRecords, firmContracts, firmRatings, firms } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { feeSchedule } from '../disclosure/fees'
import { overdueStatements } from '../disclosure/statements'
import { quarterSpan } from './complaint-ledger'
import { type StatementFact, statementFacts } from './credit-statements'
import { complaintsFiled } from './complaints'

type Row = typeof creditRecords.$inferSelect
type NewRecord = typeof creditRecords.$inferInsert

/**
 * Points of the records this system generates, in hundredths. A district that weighs a fact
 * differently enters its own record (and may withdraw a generated one on appeal).
 */
export const GENERATED_POINTS = {
  complaintLate: 100,
  ratingBelowTarget: 200,
  ratingMeetsTarget: 100,
  statementOverdue: 200,
  feeAboveRange: 200,
  /** a public-revenue or maintenance-fund statement corrected in its amounts after owners saw it */
  fundStatementCorrected: 200,
  /** an owner's objection to such a statement left unanswered through its display period */
  fundObjectionUnanswered: 100,
} as const

const STATEMENT_FACT_POINTS: Record<StatementFact['kind'], number> = {
  fund_correction: GENERATED_POINTS.fundStatementCorrected,
  fund_objection_unanswered: GENERATED_POINTS.fundObjectionUnanswered,
  statement_late: GENERATED_POINTS.statementOverdue,
}

export const presentRecord = (r: Row) => ({
  id: r.id,
  firmId: r.firmId,
  district: r.district,
  category: r.category,
  item: r.item,
  pointsCenti: r.pointsCenti,
  occurredOn: r.occurredOn,
  expiresOn: r.expiresOn,
  seriousDishonesty: r.seriousDishonesty,
  source: r.source,
  sourceRef: r.sourceRef,
  evidence: r.evidence,
  status: r.status,
  enteredAt: r.enteredAt.toISOString(),
  appeal: r.appeal,
  appealedAt: r.appealedAt?.toISOString() ?? null,
  decision: r.decision,
  decisionNote: r.decisionNote,
  decidedAt: r.decidedAt?.toISOString() ?? null,
})

/** Communities of the district and the firms under contract there (ever), for the department's scope. */
export async function districtCommunities(ctx: Pick<ServiceCtx, 'db'>, district: string) {
  return ctx.db.select({ id: communities.id, name: communities.name }).from(communities).where(eq(communities.district, district)).orderBy(asc(communities.name))
}

export async function districtFirms(ctx: Pick<ServiceCtx, 'db'>, district: string) {
  return ctx.db
    .selectDistinct({ id: firms.id, name: firms.name })
    .from(firmContracts)
    .innerJoin(communities, eq(communities.id, firmContracts.communityId))
    .innerJoin(firms, eq(firms.id, firmContracts.firmId))
    .where(eq(communities.district, district))
}

/** The department enters a record with its evidence (awards, penalties, one-strike items). */
export async function enterRecord(ctx: ServiceCtx, district: string, input: z.infer<typeof CreditRecordBody>) {
  const actor = actorOf(ctx)
  if (!(await districtFirms(ctx, district)).some((f) => f.id === input.firmId)) throw new AppError('NOT_FOUND', { resource: 'firm_in_district' })
  return withTransaction(ctx.db, async (tx) => {
    const [r] = await tx
      .insert(creditRecords)
      .values({ id: nanoid(), district, ...input, source: 'department', sourceRef: null, status: 'in_force', enteredBy: actor.userId, enteredAt: ctx.clock.now() })
      .returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'credit.entered', subjectType: 'credit_record', subjectId: r!.id, details: { firmId: input.firmId, category: input.category } })
    return presentRecord(r!)
  })
}

/**
 * Records from this system's own data for one quarter of a district: complaints to the firm past
 * a deadline, the owners' rating result per compound (against 90%), statements overdue or late,
 * fees above the guided range, and public-revenue or maintenance-fund statements that failed
 * after publication (credit-statements.ts). Each fact is recorded once (`sourceRef`), so the run
 * can be repeated.
 */
export async function generateRecords(ctx: ServiceCtx, district: string, period: string) {
  const span = quarterSpan(period)
  const q = quarterOf(period)!
  const today = shanghaiDate(ctx.clock.now())
  const now = ctx.clock.now()
  const cs = await districtCommunities(ctx, district)
  const ids = cs.map((c) => c.id)
  const out: NewRecord[] = []
  const base = { district, source: 'system' as const, status: 'in_force' as const, enteredBy: null, enteredAt: now, seriousDishonesty: false, expiresOn: null }

  for (const c of await complaintsFiled(ctx.db, { communityIds: ids }, span.from, span.to)) {
    const firmDesk = c.desk === 'firm' || (c.desk === null && COMPLAINT_CATEGORIES[c.category as ComplaintCategory]?.desk === 'firm')
    if (!firmDesk || !c.firmId || (c.contactedOnTime !== false && c.resolvedOnTime !== false)) continue
    out.push({
      ...base,
      id: nanoid(),
      firmId: c.firmId,
      category: 'bad',
      item: c.contactedOnTime === false ? '投诉超过先行联系时限' : '投诉超过办理时限',
      pointsCenti: GENERATED_POINTS.complaintLate,
      occurredOn: shanghaiDate(c.filedAt),
      sourceRef: `complaint:${c.id}`,
      evidence: [{ name: `投诉 ${c.id}`, note: COMPLAINT_CATEGORIES[c.category as ComplaintCategory]?.label ?? c.category }],
    })
  }

  const ratings = ids.length
    ? await ctx.db.select().from(firmRatings).where(and(inArray(firmRatings.communityId, ids), eq(firmRatings.quarter, period)))
    : []
  const groups = new Map<string, Record<string, number>[]>()
  for (const r of ratings) groups.set(`${r.communityId}|${r.firmId}`, [...(groups.get(`${r.communityId}|${r.firmId}`) ?? []), r.scores])
  for (const [key, scores] of groups) {
    const [cid, firmId] = key.split('|') as [string, string]
    const s = summariseRatings(scores)
    if (!s.shown || s.meetsTarget === null) continue
    const name = cs.find((c) => c.id === cid)?.name ?? cid
    out.push({
      ...base,
      id: nanoid(),
      firmId,
      category: s.meetsTarget ? 'good' : 'bad',
      item: `${name} ${periodZh(period)} 业主满意率 ${s.percent}%（${s.meetsTarget ? '达到' : '未达'}90%，${s.responses}份）`,
      pointsCenti: s.meetsTarget ? GENERATED_POINTS.ratingMeetsTarget : GENERATED_POINTS.ratingBelowTarget,
      occurredOn: q.end,
      sourceRef: `rating:${cid}:${period}`,
      evidence: [{ name: '业主季度评价汇总', note: `满意 ${s.satisfied}/${s.of}` }],
    })
  }

  const bad = (r: Pick<NewRecord, 'firmId' | 'item' | 'pointsCenti' | 'occurredOn' | 'sourceRef' | 'evidence'>) => out.push({ ...base, id: nanoid(), category: 'bad', ...r })
  for (const c of cs) {
    const fees = await feeSchedule(ctx, c.id)
    if (!fees.firm) continue
    for (const o of await overdueStatements(ctx, c.id)) {
      if (o.period !== period) continue
      bad({
        firmId: fees.firm.id,
        item: `${c.name} ${STATEMENT_KINDS[o.kind as StatementKind]?.label ?? o.kind} ${periodZh(o.period)} 逾期未公示`,
        pointsCenti: GENERATED_POINTS.statementOverdue,
        occurredOn: o.deadline,
        sourceRef: `statement:${c.id}:${o.kind}:${o.period}`,
        evidence: [{ name: '公示期限', note: `应于 ${beijingDate(o.deadline)}前公示` }],
      })
    }
    for (const f of fees.flagged) {
      bad({
        firmId: fees.firm.id,
        item: `${c.name} ${f.item} 收费超出指导价上限`,
        pointsCenti: GENERATED_POINTS.feeAboveRange,
        occurredOn: f.startsOn > today ? today : f.startsOn,
        sourceRef: `fee:${f.id}`,
        evidence: [{ name: '收费公示', note: `${f.rateFen} 分，上限 ${f.reference!.maxFen} 分` }],
      })
    }
  }
  for (const f of await statementFacts(ctx, cs, period, span)) {
    bad({ firmId: f.firmId, item: f.item, pointsCenti: STATEMENT_FACT_POINTS[f.kind], occurredOn: f.occurredOn, sourceRef: f.sourceRef, evidence: f.evidence })
  }

  return withTransaction(ctx.db, async (tx) => {
    const created = out.length ? await tx.insert(creditRecords).values(out).onConflictDoNothing().returning() : []
    await recordAudit(tx, ctx, { communityId: null, action: 'credit.generated', subjectType: 'district', subjectId: district, details: { quarter: period, created: created.length } })
    return { quarter: period, created: created.map(presentRecord) }
  })
}

/** A firm's file: in one district (the department's view), or everywhere (the firm's own). */
export async function creditFile(ctx: ServiceCtx, firmId: string, district?: string) {
  const rows = await ctx.db
    .select()
    .from(creditRecords)
    .where(district ? and(eq(creditRecords.firmId, firmId), eq(creditRecords.district, district)) : eq(creditRecords.firmId, firmId))
    .orderBy(asc(creditRecords.occurredOn), asc(creditRecords.enteredAt))
  return { firmId, records: rows.map(presentRecord) }
}

async function lockRecord(tx: ServiceCtx['db'], id: string) {
  const [r] = await tx.select().from(creditRecords).where(eq(creditRecords.id, id)).for('update')
  if (!r) throw new AppError('NOT_FOUND')
  return r
}

/** The firm appeals a record once, with its reasons; the record counts until the department decides. */
export async function appealRecord(ctx: ServiceCtx, id: string, input: z.infer<typeof AppealBody>) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const r = await lockRecord(tx, id)
    if (r.status !== 'in_force' || r.appeal !== null) throw new AppError('RESOURCE_STATE', { status: r.status, appealed: r.appeal !== null })
    const appeal = input.evidence.length ? `${input.reason}\n证据：${input.evidence.map((e) => e.name).join('、')}` : input.reason
    const [u] = await tx.update(creditRecords).set({ status: 'appealed', appeal, appealedBy: actor.userId, appealedAt: ctx.clock.now() }).where(eq(creditRecords.id, id)).returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'credit.appealed', subjectType: 'credit_record', subjectId: id, details: { firmId: r.firmId } })
    return presentRecord(u!)
  })
}

/** The department decides an appeal: the record stands, or is withdrawn (kept on file, no longer counted). */
export async function decideAppeal(ctx: ServiceCtx, id: string, input: z.infer<typeof DecideBody>) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const r = await lockRecord(tx, id)
    if (r.status !== 'appealed') throw new AppError('RESOURCE_STATE', { status: r.status })
    const [u] = await tx
      .update(creditRecords)
      .set({ status: input.upheld ? 'in_force' : 'withdrawn', decision: input.upheld ? 'upheld' : 'withdrawn', decisionNote: input.note, decidedBy: actor.userId, decidedAt: ctx.clock.now() })
      .where(eq(creditRecords.id, id))
      .returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'credit.decided', subjectType: 'credit_record', subjectId: id, details: { upheld: input.upheld } })
    return presentRecord(u!)
  })
}

export async function recordKeys(ctx: Pick<ServiceCtx, 'db'>, id: string) {
  const [r] = await ctx.db.select({ firmId: creditRecords.firmId, district: creditRecords.district }).from(creditRecords).where(eq(creditRecords.id, id))
  return r ?? null
}
