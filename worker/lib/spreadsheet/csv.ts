import { SpreadsheetError } from './errors'

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  while (i < s.length) {
    const ch = s[i]!
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      field += ch
      i++
      continue
    }
    if (ch === '"' && field === '') {
      quoted = true
    } else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      if (ch === '\r' && s[i + 1] === '\n') i++
    } else {
      field += ch
    }
    i++
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  while (rows.length > 0 && rows[rows.length - 1]!.every((c) => c === '')) rows.pop()
  return rows
}

/**
 * UTF-8 (with or without BOM) when the bytes are valid UTF-8; otherwise GB18030, which is what
 * Excel on a Chinese Windows writes for "CSV". A runtime without that decoder says so.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    let gb: TextDecoder
    try {
      gb = new TextDecoder('gb18030')
    } catch {
      throw new SpreadsheetError('encoding', '文件不是 UTF-8 编码，且当前环境无法按 GBK 解码，请另存为“CSV UTF-8”')
    }
    return gb.decode(bytes)
  }
}

/**
 * Text cells starting with = + - @ (or tab/CR) get a leading apostrophe so a spreadsheet shows them
 * as text instead of running them as formulas (CSV injection). Numbers passed as numbers are left alone.
 */
function cell(v: string | number | null): string {
  if (v === null) return ''
  let s = typeof v === 'number' ? String(v) : v
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV for Excel: UTF-8 with BOM (so Chinese opens correctly), CRLF line ends. */
export function toCsv(rows: (string | number | null)[][]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`
}
