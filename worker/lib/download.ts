import type { Context } from 'hono'
import { toCsv, writeXlsx } from './spreadsheet'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
type Rows = (string | number | null)[][]

const disposition = (filename: string) => `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`

/** A table as a download: CSV (UTF-8 with BOM, for Excel) or XLSX, named in Chinese. */
export function tableDownload(c: Context, kind: 'csv' | 'xlsx', name: string, sheets: { name: string; rows: Rows; columnWidths?: number[] }[]) {
  if (kind === 'csv') {
    return c.body(toCsv(sheets[0]!.rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition(`${name}.csv`) })
  }
  return c.body(writeXlsx(sheets) as unknown as ArrayBuffer, 200, { 'content-type': XLSX_TYPE, 'content-disposition': disposition(`${name}.xlsx`) })
}
