import ExcelJS from 'exceljs'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { decodeText, parseCsv, readTable, readXlsx, SpreadsheetError, toCsv, writeXlsx } from '../../worker/lib/spreadsheet'

async function spreadsheetError(fn: () => unknown): Promise<SpreadsheetError> {
  try {
    await fn()
  } catch (e) {
    expect(e).toBeInstanceOf(SpreadsheetError)
    return e as SpreadsheetError
  }
  throw new Error('expected a SpreadsheetError')
}

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
/** A hand-built workbook with one sheet, to feed the reader XML that no writer of ours produces. */
function handBook(sheetData: string, sharedStrings?: string, sheetName = 'S'): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'xl/workbook.xml': strToU8(`<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet xmlns="${MAIN_NS}"><sheetData>${sheetData}</sheetData></worksheet>`),
  }
  if (sharedStrings !== undefined) files['xl/sharedStrings.xml'] = strToU8(`<sst xmlns="${MAIN_NS}">${sharedStrings}</sst>`)
  return zipSync(files)
}
const bytesOf = (s: string) => new TextEncoder().encode(s)

describe('parseCsv', () => {
  it('plain fields, quoted commas, escaped quotes', async () => {
    expect(parseCsv('a,b,c\n1,"x,y","say ""hi"""\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x,y', 'say "hi"'],
    ])
  })

  it('embedded newlines (LF and CRLF) stay inside a quoted field', async () => {
    expect(parseCsv('name,note\r\n张三,"line 1\nline 2"\r\n李四,"a\r\nb"\r\n')).toEqual([
      ['name', 'note'],
      ['张三', 'line 1\nline 2'],
      ['李四', 'a\r\nb'],
    ])
  })

  it('CRLF, LF and lone CR all end a record; no trailing newline is fine', async () => {
    expect(parseCsv('a,b\r\nc,d\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ])
  })

  it('strips a UTF-8 BOM before the first field', async () => {
    const rows = parseCsv('\uFEFF楼栋,单元\r\n1,2\r\n')
    expect(rows[0]).toEqual(['楼栋', '单元'])
    expect(rows[0]![0]!.charCodeAt(0)).toBe('楼'.charCodeAt(0))
  })

  it('drops trailing empty lines (also ",,," ones) but keeps blank lines in the middle', async () => {
    expect(parseCsv('a,b\r\n\r\nc,d\r\n\r\n,,\r\n\r\n')).toEqual([['a', 'b'], [''], ['c', 'd']])
    expect(parseCsv('')).toEqual([])
    expect(parseCsv('\r\n\r\n')).toEqual([])
  })

  it('empty fields and an empty quoted field', async () => {
    expect(parseCsv(',"",x,\n')).toEqual([['', '', 'x', '']])
  })
})

describe('decodeText', () => {
  it('UTF-8 with and without BOM', async () => {
    expect(decodeText(bytesOf('张三,101'))).toBe('张三,101')
    expect(parseCsv(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...bytesOf('张三,101')])))).toEqual([['张三', '101']])
  })

  it('GBK bytes (what Excel on Chinese Windows saves as CSV) are decoded', async () => {
    // '张' = D5 C5, '三' = C8 FD, '中' = D6 D0, '文' = CE C4 in GBK/GB18030
    const gbk = new Uint8Array([...bytesOf('name,room\r\n'), 0xd5, 0xc5, 0xc8, 0xfd, ...bytesOf(',101\r\n'), 0xd6, 0xd0, 0xce, 0xc4, ...bytesOf(',102\r\n')])
    // the bytes really are GBK (checked with the runtime's own decoder) and not valid UTF-8
    expect(new TextDecoder('gbk').decode(gbk)).toBe('name,room\r\n张三,101\r\n中文,102\r\n')
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow()
    expect(decodeText(gbk)).toBe('name,room\r\n张三,101\r\n中文,102\r\n')
    expect((await readTable(gbk, 'csv')).records.map((r) => r.values)).toEqual([
      { name: '张三', room: '101' },
      { name: '中文', room: '102' },
    ])
  })

  describe('without a GB18030 decoder in the runtime', () => {
    afterEach(() => {
      vi.unstubAllGlobals()
    })
    it("says 'encoding' for non-UTF-8 bytes", async () => {
      const Real = TextDecoder
      vi.stubGlobal(
        'TextDecoder',
        class extends Real {
          constructor(label?: string, options?: TextDecoderOptions) {
            if (label && label.toLowerCase() !== 'utf-8') throw new RangeError(`unsupported ${label}`)
            super(label, options)
          }
        },
      )
      expect(decodeText(bytesOf('still utf-8'))).toBe('still utf-8')
      expect((await spreadsheetError(() => decodeText(new Uint8Array([0xd5, 0xc5])))).code).toBe('encoding')
    })
  })
})

