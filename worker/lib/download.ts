import type { Context } from 'hono'
import { AppError } from './errors'
import { refuseNul } from './input'
import { readTable, SpreadsheetError, toCsv, writeXlsx, type SheetSpec, type TableOptions } from './spreadsheet'
import { isLegacyXls } from './spreadsheet/zip'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const disposition = (filename: string) => `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`

/** A table as a download: CSV (UTF-8 with BOM, for Excel) or XLSX, named in Chinese. */
export function tableDownload(c: Context, kind: 'csv' | 'xlsx', name: string, sheets: SheetSpec[]) {
  if (kind === 'csv') {
    return c.body(toCsv(sheets[0]!.rows), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition(`${name}.csv`) })
  }
  return c.body(writeXlsx(sheets) as unknown as ArrayBuffer, 200, { 'content-type': XLSX_TYPE, 'content-disposition': disposition(`${name}.xlsx`) })
}

const LEGACY_XLS_TYPE = 'application/vnd.ms-excel'

/**
 * An uploaded table (CSV or XLSX, by content type), read into header and records; an unreadable
 * file is a 422 with the reader's reason in Chinese, one past the limits a 413. Other content
 * types are 415 naming what is accepted; a legacy .xls is asked to be saved as .xlsx.
 */
export async function readTableUpload(c: Context, alsoAccepted: string[] = [], opts: TableOptions = {}) {
  const type = (c.req.header('content-type') ?? '').toLowerCase()
  let kind: 'csv' | 'xlsx' | null = type.startsWith('text/csv') ? 'csv' : type.startsWith(XLSX_TYPE) || type.startsWith(LEGACY_XLS_TYPE) ? 'xlsx' : null
  if (!kind) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { accepted: ['text/csv', XLSX_TYPE, ...alsoAccepted] })
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  // a browser on Windows labels a .csv file application/vnd.ms-excel: what the bytes are decides
  // (an XLSX is a zip, a real .xls an OLE2 file, which readTable asks to be saved as .xlsx)
  if (type.startsWith(LEGACY_XLS_TYPE) && !isZip(bytes) && !isLegacyXls(bytes)) kind = 'csv'
  try {
    const table = await readTable(bytes, kind, opts)
    refuseNul(table, 'file')
    return { kind, ...table }
  } catch (e) {
    if (e instanceof SpreadsheetError) throw new AppError(e.code === 'too_large' ? 'SPREADSHEET_TOO_LARGE' : 'SPREADSHEET_UNREADABLE', { reason: e.code }, e.message)
    throw e
  }
}

const isZip = (bytes: Uint8Array) => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
