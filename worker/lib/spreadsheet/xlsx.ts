import { strToU8, zipSync } from 'fflate'
import { SpreadsheetError } from './errors'
import { Pacer } from '../pace'
import { LIMITS, type Limits } from './limits'
import { XmlScanner, type XmlHandler } from './xml'
import { inflateEntry, zipEntries, type InflateBudget, type ZipEntry } from './zip'


function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;')).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
}
/** "BC12" → 54 (0-based column), -1 for no letters */
function columnIndex(ref: string): number {
  let n = 0
  for (const ch of ref) {
    const c = ch.charCodeAt(0)
    if (c < 65 || c > 90) break
    n = n * 26 + (c - 64)
    if (n > 1_000_000) return Infinity
  }
  return n - 1
}
export function columnName(i: number): string {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}
const cellName = (row: number, col: number) => `${columnName(col)}${row + 1}`
/** "_x000D_" (how Excel escapes a character XML cannot carry) → the character; "_x005F_" escapes "_" itself. */
const unescapeOoxml = (s: string) => (s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s)

/**
 * A number as Excel shows it in a General cell: 15 significant digits (a cached formula result
 * 2023.6799999999998 is 2023.68; Excel keeps no more). An integer past 15 digits has already lost
 * its last digits, so it comes back in Excel's scientific form (an ID number typed into a General
 * cell: 1.10101199003077E+17), which no reader of a code can mistake for the code.
 */
export function excelNumber(raw: string): string {
  const n = Number(raw)
  if (!Number.isFinite(n)) return raw
  const shown = n.toPrecision(15)
  const r = Number(shown)
  if (Math.abs(r) < 1e15) return String(r)
  const [mantissa, exponent] = r.toExponential(14).split('e') as [string, string]
  return `${mantissa.replace(/\.?0+$/, '')}E${exponent.startsWith('-') ? '' : '+'}${exponent.replace('+', '')}`
}

// numFmtIds Excel reserves for dates and times, the Chinese locales' ones included
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58])
const isDateCode = (code: string) => /[ymdhs年月日]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, ''))

export interface SheetInfo {
  name: string
  path: string
  hidden: boolean
}
export interface SheetData {
  name: string
  /** non-empty rows by 0-based index, each dense up to its last value */
  rows: Map<number, string[]>
  /** cells Excel holds as dates ("3-12" typed as a room number becomes one), as "row:col" */
  dates: Set<string>
}
export interface ReadOptions {
  limits?: Partial<Limits>
  /** stop reading after this many non-empty rows (a statement has far fewer than a roll) */
  maxRows?: number
}

/** Thrown by a probe's row handler once it has the rows it asked for: it ends the sheet's scan early. */
const ENOUGH_ROWS = Symbol('enough rows')

class Book {
  readonly budget: InflateBudget
  readonly pacer = new Pacer()
  readonly limits: Limits
  readonly entries: Map<string, ZipEntry>
  sheets: SheetInfo[] = []
  private shared: string[] | null = null
  private dateStyles: Set<number> | null = null

  constructor(private readonly bytes: Uint8Array, opts: ReadOptions) {
    this.limits = { ...LIMITS, ...opts.limits }
    if (opts.maxRows !== undefined) this.limits.rows = Math.min(this.limits.rows, opts.maxRows)
    this.budget = { remaining: this.limits.inflatedBytes }
    this.entries = zipEntries(bytes)
  }

  /** Streams one part through the scanner. */
  async scan(path: string, handler: XmlHandler, maxBytes = Infinity): Promise<void> {
    const entry = this.entries.get(path)
    if (!entry) throw new SpreadsheetError('unreadable', `文件不是有效的 XLSX 文件（缺少 ${path}）`)
    const decoder = new TextDecoder('utf-8')
    const scanner = new XmlScanner(handler, this.limits)
    await inflateEntry(this.bytes, entry, (chunk) => scanner.feed(decoder.decode(chunk, { stream: true })), this.budget, this.pacer, maxBytes)
    scanner.feed(decoder.decode())
    scanner.end()
  }

