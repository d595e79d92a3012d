import { decodeText, parseCsv } from './csv'
import { SpreadsheetError } from './errors'
import { readXlsx } from './xlsx'

export { decodeText, parseCsv, toCsv } from './csv'
export { SpreadsheetError } from './errors'
export { readXlsx, writeXlsx } from './xlsx'

export interface TableRecord {
  /** the row number a person sees in Excel (header = 1) */
  line: number
  values: Record<string, string>
}

/** A table with a header row: the first non-empty row names the columns; blank rows are skipped but counted. */
export function readTable(bytes: Uint8Array, kind: 'csv' | 'xlsx'): { header: string[]; records: TableRecord[] } {
  const rows = kind === 'csv' ? parseCsv(decodeText(bytes)) : readXlsx(bytes)[0]!.rows
  const blank = (r: string[] | undefined) => !r || r.every((c) => c.trim() === '')
  const headerAt = rows.findIndex((r) => !blank(r))
  if (headerAt < 0) throw new SpreadsheetError('empty', '表格是空的')
  const header = rows[headerAt]!.map((h) => h.replace(/^\uFEFF/, '').trim())
  const records: TableRecord[] = []
  for (let i = headerAt + 1; i < rows.length; i++) {
    const row = rows[i]
    if (blank(row)) continue
    const values: Record<string, string> = {}
    header.forEach((h, c) => {
      if (h) values[h] = (row![c] ?? '').trim()
    })
    records.push({ line: i + 1, values })
  }
  return { header, records }
}
