import { sql } from 'drizzle-orm'
import { rateLimits } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import type { Clock } from '../../env'
import { hmacHex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'

/**
 * Counters live in the database so that every instance enforces the same limits. A key names
 * what is limited and for whom ("otp-send:phone:138..."), and is stored as a keyed digest so the
 * table holds no phone numbers or addresses.
 */
export interface Limiter {
  db: Db
  clock: Clock
  secret: string
}

/** A timestamp parameter inside raw SQL: postgres.js does not serialise a bare Date there. */
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`

const digest = (l: Limiter, key: string) => hmacHex(l.secret, `rate:${key}`)
const secondsUntil = (l: Limiter, t: Date) => Math.max(1, Math.ceil((t.getTime() - l.clock.now().getTime()) / 1000))

/** Counts one event in a fixed window; refuses (429) once more than `limit` happened in it. */
export async function consume(l: Limiter, key: string, limit: number, windowSeconds: number) {
  const k = await digest(l, key)
  const now = l.clock.now()
  const cutoff = new Date(now.getTime() - windowSeconds * 1000)
  const [row] = await l.db
    .insert(rateLimits)
    .values({ key: k, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} <= ${at(cutoff)} then 1 else ${rateLimits.count} + 1 end`,
        windowStart: sql`case when ${rateLimits.windowStart} <= ${at(cutoff)} then ${at(now)} else ${rateLimits.windowStart} end`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart })
  if (row && row.count > limit) {
    const resetAt = new Date(row.windowStart.getTime() + windowSeconds * 1000)
    throw new AppError('RATE_LIMITED', { retryAfterSeconds: secondsUntil(l, resetAt) })
  }
}