describe('toCsv', () => {
  it('UTF-8 BOM first, CRLF line ends, quoting only where needed', async () => {
    const csv = toCsv([
      ['楼栋', '备注'],
      ['1', 'a,b'],
      ['2', 'say "hi"'],
      ['3', 'two\nlines'],
      [4, null],
    ])
    expect(csv).toBe('\uFEFF楼栋,备注\r\n1,"a,b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n4,\r\n')
  })

  it('guards text that a spreadsheet would run as a formula (CSV injection)', async () => {
    const csv = toCsv([['=1+1', '+86 138', '-cmd', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil","x")', 'safe=1']])
    expect(csv).toBe(`\uFEFF'=1+1,'+86 138,'-cmd,'@SUM(A1),'\tx,"'\rx","'=HYPERLINK(""http://evil"",""x"")",safe=1\r\n`)
    // numbers stay numbers, negative ones included
    expect(toCsv([[-5, 0, 89.55]])).toBe('\uFEFF-5,0,89.55\r\n')
  })

  it('round-trips through parseCsv (the guard shows as a leading apostrophe)', async () => {
    const rows = [
      ['a', 'b,c', '"q"', 'x\r\ny', '张三', ''],
      ['=cmd', 'plain', ' lead', 'trail ', '', 'end'],
    ]
    const back = parseCsv(toCsv(rows))
    expect(back).toEqual([rows[0], ["'=cmd", 'plain', ' lead', 'trail ', '', 'end']])
  })
})

describe('XLSX: our writer → our reader', () => {
  it('round-trips strings, numbers, gaps, several sheets and wide rows', async () => {
    const wide = Array.from({ length: 30 }, (_, i) => `c${i}`)
    const bytes = writeXlsx([
      {
        name: '名册',
        rows: [
          ['楼栋', '单元', '面积', '备注'],
          ['1', '2', 89.55, 'A & B <c> "d" \'e\''],
          [null, '', -3, '  spaced  '],
          ['中文😀', 'tab\there', 0, 'line1\nline2'],
        ],
        columnWidths: [10, 10, 12],
      },
      { name: 'bad:/name?*[x]', rows: [wide, [1e21, 1.5e-7, 123456789012]] },
    ])
    const sheets = await readXlsx(bytes)
    expect(sheets.map((s) => s.name)).toEqual(['名册', 'bad  name   x'])
    expect(sheets[0]!.rows).toEqual([
      ['楼栋', '单元', '面积', '备注'],
      ['1', '2', '89.55', 'A & B <c> "d" \'e\''],
      ['', '', '-3', '  spaced  '],
      ['中文😀', 'tab\there', '0', 'line1\nline2'],
    ])
    expect(sheets[1]!.rows[0]).toEqual(wide)
    expect(sheets[1]!.rows[1]).toEqual(['1E+21', '1.5e-7', '123456789012'])
  })

  it('drops control characters XML cannot carry instead of writing a broken file', async () => {
    const sheets = await readXlsx(writeXlsx([{ name: 'S', rows: [['a\u0001b\u001fc']] }]))
    expect(sheets[0]!.rows).toEqual([['abc']])
  })
})

describe('XLSX interoperability with exceljs', () => {
  it('reads a workbook written by exceljs: shared strings, rich text, numbers, booleans, formulas, dates, gaps', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('业主名册')
    ws.getCell('A1').value = '楼栋'
    ws.getCell('B1').value = '姓名'
    ws.getCell('C1').value = '面积'
    ws.getCell('D1').value = '已核验'
    ws.getCell('F1').value = '备注' // E1 left empty
    ws.getCell('A2').value = '1'
    ws.getCell('B2').value = { richText: [{ text: '张', font: { bold: true } }, { text: '三', font: { color: { argb: 'FFFF0000' } } }] }
    ws.getCell('C2').value = 89.55
    ws.getCell('D2').value = true
    ws.getCell('F2').value = 'A & B <tag> "q"'
    // row 3 empty; row 4 after the gap
    ws.getCell('A4').value = '楼栋' // the same string again: one shared entry
    ws.getCell('C4').value = { formula: 'C2*2', result: 179.1 }
    ws.getCell('D4').value = false
    ws.getCell('E4').value = new Date(Date.UTC(2026, 0, 1))
    ws.getCell('F4').value = { formula: 'B1&"x"', result: '姓名x' }
    wb.addWorksheet('第二页').getCell('B2').value = 7
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer({ useSharedStrings: true }))
    // it really used a shared-strings table (so this exercises that path)
    expect(Object.keys(unzipSync(bytes))).toContain('xl/sharedStrings.xml')

    const sheets = await readXlsx(bytes)
    expect(sheets.map((s) => s.name)).toEqual(['业主名册', '第二页'])
    expect(sheets[0]!.rows).toEqual([
      ['楼栋', '姓名', '面积', '已核验', '', '备注'],
      ['1', '张三', '89.55', 'TRUE', '', 'A & B <tag> "q"'],
      [],
      // 2026-01-01 as an Excel serial (days since 1899-12-30)
      ['楼栋', '', '179.1', 'FALSE', '46023', '姓名x'],
    ])
    expect(sheets[1]!.rows).toEqual([[], ['', '7']])
    const table = await readTable(bytes, 'xlsx')
    expect(table.header).toEqual(['楼栋', '姓名', '面积', '已核验', '', '备注'])
    expect(table.records.map((r) => r.line)).toEqual([2, 4])
  })

  it('exceljs reads what writeXlsx writes', async () => {
    const bytes = writeXlsx([
      {
        name: '结果',
        rows: [
          ['议题', '同意', '面积（㎡）', '备注'],
          ['更换电梯', 120, 89.55, 'A & B <c> "d"'],
          ['维修屋面', 0, null, ''],
        ],
        columnWidths: [20, 8, 12, 30],
      },
      { name: 'Sheet & 2', rows: Array.from({ length: 3 }, (_, r) => Array.from({ length: 28 }, (_, c) => (c === 27 ? `AB${r + 1}` : r * 100 + c))) },
    ])
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['结果', 'Sheet & 2'])
    const ws = wb.getWorksheet('结果')!
    expect(ws.getCell('A1').value).toBe('议题')
    expect(ws.getCell('A1').font?.bold).toBe(true)
    expect(ws.getCell('A2').font?.bold).toBeFalsy()
    expect(ws.getCell('B2').value).toBe(120)
    expect(ws.getCell('C2').value).toBe(89.55)
    expect(ws.getCell('D2').value).toBe('A & B <c> "d"')
    expect(ws.getCell('B3').value).toBe(0)
    expect(ws.getCell('C3').value).toBeNull()
    expect(ws.getColumn(1).width).toBe(20)
    const second = wb.getWorksheet('Sheet & 2')!
    expect(second.getCell('AB3').value).toBe('AB3')
    expect(second.getCell('AA2').value).toBe(126)
  })
})

