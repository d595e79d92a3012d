import { formatFen } from './decimal'
import { addWorkingDays, calendarCovers } from './workdays'
import { shanghaiDate } from './time'
/** A statement's period: a quarter "2026Q3", a month "2026-10", or a year "2026". */
export type PeriodGrain = 'quarter' | 'month' | 'year'
export const GRAIN_ZH: Record<PeriodGrain, string> = { quarter: '季度（如 2026Q3）', month: '月份（如 2026-10）', year: '年度（如 2026）' }

/**
 * Periodic statements (disclosure.md): which kinds, who discloses them, their periods and
 * deadlines, and the arithmetic every statement obeys. Pure: the server checks uploads with it,
 * and the mini-program can check a draft before sending it. Money is integer fen.
 */
export const STATEMENT_KINDS = {
  service_fee: { label: '物业服务费收支', disclosers: ['firm'], grains: ['quarter'] },
  public_revenue: { label: '公共收益收支', disclosers: ['firm', 'committee'], grains: ['quarter'] },
  // each use is a line of the quarter's statement; the annual statement (deposits, interest, balance) is a year
  maintenance_fund: { label: '专项维修资金使用', disclosers: ['committee', 'firm'], grains: ['quarter', 'year'] },
  shared_utility: { label: '公共水电分摊', disclosers: ['firm'], grains: ['month', 'quarter'] },
  elevator: { label: '电梯维保支出', disclosers: ['firm'], grains: ['quarter'] },
  committee_funds: { label: '业委会工作经费', disclosers: ['committee'], grains: ['quarter'] },
} as const satisfies Record<string, { label: string; disclosers: readonly ('firm' | 'committee')[]; grains: readonly PeriodGrain[] }>
export type StatementKind = keyof typeof STATEMENT_KINDS
export const STATEMENT_KIND_KEYS = Object.keys(STATEMENT_KINDS) as StatementKind[]

/** 民法典 第282条 and the local public-revenue rules: the net goes only to these six uses. */
export const PUBLIC_REVENUE_USES = {
  fund_topup: '补充专项维修资金',
  repairs: '共用部位、共用设施设备维修',
  assembly_costs: '业主大会、业主委员会工作经费',
  fee_utility_topup: '弥补物业服务费、公共水电费',
  audit_legal_tender: '审计、法律、招标等费用',
  assembly_decided: '业主大会决定的其他用途',
} as const
export type PublicRevenueUse = keyof typeof PUBLIC_REVENUE_USES
/** the six, as a refusal lists them: quoted one by one, since some hold a 、 of their own */
const USE_LABELS = Object.values(PUBLIC_REVENUE_USES).map((label) => `“${label}”`).join('')

export interface StatementLineInput {
  direction: 'income' | 'expense' | 'allocation'
  category: string
  amountFen: number
  note?: string
  /** public revenue: one of the six permitted uses of the net */
  use?: string
  /** maintenance fund: the poll that authorised the use, or a confirmed emergency-use record */
  authorisedBy?: { pollId: string } | { emergencyId: string }
}
export interface StatementContentInput {
  openingFen: number
  lines: StatementLineInput[]
  totals: { incomeFen: number; expenseFen: number }
  closingFen: number
}
/** Amounts a table could not read: the sums that include them are not checked (statement-table.ts). */
export type UnknownAmount = 'income' | 'expense' | 'allocation' | 'openingFen' | 'totals.incomeFen' | 'totals.expenseFen' | 'closingFen'
export const UNKNOWN_ALL: readonly UnknownAmount[] = ['income', 'expense', 'allocation', 'openingFen', 'totals.incomeFen', 'totals.expenseFen', 'closingFen']

export interface StatementProblem {
  /** 1-based line number, or null for the statement as a whole */
  line: number | null
  field: string
  code: string
  message: string
}

