/** Calendar dates in the community's time zone (Asia/Shanghai, UTC+8 with no DST since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** The same instant `months` calendar months later (UTC month arithmetic, as JavaScript's Date does it). */
export function addMonths(at: Date, months: number): Date {
  const d = new Date(at)
  d.setUTCMonth(d.getUTCMonth() + months)
  return d
}

/** A calendar date (YYYY-MM-DD) `months` months later. */
export const addMonthsToDate = (isoDate: string, months: number) => addMonths(new Date(`${isoDate}T00:00:00Z`), months).toISOString().slice(0, 10)