  async open(): Promise<void> {
    if (!this.entries.has('xl/workbook.xml')) throw new SpreadsheetError('unreadable', '文件不是有效的 XLSX 文件（缺少 workbook）')
    const rels = new Map<string, string>()
    if (this.entries.has('xl/_rels/workbook.xml.rels')) {
      await this.scan(
        'xl/_rels/workbook.xml.rels',
        {
          open: (name, a) => {
            if (name === 'Relationship' && a.Id && a.Target) rels.set(a.Id, a.Target.startsWith('/') ? a.Target.slice(1) : `xl/${a.Target}`)
          },
          close() {},
          text() {},
        },
        this.limits.workbookPartBytes,
      )
    }
    await this.scan(
      'xl/workbook.xml',
      {
        open: (name, a) => {
          if (name !== 'sheet') return
          const target = a.id ? rels.get(a.id) : undefined
          this.sheets.push({ name: a.name ?? `Sheet${this.sheets.length + 1}`, path: target ?? '', hidden: a.state === 'hidden' || a.state === 'veryHidden' })
        },
        close() {},
        text() {},
      },
      this.limits.workbookPartBytes,
    )
    if (this.sheets.length === 0) throw new SpreadsheetError('unreadable', 'XLSX 文件中没有工作表')
  }

  private async sharedStrings(): Promise<string[]> {
    if (this.shared) return this.shared
    const out: string[] = (this.shared = [])
    if (!this.entries.has('xl/sharedStrings.xml')) return out
    const max = this.limits.sharedStrings
    let cur = ''
    let inT = false
    let phonetic = 0
    await this.scan('xl/sharedStrings.xml', {
      open: (name) => {
        if (name === 'si') cur = ''
        else if (name === 'rPh') phonetic++
        else if (name === 't') inT = true
      },
      close: (name) => {
        if (name === 'si') {
          if (out.length >= max) throw new SpreadsheetError('too_large', `表格的共享字符串超过 ${max} 条，请删去无关内容后再上传`)
          out.push(unescapeOoxml(cur))
        } else if (name === 'rPh') phonetic--
        else if (name === 't') inT = false
      },
      text: (t) => {
        // phonetic hints (rPh) are not part of the text
        if (inT && phonetic === 0) cur += t
      },
    })
    return out
  }

  /** The cellXfs indices whose number format is a date or time. */
  private async dateStyleSet(): Promise<Set<number>> {
    if (this.dateStyles) return this.dateStyles
    const dates: Set<number> = (this.dateStyles = new Set())
    if (!this.entries.has('xl/styles.xml')) return dates
    const custom = new Map<number, string>()
    let inXfs = false
    let xf = 0
    await this.scan('xl/styles.xml', {
      open: (name, a) => {
        if (name === 'numFmt' && a.numFmtId) custom.set(Number(a.numFmtId), a.formatCode ?? '')
        else if (name === 'cellXfs') inXfs = true
        else if (name === 'xf' && inXfs) {
          const id = Number(a.numFmtId ?? 0)
          if (custom.has(id) ? isDateCode(custom.get(id)!) : DATE_FORMAT_IDS.has(id)) dates.add(xf)
          xf++
        }
      },
      close: (name) => {
        if (name === 'cellXfs') inXfs = false
      },
      text() {},
    })
    return dates
  }

