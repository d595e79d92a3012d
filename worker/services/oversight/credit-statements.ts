import { and, eq, gte, inArray, isNotNull, lt } from 'drizzle-orm'
import { displayEndsAt, periodZh, quarter, STATEMENT_KINDS, type StatementContentInput, type StatementKind } from '../../../shared/statements'
import { beijingDate, shanghaiDate } from '../../../shared/time'
import { statementObjections, statements } from '../../../drizzle/schema'
import type { ServiceCtx } from '../context'
import { firmStatementDeadline, QUARTERLY_FIRM_KINDS, statementDeadlineMonths } from '../disclosure/statements'

/**
 * The facts about a firm's published statements that go into its credit file. A statement whose
 * arithmetic fails, whose public-revenue allocation goes beyond the six uses or the net, or whose
 * maintenance-fund use cites no passed `fund_use` poll or confirmed emergency (民法典 第281条) is
 * refused at publication and never stored: that check is the firm's own draft check, not a fact
 * about its conduct. What did reach owners and then failed is:
 * - a public-revenue or maintenance-fund statement corrected after publication in its amounts,
 *   uses or authorisations (the version owners were shown did not stand; a correction of notes
 *   alone is not counted);
 * - an owner's objection to such a statement left unanswered when its display period ended
 *   (disclosure.md: owners object within the display period, the firm answers on record), unless
 *   the firm corrected the statement meanwhile;
 * - a quarterly statement the firm owed published after its deadline (a missing one is the
 *   overdue record; both carry the same `sourceRef`, so a statement is late or missing once).
 */
export type StatementFact = {
  communityId: string
  firmId: string
  kind: 'fund_correction' | 'fund_objection_unanswered' | 'statement_late'
  item: string
  occurredOn: string
  sourceRef: string
  evidence: { name: string; sha256?: string; note?: string }[]
}

/** 民法典 第281条、第282条: the two kinds that account for owners' own money. */
export const FUND_KINDS = ['public_revenue', 'maintenance_fund'] as const satisfies readonly StatementKind[]

/** What a correction must change to count: money, uses and authorisations, never wording. */
const moneyOf = (c: StatementContentInput) =>
  JSON.stringify([
    c.openingFen,
    c.totals.incomeFen,
    c.totals.expenseFen,
    c.closingFen,
    c.lines.map((l) => [l.direction, l.amountFen, l.use ?? null, l.authorisedBy && 'pollId' in l.authorisedBy ? `poll:${l.authorisedBy.pollId}` : l.authorisedBy ? `emergency:${l.authorisedBy.emergencyId}` : null]),
  ])

const page = (id: string) => `公示页 /h5/statements/${id}`
const labelOf = (kind: string) => STATEMENT_KINDS[kind as StatementKind]?.label ?? kind
/** Objections are possible for at most 30 working days; 70 calendar days covers the longest holidays. */
const DISPLAY_LOOKBACK_MS = 70 * 86_400_000

/**
 * The facts of one quarter (`span`) in the given communities: corrections published in it,
 * display periods that ended in it (and before now), and late statements of that quarter.
 */
