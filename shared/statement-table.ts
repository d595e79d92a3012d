import { formatFen, parseFen } from './decimal'
import { toHalfWidth } from './half-width'
import { PUBLIC_REVENUE_USES, UNKNOWN_ALL, yuan, type StatementContentInput, type StatementLineInput, type StatementProblem, type UnknownAmount } from './statements'

/**
 * A statement as a table (CSV or the first sheet of an XLSX): what firms fill in from the published
 * template, and what the export gives back, so an exported statement can be uploaded again as a
 * correction. One header row; the column 项目 says what each row is. Money is yuan with at most two
 * decimals, read exactly into fen (shared/decimal.ts), never through floating point.
 */
export const STATEMENT_TABLE_COLUMNS = [
  { header: '项目', required: true, description: '期初余额 / 收入 / 支出 / 分配（公共收益去向）/ 收入合计 / 支出合计 / 期末余额' },
  { header: '科目', required: true, description: '收入、支出、分配行必填，如“广告收入”“绿化养护”' },
  { header: '金额（元）', required: true, description: '最多两位小数，可用千分位逗号；只有期初、期末余额可以为负数，写作 -500.00 或 (500.00)' },
  { header: '说明', required: false, description: '可选，200字以内' },
  { header: '用途', required: false, description: '分配行必填：六类规定用途之一，如“补充专项维修资金”' },
  { header: '批准表决编号', required: false, description: '维修资金支出：批准该笔使用的表决编号' },
  { header: '应急使用记录编号', required: false, description: '维修资金应急支出：经社区确认的应急使用记录编号' },
] as const

const ROW_KINDS = { 期初余额: 'opening', 收入: 'income', 支出: 'expense', 分配: 'allocation', 收入合计: 'incomeTotal', 支出合计: 'expenseTotal', 期末余额: 'closing' } as const
type RowKind = (typeof ROW_KINDS)[keyof typeof ROW_KINDS]
const SINGLETONS: RowKind[] = ['opening', 'incomeTotal', 'expenseTotal', 'closing']
const SINGLETON_NAME: Record<string, string> = { opening: '期初余额', incomeTotal: '收入合计', expenseTotal: '支出合计', closing: '期末余额' }
export const STATEMENT_MAX_LINES = 2000
/** the API's own limit on one amount (shared/api/disclosure.ts) */
const MAX_FEN = 100_000_000_000

/** Why an amount was not read: named in its row's message. */
export type YuanProblem = 'format' | 'negative' | 'precision' | 'separator' | 'too_large'

/**
 * An amount as accountants write it, read exactly into fen: "1,234.50", "-12.3"; typed with a
 * Chinese input method ("１２３．４５", "１，２３４．５", "－５"); with a currency sign or unit
 * ("¥500", "￥500", "500元"); with spaces ("1 234.50", Excel's accounting format " ¥1,234.50 ");
 * negative in the accountant's brackets ("(500.00)", "（500.00）"), where a negative is allowed.
 * Commas only in thousands positions and "." only as the decimal point: "1.234,56" or "12,34"
 * could mean two different sums, and is refused (`separator`) rather than guessed.
 */
