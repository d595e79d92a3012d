import ExcelJS from 'exceljs'
import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { columnName, excelNumber, readTable, readXlsx, SpreadsheetError, toCsv, parseCsv, writeXlsx } from '../../worker/lib/spreadsheet'
import { parseYuan } from '../../shared/statement-table'
import { handXlsx } from '../helpers/hostile-files'

/** Files as Excel and WPS write them, built with exceljs the way an office fills in a template. */
const bytesOf = async (wb: ExcelJS.Workbook) => new Uint8Array(await wb.xlsx.writeBuffer())

/** Every value exceljs sees in a file, as text the way our reader gives it. */
async function exceljsValues(bytes: Uint8Array): Promise<{ name: string; cells: Record<string, string> }[]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer)
  return wb.worksheets.map((ws) => {
    const cells: Record<string, string> = {}
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const v = cell.value
        cells[cell.address] = typeof v === 'number' ? excelNumber(String(v)) : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v)
      }),
    )
    return { name: ws.name, cells }
  })
}

/** Our reader's view of the same file, keyed the same way. */
async function ourValues(bytes: Uint8Array) {
  return (await readXlsx(bytes)).map((s) => {
    const cells: Record<string, string> = {}
    s.rows.forEach((row, r) =>
      row.forEach((v, c) => {
        if (v !== '') cells[`${columnName(c)}${r + 1}`] = v
      }),
    )
    return { name: s.name, cells }
  })
}

describe('numbers as Excel shows them', () => {
  it('a cached formula result has 15 significant digits; an ID number in a General cell is scientific', () => {
    expect(excelNumber('2023.6799999999998')).toBe('2023.68')
    expect(excelNumber('0.30000000000000004')).toBe('0.3')
    expect(excelNumber('1.10101199003077E+17')).toBe('1.10101199003077E+17')
    expect(excelNumber('110101199003077000')).toBe('1.10101199003077E+17')
    expect(excelNumber('13800138000')).toBe('13800138000')
    expect(excelNumber('-500')).toBe('-500')
  })
})

describe('real-shaped files', () => {
  it('formulas, merged 楼栋, text-formatted IDs, a hidden first sheet, namespace prefixes, _x000D_', async () => {
    const wb = new ExcelJS.Workbook()
    const hidden = wb.addWorksheet('旧数据')
    hidden.state = 'hidden'
    hidden.getCell('A1').value = '不要读我'
    const ws = wb.addWorksheet('业主名册')
    ws.addRow(['楼栋', '房号', '专有部分面积', '证件号码', '备注'])
    ws.addRow(['1栋', '101', { formula: '89.5+0.1', result: 89.6 }, '110101199003077000', '第一行_x000D_第二行'])
    ws.addRow([null, '102', { formula: 'C2*1', result: 2023.6799999999998 }, 110101199003077000, ''])
    ws.addRow([null, '103', 90, '110101199003077000', ''])
    ws.mergeCells('A2:A4')
    ws.getColumn(4).numFmt = '@'
    const bytes = await bytesOf(wb)

    const table = await readTable(bytes, 'xlsx', { sheet: ['业主名册'] })
    expect(table.sheet).toBe('业主名册')
    expect(table.records.map((r) => r.values)).toEqual([
      { 楼栋: '1栋', 房号: '101', 专有部分面积: '89.6', 证件号码: '110101199003077000', 备注: '第一行\r第二行' },
      { 楼栋: '1栋', 房号: '102', 专有部分面积: '2023.68', 证件号码: '1.10101199003077E+17', 备注: '' },
      { 楼栋: '1栋', 房号: '103', 专有部分面积: '90', 证件号码: '110101199003077000', 备注: '' },
    ])
    // without a name: the first sheet a person can see, not the hidden one
    expect((await readTable(bytes, 'xlsx')).sheet).toBe('业主名册')
  })

  it('elements with a namespace prefix (<x:row>) read like plain ones', async () => {
    const bytes = handXlsx(`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>楼栋</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2"><x:v>3</x:v></x:c></x:row>`)
    expect((await readXlsx(bytes))[0]!.rows).toEqual([['楼栋'], ['3']])
  })

  it('a room number Excel turned into a date is marked with its cell', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('业主名册')
    ws.addRow(['楼栋', '房号'])
    ws.addRow(['1栋', new Date(Date.UTC(2026, 2, 12))])
    ws.getCell('B2').numFmt = 'yyyy/m/d'
    const table = await readTable(await bytesOf(wb), 'xlsx')
    expect(table.records[0]!.dates).toEqual({ 房号: 'B2' })
  })

  it('a merge too large to fill is refused, naming the merge', async () => {
    const bytes = handXlsx(`<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData><mergeCells><mergeCell ref="A1:A1048576"/></mergeCells><sheetData>`)
    const e = await readXlsx(bytes).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(SpreadsheetError)
    expect((e as SpreadsheetError).message).toContain('A1:A1048576')
  })
})