export async function statementFacts(ctx: ServiceCtx, communities: readonly { id: string; name: string }[], period: string, span: { from: Date; to: Date }): Promise<StatementFact[]> {
  const ids = communities.map((c) => c.id)
  if (!ids.length) return []
  const nameOf = (cid: string) => communities.find((c) => c.id === cid)?.name ?? cid
  const now = ctx.clock.now()
  const out: StatementFact[] = []

  const corrections = await ctx.db
    .select()
    .from(statements)
    .where(and(inArray(statements.communityId, ids), inArray(statements.kind, FUND_KINDS), isNotNull(statements.replacesId), gte(statements.publishedAt, span.from), lt(statements.publishedAt, span.to)))
  const replacedIds = corrections.map((s) => s.replacesId!)
  const replaced = replacedIds.length ? await ctx.db.select().from(statements).where(inArray(statements.id, replacedIds)) : []
  for (const s of corrections) {
    const before = replaced.find((r) => r.id === s.replacesId)
    // the firm that published the version owners were shown; a committee's statement is not a firm's conduct
    if (!before?.firmId || moneyOf(before.content) === moneyOf(s.content)) continue
    out.push({
      communityId: s.communityId,
      firmId: before.firmId,
      kind: 'fund_correction',
      item: `${nameOf(s.communityId)} ${periodZh(before.period)} ${labelOf(before.kind)}公示后更正金额或用途（第${before.version}版）`,
      occurredOn: shanghaiDate(s.publishedAt),
      sourceRef: `fund-correction:${before.id}`,
      evidence: [
        { name: `更正前 第${before.version}版`, sha256: before.contentHash, note: page(before.id) },
        { name: `更正后 第${s.version}版`, sha256: s.contentHash, note: `更正理由：${s.correctionReason ?? ''}；${page(s.id)}` },
      ],
    })
  }

  const objections = await ctx.db
    .select({ o: statementObjections, s: statements })
    .from(statementObjections)
    .innerJoin(statements, eq(statements.id, statementObjections.statementId))
    .where(
      and(
        inArray(statements.communityId, ids),
        inArray(statements.kind, FUND_KINDS),
        isNotNull(statements.firmId),
        gte(statements.publishedAt, new Date(span.from.getTime() - DISPLAY_LOOKBACK_MS)),
        lt(statements.publishedAt, span.to),
      ),
    )
  const objected = [...new Set(objections.map((r) => r.s.id))]
  const successors = objected.length ? await ctx.db.select({ replacesId: statements.replacesId, publishedAt: statements.publishedAt }).from(statements).where(inArray(statements.replacesId, objected)) : []
  for (const { o, s } of objections) {
    const closes = displayEndsAt(s.publishedAt)
    if (closes < span.from || closes >= span.to || closes > now) continue
    if (o.answeredAt && o.answeredAt < closes) continue
    // corrected while on display: the correction answers it (and is a fact of its own when it changed money)
    if (successors.some((x) => x.replacesId === s.id && x.publishedAt < closes)) continue
    out.push({
      communityId: s.communityId,
      firmId: s.firmId!,
      kind: 'fund_objection_unanswered',
      item: `${nameOf(s.communityId)} ${periodZh(s.period)} ${labelOf(s.kind)}业主异议公示期内未答复`,
      // the last day of the display period
      occurredOn: shanghaiDate(new Date(closes.getTime() - 1)),
      sourceRef: `fund-objection:${o.id}`,
      evidence: [{ name: `${o.authorLabel}异议${o.line ? `（第${o.line}行）` : ''}`, note: `${o.body.slice(0, 200)}；${page(s.id)}` }],
    })
  }

  if (!quarter(period)) return out
  const firsts = await ctx.db
    .select()
    .from(statements)
    .where(and(inArray(statements.communityId, ids), inArray(statements.kind, [...QUARTERLY_FIRM_KINDS]), eq(statements.period, period), eq(statements.version, 1), isNotNull(statements.firmId)))
  for (const s of firsts) {
    const deadline = firmStatementDeadline(s.kind as (typeof QUARTERLY_FIRM_KINDS)[number], period, await statementDeadlineMonths(ctx, s.communityId))
    const on = shanghaiDate(s.publishedAt)
    if (on <= deadline) continue
    out.push({
      communityId: s.communityId,
      firmId: s.firmId!,
      kind: 'statement_late',
      item: `${nameOf(s.communityId)} ${labelOf(s.kind)} ${periodZh(period)} 逾期公示`,
      occurredOn: deadline,
      // the same fact as the overdue record while it was missing (credit.ts)
      sourceRef: `statement:${s.communityId}:${s.kind}:${period}`,
      evidence: [{ name: '公示期限', sha256: s.contentHash, note: `应于 ${beijingDate(deadline)}前公示，${beijingDate(on)}公示；${page(s.id)}` }],
    })
  }
  return out
}
