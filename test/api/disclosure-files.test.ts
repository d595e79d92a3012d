import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { statements } from '../../drizzle/schema'
import ExcelJS from 'exceljs'
import { readXlsx, writeXlsx } from '../../worker/lib/spreadsheet'
import { XLSX_TYPE } from '../../worker/lib/download'
import { firmServingCommunity, setupCommunity, statement } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const stored = async (cid: string) => (await h.db.select({ n: count() }).from(statements).where(eq(statements.communityId, cid)))[0]!.n
const upload = (cid: string, token: string, query: string, body: string | Uint8Array, type: string) =>
  h.request('POST', `/api/communities/${cid}/statements/upload?${query}`, { token, body, headers: { 'content-type': type } })

describe('statements as files (CSV / XLSX)', () => {
  it('the template downloads, is filled in and uploaded as CSV; a bad row stores nothing', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 71)
    const template = await h.request('GET', '/api/statements/template.csv')
    expect(template.status).toBe(200)
    expect(template.headers.get('content-type')).toContain('text/csv')
    const csv = template.text.replace(/^\uFEFF/, '')
    expect(csv.split(/\r?\n/)[0]).toBe('项目,科目,金额（元）,说明,用途,批准表决编号,应急使用记录编号')

    const broken = csv.replace('电梯广告,3600.00', '电梯广告,3600.005')
    const refused = await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', broken, 'text/csv')
    expect(refused.status).toBe(422)
    expect(refused.json.error.code).toBe('STATEMENT_INVALID')
    expect(refused.json.error.details.errors).toEqual([expect.objectContaining({ line: 3, code: 'amount_invalid' })])
    const arithmetic = await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', csv.replace('收入合计,,16500.00', '收入合计,,16500.01'), 'text/csv')
    expect(arithmetic.json.error.details.errors.map((e: { code: string }) => e.code)).toEqual(['income_total_mismatch', 'balance_mismatch'])
    // named by the sheet rows of the totals, in yuan
    expect(arithmetic.json.error.details.errors[0]).toMatchObject({ line: 9, message: '第9行 收入合计应为各收入行之和 16,500.00 元，表中为 16,500.01 元' })
    expect(arithmetic.json.error.details.errors[1]).toMatchObject({ line: 11, message: expect.stringContaining('第11行 期初 12,500.00 元 + 收入 16,500.01 元') })
    // a 分配 row's problem names its sheet row (the 5th line sits on row 7)
    const badUse = await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', csv.replace(/补充专项维修资金|fund_topup/, '发奖金'), 'text/csv')
    expect(badUse.json.error.details.errors).toEqual([expect.objectContaining({ line: 7, code: 'use_not_permitted', message: expect.stringMatching(/^第7行 /) })])
    expect(await stored(s.community.id)).toBe(0)

    const ok = await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', csv, 'text/csv')
    expect(ok.status).toBe(201)
    expect(ok.json.content.closingFen).toBe(2_570_000)
    expect(ok.json.content.lines[4]).toMatchObject({ direction: 'allocation', use: 'fund_topup', amountFen: 800_000 })

    expect((await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', csv, 'application/pdf')).status).toBe(415)
    expect((await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', new Uint8Array([80, 75, 3, 4, 0, 0]), XLSX_TYPE)).json.error.code).toBe('SPREADSHEET_UNREADABLE')
    expect((await upload(s.community.id, firm.token, 'kind=rent&period=2026Q3', csv, 'text/csv')).status).toBe(400)
    expect((await upload(s.community.id, s.owner, 'kind=public_revenue&period=2026Q3', csv, 'text/csv')).status).toBe(403)
    expect(await stored(s.community.id)).toBe(1)
  })

  it('row problems and the arithmetic of the rows that parsed come in one answer, by sheet row, in yuan', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 74)
    const csv = (await h.request('GET', '/api/statements/template.csv')).text.replace(/^\uFEFF/, '')
    const both = csv
      .replace('收入,地面停车（共有道路）,', '收入,,') // row 4: no category (its amount still counts)
      .replace('3300.00', '3300.0x') // row 6: an expense that does not parse (the expense sums are not checked)
      .replace(/补充专项维修资金|fund_topup/, '发奖金') // row 7: not one of the six uses
      .replace('收入合计,,16500.00', '收入合计,,16500.01') // row 9: the total is one fen off
    const res = await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', both, 'text/csv')
    expect(res.status).toBe(422)
    expect(res.json.error.code).toBe('STATEMENT_INVALID')
    expect(res.json.error.details.errorCount).toBe(5)
    expect(res.json.error.details.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [4, 'required'],
      [6, 'amount_invalid'],
      [7, 'use_not_permitted'],
      [9, 'income_total_mismatch'],
      [11, 'balance_mismatch'],
    ])
    expect(res.json.error.details.errors[3].message).toBe('第9行 收入合计应为各收入行之和 16,500.00 元，表中为 16,500.01 元')
    expect(res.json.error.details.errors[4].message).toMatch(/^第11行 期初 12,500\.00 元 \+ 收入 16,500\.01 元 − 支出 3,300\.00 元 = 25,700\.01 元/)
    for (const e of res.json.error.details.errors) expect(e.message).toMatch(new RegExp(`^第${e.line}行 `))
    expect(await stored(s.community.id)).toBe(0)

    // over-allocation is named on the 分配 row where the running sum passes the net
    const over = await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', csv.replace('业委会工作经费,1000.00', '业委会工作经费,6000.00'), 'text/csv')
    expect(over.json.error.details.errors).toEqual([expect.objectContaining({ line: 8, code: 'over_allocated', message: '第8行 分配累计 14,000.00 元，超过公共收益净额 13,200.00 元（分配合计 14,000.00 元）' })])
  })

  it('a table with more problems than are worth listing: the first 500, and how many in all', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 75)
    const header = '项目,科目,金额（元）,说明,用途,批准表决编号,应急使用记录编号'
    const body = [header, '期初余额,,0', ...Array.from({ length: 700 }, () => '收入,,x'), '收入合计,,0', '支出合计,,0', '期末余额,,0'].join('\r\n')
    const res = await upload(s.community.id, firm.token, 'kind=public_revenue&period=2026Q3', body, 'text/csv')
    expect(res.status).toBe(422)
    expect(res.json.error.details.errorCount).toBe(1400)
    expect(res.json.error.details.errors).toHaveLength(500)
    expect(res.json.error.details.errors[0]).toMatchObject({ line: 3 })
  })

  it('an export (XLSX) is the upload format: corrected and uploaded again, it becomes version 2', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 72)
    const first = await h.request('POST', `/api/communities/${s.community.id}/statements`, {
      token: firm.token,
      json: statement('service_fee', '2026Q3', 100_000, [{ direction: 'income', category: '物业费', amountFen: 500_000 }, { direction: 'expense', category: '保洁', amountFen: 300_000 }]),
    })
    expect(first.status).toBe(201)
    const xlsx = await h.request('GET', `/api/statements/${first.json.id}/export.xlsx`, { token: s.owner })
    expect(xlsx.status).toBe(200)
    expect(xlsx.headers.get('content-disposition')).toContain(encodeURIComponent('2026Q3'))
    const bytes = new Uint8Array(await (await h.app.request(`/api/statements/${first.json.id}/export.xlsx`, { headers: { authorization: `Bearer ${s.owner}` } })).arrayBuffer())
    const sheets = await readXlsx(bytes)
    expect(sheets.map((x) => x.name)).toEqual(['物业服务费收支', '报表信息'])
    expect(sheets[1]!.rows.find((r) => r[0] === '报表摘要（SHA-256）')?.[1]).toBe(first.json.contentHash)
    const rows = sheets[0]!.rows.map((r) => [...r])
    // amounts are numbers in the XLSX (so SUM works), shown as #,##0.00; published in Beijing time
    expect(rows.find((r) => r[1] === '保洁')?.[2]).toBe('3000')
    expect(rows.find((r) => r[0] === '期初余额')?.[2]).toBe('1000')
    expect(sheets[1]!.rows.find((r) => r[0] === '发布时间')?.[1]).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer)
    const cleaning = wb.worksheets[0]!.getRows(1, rows.length)!.find((r) => r.getCell(2).value === '保洁')!.getCell(3)
    expect(cleaning.value).toBe(3000)
    expect(cleaning.numFmt).toBe('#,##0.00')
    // correct the cleaning line and the totals, upload as a correction
    for (const r of rows) {
      if (r[1] === '保洁') r[2] = '2800.00'
      if (r[0] === '支出合计') r[2] = '2800.00'
      if (r[0] === '期末余额') r[2] = '3200.00'
    }
    const reason = encodeURIComponent('保洁费多计一个月')
    const corrected = await upload(s.community.id, firm.token, `kind=service_fee&period=2026Q3&replacesId=${first.json.id}&correctionReason=${reason}`, writeXlsx([{ name: 'x', rows }]), XLSX_TYPE)
    expect(corrected.status).toBe(201)
    expect(corrected.json).toMatchObject({ version: 2, replacesId: first.json.id, correctionReason: '保洁费多计一个月' })
    const csv = await h.request('GET', `/api/statements/${corrected.json.id}/export.csv`, { token: s.owner })
    expect(csv.text).toContain('支出,保洁,2800.00')
    expect((await h.request('GET', `/api/statements/${corrected.json.id}/export.csv`)).status).toBe(401)
  })
})

