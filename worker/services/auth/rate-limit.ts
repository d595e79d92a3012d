import { eq, sql } from 'drizzle-orm'
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

/** An attempt counter with a lockout: at most `max` attempts per window, then none until `lockSeconds` have passed. */
export interface AttemptLimit {
  max: number
  windowSeconds: number
  lockSeconds: number
}

/**
 * Reserves one attempt before the thing it limits is tried (a code compared), in one conditional
 * upsert: the row is locked by the statement, so of any number of parallel requests at most `max`
 * get a reservation in a window, and the rest are refused (429 LOCKED_OUT) without being tried.
 * The reservation that reaches `max` sets the lock. Checking first and counting afterwards (the old
 * way) let a burst be compared in full.
 */
export async function reserveAttempt(l: Limiter, key: string, opts: AttemptLimit) {
  const k = await digest(l, `fail:${key}`)
  const now = l.clock.now()
  const cutoff = new Date(now.getTime() - opts.windowSeconds * 1000)
  const lockUntil = new Date(now.getTime() + opts.lockSeconds * 1000)
  const unlocked = sql`(${rateLimits.lockedUntil} is null or ${rateLimits.lockedUntil} <= ${at(now)})`
  const fresh = sql`(${rateLimits.windowStart} <= ${at(cutoff)} and ${unlocked})`
  const next = sql`case when ${fresh} then 1 else ${rateLimits.count} + 1 end`
  const [row] = await l.db
    .insert(rateLimits)
    .values({ key: k, windowStart: now, count: 1, lockedUntil: opts.max <= 1 ? lockUntil : null })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: next,
        windowStart: sql`case when ${fresh} then ${at(now)} else ${rateLimits.windowStart} end`,
        lockedUntil: sql`case when ${next} >= ${opts.max} then ${at(lockUntil)} when ${fresh} then null else ${rateLimits.lockedUntil} end`,
      },
      // no reservation while locked, nor beyond `max` in the window
      setWhere: sql`${fresh} or (${unlocked} and ${rateLimits.count} < ${opts.max})`,
    })
    .returning({ count: rateLimits.count })
  if (row) return
  const [locked] = await l.db.select({ lockedUntil: rateLimits.lockedUntil, windowStart: rateLimits.windowStart }).from(rateLimits).where(eq(rateLimits.key, k))
  const windowEnd = new Date((locked?.windowStart ?? now).getTime() + opts.windowSeconds * 1000)
  const until = locked?.lockedUntil && locked.lockedUntil > windowEnd ? locked.lockedUntil : windowEnd
  throw new AppError('LOCKED_OUT', { retryAfterSeconds: secondsUntil(l, until) })
}

/** Gives back a reservation that turned out not to be a failure (a right code), lifting the lock it may have set. */
export async function releaseAttempt(l: Limiter, key: string, opts: AttemptLimit) {
  const k = await digest(l, `fail:${key}`)
  await l.db
    .update(rateLimits)
    .set({
      count: sql`greatest(${rateLimits.count} - 1, 0)`,
      lockedUntil: sql`case when ${rateLimits.count} - 1 < ${opts.max} then null else ${rateLimits.lockedUntil} end`,
    })
    .where(eq(rateLimits.key, k))
}