export function readYuan(raw: string, allowNegative: boolean): { ok: true; fen: number } | { ok: false; problem: YuanProblem } {
  let s = toHalfWidth(raw).replace(/[\s\u00A0]+/g, '').replace(/\u2212/g, '-').replace(/元$/, '')
  const signed = /^[¥￥]?(?:\((.*)\)|-(.*))$/.exec(s)
  if (signed) s = signed[1] ?? signed[2]!
  s = s.replace(/^[¥￥]/, '').replace(/元$/, '')
  if (!/^[\d.,]*\d[\d.,]*$/.test(s)) return { ok: false, problem: 'format' }
  if (s.includes(',') || s.indexOf('.') !== s.lastIndexOf('.')) {
    if (!/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return { ok: false, problem: 'separator' }
    s = s.replace(/,/g, '')
  }
  const m = /^\d+(?:\.(\d+))?$/.exec(s)
  if (!m) return { ok: false, problem: 'format' }
  if (/[1-9]/.test((m[1] ?? '').slice(2))) return { ok: false, problem: 'precision' }
  if (signed && !allowNegative) return { ok: false, problem: 'negative' }
  const fen = parseFen(s)
  if (fen === null) return { ok: false, problem: 'too_large' }
  return { ok: true, fen: signed && fen !== 0 ? -fen : fen }
}

/** readYuan's fen, or null. */
export function parseYuan(raw: string, allowNegative: boolean): number | null {
  const r = readYuan(raw, allowNegative)
  return r.ok ? r.fen : null
}

function amountMessage(typed: string, problem: YuanProblem): string {
  if (typed === '') return '金额不能为空'
  switch (problem) {
    case 'too_large':
      return `金额超过 ${yuan(MAX_FEN)}的上限`
    case 'negative':
      return `金额“${typed}”不能为负数（括号也表示负数）：只有期初余额、期末余额可以为负数`
    case 'precision':
      return `金额“${typed}”超过两位小数，请精确到分`
    case 'separator':
      return `金额“${typed}”的逗号或小数点位置不对，无法确定是多少：请用“.”作小数点，“,”只作千分位，如 1,234.56`
    case 'format':
      // Excel's accounting format shows a zero as "-"
      return `金额“${typed}”不是数字，应为以元为单位、最多两位小数的数，如 1,234.50${/^[-－—–\s¥￥]+$/.test(typed) ? '（如果表示零，请填 0）' : ''}`
  }
}

const useKeyOf = (raw: string) => {
  // own keys only: "toString" or "__proto__" is no permitted use
  if (Object.hasOwn(PUBLIC_REVENUE_USES, raw)) return raw
  const byLabel = Object.entries(PUBLIC_REVENUE_USES).find(([, label]) => label === raw)
  return byLabel ? byLabel[0] : raw // unknown: kept, so checkStatement reports use_not_permitted
}

/** Where each part of the content sits in the sheet (Excel row numbers), to name it in any later problem. */
export interface SheetRows {
  lines: number[]
  singles: Partial<Record<'openingFen' | 'totals.incomeFen' | 'totals.expenseFen' | 'closingFen', number>>
}
/**
 * What a table reads to: the problems of its rows, and the content of the rows that parsed (an
 * amount that did not parse counts as 0 and is listed in `unknown`), so the arithmetic can be
 * checked in the same pass and every problem reported at once (checkStatement skips the sums an
 * unknown amount would falsify).
 */
export interface TableResult {
  ok: boolean
  errors: StatementProblem[]
  content: StatementContentInput
  rows: SheetRows
  unknown: Set<UnknownAmount>
}

const FIELD_OF: Record<string, keyof SheetRows['singles']> = { opening: 'openingFen', incomeTotal: 'totals.incomeFen', expenseTotal: 'totals.expenseFen', closing: 'closingFen' }

/**
 * Problems found on the content (the arithmetic, the roll-forward, the authorisations) named by
 * the sheet row the accountant sees: a line's "第3行" (its place among the lines) becomes its
 * Excel row, and a total or balance problem names the row of that total.
 */
export function onSheetRows(problems: StatementProblem[], rows: SheetRows): StatementProblem[] {
  return problems.map((p) => {
    if (p.line !== null) {
      const row = rows.lines[p.line - 1]
      if (row === undefined) return p
      return { ...p, line: row, message: p.message.replace(/^第\d+行/, `第${row}行`) }
    }
    const row = Object.hasOwn(rows.singles, p.field) ? rows.singles[p.field as keyof SheetRows['singles']] : undefined
    return row === undefined ? p : { ...p, line: row, message: `第${row}行 ${p.message}` }
  })
}

/** Reads a statement table; every problem is reported with its Excel row number, and then nothing is returned. */
export function statementFromTable(header: string[], records: { line: number; values: Record<string, string> }[]): TableResult {
  const errors: StatementProblem[] = []
  const missing = STATEMENT_TABLE_COLUMNS.filter((c) => c.required && !header.includes(c.header)).map((c) => c.header)
  const rows: SheetRows = { lines: [], singles: {} }
  const unknown = new Set<UnknownAmount>()
  if (missing.length) {
    const empty = { openingFen: 0, lines: [], totals: { incomeFen: 0, expenseFen: 0 }, closingFen: 0 }
    return { ok: false, errors: [{ line: null, field: 'header', code: 'missing_columns', message: `缺少列：${missing.join('、')}` }], content: empty, rows, unknown: new Set(UNKNOWN_ALL) }
  }
  const singles: Partial<Record<RowKind, number>> = {}
  const seen = new Set<RowKind>()
  const lines: StatementLineInput[] = []
  for (const r of records) {
    const add = (field: string, code: string, message: string) => errors.push({ line: r.line, field, code, message: `第${r.line}行 ${message}` })
    const v = (h: string) => (r.values[h] ?? '').trim()
    // "收 入" as typed to line up a column is 收入
    const typedKind = v('项目').replace(/\s+/g, '')
    const kind = Object.hasOwn(ROW_KINDS, typedKind) ? ROW_KINDS[typedKind as keyof typeof ROW_KINDS] : undefined
    if (!kind) {
      add('项目', 'unknown_row_kind', `${typedKind ? `“项目”“${v('项目')}”无法识别` : '“项目”未填写'}，须为 ${Object.keys(ROW_KINDS).join('、')} 之一`)
      // a row of no known kind may be missing from any sum
      for (const u of ['income', 'expense', 'allocation'] as const) unknown.add(u)
      continue
    }
    const singleton = SINGLETONS.includes(kind)
    const amount = readYuan(v('金额（元）'), kind === 'opening' || kind === 'closing')
    const problem = amount.ok ? (Math.abs(amount.fen) > MAX_FEN ? 'too_large' : null) : amount.problem
    const fen = amount.ok && !problem ? amount.fen : null
    if (problem) add('金额（元）', problem === 'too_large' ? 'amount_too_large' : 'amount_invalid', amountMessage(v('金额（元）'), problem))
    if (singleton) {
      const field = FIELD_OF[kind]!
      if (seen.has(kind)) {
        add('项目', 'duplicate_row', `重复的“${SINGLETON_NAME[kind]}”行`)
        unknown.add(field) // which of the two is meant is not known
      } else rows.singles[field] = r.line
      seen.add(kind)
      if (fen !== null) singles[kind] ??= fen
      else unknown.add(field)
      continue
    }
    const category = v('科目')
    if (!category) add('科目', 'required', '收入、支出、分配行须填写科目')
    else if (category.length > 50) add('科目', 'too_long', '科目不能超过50字')
    const note = v('说明')
    if (note.length > 200) add('说明', 'too_long', '说明不能超过200字')
    const pollId = v('批准表决编号')
    const emergencyId = v('应急使用记录编号')
    if (pollId && emergencyId) add('批准表决编号', 'two_authorities', '一笔支出只能注明一个依据：表决或应急使用记录')
    if (pollId.length > 40 || emergencyId.length > 40) add('批准表决编号', 'too_long', '编号不能超过40个字符')
    const direction = kind as StatementLineInput['direction']
    if (fen === null) unknown.add(direction)
    const line: StatementLineInput = { direction, category, amountFen: fen ?? 0 }
    if (note) line.note = note
    const use = v('用途')
    if (kind === 'allocation') {
      if (!use) add('用途', 'required', '分配行须填写用途')
      else line.use = useKeyOf(use)
    } else if (use) add('用途', 'not_allocation', '只有分配行填写用途')
    if (pollId) line.authorisedBy = { pollId }
    else if (emergencyId) line.authorisedBy = { emergencyId }
    lines.push(line)
    rows.lines.push(r.line)
  }
  for (const k of SINGLETONS) if (!seen.has(k)) {
    errors.push({ line: null, field: SINGLETON_NAME[k]!, code: 'missing_row', message: `缺少“${SINGLETON_NAME[k]}”行` })
    unknown.add(FIELD_OF[k]!)
  }
  if (lines.length === 0) errors.push({ line: null, field: 'lines', code: 'no_lines', message: '至少要有一行收入、支出或分配' })
  if (lines.length > STATEMENT_MAX_LINES) errors.push({ line: null, field: 'lines', code: 'too_many_lines', message: `最多 ${STATEMENT_MAX_LINES} 行` })
  return {
    ok: errors.length === 0,
    errors,
    rows,
    unknown,
    content: { openingFen: singles.opening ?? 0, lines, totals: { incomeFen: singles.incomeTotal ?? 0, expenseFen: singles.expenseTotal ?? 0 }, closingFen: singles.closing ?? 0 },
  }
}

const NAME_OF: Record<StatementLineInput['direction'], string> = { income: '收入', expense: '支出', allocation: '分配' }

/** A statement's content as the table (header first): the export, and the template's example. */
export function statementToTable(c: StatementContentInput): string[][] {
  const row = (kind: string, category: string, fen: number, l?: StatementLineInput) => [
    kind,
    category,
    formatFen(fen),
    l?.note ?? '',
    l?.use ? (PUBLIC_REVENUE_USES[l.use as keyof typeof PUBLIC_REVENUE_USES] ?? l.use) : '',
    l?.authorisedBy && 'pollId' in l.authorisedBy ? l.authorisedBy.pollId : '',
    l?.authorisedBy && 'emergencyId' in l.authorisedBy ? l.authorisedBy.emergencyId : '',
  ]
  return [
    STATEMENT_TABLE_COLUMNS.map((col) => col.header),
    row('期初余额', '', c.openingFen),
    ...c.lines.map((l) => row(NAME_OF[l.direction], l.category, l.amountFen, l)),
    row('收入合计', '', c.totals.incomeFen),
    row('支出合计', '', c.totals.expenseFen),
    row('期末余额', '', c.closingFen),
  ]
}

/** The template's example: a public-revenue quarter whose arithmetic holds. */
export const STATEMENT_TABLE_EXAMPLE: StatementContentInput = {
  openingFen: 1_250_000,
  lines: [
    { direction: 'income', category: '电梯广告', amountFen: 360_000 },
    { direction: 'income', category: '地面停车（共有道路）', amountFen: 1_200_000 },
    { direction: 'income', category: '快递柜场地费', amountFen: 90_000, note: '2台' },
    { direction: 'expense', category: '物业服务企业分成（合同约定20%）', amountFen: 330_000 },
    { direction: 'allocation', category: '转入专项维修资金', amountFen: 800_000, use: 'fund_topup' },
    { direction: 'allocation', category: '业委会工作经费', amountFen: 100_000, use: 'assembly_costs' },
  ],
  totals: { incomeFen: 1_650_000, expenseFen: 330_000 },
  closingFen: 2_570_000,
}
