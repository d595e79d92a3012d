import ExcelJS from 'exceljs'
import { sql } from 'drizzle-orm'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { XLSX_TYPE } from '../../worker/lib/download'
import { readXlsx, toCsv } from '../../worker/lib/spreadsheet'
import { rowsOf } from '../../worker/services/roles/resolve'
import { adminToken, announcedPoll, COUNTING_PEOPLE, createCommunity, firmServingCommunity, openWindow, setupCommunity, simpleRoster, statement, type RosterRowInput } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { ROSTER_HEADERS, rosterTable } from '../helpers/hostile-files'

let h: Harness
let admin: string
beforeAll(async () => {
  h = await startHarness()
  admin = await adminToken(h)
})
afterAll(async () => {
  await h?.close()
})

const load = async (bytes: Uint8Array) => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer)
  return wb
}
const fileOf = async (path: string, token?: string) => new Uint8Array(await (await h.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} })).arrayBuffer())

describe('rolls as offices fill them in', () => {
  it('the template keeps IDs and phones as text and offers drop-downs for the choice columns', async () => {
    const wb = await load(await fileOf('/api/roster/template.xlsx'))
    const ws = wb.getWorksheet('业主名册')!
    const col = (header: string) => ROSTER_HEADERS.indexOf(header as (typeof ROSTER_HEADERS)[number]) + 1
    for (const h of ['证件号码', '手机号', '房号']) expect(ws.getCell(100, col(h)).numFmt ?? ws.getColumn(col(h)).numFmt).toBe('@')
    expect(ws.getCell(10, col('面积来源')).dataValidation).toMatchObject({ type: 'list', formulae: ['"不动产登记,实测,合同"'] })
    expect(ws.getCell(10, col('房屋类型')).dataValidation.formulae).toEqual(['"住宅,车位,商业,其他"'])
    expect(ws.getCell(10, col('是否代表人')).dataValidation.formulae).toEqual(['"是,否"'])
    expect(ws.getCell(10, col('开发商持有')).dataValidation.formulae).toEqual(['"是,否"'])
  })

  it('an ID number Excel stored as a number, a room number it turned into a date: each named, in one answer', async () => {
    const c = await createCommunity(h, admin)
    const wb = new ExcelJS.Workbook()
    const cover = wb.addWorksheet('说明')
    cover.state = 'hidden'
    const ws = wb.addWorksheet('业主名册')
    const rows = rosterTable(simpleRoster(3))
    rows.forEach((r) => ws.addRow(r))
    ws.getCell('H2').value = 110101199003077000 // typed into a General cell
    ws.getCell('C3').value = new Date(Date.UTC(2026, 2, 12)) // "3-12"
    ws.getCell('C3').numFmt = 'm/d'
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: new Uint8Array(await wb.xlsx.writeBuffer()), headers: { 'content-type': XLSX_TYPE } })
    expect(res.status).toBe(422)
    const messages = res.json.error.details.errors.map((e: { message: string }) => e.message)
    expect(messages).toContain('第2行 证件号码被 Excel 存成了数字，请把该列设为文本后重新输入')
    expect(messages.join()).not.toContain('校验位')
    expect(messages).toContain('第3行 房号（单元格 C3）被 Excel 识别成了日期，请把该列设为文本后重新输入')
  })

  it('楼栋 merged down its block, a hidden first sheet, formulas: imported as a person sees it', async () => {
    const c = await createCommunity(h, admin)
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet('旧名册').state = 'hidden'
    const ws = wb.addWorksheet('业主名册')
    const rows = rosterTable(simpleRoster(4))
    rows.forEach((r) => ws.addRow(r))
    for (let r = 3; r <= 5; r++) ws.getCell(`A${r}`).value = null
    ws.mergeCells('A2:A5')
    ws.getCell('E2').value = { formula: '88+0.5', result: 88.49999999999999 }
    ws.getColumn(8).numFmt = '@'
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: new Uint8Array(await wb.xlsx.writeBuffer()), headers: { 'content-type': XLSX_TYPE } })
    expect(res.status).toBe(201)
    expect(res.json.unitCount).toBe(4)
  })
})

