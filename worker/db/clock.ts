import { sql, type SQL } from 'drizzle-orm'
import type { Clock } from '../env'

/**
 * "Now" for the rules the database decides (is voting open, has it ended, when was a ballot cast).
 * The system clock defers to the database's `clock_timestamp()`, read after the locks are taken,
 * so every instance agrees; an authoritative clock (the tests') is passed in as a parameter, so the
 * suite gives the same result on any date.
 */
export function dbNow(clock: Clock): SQL {
  const at = authoritativeNow(clock)
  return at !== null ? sql`${at}::timestamptz` : sql`clock_timestamp()`
}

/** The same rule as a parameter, for SQL functions that read the clock themselves: null means the database's clock. */
export const authoritativeNow = (clock: Clock): string | null => (clock.authoritative ? clock.now().toISOString() : null)