  /**
   * One sheet's rows. A `probe` reads only the sheet's first `probe` rows holding text, to see what
   * the sheet is: it stops there, drops cells past the column limit rather than refusing the file
   * (a sheet nobody asked for must not decide the upload), and does not fill merged ranges, which
   * a sheet lists after its rows.
   */
  async readSheet(info: SheetInfo, probe?: number): Promise<SheetData> {
    if (!info.path || !this.entries.has(info.path)) throw new SpreadsheetError('unreadable', `工作表“${info.name}”缺失`)
    const shared = await this.sharedStrings()
    const dateStyles = await this.dateStyleSet()
    const { rows: maxRows, columns: maxColumns, cells: maxCells } = this.limits
    const rows = new Map<number, string[]>()
    const dates = new Set<string>()
    const merges: string[] = []
    let cells = 0
    let rowIndex = -1
    let row: string[] = []
    let col = -1
    let type = ''
    let style = 0
    let value = ''
    let hasValue = false
    let inValue = false
    let inInline = 0
    let phonetic = 0
    let inCell = false
    let probed = 0
    const endRow = () => {
      if (row.length > 0) {
        if (rows.size >= maxRows) throw new SpreadsheetError('too_large', `表格超过 ${maxRows} 行，超出本系统对一份表格的上限`)
        rows.set(rowIndex, row)
        if (probe !== undefined && row.some((v) => v.trim() !== '') && ++probed >= probe) throw ENOUGH_ROWS
      }
      row = []
    }
    const endCell = () => {
      if (!inCell) return
      inCell = false
      let v = ''
      if (type === 's') v = hasValue ? (shared[Number(value)] ?? '') : ''
      else if (type === 'inlineStr' || type === 'str' || type === 'e') v = unescapeOoxml(value)
      else if (type === 'd') {
        // an ISO 8601 date cell (LibreOffice, some exporters): a date as surely as a date-formatted serial
        v = unescapeOoxml(value)
        if (v !== '') dates.add(`${rowIndex}:${col}`)
      }
      else if (type === 'b') v = hasValue ? (value.trim() === '1' ? 'TRUE' : 'FALSE') : ''
      else if (hasValue) {
        v = excelNumber(value.trim())
        if (dateStyles.has(style)) dates.add(`${rowIndex}:${col}`)
      }
      if (v === '') return
      if (col >= maxColumns && probe !== undefined) return
      if (col >= maxColumns) throw new SpreadsheetError('too_large', `单元格 ${cellName(rowIndex, col)} 超出了 ${maxColumns} 列的上限，请删去无关的列后再上传`)
      if (++cells > maxCells) throw new SpreadsheetError('too_large', `表格单元格超过 ${maxCells} 个，超出本系统对一份表格的上限`)
      while (row.length < col) row.push('')
      row[col] = v
    }
    const scanned = this.scan(info.path, {
      open: (name, a, selfClosing) => {
        switch (name) {
          case 'row': {
            // an unclosed <row> ends where the next begins
            if (rowIndex >= 0) endCell(), endRow()
            const r = a.r ? Number(a.r) - 1 : rowIndex + 1
            if (!(Number.isInteger(r) && r > rowIndex && r < 1_048_576)) throw new SpreadsheetError('unreadable', `工作表“${info.name}”的行号无效`)
            rowIndex = r
            col = -1
            break
          }
          case 'c': {
            endCell()
            if (rowIndex < 0) rowIndex = 0
            const c = a.r ? columnIndex(a.r) : col + 1
            if (!(c >= 0 && c > col && c < 16_384)) throw new SpreadsheetError('unreadable', `工作表“${info.name}”的列号无效`)
            col = c
            type = a.t ?? 'n'
            style = Number(a.s ?? 0)
            value = ''
            hasValue = false
            inCell = !selfClosing
            break
          }
          case 'v':
            if (inCell) inValue = true
            break
          case 'is':
            if (inCell) inInline++
            break
          case 't':
            if (inInline) inValue = true
            break
          case 'rPh':
            phonetic++
            break
          case 'mergeCell':
            if (a.ref) merges.push(a.ref)
            break
        }
      },
      close: (name) => {
        if (name === 'v' || name === 't') inValue = false
        else if (name === 'is') inInline = Math.max(0, inInline - 1)
        else if (name === 'rPh') phonetic--
        else if (name === 'c') endCell()
        else if (name === 'row' || name === 'sheetData') {
          endCell()
          if (rowIndex >= 0) endRow()
        }
      },
      text: (t) => {
        if (!inValue || phonetic > 0) return
        value += t
        hasValue = true
        if (value.length > this.limits.textChars) throw new SpreadsheetError('too_large', '表格中有一段文字过长')
      },
    })
    try {
      await scanned
      endCell()
      if (row.length) endRow()
    } catch (e) {
      if (e === ENOUGH_ROWS) return { name: info.name, rows, dates }
      throw e
    }
    if (probe === undefined) fillMerges(info.name, rows, merges, this.limits, cells)
    return { name: info.name, rows, dates }
  }
}