describe('statement exports round-trip', () => {
  it('a negative opening balance exports as a number (CSV and XLSX) and uploads again', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 91)
    const first = await h.request('POST', `/api/communities/${s.community.id}/statements`, {
      token: firm.token,
      json: statement('service_fee', '2026Q3', -50_000, [{ direction: 'income', category: '物业费', amountFen: 500_000 }, { direction: 'expense', category: '保洁', amountFen: 300_000 }]),
    })
    expect(first.status).toBe(201)
    const csv = await h.request('GET', `/api/statements/${first.json.id}/export.csv`, { token: s.owner })
    expect(csv.text).toContain('期初余额,,-500.00')
    const again = await h.request('POST', `/api/communities/${s.community.id}/statements/upload?kind=service_fee&period=2026Q3&replacesId=${first.json.id}&correctionReason=${encodeURIComponent('重新上传导出的文件')}`, {
      token: firm.token,
      body: csv.text,
      headers: { 'content-type': 'text/csv' },
    })
    expect(again.status, again.text).toBe(201)
    expect(again.json.content.openingFen).toBe(-50_000)
    // every sheet of the XLSX export: exceljs and our reader see the same values
    const bytes = await fileOf(`/api/statements/${first.json.id}/export.xlsx`, s.owner)
    const ours = await readXlsx(bytes)
    const theirs = await load(bytes)
    for (const [i, sheet] of ours.entries()) {
      const ws = theirs.worksheets[i]!
      expect(ws.name).toBe(sheet.name)
      sheet.rows.forEach((row, r) => row.forEach((v, c) => v !== '' && expect(String(ws.getCell(r + 1, c + 1).value)).toBe(v)))
    }
    expect(ours[0]!.rows.find((r) => r[0] === '期初余额')?.[2]).toBe('-500')
  })
})

describe("the law's clocks", () => {
  it('a quarter cannot be published before it has ended (the clock says 2026-11-20)', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 92)
    const early = await h.request('POST', `/api/communities/${s.community.id}/statements`, { token: firm.token, json: statement('service_fee', '2026Q4', 0, [{ direction: 'income', category: '物业费', amountFen: 1 }]) })
    expect(early.status).toBe(422)
    expect(early.json.error.details.errors[0]).toMatchObject({ code: 'period_not_ended', message: '2026年第4季度 尚未结束（截至 2026年12月31日），期满后才能发布该期报表' })
  })

  it('a correction keeps the objections of the version before and supersedes its notice on the board', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 93)
    const body = statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 500_000 }])
    const v1 = await h.request('POST', `/api/communities/${s.community.id}/statements`, { token: firm.token, json: body })
    expect(v1.status).toBe(201)
    const objected = await h.request('POST', `/api/statements/${v1.json.id}/objections`, { token: s.owner, json: { line: 1, body: '物业费收入与收费公示不符，请核对' } })
    expect(objected.status).toBe(201)
    const v2 = await h.request('POST', `/api/communities/${s.community.id}/statements`, {
      token: firm.token,
      json: { ...statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 480_000 }]), replacesId: v1.json.id, correctionReason: '按业主异议核对后更正' },
    })
    expect(v2.status).toBe(201)
    const thread = await h.request('GET', `/api/statements/${v2.json.id}/objections`, { token: s.owner })
    expect(thread.json.objections).toEqual([expect.objectContaining({ statementId: v1.json.id, body: '物业费收入与收费公示不符，请核对' })])
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    const disclosure = board.json.notices.filter((n: { statementId?: string; title: string }) => n.title.startsWith('2026年第3季度 物业服务费'))
    expect(disclosure).toHaveLength(1)
    expect(disclosure[0]).toMatchObject({ version: 2, supersedesId: expect.any(String) })
  })
})

