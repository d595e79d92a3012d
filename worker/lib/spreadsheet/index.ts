import { decodeTextPaced, parseCsvPaced } from './csv'
import { SpreadsheetError } from './errors'
import { Pacer } from '../pace'
import type { Limits } from './limits'
import { columnName, readXlsxSheet } from './xlsx'
import { isLegacyXls, legacyXlsError } from './zip'

export { decodeText, parseCsv, toCsv } from './csv'
export { SpreadsheetError } from './errors'
export { LIMITS } from './limits'
export { columnName, excelNumber, readXlsx, readXlsxSheet, writeXlsx, type SheetSpec } from './xlsx'

export interface TableRecord {
  /** the row number a person sees in Excel (header = 1) */
  line: number
  values: Record<string, string>
  /** columns whose cell Excel holds as a date, with the cell's name ("C12") */
  dates?: Record<string, string>
}

export interface TableOptions {
  /** the template's sheet names, tried in order before the first visible sheet */
  sheet?: readonly string[]
  limits?: Partial<Limits>
}

/**
 * A table with a header row: the first non-empty row names the columns; blank rows are skipped but
 * counted. Reads one sheet only, within the limits, yielding to other requests as it goes.
 */
export async function readTable(bytes: Uint8Array, kind: 'csv' | 'xlsx', opts: TableOptions = {}): Promise<{ header: string[]; records: TableRecord[]; sheet?: string }> {
  if (isLegacyXls(bytes)) throw legacyXlsError()
  let rows: Map<number, string[]>
  let dates = new Set<string>()
  let sheet: string | undefined
  if (kind === 'csv') {
    const pacer = new Pacer()
    const list = await parseCsvPaced(await decodeTextPaced(bytes, pacer), opts.limits, pacer)
    rows = new Map()
    list.forEach((r, i) => rows.set(i, r))
  } else {
    const data = await readXlsxSheet(bytes, { limits: opts.limits, prefer: opts.sheet })
    rows = data.rows
    dates = data.dates
    sheet = data.name
  }
  const blank = (r: string[] | undefined) => !r || r.every((c) => c.trim() === '')
  const indices = [...rows.keys()].sort((a, b) => a - b)
  const headerAt = indices.find((i) => !blank(rows.get(i)))
  if (headerAt === undefined) throw new SpreadsheetError('empty', '表格是空的')
  const header = rows.get(headerAt)!.map((h) => h.replace(/^\uFEFF/, '').trim())
  const records: TableRecord[] = []
  const perRows = new Pacer(1000)
  for (const i of indices) {
    await perRows.spend()
    const row = rows.get(i)
    if (i <= headerAt || blank(row)) continue
    const values: Record<string, string> = {}
    let dated: Record<string, string> | undefined
    header.forEach((h, c) => {
      if (!h) return
      values[h] = (row![c] ?? '').trim()
      if (dates.has(`${i}:${c}`)) (dated ??= {})[h] = `${columnName(c)}${i + 1}`
    })
    records.push(dated ? { line: i + 1, values, dates: dated } : { line: i + 1, values })
  }
  return { header, records, ...(sheet !== undefined ? { sheet } : {}) }
}