/** A workbook of several sheets written by hand: each its name, its state and its <sheetData> XML. */
function handBook(sheets: { name: string; state?: 'hidden' | 'veryHidden'; xml: string }[]): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'xl/workbook.xml': strToU8(`<workbook xmlns:r="r"><sheets>${sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<Relationships>${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}</Relationships>`),
  }
  sheets.forEach((s, i) => (files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(`<worksheet><sheetData>${s.xml}</sheetData></worksheet>`)))
  return zipSync(files)
}
const text = (ref: string, v: string) => `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`
const row = (r: number, ...cells: string[]) => `<row r="${r}">${cells.join('')}</row>`
const ROLL = row(1, text('A1', '楼栋'), text('B1', '房号')) + row(2, text('A2', '1栋'), text('B2', '101'))
const columns = ['楼栋', '单元', '房号']

describe('which sheet holds the table', () => {
  it('the others are judged by their first rows only: a long or wide sheet that is not the table does not refuse the file', async () => {
    const long = Array.from({ length: 50 }, (_, i) => row(i + 1, text(`A${i + 1}`, `第${i + 1}条`))).join('')
    const wide = row(1, text('A1', '说明'), text('Z1', '远处的备注'))
    const bytes = handBook([{ name: '明细', xml: long }, { name: '备注', xml: wide }, { name: 'Sheet3', xml: ROLL }])
    const table = await readTable(bytes, 'xlsx', { columns, limits: { rows: 20, columns: 10 } })
    expect(table.sheet).toBe('Sheet3')
    expect(table.records.map((r) => r.values)).toEqual([{ 楼栋: '1栋', 房号: '101' }])
    // the chosen sheet itself is held to the limits
    await expect(readTable(handBook([{ name: 'S', xml: long }]), 'xlsx', { columns, limits: { rows: 20 } })).rejects.toMatchObject({ code: 'too_large' })
  })

  it('a very hidden sheet is hidden too; a lone visible sheet without the header is read as before, for the importer to name the columns it lacks', async () => {
    const cover = row(1, text('A1', '填写说明'))
    await expect(readTable(handBook([{ name: '说明', xml: cover }, { name: '名册', state: 'veryHidden', xml: ROLL }]), 'xlsx', { columns })).rejects.toMatchObject({ code: 'header_not_found', message: expect.stringContaining('隐藏的工作表“名册”中有表头') })
    const lone = await readTable(handBook([{ name: '名册', xml: row(1, text('A1', '幢'), text('B1', '室')) + row(2, text('A2', '1'), text('B2', '101')) }]), 'xlsx', { columns })
    expect(lone.header).toEqual(['幢', '室'])
  })

  it('an ISO date cell (t="d", as LibreOffice writes one) is marked as a date like a date-formatted number', async () => {
    const bytes = handBook([{ name: '业主名册', xml: row(1, text('A1', '楼栋'), text('B1', '房号')) + row(2, text('A2', '1栋'), '<c r="B2" t="d"><v>2026-03-12T00:00:00</v></c>') }])
    const table = await readTable(bytes, 'xlsx', { columns })
    expect(table.records[0]!.dates).toEqual({ 房号: 'B2' })
  })
})

describe('what we write, both readers read the same', () => {
  it('strings, numbers, money, text columns, drop-downs', async () => {
    const bytes = writeXlsx([
      {
        name: '报表',
        rows: [['项目', '金额（元）', '证件号码'], ['期初余额', -500, '110101199003077000'], ['收入', 1234.5, ''], ['说明', 'A & B <c>', null]],
        moneyColumns: [1],
        textColumns: [2],
        choices: [{ column: 0, values: ['期初余额', '收入'] }],
      },
      { name: '信息', rows: [['发布时间', '2026年12月6日 08:09']] },
    ])
    expect(await ourValues(bytes)).toEqual(await exceljsValues(bytes))
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('报表')!
    expect(ws.getCell('B2').numFmt).toBe('#,##0.00')
    expect(ws.getCell('C2').numFmt).toBe('@')
    expect(ws.getCell('A5').dataValidation).toMatchObject({ type: 'list', formulae: ['"期初余额,收入"'] })
  })
})

describe('CSV export round trip', () => {
  it('a negative amount as text is left alone by the formula guard and reads back exactly', () => {
    const csv = toCsv([['期初余额', '', '-500.00'], ['x', '', '-1,234.50'], ['y', '', '-cmd']])
    expect(csv).toBe('\uFEFF期初余额,,-500.00\r\nx,,"-1,234.50"\r\ny,,\'-cmd\r\n')
    const back = parseCsv(csv)
    expect(parseYuan(back[0]![2]!, true)).toBe(-50_000)
    expect(parseYuan(back[1]![2]!, true)).toBe(-123_450)
  })
})
