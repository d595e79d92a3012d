import { sql, type SQL } from 'drizzle-orm'
import type { Clock } from '../env'

/**
 * "Now" for the rules the database decides (is voting open, has it ended, when was a ballot cast).
 * The system clock defers to the database's `clock_timestamp()`, read after the locks are taken,
 * so every instance agrees; an authoritative clock (the tests') is passed in as a parameter, so the
 * suite gives the same result on any date.
 */
export function dbNow(clock: Clock): SQL {
  return clock.authoritative ? sql`${clock.now().toISOString()}::timestamptz` : sql`clock_timestamp()`
}
