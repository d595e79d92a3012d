import { describe, expect, it } from 'vitest'
import { checkStatement } from '../../shared/statements'
import { parseYuan, readYuan, STATEMENT_TABLE_EXAMPLE, statementFromTable, statementToTable } from '../../shared/statement-table'

/** Rows as readTable gives them: the header is row 1, data from row 2. */
function records(rows: string[][]) {
  const [header, ...data] = rows
  return { header: header!, records: data.map((r, i) => ({ line: i + 2, values: Object.fromEntries(header!.map((h, c) => [h, r[c] ?? ''])) })) }
}
const HEADER = ['项目', '科目', '金额（元）', '说明', '用途', '批准表决编号', '应急使用记录编号']
const table = (...rows: string[][]) => {
  const t = records([HEADER, ...rows])
  return statementFromTable(t.header, t.records)
}
const frame = (lines: string[][], opening = '0', income = '0', expense = '0', closing = '0') => [
  ['期初余额', '', opening],
  ...lines,
  ['收入合计', '', income],
  ['支出合计', '', expense],
  ['期末余额', '', closing],
]

describe('statement tables (CSV / XLSX upload and export)', () => {
  it('the template example reads back exactly and its arithmetic holds', () => {
    const t = records(statementToTable(STATEMENT_TABLE_EXAMPLE))
    const read = statementFromTable(t.header, t.records)
    expect(read).toMatchObject({ ok: true, content: STATEMENT_TABLE_EXAMPLE, rows: { lines: [3, 4, 5, 6, 7, 8], singles: { openingFen: 2, 'totals.incomeFen': 9, 'totals.expenseFen': 10, closingFen: 11 } } })
    expect(checkStatement('public_revenue', STATEMENT_TABLE_EXAMPLE)).toEqual([])
  })

  it('amounts are read exactly into fen', () => {
    expect(parseYuan('0.1', false)).toBe(10)
    expect(parseYuan('1,234.50', false)).toBe(123_450)
    expect(parseYuan('12,345,678', false)).toBe(1_234_567_800)
    expect(parseYuan('-12.3', true)).toBe(-1230)
    for (const bad of ['1.005', '1e3', '12,34', '1,2345', ',123', '-5', '', ' ', '0x10', '١٢']) expect(parseYuan(bad, false)).toBeNull()
  })

  it('amounts as accountants write them: full-width, ¥ and 元, spaces, brackets for a negative balance', () => {
    for (const [typed, fen] of [
      ['１２３．４５', 12_345],
      ['１，２３４．５', 123_450],
      ['¥5', 500],
      ['￥ 1,000.00', 100_000],
      ['5元', 500],
      ['  1 234.56 元 ', 123_456],
      [' ¥1,234.50 ', 123_450], // Excel's accounting format, saved as CSV
      ['1.000', 100],
    ] as const) expect(parseYuan(typed, false), typed).toBe(fen)
    for (const [typed, fen] of [
      ['(500.00)', -50_000],
      ['（５００．００）', -50_000],
      ['－５', -500],
      ['−12.30', -1230],
      ['¥-1,234.50', -123_450],
      ['-¥1,234.50', -123_450],
      ['(¥500)', -50_000],
      ['(500)元', -50_000],
      ['(0.00)', 0],
    ] as const) expect(parseYuan(typed, true), typed).toBe(fen)
    // why not: each problem its own, for the row's message
    const problem = (typed: string, negative = false) => {
      const r = readYuan(typed, negative)
      return r.ok ? r.fen : r.problem
    }
    expect(problem('(500.00)')).toBe('negative')
    expect(problem('（500）')).toBe('negative')
    expect(problem('1.234,56', true)).toBe('separator')
    expect(problem('12,34')).toBe('separator')
    expect(problem('1.234.567')).toBe('separator')
    expect(problem('1,234.567')).toBe('precision')
    expect(problem('1.005')).toBe('precision')
    expect(problem('((5))', true)).toBe('format')
    expect(problem('-(5)', true)).toBe('format')
    expect(problem('--5', true)).toBe('format')
    expect(problem('-', true)).toBe('format')
    expect(problem('五百')).toBe('format')
    expect(problem('99999999999999999999')).toBe('too_large')
  })

  it('maps a use given by its Chinese label to its key, and keeps an unknown one for the arithmetic check to refuse', () => {
    const read = table(...frame([['收入', '广告', '100'], ['分配', '维修', '60', '', '补充专项维修资金'], ['分配', '聚餐', '40', '', '业主聚餐']], '0', '100', '0', '100'))
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect(read.content.lines.map((l) => l.use)).toEqual([undefined, 'fund_topup', '业主聚餐'])
    expect(checkStatement('public_revenue', read.content).map((p) => p.code)).toEqual(['use_not_permitted'])
  })

  it('names what authorised a fund use: a poll or an emergency record, never both', () => {
    const read = table(...frame([['支出', '电梯', '10', '', '', 'poll-1'], ['支出', '外墙', '5', '', '', '', 'em-1']], '20', '0', '15', '5'))
    expect(read.ok && read.content.lines.map((l) => l.authorisedBy)).toEqual([{ pollId: 'poll-1' }, { emergencyId: 'em-1' }])
    const both = table(...frame([['支出', '电梯', '10', '', '', 'poll-1', 'em-1']]))
    expect(!both.ok && both.errors.map((e) => [e.line, e.code])).toEqual([[3, 'two_authorities']])
  })

  it('reports every bad row with its Excel line number, and marks the sums its unreadable amounts fall in', () => {
    const read = table(
      ['期初余额', '', '-100.00'], // negative opening is allowed
      ['收入', '', '5'], // line 3: no category
      ['支出', '保洁', '-5'], // line 4: negative expense
      ['退款', '押金', '5'], // line 5: unknown row kind
      ['收入', '广告', '1.005'], // line 6: not exact
      ['收入', '停车', '5', '', '补充专项维修资金'], // line 7: use on a non-allocation line
      ['分配', '维修', '5'], // line 8: allocation without use
      ['收入合计', '', '10'],
      ['收入合计', '', '10'], // line 10: duplicate
      ['期末余额', '', '0'],
    )
    expect(read.ok).toBe(false)
    if (read.ok) return
    expect(read.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'required'],
      [4, 'amount_invalid'],
      [5, 'unknown_row_kind'],
      [6, 'amount_invalid'],
      [7, 'not_allocation'],
      [8, 'required'],
      [10, 'duplicate_row'],
      [null, 'missing_row'],
    ])
    expect(read.errors[0]!.message).toMatch(/^第3行 /)
    expect(read.errors.at(-1)!.message).toContain('支出合计')
    // what parsed is kept for the arithmetic; the sums an unreadable amount (or an unknown row) falls in are not checked
    expect([...read.unknown].sort()).toEqual(['allocation', 'expense', 'income', 'totals.expenseFen', 'totals.incomeFen'])
    expect(read.rows.singles).toMatchObject({ openingFen: 2, 'totals.incomeFen': 9, closingFen: 11 })
    expect(checkStatement('public_revenue', read.content, read.unknown).map((p) => p.code)).toEqual(['use_not_permitted'])
  })

  it('inherited names are not row kinds or uses, and an amount beyond the API limit is named by its row', () => {
    const kinds = table(...frame([['toString', 'x', '1'], ['__proto__', 'x', '1'], ['收入', '广告', '1000000000.01']]))
    expect(!kinds.ok && kinds.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'unknown_row_kind'],
      [4, 'unknown_row_kind'],
      [5, 'amount_too_large'],
    ])
    const uses = table(...frame([['收入', '广告', '3'], ['分配', 'a', '1', '', 'toString'], ['分配', 'b', '1', '', '__proto__'], ['分配', 'c', '1', '', 'constructor']], '0', '3', '0', '3'))
    expect(uses.ok).toBe(true)
    if (!uses.ok) return
    expect(checkStatement('public_revenue', uses.content).map((p) => [p.line, p.code])).toEqual([
      [2, 'use_not_permitted'],
      [3, 'use_not_permitted'],
      [4, 'use_not_permitted'],
    ])
  })

  it('a table without the required columns, or without any line, is refused as a whole', () => {
    const noColumns = statementFromTable(['科目', '金额'], [{ line: 2, values: { 科目: 'x', 金额: '1' } }])
    expect(!noColumns.ok && noColumns.errors).toEqual([{ line: null, field: 'header', code: 'missing_columns', message: '缺少列：项目、金额（元）' }])
    const empty = table(...frame([]))
    expect(!empty.ok && empty.errors.map((e) => e.code)).toEqual(['no_lines'])
  })
})