describe('the owners’ view of a quarter', () => {
  it('totals by category, where public revenue went, quarter-on-quarter and year-on-year', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 73)
    const pub = (period: string, opening: number, ads: number, topup: number) =>
      h.request('POST', `/api/communities/${s.community.id}/statements`, {
        token: firm.token,
        json: statement('public_revenue', period, opening, [
          { direction: 'income', category: '广告', amountFen: ads },
          { direction: 'income', category: '广告', amountFen: 1_000 },
          { direction: 'expense', category: '分成', amountFen: 500 },
          { direction: 'allocation', category: '转入维修资金', amountFen: topup, use: 'fund_topup' },
        ]),
      })
    expect((await pub('2025Q3', 0, 10_000, 5_000)).status).toBe(201)
    expect((await pub('2025Q4', 10_500, 20_000, 5_000)).status).toBe(201)
    expect((await pub('2026Q1', 31_000, 20_000, 5_000)).status).toBe(201)
    expect((await pub('2026Q2', 51_500, 30_000, 5_000)).status).toBe(201)
    expect((await pub('2026Q3', 82_000, 40_000, 20_000)).status).toBe(201)
    const view = await h.request('GET', `/api/communities/${s.community.id}/accounts?period=2026Q3`, { token: s.owner })
    expect(view.status).toBe(200)
    expect(view.json).toMatchObject({ period: '2026Q3', previousQuarter: '2026Q2', lastYear: '2025Q3' })
    const k = view.json.kinds.find((x: { kind: string }) => x.kind === 'public_revenue')
    expect(k).toMatchObject({
      incomeFen: 41_000,
      expenseFen: 500,
      closingFen: 122_500,
      income: [{ category: '广告', fen: 41_000 }],
      allocations: [{ use: 'fund_topup', label: '补充专项维修资金', fen: 20_000 }],
      previousQuarter: { period: '2026Q2', incomeFen: 31_000 },
      lastYear: { period: '2025Q3', incomeFen: 11_000 },
    })
    const latest = await h.request('GET', `/api/communities/${s.community.id}/accounts`, { token: s.owner })
    expect(latest.json.period).toBe('2026Q3')
    expect(latest.json.periods.slice(0, 2)).toEqual(['2026Q3', '2026Q2'])
    expect((await h.request('GET', `/api/communities/${s.community.id}/accounts?period=2026Q5`, { token: s.owner })).status).toBe(400)
    const outsider = await setupCommunity(h, { units: 1 })
    expect((await h.request('GET', `/api/communities/${s.community.id}/accounts`, { token: outsider.owner })).status).toBe(403)
  })
})
