/**
 * Working days (工作日) on the official calendar: weekends off, the State Council's public
 * holidays off, and the weekend days it makes working days (调休) on. Deadlines the rules set in
 * working days — 30 working days of disclosure, a complaint's first contact within 1 working day —
 * are counted here, never approximated by calendar days.
 *
 * Each year is copied from that year's 国务院办公厅关于部分节假日安排的通知 (published each
 * autumn for the next year). A year that is not in the table is counted as weekends only, and
 * `calendarCovers` says so, so the service can warn instead of silently miscounting; a test fails
 * when the year of the clock is missing. Dates are Asia/Shanghai calendar dates, YYYY-MM-DD.
 */

interface YearSchedule {
  /** the notice it comes from */
  source: string
  /** days off (放假), as [first, last] inclusive ranges */
  off: [string, string][]
  /** weekend days worked instead (调休上班) */
  worked: string[]
}

export const OFFICIAL_SCHEDULES: Readonly<Record<number, YearSchedule>> = {
  2024: {
    source: '国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）',
    off: [['2024-01-01', '2024-01-01'], ['2024-02-10', '2024-02-17'], ['2024-04-04', '2024-04-06'], ['2024-05-01', '2024-05-05'], ['2024-06-10', '2024-06-10'], ['2024-09-15', '2024-09-17'], ['2024-10-01', '2024-10-07']],
    worked: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  2025: {
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）',
    off: [['2025-01-01', '2025-01-01'], ['2025-01-28', '2025-02-04'], ['2025-04-04', '2025-04-06'], ['2025-05-01', '2025-05-05'], ['2025-05-31', '2025-06-02'], ['2025-10-01', '2025-10-08']],
    worked: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    source: '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）',
    off: [['2026-01-01', '2026-01-03'], ['2026-02-15', '2026-02-23'], ['2026-04-04', '2026-04-06'], ['2026-05-01', '2026-05-05'], ['2026-06-19', '2026-06-21'], ['2026-09-25', '2026-09-27'], ['2026-10-01', '2026-10-07']],
    worked: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
}

const DAY_MS = 86_400_000
const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`)
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const offDays = new Set<string>()
const workedDays = new Set<string>()
for (const y of Object.values(OFFICIAL_SCHEDULES)) {
  for (const [first, last] of y.off) for (let t = toUtc(first); t <= toUtc(last); t += DAY_MS) offDays.add(fromUtc(t))
  for (const d of y.worked) workedDays.add(d)
}

/** Whether the official schedule of `year` is in the table (otherwise: weekends only). */
export const calendarCovers = (year: number) => Object.hasOwn(OFFICIAL_SCHEDULES, year)

const DATE = /^\d{4}-\d{2}-\d{2}$/
function check(date: string) {
  if (!DATE.test(date) || Number.isNaN(toUtc(date))) throw new RangeError(`not a calendar date: ${date}`)
}

export function isWorkingDay(date: string): boolean {
  check(date)
  if (workedDays.has(date)) return true
  if (offDays.has(date)) return false
  const dow = new Date(toUtc(date)).getUTCDay()
  return dow !== 0 && dow !== 6
}

/** The date `n` (≥ 0) working days after `date`; `date` itself does not count (n = 0: `date`). */
export function addWorkingDays(date: string, n: number): string {
  check(date)
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`)
  let t = toUtc(date)
  for (let left = n; left > 0; ) {
    t += DAY_MS
    if (isWorkingDay(fromUtc(t))) left--
  }
  return fromUtc(t)
}

/** Working days after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workingDaysBetween(from: string, to: string): number {
  check(from)
  check(to)
  let n = 0
  for (let t = toUtc(from) + DAY_MS; t <= toUtc(to); t += DAY_MS) if (isWorkingDay(fromUtc(t))) n++
  return n
}