describe('counting registers as counters type them in Excel', () => {
  it('reads 收到时间 Excel holds as a date as the Beijing time it shows, opinions as typed, and names a room turned into a date', async () => {
    const s = await setupCommunity(h, { units: 6 })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
    h.clock.advance(5100)
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: COUNTING_PEOPLE })).status).toBe(201)
    // 09:00 Beijing on the poll's day, as Excel holds a time typed in a cell: no time zone
    const bj = new Date(h.clock.now().getTime() + 8 * 3600_000)
    const typedAt = new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate(), 9, 0))
    const register = async (rows: (string | Date)[][], roomAsDate = false) => {
      const wb = new ExcelJS.Workbook()
      const ws = wb.addWorksheet('计票登记表')
      ws.addRow(['楼栋', '单元', '房号', '表决意见', '废票原因', '收到时间'])
      rows.forEach((r) => ws.addRow(r))
      for (let i = 2; i <= rows.length + 1; i++) ws.getCell(`F${i}`).numFmt = 'yyyy-mm-dd hh:mm'
      if (roomAsDate) {
        ws.getCell('C2').value = new Date(Date.UTC(2026, 2, 12))
        ws.getCell('C2').numFmt = 'm/d'
      }
      return h.request('POST', `/api/polls/${p.id}/counting/register`, { token: s.committee, body: new Uint8Array(await wb.xlsx.writeBuffer()), headers: { 'content-type': XLSX_TYPE } })
    }
    const row = (i: number, opinion: string) => [s.rows[i]!.楼栋, s.rows[i]!.单元 ?? '', s.rows[i]!.房号, opinion, '', typedAt]
    const refused = await register([row(0, '同意'), row(1, '随便')], true)
    expect(refused.status).toBe(422)
    const messages = refused.json.error.details.errors.map((e: { message: string }) => e.message)
    expect(messages).toContain('第2行 房号（单元格 C2）被 Excel 识别成了日期，请把该列设为文本后重新输入')
    expect(messages).toContain('第3行 表决意见“随便”看不懂：请填写同意、反对或弃权（无法辨认的票请登记为废票并写明原因）')
    const entered = await register([row(0, '同 意'), row(1, '同意。'), row(2, '√同意'), row(3, '赞成'), row(4, '不同意'), row(5, '弃权')])
    expect(entered.status, entered.text).toBe(201)
    expect(entered.json.entered).toBe(6)
    const stored = await h.db.execute(sql`select choice, received_at from ballots where poll_id = ${p.id} order by cast_at, receipt`)
    const got = rowsOf<{ choice: string; received_at: Date | string }>(stored)
    expect(got.map((b) => b.choice).sort()).toEqual(['abstain', 'agree', 'agree', 'agree', 'agree', 'oppose'])
    // received at 09:00 Beijing time, as the cell shows
    for (const b of got) expect(new Date(b.received_at).getTime()).toBe(typedAt.getTime() - 8 * 3600_000)
  })
})

const xlsxBytes = async (wb: ExcelJS.Workbook) => new Uint8Array(await wb.xlsx.writeBuffer())
const postRoll = (cid: string, body: Uint8Array | string, type = XLSX_TYPE) => h.request('POST', `/api/communities/${cid}/roster`, { token: admin, body, headers: { 'content-type': type } })
const rollCsv = (rows: RosterRowInput[]) => toCsv(rosterTable(rows))
/** a sheet of rows, as an office adds one to a workbook */
const addSheet = (wb: ExcelJS.Workbook, name: string, rows: (string | number)[][], state?: 'hidden') => {
  const ws = wb.addWorksheet(name)
  rows.forEach((r) => ws.addRow(r))
  if (state) ws.state = state
  return ws
}
/** a cover an office puts first: a title, and what each column means, one column to a line */
const COVER = [['幸福里小区业主名册（2026年）'], ['列', '填写说明'], ['楼栋', '如 1栋'], ['房号', '如 101'], ['专有部分面积', '按不动产登记簿']]
const unitsOf = async (cid: string) => (await h.request('GET', `/api/communities/${cid}/roster/units?pageSize=100`, { token: admin })).json.units as { building: string; unit: string; room: string; area: string }[]
const errorsOf = (res: { json: { error: { details: { errors: { line: number; column?: string; code: string; message: string }[] } } } }) => res.json.error.details.errors