/** "2026Q3" → its dates, its deadline (end of the first month after, disclosure.md) and the period before. */
export function quarter(period: string): { start: string; end: string; deadline: string; previous: string } | null {
  const m = /^(\d{4})Q([1-4])$/.exec(period)
  if (!m) return null
  const y = Number(m[1])
  const q = Number(m[2])
  const pad = (n: number) => String(n).padStart(2, '0')
  const startMonth = (q - 1) * 3 + 1
  const endMonth = startMonth + 2
  const lastDay = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 0)).getUTCDate()
  const nextY = q === 4 ? y + 1 : y
  const nextM = q === 4 ? 1 : endMonth + 1
  return {
    start: `${y}-${pad(startMonth)}-01`,
    end: `${y}-${pad(endMonth)}-${pad(lastDay(y, endMonth))}`,
    deadline: `${nextY}-${pad(nextM)}-${pad(lastDay(nextY, nextM))}`,
    previous: q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}`,
  }
}

const pad = (n: number) => String(n).padStart(2, '0')
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()
/** The last day of the month `months` after the month of `end` (YYYY-MM-DD). */
function endOfMonthAfter(end: string, months: number) {
  const m = Number(end.slice(5, 7)) + months
  const y = Number(end.slice(0, 4)) + Math.floor((m - 1) / 12)
  const mm = ((m - 1) % 12) + 1
  return `${y}-${pad(mm)}-${pad(lastDayOf(y, mm))}`
}

/**
 * Any statement period → its grain, dates, the period before it (same grain: the roll-forward
 * chain) and its default deadline, the end of the month after it ends (disclosure.md).
 */
export function statementPeriod(period: string): { grain: PeriodGrain; start: string; end: string; deadline: string; previous: string } | null {
  const q = quarter(period)
  if (q) return { grain: 'quarter', ...q }
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period)
  if (m) {
    const y = Number(m[1])
    const mo = Number(m[2])
    const end = `${y}-${pad(mo)}-${pad(lastDayOf(y, mo))}`
    return { grain: 'month', start: `${y}-${pad(mo)}-01`, end, deadline: endOfMonthAfter(end, 1), previous: mo === 1 ? `${y - 1}-12` : `${y}-${pad(mo - 1)}` }
  }
  m = /^(\d{4})$/.exec(period)
  if (m) {
    const y = Number(m[1])
    return { grain: 'year', start: `${y}-01-01`, end: `${y}-12-31`, deadline: `${y + 1}-01-31`, previous: String(y - 1) }
  }
  return null
}

/**
 * The deadline of a quarter's statement when it is due `months` months after the quarter: the last
 * day of that month (public revenue: 1, the first month of the next quarter; others: a community
 * setting, default 1).
 */
export function deadlineAfter(period: string, months: number): string | null {
  const p = statementPeriod(period)
  if (!p || !Number.isInteger(months) || months < 1) return null
  return endOfMonthAfter(p.end, months)
}

/**
 * How long a published statement stays on display, and so how long owners may object to its lines:
 * public revenue is shown for at least 30 working days (disclosure.md), counted on the official
 * calendar (shared/workdays.ts) from the day after publication; the same window serves every kind.
 */
export const DISPLAY_WORKING_DAYS = 30

/**
 * Calendar days added to a display period that runs into a year whose official holiday schedule is
 * not yet in shared/workdays.ts (counted there as weekends only). The period is a minimum, so an
 * unknown schedule must lengthen it, never cut it short: 9 days is the longest run of days off a
 * schedule has made (Spring Festival 2026), more than any 30 working days have lost to holidays
 * beyond the weekends they already skip.
 */
export const UNSCHEDULED_YEAR_MARGIN_DAYS = 9

/** The end of the display period of a statement published at `publishedAt`: midnight (Beijing) after its 30th working day. */
export function displayEndsAt(publishedAt: Date): Date {
  const firstDay = shanghaiDate(publishedAt)
  let lastDay = addWorkingDays(firstDay, DISPLAY_WORKING_DAYS)
  if (!calendarCovers(Number(firstDay.slice(0, 4))) || !calendarCovers(Number(lastDay.slice(0, 4)))) lastDay = addCalendarDays(lastDay, UNSCHEDULED_YEAR_MARGIN_DAYS)
  return new Date(new Date(`${lastDay}T00:00:00+08:00`).getTime() + 86_400_000)
}

const addCalendarDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

/** A period as people read it: "2026Q3" → 2026年第3季度, "2026-10" → 2026年10月, "2026" → 2026年度; anything else as given. */
export function periodZh(period: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(period)
  if (q) return `${q[1]}年第${q[2]}季度`
  const m = /^(\d{4})-(\d{2})$/.exec(period)
  if (m) return `${m[1]}年${Number(m[2])}月`
  return /^\d{4}$/.test(period) ? `${period}年度` : period
}

/** The quarter a date (YYYY-MM-DD) falls in. */
export const quarterOfDate = (d: string) => `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

