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
  /**
   * the column names the caller reads: the header is the first row (of the first HEADER_SEARCH_ROWS
   * non-blank ones) naming two or more of them, so a title row above it ("XX小区业主名册", merged
   * across the columns) or a grouping row ("房屋信息 / 业主信息") is passed over
   */
  columns?: readonly string[]
}

const HEADER_SEARCH_ROWS = 10

/**
 * A header cell as the templates write it: no spaces, and "金额(元)" typed with ASCII brackets is
 * the template's "金额（元）" (on screen the two look the same).
 */
const headerCell = (h: string) => h.replace(/^\uFEFF/, '').replace(/\s+/g, '').replace(/\(/g, '（').replace(/\)/g, '）')

/**
 * What web systems and Excel wrap a value in, which a person never sees: zero-width characters
 * copied from a web page, a leading apostrophe (Excel's "keep as text"), and ="…" (how an export
 * forces Excel to keep digits as text).
 */
function cellText(raw: string): string {
  let s = raw.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '').trim()
  if (s.startsWith("'")) s = s.slice(1).trim()
  const forced = /^="(.*)"$/s.exec(s)
  return forced ? forced[1]!.trim() : s
}

/**
 * A table with a header row: the first non-empty row names the columns (or, given `columns`, the
 * first row that names them); blank rows are skipped but counted. Reads one sheet only, within the
 * limits, yielding to other requests as it goes. `headerLine` is the header's row as a person sees it.
 */
export async function readTable(bytes: Uint8Array, kind: 'csv' | 'xlsx', opts: TableOptions = {}): Promise<{ header: string[]; headerLine: number; records: TableRecord[]; sheet?: string }> {
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
  const filled = indices.filter((i) => !blank(rows.get(i)))
  if (filled.length === 0) throw new SpreadsheetError('empty', '表格是空的')
  const known = new Set((opts.columns ?? []).map(headerCell))
  const naming = (i: number) => rows.get(i)!.filter((h) => known.has(headerCell(h))).length
  const headerAt = (known.size ? filled.slice(0, HEADER_SEARCH_ROWS).find((i) => naming(i) >= Math.min(2, known.size)) : undefined) ?? filled[0]!
  const header = rows.get(headerAt)!.map(headerCell)
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
      values[h] = cellText(row![c] ?? '')
      if (dates.has(`${i}:${c}`)) (dated ??= {})[h] = `${columnName(c)}${i + 1}`
    })
    records.push(dated ? { line: i + 1, values, dates: dated } : { line: i + 1, values })
  }
  return { header, headerLine: headerAt + 1, records, ...(sheet !== undefined ? { sheet } : {}) }
}