describe('the table on another sheet than the first', () => {
  it('a cover sheet first and the roll on "Sheet2" (an old roll hidden beside it): the roll is read', async () => {
    const c = await createCommunity(h, admin)
    const wb = new ExcelJS.Workbook()
    addSheet(wb, '说明', COVER)
    addSheet(wb, '旧名册', rosterTable(simpleRoster(5)), 'hidden')
    addSheet(wb, 'Sheet2', [['幸福里小区业主名册'], ...rosterTable(simpleRoster(3))])
    const res = await postRoll(c.id, await xlsxBytes(wb))
    expect(res.status, res.text).toBe(201)
    expect(res.json.unitCount).toBe(3)
  })

  it('two sheets carrying the roll are refused, naming both; the one named 业主名册 is taken', async () => {
    const c = await createCommunity(h, admin)
    const book = async (second: string) => {
      const wb = new ExcelJS.Workbook()
      addSheet(wb, '2025年', rosterTable(simpleRoster(2)))
      addSheet(wb, second, rosterTable(simpleRoster(4)))
      return xlsxBytes(wb)
    }
    const refused = await postRoll(c.id, await book('2026年'))
    expect(refused.status).toBe(422)
    expect(refused.json.error).toMatchObject({
      code: 'SPREADSHEET_UNREADABLE',
      details: { reason: 'sheet_ambiguous' },
      message: '工作表“2025年”、“2026年”都有表头（写有“楼栋”、“单元”、“房号”等列名的一行），无法确定要导入哪一张：请删去或隐藏不导入的工作表，或把要导入的那张命名为“业主名册”，然后重新上传',
    })
    const named = await postRoll(c.id, await book('业主名册'))
    expect(named.status, named.text).toBe(201)
    expect(named.json.unitCount).toBe(4)
  })

  it('no sheet with the header: the sheets looked at are named; a roll only on a hidden sheet is named as hidden, not read', async () => {
    const c = await createCommunity(h, admin)
    const wb = new ExcelJS.Workbook()
    addSheet(wb, '说明', COVER)
    addSheet(wb, 'Sheet2', [['序号', '备注'], [1, '待补']])
    const none = await postRoll(c.id, await xlsxBytes(wb))
    expect(none.status).toBe(422)
    expect(none.json.error).toMatchObject({
      details: { reason: 'header_not_found' },
      message: '在工作表“说明”、“Sheet2”中都没有找到表头（写有“楼栋”、“单元”、“房号”等列名的一行），请确认上传的是按模板填写的表格',
    })
    const hiddenRoll = new ExcelJS.Workbook()
    addSheet(hiddenRoll, '说明', COVER)
    addSheet(hiddenRoll, '业主名册', rosterTable(simpleRoster(2)), 'hidden')
    const hidden = await postRoll(c.id, await xlsxBytes(hiddenRoll))
    expect(hidden.status).toBe(422)
    expect(hidden.json.error.details.reason).toBe('header_not_found')
    expect(hidden.json.error.message).toBe(
      '在工作表“说明”中都没有找到表头（写有“楼栋”、“单元”、“房号”等列名的一行）；隐藏的工作表“业主名册”中有表头，但隐藏的工作表不会被读取（看不见的内容无法核对，多半是旧表），如果要导入的就是它，请在 Excel 中取消隐藏后重新上传',
    )
  })

  it('a statement after a cover sheet, and a counting register after a 说明 sheet, are read from the sheet that carries them', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const firm = await firmServingCommunity(h, s, 94)
    const wb = new ExcelJS.Workbook()
    addSheet(wb, '封面', [['某某物业服务有限公司'], ['2026年第3季度 物业服务费收支情况']])
    addSheet(wb, '三季度', [['项目', '科目', '金额（元）'], ['期初余额', '', 0], ['收入', '物业费', 500], ['收入合计', '', 500], ['支出合计', '', 0], ['期末余额', '', 500]])
    const published = await h.request('POST', `/api/communities/${s.community.id}/statements/upload?kind=service_fee&period=2026Q3`, { token: firm.token, body: await xlsxBytes(wb), headers: { 'content-type': XLSX_TYPE } })
    expect(published.status, published.text).toBe(201)
    expect(published.json.content.closingFen).toBe(50_000)

    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
    h.clock.advance(5100)
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: COUNTING_PEOPLE })).status).toBe(201)
    const register = new ExcelJS.Workbook()
    addSheet(register, '说明', [['计票登记表填写说明'], ['每张纸质票一行']])
    addSheet(register, 'Sheet2', [['楼栋', '单元', '房号', '表决意见'], ...s.rows.slice(0, 2).map((r) => [r.楼栋, r.单元 ?? '', r.房号, '同意'])])
    const entered = await h.request('POST', `/api/polls/${p.id}/counting/register`, { token: s.committee, body: await xlsxBytes(register), headers: { 'content-type': XLSX_TYPE } })
    expect(entered.status, entered.text).toBe(201)
    expect(entered.json.entered).toBe(2)
  })
})

