import { strToU8, unzipSync, zipSync, type Unzipped } from 'fflate'
import { SpreadsheetError } from './errors'

const DEFAULT_MAX_UNCOMPRESSED = 100 * 1024 * 1024
const DEFAULT_MAX_CELLS = 5_000_000
// Excel's sheet size. The reader returns dense rows, so a reference past these (r="2000000000")
// would have a file of a few hundred bytes fill memory with empty rows or cells.
const MAX_ROWS = 1_048_576
const MAX_COLUMNS = 16_384

const utf8 = new TextDecoder('utf-8')

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
function unescapeXml(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] !== '#') return ENTITIES[e]!
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    // a reference past U+10FFFF is malformed XML (and a RangeError from fromCodePoint, i.e. a 500)
    if (!(cp <= 0x10ffff)) throw new SpreadsheetError('unreadable', '文件不是有效的 XLSX 文件（字符引用无效）')
    return String.fromCodePoint(cp)
  })
}
function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;')).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
}
function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs)
  return m ? unescapeXml(m[1] ?? m[2] ?? '') : undefined
}
/** All text of <t> elements inside a fragment (rich-text runs), phonetic hints (<rPh>) excluded. */
function textOf(fragment: string): string {
  const clean = fragment.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '')
  let out = ''
  for (const m of clean.matchAll(/<t\b[^>]*?(?:\/>|>([\s\S]*?)<\/t>)/g)) out += unescapeXml(m[1] ?? '')
  return out
}
/** "BC12" → 54 (0-based column) */
function columnIndex(ref: string): number {
  let n = 0
  for (const ch of ref) {
    const c = ch.charCodeAt(0)
    if (c < 65 || c > 90) break
    n = n * 26 + (c - 64)
  }
  return n - 1
}
function columnName(i: number): string {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

function unzip(bytes: Uint8Array, maxUncompressed: number): Unzipped {
  let total = 0
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        const wanted = f.name === 'xl/workbook.xml' || f.name === 'xl/_rels/workbook.xml.rels' || f.name === 'xl/sharedStrings.xml' || f.name.startsWith('xl/worksheets/')
        if (!wanted) return false
        total += f.originalSize
        if (total > maxUncompressed) throw new SpreadsheetError('too_large', '表格文件解压后过大')
        return true
      },
    })
  } catch (e) {
    if (e instanceof SpreadsheetError) throw e
    throw new SpreadsheetError('unreadable', '文件不是有效的 XLSX（Excel 2007 及以后）文件')
  }
}

/**
 * Reads every sheet of an XLSX file into dense rows of strings. Numbers come back as the shortest
 * decimal that round-trips (Excel's "89.549999999999997" → "89.55"), booleans as TRUE/FALSE,
 * formulas as their cached value, dates as their serial number.
 */