describe('XLSX reader details', () => {
  it('decodes entities in shared strings, inline strings, formula strings and sheet names', async () => {
    const bytes = handBook(
      `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>&#x4E2D;&#25991; &lt;&gt; &quot;&apos;</t></is></c><c r="C1" t="str"><f>A1</f><v>x &amp;amp; y</v></c></row>`,
      `<si><t>A &amp; B</t></si>`,
      'R&amp;D',
    )
    const [sheet] = await readXlsx(bytes)
    expect(sheet!.name).toBe('R&D')
    expect(sheet!.rows).toEqual([['A & B', '中文 <> "\'', 'x &amp; y']])
  })

  it('rich-text runs are joined, phonetic hints (rPh) left out', async () => {
    const bytes = handBook(
      `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`,
      `<si><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">张 </t></r><r><t>三</t></r></si><si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>`,
    )
    expect((await readXlsx(bytes))[0]!.rows).toEqual([['张 三', '東京']])
  })

  it('an empty shared string written as <si/> keeps the indices of those after it', async () => {
    const bytes = handBook(
      `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>`,
      `<si><t>a</t></si><si/><si><t/></si><si><t>d</t></si>`,
    )
    expect((await readXlsx(bytes))[0]!.rows).toEqual([['a', '', '', 'd']])
  })

  it('numbers come back as the shortest decimal that round-trips', async () => {
    const bytes = handBook(`<row r="1"><c r="A1"><v>89.549999999999997</v></c><c r="B1" t="n"><v>1.0000000000000000E+2</v></c><c r="C1" t="b"><v>0</v></c><c r="D1" t="e"><v>#DIV/0!</v></c></row>`)
    expect((await readXlsx(bytes))[0]!.rows).toEqual([['89.55', '100', 'FALSE', '#DIV/0!']])
  })

  it('rows and cells without r attributes follow the previous ones', async () => {
    const bytes = handBook(`<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row><row r="3"><c r="B3"><v>2</v></c><c><v>3</v></c></row><row><c><v>4</v></c></row>`)
    expect((await readXlsx(bytes))[0]!.rows).toEqual([['a', '1'], [], ['', '2', '3'], ['4']])
  })

  it("non-zip bytes, empty bytes, a zip without a workbook, a missing sheet → 'unreadable'", async () => {
    expect((await spreadsheetError(() => readXlsx(bytesOf('楼栋,单元\r\n1,2\r\n')))).code).toBe('unreadable')
    expect((await spreadsheetError(() => readXlsx(new Uint8Array(0)))).code).toBe('unreadable')
    expect((await spreadsheetError(() => readXlsx(zipSync({ 'word/document.xml': strToU8('<w:document/>') })))).code).toBe('unreadable')
    const noSheetFile = zipSync({
      'xl/workbook.xml': strToU8(`<workbook xmlns:r="${REL_NS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`),
      'xl/_rels/workbook.xml.rels': strToU8(`<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`),
    })
    expect((await spreadsheetError(() => readXlsx(noSheetFile))).code).toBe('unreadable')
    const noSheets = zipSync({ 'xl/workbook.xml': strToU8('<workbook><sheets/></workbook>') })
    expect((await spreadsheetError(() => readXlsx(noSheets))).code).toBe('unreadable')
    // a truncated real file
    const real = writeXlsx([{ name: 'S', rows: [['a']] }])
    expect((await spreadsheetError(() => readXlsx(real.subarray(0, real.length - 30)))).code).toBe('unreadable')
  })

  it("a character reference to no character is 'unreadable', not a crash", async () => {
    const bytes = handBook(`<row r="1"><c r="A1" t="inlineStr"><is><t>&#x110000;</t></is></c></row>`)
    expect((await spreadsheetError(() => readXlsx(bytes))).code).toBe('unreadable')
  })

  it("limits.inflatedBytes → 'too_large'", async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [`row ${i}`, i, 'x'.repeat(50)])
    const bytes = writeXlsx([{ name: 'S', rows }])
    expect(bytes.length).toBeLessThan(100_000)
    expect((await spreadsheetError(() => readXlsx(bytes, { limits: { inflatedBytes: 50_000 } }))).code).toBe('too_large')
    expect((await readXlsx(bytes, { limits: { inflatedBytes: 10_000_000 } }))[0]!.rows).toHaveLength(2000)
  })

  it("limits.cells and limits.rows → 'too_large'", async () => {
    const bytes = writeXlsx([{ name: 'S', rows: Array.from({ length: 10 }, () => ['a', 'b', 'c']) }])
    expect((await readXlsx(bytes, { limits: { cells: 30 } }))[0]!.rows).toHaveLength(10)
    expect((await spreadsheetError(() => readXlsx(bytes, { limits: { cells: 29 } }))).code).toBe('too_large')
    expect((await spreadsheetError(() => readXlsx(bytes, { limits: { rows: 9 } }))).code).toBe('too_large')
  })

  it('a far-away cell reference cannot make a tiny file allocate a huge table', async () => {
    // empty rows cost nothing: one cell at A1000 is one row
    const deepRow = handBook(`<row r="1000"><c r="A1000"><v>1</v></c></row>`)
    expect((await readXlsx(deepRow, { limits: { cells: 1 } }))[0]!.rows).toHaveLength(1000)
    // a value past the column limit is refused, naming its cell
    const wideCol = await spreadsheetError(() => readXlsx(handBook(`<row r="1"><c r="XFD1"><v>1</v></c></row>`)))
    expect(wideCol.code).toBe('too_large')
    expect(wideCol.message).toContain('XFD1')
    // beyond Excel's own limits (1,048,576 rows, XFD columns) the file is not a sheet: refused quickly
    const started = performance.now()
    expect((await spreadsheetError(() => readXlsx(handBook(`<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>`)))).code).toBe('unreadable')
    expect((await spreadsheetError(() => readXlsx(handBook(`<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>`)))).code).toBe('unreadable')
    expect((await spreadsheetError(() => readXlsx(handBook(`<row r="0"><c r="A0"><v>1</v></c></row>`)))).code).toBe('unreadable')
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('readTable', () => {
  it('CSV: header is line 1; blank rows are skipped but counted; values and headers trimmed', async () => {
    const csv = '\uFEFF 楼栋 ,单元,房号,,备注\r\n1,2,101,ignored, x \r\n\r\n , ,\r\n3,4,"402"\r\n'
    const table = await readTable(bytesOf(csv), 'csv')
    expect(table.header).toEqual(['楼栋', '单元', '房号', '', '备注'])
    expect(table.records).toEqual([
      { line: 2, values: { 楼栋: '1', 单元: '2', 房号: '101', 备注: 'x' } },
      { line: 5, values: { 楼栋: '3', 单元: '4', 房号: '402', 备注: '' } },
    ])
  })

  it('CSV: blank lines before the header are counted too', async () => {
    const table = await readTable(bytesOf('\r\n,,\r\na,b\r\n1,2\r\n'), 'csv')
    expect(table.header).toEqual(['a', 'b'])
    expect(table.records).toEqual([{ line: 4, values: { a: '1', b: '2' } }])
  })

  it('XLSX: line numbers are the Excel row numbers, gaps included', async () => {
    const bytes = handBook(
      `<row r="2"><c r="A2" t="inlineStr"><is><t>楼栋</t></is></c><c r="B2" t="inlineStr"><is><t>房号</t></is></c></row>` +
        `<row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>101</v></c></row>` +
        `<row r="4"><c r="A4" t="inlineStr"><is><t>  </t></is></c></row>` +
        `<row r="7"><c r="B7"><v>702</v></c></row>`,
    )
    const table = await readTable(bytes, 'xlsx')
    expect(table.header).toEqual(['楼栋', '房号'])
    expect(table.records).toEqual([
      { line: 3, values: { 楼栋: '1', 房号: '101' } },
      { line: 7, values: { 楼栋: '', 房号: '702' } },
    ])
  })

  it('XLSX written by us reads back as a table', async () => {
    const bytes = writeXlsx([{ name: '名册', rows: [['楼栋', '单元'], ['1', 2], [], ['3', null]] }])
    expect((await readTable(bytes, 'xlsx')).records).toEqual([
      { line: 2, values: { 楼栋: '1', 单元: '2' } },
      { line: 4, values: { 楼栋: '3', 单元: '' } },
    ])
  })

  it("an empty table is 'empty'; XLSX errors surface unchanged", async () => {
    expect((await spreadsheetError(() => readTable(bytesOf('\r\n , \r\n'), 'csv'))).code).toBe('empty')
    expect((await spreadsheetError(() => readTable(new Uint8Array(0), 'csv'))).code).toBe('empty')
    expect((await spreadsheetError(() => readTable(writeXlsx([{ name: 'S', rows: [] }]), 'xlsx'))).code).toBe('empty')
    expect((await spreadsheetError(() => readTable(bytesOf('a,b'), 'xlsx'))).code).toBe('unreadable')
  })
})

describe('scale', () => {
  it('20,000 rows × 11 columns: write and read back in reasonable time', async () => {
    const header = ['楼栋', '单元', '房号', '业主姓名', '证件类型', '证件号码', '手机号', '专有部分面积', '共有', '代表人', '备注']
    const rows: (string | number | null)[][] = [header]
    for (let i = 0; i < 20_000; i++) {
      rows.push([`${(i % 30) + 1}`, `${(i % 4) + 1}`, `${1000 + i}`, `业主${i}`, '居民身份证', `1101011990${String(i).padStart(8, '0')}`, `138${String(i).padStart(8, '0')}`, (8955 + (i % 100)) / 100, i % 7 === 0 ? '是' : '否', null, i % 10 === 0 ? 'A & B <备注>' : ''])
    }
    const t0 = performance.now()
    const bytes = writeXlsx([{ name: '名册', rows }])
    const t1 = performance.now()
    const table = await readTable(bytes, 'xlsx')
    const t2 = performance.now()
    const csv = toCsv(rows)
    const csvTable = await readTable(bytesOf(csv), 'csv')
    const t3 = performance.now()
    console.log(
      `[spreadsheet scale] 20,000×11: writeXlsx ${(t1 - t0).toFixed(0)} ms (${(bytes.length / 1024).toFixed(0)} KiB), readTable(xlsx) ${(t2 - t1).toFixed(0)} ms, toCsv+readTable(csv) ${(t3 - t2).toFixed(0)} ms`,
    )
    expect(table.records).toHaveLength(20_000)
    expect(csvTable.records).toHaveLength(20_000)
    const last = table.records[19_999]!
    expect(last.line).toBe(20_001)
    expect(last.values).toEqual({ 楼栋: '20', 单元: '4', 房号: '20999', 业主姓名: '业主19999', 证件类型: '居民身份证', 证件号码: '110101199000019999', 手机号: '13800019999', 专有部分面积: '90.54', 共有: '是', 代表人: '', 备注: '' })
    expect(table.records[10]!.values.备注).toBe('A & B <备注>')
    expect(csvTable.records[19_999]).toEqual(last)
    // generous: a slow CI machine should still be far inside this
    expect(t2 - t0).toBeLessThan(15_000)
  })
})