describe('room and building numbers Excel turned into dates', () => {
  it('saved as CSV, the date as Excel showed it is refused on its row (unit_looks_like_date); 1-101, 3-2, 2/3, 甲3 are taken as written', async () => {
    const c = await createCommunity(h, admin)
    const rows = simpleRoster(8)
    rows[0]!.房号 = '3月12日'
    rows[1]!.单元 = '2001/1/1'
    rows[2]!.楼栋 = '12-Mar'
    rows[3]!.房号 = '2-Mar-01'
    Object.assign(rows[4]!, { 房号: '1-101' })
    Object.assign(rows[5]!, { 房号: '3-2' })
    Object.assign(rows[6]!, { 楼栋: '甲3', 单元: '', 房号: '101' })
    Object.assign(rows[7]!, { 房号: '2/3' })
    const refused = await postRoll(c.id, rollCsv(rows), 'text/csv')
    expect(refused.status).toBe(422)
    expect(errorsOf(refused).map((e) => [e.line, e.column, e.code])).toEqual([
      [2, '房号', 'unit_looks_like_date'],
      [3, '单元', 'unit_looks_like_date'],
      [4, '楼栋', 'unit_looks_like_date'],
      [5, '房号', 'unit_looks_like_date'],
    ])
    expect(errorsOf(refused)[0]!.message).toBe('第2行 房号“3月12日”像是被 Excel 识别成的日期（在 Excel 中输入 3-12 这样的编号会变成 3月12日），请把该列设为文本后重新输入')
    // retyped as text, the same rows import, the honest ones as written
    Object.assign(rows[0]!, { 房号: '3-12' })
    Object.assign(rows[1]!, { 单元: '1-1' })
    Object.assign(rows[2]!, { 楼栋: '12栋' })
    Object.assign(rows[3]!, { 房号: '2-3-1' })
    const imported = await postRoll(c.id, rollCsv(rows), 'text/csv')
    expect(imported.status, imported.text).toBe(201)
    const rooms = (await unitsOf(c.id)).map((u) => [u.building, u.unit, u.room].filter(Boolean).join(' '))
    for (const honest of ['1栋 1单元 1-101', '1栋 1单元 3-2', '甲3 101', '1栋 1单元 2/3', '1栋 1单元 3-12']) expect(rooms).toContain(honest)
  })

  it('in an XLSX: a date cell in a Chinese date format (date_cell), and a date pasted as text (unit_looks_like_date)', async () => {
    const c = await createCommunity(h, admin)
    const wb = new ExcelJS.Workbook()
    const ws = addSheet(wb, '业主名册', rosterTable(simpleRoster(3)))
    ws.getCell('C2').value = new Date(Date.UTC(2026, 2, 12))
    ws.getCell('C2').numFmt = 'm"月"d"日"'
    ws.getCell('B3').value = '1月1日'
    const res = await postRoll(c.id, await xlsxBytes(wb))
    expect(res.status).toBe(422)
    expect(errorsOf(res).map((e) => [e.line, e.column, e.code, e.message])).toEqual([
      [2, '房号', 'date_cell', '第2行 房号（单元格 C2）被 Excel 识别成了日期，请把该列设为文本后重新输入'],
      [3, '单元', 'unit_looks_like_date', '第3行 单元“1月1日”像是被 Excel 识别成的日期（在 Excel 中输入 3-12 这样的编号会变成 3月12日），请把该列设为文本后重新输入'],
    ])
  })
})

describe('areas a program wrote out with binary floating-point noise', () => {
  it('89.12999999999999 and 120.57000000000001 read as 89.13 and 120.57, from a CSV and from number cells of an XLSX; a real fifth decimal is still refused', async () => {
    const rows = simpleRoster(2)
    rows[0]!.专有部分面积 = '89.12999999999999'
    rows[1]!.专有部分面积 = '120.57000000000001'
    const fromCsv = await createCommunity(h, admin)
    const csv = await postRoll(fromCsv.id, rollCsv(rows), 'text/csv')
    expect(csv.status, csv.text).toBe(201)
    expect((await unitsOf(fromCsv.id)).map((u) => u.area).sort()).toEqual(['120.57', '89.13'])
    expect(csv.json.totalArea).toBe('209.70')

    // the same doubles in number cells, one formatted 0.00 and one General, as a computed column
    // holds them; Excel writes 17 significant digits into <v>, as put in here
    const wb = new ExcelJS.Workbook()
    const ws = addSheet(wb, '业主名册', rosterTable(simpleRoster(2)))
    ws.getCell('E2').value = 89.13
    ws.getCell('E2').numFmt = '0.00'
    ws.getCell('E3').value = { formula: '100.57+20', result: 120.57000000000001 }
    const parts = unzipSync(await xlsxBytes(wb))
    const sheet = strFromU8(parts['xl/worksheets/sheet1.xml']!)
    expect(sheet).toContain('<v>120.57000000000001</v>')
    parts['xl/worksheets/sheet1.xml'] = strToU8(sheet.replace('<v>89.13</v>', '<v>89.129999999999995</v>'))
    const bytes = zipSync(parts)
    const fromXlsx = await createCommunity(h, admin)
    expect((await postRoll(fromXlsx.id, bytes)).status).toBe(201)
    expect((await unitsOf(fromXlsx.id)).map((u) => u.area).sort()).toEqual(['120.57', '89.13'])

    // a real fifth decimal is still refused, also when a program wrote it with noise
    const real = simpleRoster(2)
    real[0]!.专有部分面积 = '95.36312'
    real[1]!.专有部分面积 = '12345.678910000001'
    const res = await postRoll(fromCsv.id, rollCsv(real), 'text/csv')
    expect(res.status).toBe(422)
    expect(errorsOf(res).map((e) => [e.code, e.message])).toEqual([
      ['area_precision', '第2行 专有部分面积“95.36312”有5位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）'],
      ['area_precision', '第3行 专有部分面积“12345.678910000001”有12位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）'],
    ])
  })
})