/**
 * Merged cells (a 楼栋 merged down its block, as Chinese rolls often are) hold their value only in
 * the top-left cell; every cell of the range reads as that value, as a person sees it.
 */
function fillMerges(sheet: string, rows: Map<number, string[]>, merges: string[], limits: Limits, cellsSoFar: number) {
  let cells = cellsSoFar
  for (const ref of merges) {
    const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref)
    if (!m) throw new SpreadsheetError('unreadable', `工作表“${sheet}”的合并单元格 ${ref} 无效`)
    const [c0, r0, c1, r1] = [columnIndex(m[1]!), Number(m[2]) - 1, columnIndex(m[3]!), Number(m[4]) - 1]
    const value = rows.get(r0)?.[c0] ?? ''
    if (value === '') continue
    const area = (r1 - r0 + 1) * (c1 - c0 + 1)
    if (!(r1 >= r0 && c1 >= c0) || c1 >= limits.columns || r1 >= 1_048_576 || (cells += area) > limits.cells) {
      throw new SpreadsheetError('too_large', `工作表“${sheet}”的合并单元格 ${ref} 过大，请取消合并后再上传`)
    }
    for (let r = r0; r <= r1; r++) {
      let row = rows.get(r)
      if (!row) {
        if (rows.size >= limits.rows) throw new SpreadsheetError('too_large', `表格超过 ${limits.rows} 行，超出本系统对一份表格的上限`)
        rows.set(r, (row = []))
      }
      for (let c = c0; c <= c1; c++) {
        while (row.length < c) row.push('')
        if (!row[c]) row[c] = value
      }
    }
  }
}

/** An opened XLSX: its sheets as the workbook lists them, each read on demand; all reads share one inflate budget. */
export interface OpenBook {
  sheets: readonly SheetInfo[]
  /** the whole sheet, or (`probe`) its first rows holding text: see Book.readSheet */
  read(sheet: SheetInfo, probe?: number): Promise<SheetData>
}

export async function openXlsx(bytes: Uint8Array, opts: ReadOptions = {}): Promise<OpenBook> {
  const book = new Book(bytes, opts)
  await book.open()
  return { sheets: book.sheets, read: (sheet, probe) => book.readSheet(sheet, probe) }
}

/**
 * Reads every sheet of an XLSX into dense rows of strings. Numbers come back as Excel shows them
 * (15 significant digits), booleans as TRUE/FALSE, formulas as their cached value, dates as their
 * serial number, merged ranges filled from their top-left cell.
 */
export async function readXlsx(bytes: Uint8Array, opts: ReadOptions = {}): Promise<{ name: string; hidden: boolean; rows: string[][] }[]> {
  const book = new Book(bytes, opts)
  await book.open()
  const out: { name: string; hidden: boolean; rows: string[][] }[] = []
  for (const info of book.sheets) {
    const sheet = await book.readSheet(info)
    const last = Math.max(-1, ...sheet.rows.keys())
    const rows: string[][] = []
    for (let i = 0; i <= last; i++) rows.push(sheet.rows.get(i) ?? [])
    out.push({ name: info.name, hidden: info.hidden, rows })
  }
  return out
}

