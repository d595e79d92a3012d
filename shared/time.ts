/** Calendar dates in the community's time zone (Asia/Shanghai, UTC+8 with no DST since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}