describe('statement amounts as accountants write them', () => {
  /** a community of its own, its serving firm uploading a 2026Q3 statement of `kind` as CSV */
  const upload = async (seed: number, kind: string, rows: string[][]) => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, seed)
    const csv = toCsv([['项目', '科目', '金额（元）', '说明', '用途'], ...rows])
    return h.request('POST', `/api/communities/${s.community.id}/statements/upload?kind=${kind}&period=2026Q3`, { token: firm.token, body: csv, headers: { 'content-type': 'text/csv' } })
  }

  it('full-width digits and punctuation, ¥ / ￥ / 元, spaces, a negative balance in brackets: read exactly into fen', async () => {
    const res = await upload(95, 'service_fee', [
      ['期初余额', '', '（５００．００）'],
      ['收入', '物业费', '￥１，２３４．５０'],
      ['收入', '停车费', ' 1 000.00元 '],
      ['支出', '保洁', '¥ 300'],
      ['收入合计', '', '2,234.50'],
      ['支出合计', '', '300.00 元'],
      ['期末余额', '', '¥1,434.50'],
    ])
    expect(res.status, res.text).toBe(201)
    expect(res.json.content).toMatchObject({
      openingFen: -50_000,
      lines: [{ amountFen: 123_450 }, { amountFen: 100_000 }, { amountFen: 30_000 }],
      totals: { incomeFen: 223_450, expenseFen: 30_000 },
      closingFen: 143_450,
    })
  })

  it('an amount that could be read two ways, brackets on an income, an unknown 项目 or 用途: each refused, saying what is allowed', async () => {
    const res = await upload(96, 'public_revenue', [
      ['期初余额', '', '0'],
      ['收入', '广告', '1.234,56'],
      ['收入', '停车', '12,34'],
      ['支出', '分成', '(5.00)'],
      ['退款', '押金', '5'],
      ['分配', '聚餐', '0', '', '业主聚餐'],
      ['收入合计', '', '0'],
      ['支出合计', '', '0'],
      ['期末余额', '', '0'],
    ])
    expect(res.status).toBe(422)
    const separators = '的逗号或小数点位置不对，无法确定是多少：请用“.”作小数点，“,”只作千分位，如 1,234.56'
    expect(errorsOf(res).map((e) => [e.line, e.code, e.message])).toEqual([
      [3, 'amount_invalid', `第3行 金额“1.234,56”${separators}`],
      [4, 'amount_invalid', `第4行 金额“12,34”${separators}`],
      [5, 'amount_invalid', '第5行 金额“(5.00)”不能为负数（括号也表示负数）：只有期初余额、期末余额可以为负数'],
      [6, 'unknown_row_kind', '第6行 “项目”“退款”无法识别，须为 期初余额、收入、支出、分配、收入合计、支出合计、期末余额 之一'],
      [7, 'use_not_permitted', '第7行 用途“业主聚餐”不在规定之列，公共收益只能用于六类规定用途：“补充专项维修资金”“共用部位、共用设施设备维修”“业主大会、业主委员会工作经费”“弥补物业服务费、公共水电费”“审计、法律、招标等费用”“业主大会决定的其他用途”'],
    ])
  })
})
