import { COMPLAINT_CATEGORIES, type ComplaintCategory, COMPLAINT_STATUSES, type ComplaintStatus, URGENCIES, type Urgency } from '../../../shared/complaints'
import { quarter } from '../../../shared/statements'
import { beijingTime } from '../../../shared/time'
import { eq, inArray } from 'drizzle-orm'
import { communities, firms, type complaints } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'
import { complaintsFiled, deskLabel } from './complaints'

type Row = typeof complaints.$inferSelect

/** A quarter "2026Q4" as Beijing-time instants [from, to). */
export function quarterSpan(period: string) {
  const q = quarter(period)
  if (!q) throw new AppError('VALIDATION_FAILED', { field: 'quarter', expected: '2026Q4' })
  const next = new Date(Date.parse(`${q.end}T00:00:00+08:00`) + 86_400_000)
  return { from: new Date(`${q.start}T00:00:00+08:00`), to: next, start: q.start, end: q.end }
}

/** A rate for people: the integers, and the percentage rounded half up (null when nothing was measured). */
export const rate = (hits: number, of: number) => ({ hits, of, percent: of === 0 ? null : Math.floor((200 * hits + of) / (2 * of)) })

/**
 * 响应率 / 解决率 / 满意率 as 接诉即办 measures them, over complaints filed in the period:
 * response = first contact within its deadline, among those whose contact was measured;
 * resolution = resolved within its deadline (every round, reopenings included), among those measured;
 * satisfaction = the owner said satisfied, among those who answered (silence is not counted either way).
 */
export function ratesOf(rows: readonly Row[]) {
  const measured = (f: (r: Row) => boolean | null) => rate(rows.filter((r) => f(r) === true).length, rows.filter((r) => f(r) !== null).length)
  return {
    filed: rows.length,
    response: measured((r) => r.contactedOnTime),
    resolution: measured((r) => r.resolvedOnTime),
    satisfaction: measured((r) => r.satisfied),
  }
}

/** The quarter's rates of one community's complaints, per desk (the firm, each department). */
export async function communityComplaintRates(ctx: ServiceCtx, communityId: string, period: string) {
  const span = quarterSpan(period)
  const rows = await complaintsFiled(ctx.db, { communityId }, span.from, span.to)
  const byDesk = new Map<string, Row[]>()
  for (const r of rows) {
    const desk = r.desk ?? COMPLAINT_CATEGORIES[r.category as ComplaintCategory]?.desk ?? 'firm'
    byDesk.set(desk, [...(byDesk.get(desk) ?? []), r])
  }
  return {
    period,
    desks: [...byDesk.entries()].map(([desk, rs]) => ({ desk, deskLabel: deskLabel(desk), firmId: desk === 'firm' ? (rs[0]!.firmId ?? null) : null, ...ratesOf(rs) })),
  }
}

/**
 * The quarter's rates across a district (the housing department's view), per firm and per
 * department, or of one firm everywhere (the firm's own view).
 */
export async function complaintRatesBy(ctx: ServiceCtx, where: { district?: string; firmId?: string }, period: string) {
  const span = quarterSpan(period)
  const communityIds = where.district
    ? (await ctx.db.select({ id: communities.id }).from(communities).where(eq(communities.district, where.district))).map((c) => c.id)
    : undefined
  const rows = await complaintsFiled(ctx.db, { communityIds, firmId: where.firmId }, span.from, span.to)
  const groups = new Map<string, Row[]>()
  for (const r of rows) {
    const desk = r.desk ?? COMPLAINT_CATEGORIES[r.category as ComplaintCategory]?.desk ?? 'firm'
    if (where.firmId && desk !== 'firm') continue
    const key = desk === 'firm' ? `firm:${r.firmId}` : desk
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  const names = new Map((await ctx.db.select({ id: firms.id, name: firms.name }).from(firms).where(inArray(firms.id, [...new Set(rows.map((r) => r.firmId ?? ''))]))).map((f) => [f.id, f.name]))
  return {
    period,
    desks: [...groups.entries()].map(([key, rs]) => {
      const firmId = key.startsWith('firm:') ? rs[0]!.firmId : null
      return { desk: firmId ? 'firm' : key, deskLabel: firmId ? (names.get(firmId) ?? deskLabel('firm')) : deskLabel(key), firmId, ...ratesOf(rs) }
    }),
  }
}

const yes = (b: boolean | null) => (b === null ? '' : b ? '是' : '否')

/** The complaint ledger (台账) of a community for a quarter: one row per complaint, no one's identity. */
export async function complaintLedger(ctx: ServiceCtx, communityId: string, period: string) {
  const span = quarterSpan(period)
  const rows = await complaintsFiled(ctx.db, { communityId }, span.from, span.to)
  const t = (d: Date | null) => (d ? beijingTime(d) : '')
  const header = ['编号', '受理时间', '类别', '紧急程度', '承办单位', '状态', '督办', '先行联系时限', '先行联系时间', '按时联系', '办结时限', '办结时间', '按时办结', '评价', '重启次数', '销号时间', '地点', '诉求内容']
  return [
    header,
    ...rows.map((r) => [
      r.id,
      t(r.filedAt),
      COMPLAINT_CATEGORIES[r.category as ComplaintCategory]?.label ?? r.category,
      URGENCIES[r.urgency as Urgency]?.label ?? r.urgency,
      deskLabel(r.desk),
      COMPLAINT_STATUSES[r.status as ComplaintStatus] ?? r.status,
      ['', '社区督办', '街道督办'][r.escalation] ?? '',
      t(r.firstContactBy),
      t(r.contactedAt),
      yes(r.contactedOnTime),
      t(r.resolveBy),
      t(r.resolvedAt),
      yes(r.resolvedOnTime),
      r.satisfied === null ? (r.status === 'closed' ? '未评价' : '') : r.satisfied ? '满意' : '不满意',
      r.reopenCount,
      t(r.closedAt),
      r.place,
      r.body,
    ]),
  ]
}
