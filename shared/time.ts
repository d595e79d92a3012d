/** Calendar dates in the community's time zone (Asia/Shanghai, UTC+8 with no DST since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/**
 * The same Beijing wall-clock time `months` months later. 民法典 第202条: a period in months ends on
 * the corresponding day of the last month, or on its last day when it has none (31 January + 1
 * month is 28 or 29 February, not 3 March as JavaScript's Date would have it).
 */
export function addMonths(at: Date, months: number): Date {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS)
  const year = local.getUTCFullYear()
  const month = local.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  local.setUTCFullYear(year, month, Math.min(local.getUTCDate(), lastDay))
  return new Date(local.getTime() - SHANGHAI_OFFSET_MS)
}

/** A calendar date (YYYY-MM-DD) `months` months later. */
export const addMonthsToDate = (isoDate: string, months: number) => addMonths(new Date(`${isoDate}T00:00:00Z`), months).toISOString().slice(0, 10)

/**
 * An instant as a person in China reads it: Beijing time, Chinese form ("2026年12月6日 08:09"), with
 * the seconds where they matter ("2026年12月6日 08:09:05": a count taken just before a deadline).
 */
export function beijingTime(at: Date | string, opts: { seconds?: boolean } = {}): string {
  const d = new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS)
  const hh = String(d.getUTCHours()).padStart(2, '0')
  const mm = String(d.getUTCMinutes()).padStart(2, '0')
  const ss = opts.seconds ? `:${String(d.getUTCSeconds()).padStart(2, '0')}` : ''
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}${ss}`
}

/**
 * The end of a time limit ("…前办结"): an instant at Beijing midnight is the end of the day before,
 * "2026年12月7日 24:00", as notices write it; "12月8日 00:00 前" reads as a day later than it is.
 */
export function beijingDeadline(at: Date | string): string {
  const t = new Date(at).getTime()
  if ((t + SHANGHAI_OFFSET_MS) % 86_400_000 !== 0) return beijingTime(at)
  return `${beijingDate(new Date(t - 1))} 24:00`
}

/** A calendar date (YYYY-MM-DD, or an instant's Beijing date) in Chinese form ("2026年12月6日"). */
export function beijingDate(at: Date | string): string {
  const iso = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : shanghaiDate(new Date(at))
  const [y, m, d] = iso.split('-').map(Number)
  return `${y}年${m}月${d}日`
}