/**
 * The arithmetic of one statement: lines add up to the totals they claim; opening + income −
 * expense = closing; public-revenue allocations go only to the six uses and never exceed the net;
 * every maintenance-fund use names what authorised it. Every problem is reported.
 */
/** Fen as an accountant reads it: "12,345.60 元". */
export function yuan(fen: number): string {
  const [int, dec] = formatFen(fen).split('.') as [string, string]
  return `${int.replace(/\B(?=(\d{3})+$)/g, ',')}.${dec} 元`
}

export function checkStatement(kind: StatementKind, c: StatementContentInput, unknown: ReadonlySet<UnknownAmount> = new Set()): StatementProblem[] {
  const problems: StatementProblem[] = []
  const known = (...xs: UnknownAmount[]) => xs.every((x) => !unknown.has(x))
  const add = (line: number | null, field: string, code: string, message: string) => problems.push({ line, field, code, message })
  const of = (d: StatementLineInput['direction']) => c.lines.filter((l) => l.direction === d).map((l) => l.amountFen)
  const income = sum(of('income'))
  const expense = sum(of('expense'))
  if (known('income', 'totals.incomeFen') && income !== c.totals.incomeFen) add(null, 'totals.incomeFen', 'income_total_mismatch', `收入合计应为各收入行之和 ${yuan(income)}，表中为 ${yuan(c.totals.incomeFen)}`)
  if (known('expense', 'totals.expenseFen') && expense !== c.totals.expenseFen) add(null, 'totals.expenseFen', 'expense_total_mismatch', `支出合计应为各支出行之和 ${yuan(expense)}，表中为 ${yuan(c.totals.expenseFen)}`)
  if (known('openingFen', 'totals.incomeFen', 'totals.expenseFen', 'closingFen') && c.openingFen + c.totals.incomeFen - c.totals.expenseFen !== c.closingFen) {
    add(null, 'closingFen', 'balance_mismatch', `期初 ${yuan(c.openingFen)} + 收入 ${yuan(c.totals.incomeFen)} − 支出 ${yuan(c.totals.expenseFen)} = ${yuan(c.openingFen + c.totals.incomeFen - c.totals.expenseFen)}，表中期末余额为 ${yuan(c.closingFen)}`)
  }
  c.lines.forEach((l, i) => {
    const n = i + 1
    if (l.direction === 'allocation') {
      if (kind !== 'public_revenue') add(n, 'direction', 'allocation_not_allowed', `第${n}行 只有公共收益报表可以列出收益分配`)
      else if (!l.use || !Object.hasOwn(PUBLIC_REVENUE_USES, l.use)) add(n, 'use', 'use_not_permitted', `第${n}行 ${l.use ? `用途“${l.use}”不在规定之列，` : ''}公共收益只能用于六类规定用途：${USE_LABELS}`)
    }
    if (kind === 'maintenance_fund' && l.direction === 'expense' && !l.authorisedBy) add(n, 'authorisedBy', 'use_unauthorised', `第${n}行 维修资金的每一笔使用都须注明批准它的表决`)
  })
  if (kind === 'public_revenue' && known('income', 'expense', 'allocation')) {
    const net = income - expense
    const allocated = sum(of('allocation'))
    // named on the 分配 line where the running sum passes the net, so the accountant finds a row
    let running = 0
    const at = c.lines.findIndex((l) => l.direction === 'allocation' && (running += l.amountFen) > net)
    if (allocated > net) add(at + 1, 'lines', 'over_allocated', `第${at + 1}行 分配累计 ${yuan(running)}，超过公共收益净额 ${yuan(net)}（分配合计 ${yuan(allocated)}）`)
  }
  return problems
}
