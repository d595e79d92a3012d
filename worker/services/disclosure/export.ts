import { eq } from 'drizzle-orm'
import { STATEMENT_KINDS, type StatementKind } from '../../../shared/statements'
import { statementToTable } from '../../../shared/statement-table'
import { beijingTime } from '../../../shared/time'
import { communities, statements } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'

/**
 * A statement as a download: the same table the upload reads (shared/statement-table.ts), so an
 * export can be corrected and uploaded again; the XLSX adds a sheet naming what it is and its hash.
 */
export async function statementTable(ctx: ServiceCtx, id: string) {
  const [s] = await ctx.db.select().from(statements).where(eq(statements.id, id))
  if (!s) throw new AppError('NOT_FOUND')
  const [c] = await ctx.db.select({ name: communities.name }).from(communities).where(eq(communities.id, s.communityId))
  const label = STATEMENT_KINDS[s.kind as StatementKind].label
  return {
    fileName: `${c!.name}-${s.period}-${label}-第${s.version}版`,
    sheetName: label,
    rows: statementToTable(s.content),
    about: [
      ['小区', c!.name],
      ['报表', label],
      ['期间', s.period],
      ['版本', String(s.version)],
      ['公开方', s.discloser === 'firm' ? '物业服务企业' : '业主委员会'],
      ['发布时间', beijingTime(s.publishedAt)],
      ['更正理由', s.correctionReason ?? ''],
      ['报表摘要（SHA-256）', s.contentHash],
    ],
  }
}

/** The sheets of a statement download: the table alone for CSV; with the about sheet for XLSX. */
export function statementSheets(t: Awaited<ReturnType<typeof statementTable>>, kind: 'csv' | 'xlsx') {
  const widths = [12, 28, 16, 24, 20, 24, 24]
  if (kind === 'csv') return [{ name: t.sheetName, rows: t.rows, columnWidths: widths }]
  // In XLSX the amounts are numbers shown as #,##0.00, so the accountant's SUM works; the decimal
  // text of fen is exact, and so is the double nearest to it, which reads back as the same text.
  const rows = t.rows.map((r, i) => (i === 0 ? r : r.map((v, c) => (c === AMOUNT_COLUMN ? Number(v) : v))))
  return [
    { name: t.sheetName, rows, columnWidths: widths, moneyColumns: [AMOUNT_COLUMN] },
    { name: '报表信息', rows: t.about, columnWidths: [20, 70] },
  ]
}
const AMOUNT_COLUMN = 2
