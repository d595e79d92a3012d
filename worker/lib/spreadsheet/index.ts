import { decodeTextPaced, parseCsvPaced } from './csv'
import { SpreadsheetError } from './errors'
import { Pacer } from '../pace'
import type { Limits } from './limits'
import { columnName, openXlsx, type SheetData, type SheetInfo } from './xlsx'
import { isLegacyXls, legacyXlsError } from './zip'

export { decodeText, parseCsv, toCsv } from './csv'
export { SpreadsheetError } from './errors'
export { LIMITS } from './limits'
export { columnName, excelNumber, readXlsx, writeXlsx, type SheetSpec } from './xlsx'

export interface TableRecord {
  /** the row number a person sees in Excel (header = 1) */
  line: number
  values: Record<string, string>
  /** columns whose cell Excel holds as a date, with the cell's name ("C12") */
  dates?: Record<string, string>
}

export interface TableOptions {
  /**
   * the template's sheet names: such a sheet carrying the header is read whatever else the
   * workbook holds (without `columns`, it is read if the workbook has it)
   */
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

const blank = (r: string[] | undefined) => !r || r.every((c) => c.trim() === '')

/** The row naming two or more of `known` (all of them, if fewer) among the first non-blank rows; undefined if none does. */
function headerRowOf(rows: Map<number, string[]>, known: ReadonlySet<string>): number | undefined {
  if (known.size === 0) return undefined
  const indices = [...rows.keys()].sort((a, b) => a - b)
  const filled = indices.filter((i) => !blank(rows.get(i))).slice(0, HEADER_SEARCH_ROWS)
  return filled.find((i) => rows.get(i)!.filter((h) => known.has(headerCell(h))).length >= Math.min(2, known.size))
}

const quoted = (names: readonly string[]) => names.map((n) => `“${n}”`).join('、')

/**
 * The sheet holding the table. Offices put a cover or 说明 sheet first, or keep the roll on
 * "Sheet2", so the sheet is found by its header, not by its place: a sheet the template names
 * (`sheet`) that carries the header is read; otherwise the one sheet whose first rows carry it.
 * Two such sheets (this year's roll and last year's) are refused rather than guessed between.
 * Hidden sheets are never read: what a person cannot see they cannot check before uploading, and
 * a table kept hidden is most often the stale one; one found only there is named in the refusal.
 */
async function tableSheet(bytes: Uint8Array, opts: TableOptions, known: ReadonlySet<string>): Promise<SheetData> {
  const book = await openXlsx(bytes, { limits: opts.limits })
  const visible = book.sheets.filter((s) => !s.hidden)
  const preferred = (opts.sheet ?? []).flatMap((name) => visible.filter((s) => s.name.trim() === name).slice(0, 1))
  if (known.size === 0) {
    const first = preferred[0] ?? visible[0]
    if (!first) throw new SpreadsheetError('unreadable', '工作簿中没有未隐藏的工作表：隐藏的工作表不会被读取，请在 Excel 中取消隐藏要上传的工作表')
    return book.read(first)
  }
  const read = new Map<SheetInfo, SheetData>()
  for (const s of preferred) {
    const data = await book.read(s)
    if (headerRowOf(data.rows, known) !== undefined) return data
    read.set(s, data)
  }
  // the others by their first rows only: a long sheet that is not the table costs little
  const carriers: SheetInfo[] = []
  const hiddenCarriers: SheetInfo[] = []
  for (const s of book.sheets) {
    if (read.has(s)) continue
    if (headerRowOf((await book.read(s, HEADER_SEARCH_ROWS)).rows, known) !== undefined) (s.hidden ? hiddenCarriers : carriers).push(s)
  }
  const columns = `${quoted([...known].slice(0, 3))}等列名`
  if (carriers.length === 1) return book.read(carriers[0]!)
  if (carriers.length > 1) {
    const rename = opts.sheet?.length ? `，或把要导入的那张命名为“${opts.sheet[0]}”` : ''
    throw new SpreadsheetError('sheet_ambiguous', `工作表${quoted(carriers.map((s) => s.name))}都有表头（写有${columns}的一行），无法确定要导入哪一张：请删去或隐藏不导入的工作表${rename}，然后重新上传`)
  }
  // one sheet in sight and no header anywhere: read it, and the importer names the columns it lacks, as for a CSV
  if (visible.length === 1 && hiddenCarriers.length === 0) return read.get(visible[0]!) ?? book.read(visible[0]!)
  const hiddenNote = hiddenCarriers.length
    ? `；隐藏的工作表${quoted(hiddenCarriers.map((s) => s.name))}中有表头，但隐藏的工作表不会被读取（看不见的内容无法核对，多半是旧表），如果要导入的就是它，请在 Excel 中取消隐藏后重新上传`
    : '，请确认上传的是按模板填写的表格'
  const looked = visible.length ? `在工作表${quoted(visible.map((s) => s.name))}中都没有找到表头（写有${columns}的一行）` : '工作簿中没有未隐藏的工作表'
  throw new SpreadsheetError('header_not_found', `${looked}${hiddenNote}`)
}

/**
 * A table with a header row: the first non-empty row names the columns (or, given `columns`, the
 * first row that names them); blank rows are skipped but counted. Reads one sheet only (see
 * tableSheet), within the limits, yielding to other requests as it goes. `headerLine` is the
 * header's row as a person sees it.
 */
export async function readTable(bytes: Uint8Array, kind: 'csv' | 'xlsx', opts: TableOptions = {}): Promise<{ header: string[]; headerLine: number; records: TableRecord[]; sheet?: string }> {
  if (isLegacyXls(bytes)) throw legacyXlsError()
  const known = new Set((opts.columns ?? []).map(headerCell))
  let rows: Map<number, string[]>
  let dates = new Set<string>()
  let sheet: string | undefined
  if (kind === 'csv') {
    const pacer = new Pacer()
    const list = await parseCsvPaced(await decodeTextPaced(bytes, pacer), opts.limits, pacer)
    rows = new Map()
    list.forEach((r, i) => rows.set(i, r))
  } else {
    const data = await tableSheet(bytes, opts, known)
    rows = data.rows
    dates = data.dates
    sheet = data.name
  }
  const indices = [...rows.keys()].sort((a, b) => a - b)
  const filled = indices.filter((i) => !blank(rows.get(i)))
  if (filled.length === 0) throw new SpreadsheetError('empty', '表格是空的')
  const headerAt = headerRowOf(rows, known) ?? filled[0]!
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