const safeSheetName = (s: string, i: number) => (s.replace(/[\[\]:*?/\\]/g, ' ').slice(0, 31).trim() || `Sheet${i + 1}`)

export interface SheetSpec {
  name: string
  rows: (string | number | null)[][]
  columnWidths?: number[]
  /** 0-based columns formatted as text ("@"): what is typed there (an ID number, a phone) stays as typed */
  textColumns?: number[]
  /** 0-based columns whose numbers are money, shown as #,##0.00 (still numbers, so SUM works) */
  moneyColumns?: number[]
  /** drop-down lists on a column's data rows (the header row excluded) */
  choices?: { column: number; values: readonly string[] }[]
}

// cellXfs of styles.xml: 0 plain, 1 bold header, 2 text "@" (numFmtId 49), 3 money #,##0.00 (numFmtId 4)
const STYLE = { bold: 1, text: 2, money: 3 } as const
/** how far down a template's formats and drop-downs reach */
const TEMPLATE_ROWS = 50_000

/** A minimal valid XLSX: inline strings, numbers as numbers, the first row bold. */
export function writeXlsx(sheets: SheetSpec[]): Uint8Array {
  const files: Record<string, Uint8Array> = {}
  const sheetEntries = sheets.map((s, i) => ({ ...s, name: safeSheetName(s.name, i), file: `sheet${i + 1}.xml` }))
  files['[Content_Types].xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${sheetEntries.map((s) => `<Override PartName="/xl/worksheets/${s.file}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}</Types>`,
  )
  files['_rels/.rels'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  )
  files['xl/workbook.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheetEntries.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`,
  )
  files['xl/_rels/workbook.xml.rels'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheetEntries.map((s, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/${s.file}"/>`).join('')}<Relationship Id="rId${sheetEntries.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
  )
  files['xl/styles.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
  )
  for (const s of sheetEntries) {
    const parts: string[] = []
    const text = new Set(s.textColumns ?? [])
    const money = new Set(s.moneyColumns ?? [])
    s.rows.forEach((row, r) => {
      const cells = row
        .map((v, c) => {
          if (v === null || v === '') return ''
          const ref = `${columnName(c)}${r + 1}`
          const st = r === 0 ? STYLE.bold : money.has(c) && typeof v === 'number' ? STYLE.money : text.has(c) ? STYLE.text : 0
          const style = st ? ` s="${st}"` : ''
          if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"${style}><v>${v}</v></c>`
          return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${escapeXml(String(v))}</t></is></c>`
        })
        .join('')
      parts.push(`<row r="${r + 1}">${cells}</row>`)
    })
    const widths = s.columnWidths ?? []
    const colCount = Math.max(widths.length, ...[...text].map((c) => c + 1))
    const colXml = Array.from({ length: colCount }, (_, i) => {
      const w = widths[i]
      if (w === undefined && !text.has(i)) return ''
      return `<col min="${i + 1}" max="${i + 1}" width="${w ?? 14}"${w !== undefined ? ' customWidth="1"' : ''}${text.has(i) ? ` style="${STYLE.text}"` : ''}/>`
    }).join('')
    const cols = colXml ? `<cols>${colXml}</cols>` : ''
    const choices = s.choices ?? []
    const validations = choices.length
      ? `<dataValidations count="${choices.length}">${choices
          .map((v) => {
            const col = columnName(v.column)
            return `<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorTitle="请从列表中选择" error="${escapeXml(`只能填写：${v.values.join('、')}`)}" sqref="${col}2:${col}${TEMPLATE_ROWS}"><formula1>"${escapeXml(v.values.join(','))}"</formula1></dataValidation>`
          })
          .join('')}</dataValidations>`
      : ''
    files[`xl/worksheets/${s.file}`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${cols}<sheetData>${parts.join('')}</sheetData>${validations}</worksheet>`,
    )
  }
  return zipSync(files, { level: 6 })
}