export function readXlsx(bytes: Uint8Array, opts: { maxCells?: number; maxUncompressedBytes?: number } = {}): { name: string; rows: string[][] }[] {
  const files = unzip(bytes, opts.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED)
  const workbook = files['xl/workbook.xml']
  if (!workbook) throw new SpreadsheetError('unreadable', '文件不是有效的 XLSX 文件（缺少 workbook）')
  const rels = new Map<string, string>()
  const relsXml = files['xl/_rels/workbook.xml.rels'] ? utf8.decode(files['xl/_rels/workbook.xml.rels']) : ''
  for (const m of relsXml.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = attr(m[1]!, 'Id')
    const target = attr(m[1]!, 'Target')
    if (id && target) rels.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`)
  }
  const shared: string[] = []
  if (files['xl/sharedStrings.xml']) {
    for (const m of utf8.decode(files['xl/sharedStrings.xml']).matchAll(/<si\b[^>]*?(?:\/>|>([\s\S]*?)<\/si>)/g)) shared.push(textOf(m[1] ?? ''))
  }
  const maxCells = opts.maxCells ?? DEFAULT_MAX_CELLS
  let cells = 0
  const sheets: { name: string; rows: string[][] }[] = []
  for (const m of utf8.decode(workbook).matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const name = attr(m[1]!, 'name') ?? `Sheet${sheets.length + 1}`
    const rid = attr(m[1]!, 'r:id')
    const path = rid ? rels.get(rid) : undefined
    const data = path ? files[path] : undefined
    if (!data) throw new SpreadsheetError('unreadable', `工作表“${name}”缺失`)
    const rows: string[][] = []
    let nextRow = 0
    for (const r of utf8.decode(data).matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
      const rAttr = attr(r[1]!, 'r')
      const rowIndex = rAttr ? parseInt(rAttr, 10) - 1 : nextRow
      if (!(rowIndex >= 0 && rowIndex < MAX_ROWS)) throw new SpreadsheetError('unreadable', '表格行号无效')
      nextRow = rowIndex + 1
      // empty rows filled in before this one count against the budget like cells
      cells += Math.max(0, rowIndex - rows.length)
      if (cells > maxCells) throw new SpreadsheetError('too_large', '表格单元格过多')
      const row: string[] = []
      let nextCol = 0
      for (const c of (r[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const cAttrs = c[1]!
        const ref = attr(cAttrs, 'r')
        const col = ref ? columnIndex(ref) : nextCol
        if (!(col >= 0 && col < MAX_COLUMNS)) throw new SpreadsheetError('unreadable', '表格列号无效')
        // so do the empty cells filled in before this one
        cells += 1 + Math.max(0, col - row.length)
        if (cells > maxCells) throw new SpreadsheetError('too_large', '表格单元格过多')
        nextCol = col + 1
        const inner = c[2] ?? ''
        const type = attr(cAttrs, 't')
        const v = /<v\b[^>]*>([\s\S]*?)<\/v>/.exec(inner)?.[1]
        let value = ''
        if (type === 's') value = shared[Number(v)] ?? ''
        else if (type === 'inlineStr') value = textOf(inner)
        else if (type === 'b') value = v === '1' ? 'TRUE' : 'FALSE'
        else if (type === 'str' || type === 'e') value = unescapeXml(v ?? '')
        else if (v !== undefined) {
          const n = Number(v)
          value = Number.isFinite(n) ? String(n) : unescapeXml(v)
        }
        while (row.length < col) row.push('')
        row[col] = value
      }
      while (rows.length < rowIndex) rows.push([])
      rows[rowIndex] = row
    }
    sheets.push({ name, rows })
  }
  if (sheets.length === 0) throw new SpreadsheetError('unreadable', 'XLSX 文件中没有工作表')
  return sheets
}

const safeSheetName = (s: string, i: number) => (s.replace(/[\[\]:*?/\\]/g, ' ').slice(0, 31).trim() || `Sheet${i + 1}`)

/** A minimal valid XLSX: inline strings, numbers as numbers, the first row bold. */
export function writeXlsx(sheets: { name: string; rows: (string | number | null)[][]; columnWidths?: number[] }[]): Uint8Array {
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
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>`,
  )
  for (const s of sheetEntries) {
    const parts: string[] = []
    s.rows.forEach((row, r) => {
      const style = r === 0 ? ' s="1"' : ''
      const cells = row
        .map((v, c) => {
          if (v === null || v === '') return ''
          const ref = `${columnName(c)}${r + 1}`
          if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"${style}><v>${v}</v></c>`
          return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${escapeXml(String(v))}</t></is></c>`
        })
        .join('')
      parts.push(`<row r="${r + 1}">${cells}</row>`)
    })
    const cols = s.columnWidths?.length ? `<cols>${s.columnWidths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` : ''
    files[`xl/worksheets/${s.file}`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${cols}<sheetData>${parts.join('')}</sheetData></worksheet>`,
    )
  }
  return zipSync(files, { level: 6 })
}
