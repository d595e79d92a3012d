import { describe, expect, it } from 'vitest'
import { checkStatement, deadlineAfter, periodZh, quarter, quarterOfDate, statementPeriod, yuan } from '../../shared/statements'

describe('statement periods', () => {
  it('as people read them, and amounts with thousands separators', () => {
    expect(periodZh('2026Q3')).toBe('2026年第3季度')
    expect(periodZh('2026-10')).toBe('2026年10月')
    expect(periodZh('2026')).toBe('2026年度')
    expect(periodZh('whatever')).toBe('whatever')
    expect(yuan(1_560_000)).toBe('15,600.00 元')
    expect(yuan(-123_456_789)).toBe('-1,234,567.89 元')
  })

  it('quarters, their deadlines (end of the first month after) and the period before', () => {
    expect(quarter('2026Q1')).toEqual({ start: '2026-01-01', end: '2026-03-31', deadline: '2026-04-30', previous: '2025Q4' })
    expect(quarter('2026Q4')).toEqual({ start: '2026-10-01', end: '2026-12-31', deadline: '2027-01-31', previous: '2026Q3' })
    expect(quarter('2024Q3')!.deadline).toBe('2024-10-31')
    expect(quarter('2026Q5')).toBeNull()
    expect(quarter('26Q1')).toBeNull()
    expect(quarterOfDate('2026-11-20')).toBe('2026Q4')
    expect(quarterOfDate('2026-03-31')).toBe('2026Q1')
  })

  it('months and years too, each rolling forward from the period before of the same grain', () => {
    expect(statementPeriod('2026Q3')).toEqual({ grain: 'quarter', start: '2026-07-01', end: '2026-09-30', deadline: '2026-10-31', previous: '2026Q2' })
    expect(statementPeriod('2026-01')).toEqual({ grain: 'month', start: '2026-01-01', end: '2026-01-31', deadline: '2026-02-28', previous: '2025-12' })
    expect(statementPeriod('2024-02')).toMatchObject({ end: '2024-02-29', deadline: '2024-03-31', previous: '2024-01' })
    expect(statementPeriod('2026-12')).toMatchObject({ deadline: '2027-01-31', previous: '2026-11' })
    expect(statementPeriod('2026')).toEqual({ grain: 'year', start: '2026-01-01', end: '2026-12-31', deadline: '2027-01-31', previous: '2025' })
    for (const bad of ['2026-13', '2026-00', '2026-1', '26', '2026Q0', '2026-Q1', '']) expect(statementPeriod(bad)).toBeNull()
  })

  it('a deadline a number of months after the period ends, across the year end', () => {
    expect(deadlineAfter('2026Q3', 1)).toBe('2026-10-31')
    expect(deadlineAfter('2026Q3', 2)).toBe('2026-11-30')
    expect(deadlineAfter('2026Q4', 2)).toBe('2027-02-28')
    expect(deadlineAfter('2026-11', 3)).toBe('2027-02-28')
    expect(deadlineAfter('2026Q4', 0)).toBeNull()
    expect(deadlineAfter('nope', 1)).toBeNull()
  })
})

describe('statement arithmetic', () => {
  const ok = { openingFen: 100, lines: [{ direction: 'income' as const, category: 'a', amountFen: 50 }, { direction: 'expense' as const, category: 'b', amountFen: 30 }], totals: { incomeFen: 50, expenseFen: 30 }, closingFen: 120 }
  it('accepts a statement that adds up, to the fen', () => {
    expect(checkStatement('service_fee', ok)).toEqual([])
  })
  it('refuses a one-fen difference anywhere', () => {
    expect(checkStatement('service_fee', { ...ok, closingFen: 121 }).map((p) => p.code)).toEqual(['balance_mismatch'])
    expect(checkStatement('service_fee', { ...ok, totals: { incomeFen: 50, expenseFen: 31 }, closingFen: 119 }).map((p) => p.code)).toEqual(['expense_total_mismatch'])
  })
  it('allocations belong to public revenue only, to the six uses, within the net', () => {
    const alloc = (use: string, amountFen: number) => ({ ...ok, lines: [...ok.lines, { direction: 'allocation' as const, category: 'c', amountFen, use }] })
    expect(checkStatement('public_revenue', alloc('repairs', 20))).toEqual([])
    expect(checkStatement('public_revenue', alloc('repairs', 21)).map((p) => [p.code, p.line])).toEqual([['over_allocated', 3]])
    expect(checkStatement('public_revenue', alloc('dinner', 1)).map((p) => [p.code, p.line])).toEqual([['use_not_permitted', 3]])
    expect(checkStatement('service_fee', alloc('repairs', 1)).map((p) => p.code)).toEqual(['allocation_not_allowed'])
  })
  it('a sum with an amount the table could not read is not checked; the others are', () => {
    const off = { ...ok, totals: { incomeFen: 51, expenseFen: 31 }, closingFen: 0 }
    expect(checkStatement('service_fee', off).map((p) => p.code)).toEqual(['income_total_mismatch', 'expense_total_mismatch', 'balance_mismatch'])
    expect(checkStatement('service_fee', off, new Set(['expense'])).map((p) => p.code)).toEqual(['income_total_mismatch', 'balance_mismatch'])
    expect(checkStatement('service_fee', off, new Set(['income', 'closingFen'])).map((p) => p.code)).toEqual(['expense_total_mismatch'])
  })
  it('every maintenance-fund use names its decision', () => {
    expect(checkStatement('maintenance_fund', ok).map((p) => [p.code, p.line])).toEqual([['use_unauthorised', 2]])
    const withDecision = { ...ok, lines: [ok.lines[0]!, { ...ok.lines[1]!, authorisedBy: { pollId: 'p1' } }] }
    expect(checkStatement('maintenance_fund', withDecision)).toEqual([])
  })
})
