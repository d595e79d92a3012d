import { and, desc, eq, inArray } from 'drizzle-orm'
import { PUBLIC_REVENUE_USES, quarter, quarterOfDate, STATEMENT_KINDS, type StatementKind } from '../../../shared/statements'
import { shanghaiDate } from '../../../shared/time'
import { statements } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'
import { overdueStatements } from './statements'

type Row = typeof statements.$inferSelect

/** The same quarter a year before: 2026Q3 → 2025Q3. */
export const lastYearOf = (period: string) => `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`

function sums(s: Row) {
  const byCategory = new Map<string, { direction: 'income' | 'expense'; category: string; fen: number }>()
  const uses = new Map<string, number>()
  for (const l of s.content.lines) {
    if (l.direction === 'allocation') {
      uses.set(l.use ?? '', (uses.get(l.use ?? '') ?? 0) + l.amountFen)
      continue
    }
    const key = `${l.direction}:${l.category}`
    const cur = byCategory.get(key) ?? { direction: l.direction, category: l.category, fen: 0 }
    cur.fen += l.amountFen
    byCategory.set(key, cur)
  }
  return {
    statementId: s.id,
    version: s.version,
    discloser: s.discloser,
    contentHash: s.contentHash,
    publishedAt: s.publishedAt.toISOString(),
    openingFen: s.content.openingFen,
    incomeFen: s.content.totals.incomeFen,
    expenseFen: s.content.totals.expenseFen,
    closingFen: s.content.closingFen,
    income: [...byCategory.values()].filter((c) => c.direction === 'income').map(({ category, fen }) => ({ category, fen })),
    expense: [...byCategory.values()].filter((c) => c.direction === 'expense').map(({ category, fen }) => ({ category, fen })),
    allocations: [...uses].map(([use, fen]) => ({ use, label: PUBLIC_REVENUE_USES[use as keyof typeof PUBLIC_REVENUE_USES] ?? use, fen })),
  }
}

/**
 * A quarter's accounts as owners read them: for each kind, the newest version of this quarter, with
 * the quarter before and the same quarter a year before beside it (QoQ, YoY), in plain fen.
 * Without `period`, the newest quarter that has a statement (or the last quarter that ended).
 */
export async function quarterAccounts(ctx: ServiceCtx, communityId: string, period?: string) {
  const today = shanghaiDate(ctx.clock.now())
  let chosen = period
  if (!chosen) {
    const [newest] = await ctx.db.select({ period: statements.period }).from(statements).where(eq(statements.communityId, communityId)).orderBy(desc(statements.period)).limit(1)
    chosen = newest?.period ?? quarter(quarterOfDate(today))!.previous
  }
  const q = quarter(chosen)
  if (!q) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'period', code: 'invalid', message: '期间格式为 2026Q3' }] })
  const periods = [chosen, q.previous, lastYearOf(chosen)]
  const rows = await ctx.db
    .select()
    .from(statements)
    .where(and(eq(statements.communityId, communityId), inArray(statements.period, periods)))
    .orderBy(desc(statements.version))
  const newest = new Map<string, Row>()
  for (const r of rows) if (!newest.has(`${r.kind}:${r.period}`)) newest.set(`${r.kind}:${r.period}`, r)
  const kinds = (Object.keys(STATEMENT_KINDS) as StatementKind[]).flatMap((kind) => {
    const current = newest.get(`${kind}:${chosen}`)
    if (!current) return []
    const before = newest.get(`${kind}:${q.previous}`)
    const yearAgo = newest.get(`${kind}:${lastYearOf(chosen!)}`)
    const brief = (s: Row | undefined) => (s ? { period: s.period, incomeFen: s.content.totals.incomeFen, expenseFen: s.content.totals.expenseFen, closingFen: s.content.closingFen } : null)
    return [{ kind, label: STATEMENT_KINDS[kind].label, ...sums(current), previousQuarter: brief(before), lastYear: brief(yearAgo) }]
  })
  const published = await ctx.db.selectDistinct({ period: statements.period }).from(statements).where(eq(statements.communityId, communityId)).orderBy(desc(statements.period))
  return {
    period: chosen,
    previousQuarter: q.previous,
    lastYear: lastYearOf(chosen),
    periods: published.map((p) => p.period),
    kinds,
    overdue: await overdueStatements(ctx, communityId),
  }
}
