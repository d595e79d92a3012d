import { SpreadsheetError } from './errors'
import { Pacer } from '../pace'
import { LIMITS, type Limits } from './limits'

/**
 * RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF. Reads in
 * slices so a large file yields to other requests between them, and stops at the row, column and
 * field limits instead of building a table no community has.
 */
class CsvParser {
  readonly rows: string[][] = []
  private row: string[] = []
  private field = ''
  private quoted = false
  private i: number

  constructor(
    private readonly s: string,
    private readonly limits: Pick<Limits, 'rows' | 'columns' | 'textChars'>,
  ) {
    this.i = s.charCodeAt(0) === 0xfeff ? 1 : 0
  }

  get done() {
    return this.i >= this.s.length
  }

  private endField() {
    if (this.row.length >= this.limits.columns) throw new SpreadsheetError('too_large', `第${this.rows.length + 1}行超过 ${this.limits.columns} 列的上限`)
    this.row.push(this.field)
    this.field = ''
  }
  private endRow() {
    this.endField()
    // blank lines count for line numbers but cost nothing: one shared empty row
    const blank = this.row.every((c) => c === '')
    if (!blank && ++this.filled > this.limits.rows) throw new SpreadsheetError('too_large', `表格超过 ${this.limits.rows} 行，超出本系统对一份表格的上限`)
    if (this.rows.length >= 1_048_576) throw new SpreadsheetError('too_large', '表格超过 1048576 行（Excel 的上限）')
    this.rows.push(blank ? BLANK : this.row)
    this.row = []
  }
  private filled = 0

  /** Parses up to `budget` more characters. */
  run(budget: number) {
    const s = this.s
    const stop = Math.min(s.length, this.i + budget)
    let i = this.i
    while (i < stop) {
      const ch = s[i]!
      if (this.quoted) {
        // a run of plain characters at once
        const q = s.indexOf('"', i)
        if (q < 0 || q >= stop) {
          this.field += s.slice(i, stop)
          i = stop
        } else {
          this.field += s.slice(i, q)
          if (s[q + 1] === '"') {
            this.field += '"'
            i = q + 2
          } else {
            this.quoted = false
            i = q + 1
          }
        }
        if (this.field.length > this.limits.textChars) throw new SpreadsheetError('too_large', '表格中有一段文字过长')
        continue
      }
      if (ch === '"' && this.field === '') this.quoted = true
      else if (ch === ',') this.endField()
      else if (ch === '\n' || ch === '\r') {
        this.endRow()
        if (ch === '\r' && s[i + 1] === '\n') i++
      } else {
        this.field += ch
        if (this.field.length > this.limits.textChars) throw new SpreadsheetError('too_large', '表格中有一段文字过长')
      }
      i++
    }
    this.i = i
  }

  finish(): string[][] {
    if (this.field !== '' || this.row.length > 0) this.endRow()
    const rows = this.rows
    while (rows.length > 0 && rows[rows.length - 1]!.every((c) => c === '')) rows.pop()
    return rows.map((r) => (r === BLANK ? [''] : r))
  }
}
const BLANK: string[] = ['']

export function parseCsv(text: string, limits: Partial<Limits> = {}): string[][] {
  const p = new CsvParser(text, { ...LIMITS, ...limits })
  p.run(Infinity)
  return p.finish()
}

/** parseCsv in slices, handing the event loop back between them. */
export async function parseCsvPaced(text: string, limits: Partial<Limits> = {}, pacer = new Pacer()): Promise<string[][]> {
  const p = new CsvParser(text, { ...LIMITS, ...limits })
  const slice = 16 * 1024
  while (!p.done) {
    p.run(slice)
    await pacer.spend(slice * 4)
  }
  return p.finish()
}

/**
 * UTF-8 (with or without BOM) when the bytes are valid UTF-8; otherwise GB18030, which is what
 * Excel on a Chinese Windows writes for "CSV". A runtime without that decoder says so. Decoded in
 * slices, yielding between them when given a pacer.
 */
export async function decodeTextPaced(bytes: Uint8Array, pacer?: Pacer): Promise<string> {
  const decode = async (decoder: TextDecoder) => {
    const parts: string[] = []
    const step = 256 * 1024
    for (let p = 0; p < bytes.length; p += step) {
      parts.push(decoder.decode(bytes.subarray(p, Math.min(bytes.length, p + step)), { stream: true }))
      await pacer?.spend(step)
    }
    parts.push(decoder.decode())
    return parts.join('')
  }
  const utf16 = utf16Of(bytes)
  if (utf16) return decode(new TextDecoder(utf16))
  try {
    return await decode(new TextDecoder('utf-8', { fatal: true }))
  } catch {
    return decode(gbDecoder())
  }
}

/** Excel's "Unicode 文本" and some exports: UTF-16, marked by its byte-order mark. */
function utf16Of(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  return null
}

function gbDecoder(): TextDecoder {
  try {
    return new TextDecoder('gb18030')
  } catch {
    throw new SpreadsheetError('encoding', '文件不是 UTF-8 编码，且当前环境无法按 GBK 解码，请另存为“CSV UTF-8”')
  }
}

/** decodeTextPaced at once, for small texts. */
export function decodeText(bytes: Uint8Array): string {
  const utf16 = utf16Of(bytes)
  if (utf16) return new TextDecoder(utf16).decode(bytes)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return gbDecoder().decode(bytes)
  }
}

/** "-500.00", "-1,234.5": a plain number, which a spreadsheet reads as a number and never runs. */
const PLAIN_NUMBER = /^-?\d{1,3}(?:,?\d{3})*(?:\.\d+)?$/

/**
 * Text cells starting with = + - @ (or tab/CR) get a leading apostrophe so a spreadsheet shows them
 * as text instead of running them as formulas (CSV injection). Numbers are left alone, also when
 * passed as text: a negative opening balance exported as '-500.00 would not upload again.
 */
function cell(v: string | number | null): string {
  if (v === null) return ''
  let s = typeof v === 'number' ? String(v) : v
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV for Excel: UTF-8 with BOM (so Chinese opens correctly), CRLF line ends. */
export function toCsv(rows: (string | number | null)[][]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`
}
