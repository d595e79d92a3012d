import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { normalizePhone } from '../../../shared/phone'
import { otpCodes } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { hmacHex, randomDigits, timingSafeEqualStr } from '../../lib/crypto'
import { accountForPhone } from './phone-account'
import { limitKeyOf } from '../../lib/client-ip'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'
import { clearFailures, consume, releaseAttempt, reserveAttempt, type Limiter } from './rate-limit'
import { startSession } from './sessions'

export const OTP_TTL_SECONDS = 300
export const OTP_RESEND_SECONDS = 60
const OTP_MAX_ATTEMPTS_PER_CODE = 5

/** Limits on sending and verifying codes (SMS costs money and codes can be guessed). */
export const OTP_LIMITS = {
  sendPerPhonePerMinute: 1,
  sendPerPhonePerHour: 5,
  sendPerIpPerHour: 30,
  /** code comparisons per phone, from anywhere: the guessing budget (a 6-digit code, 5 tries) */
  verifyPerPhone: { max: 5, windowSeconds: 900, lockSeconds: 1800 },
  /** per phone from one address: after the phone's lock ends, one address still gets 5 an hour */
  verifyPerIpPhone: { max: 5, windowSeconds: 3600, lockSeconds: 3600 },
  /**
   * per address, across phones: a ceiling far above what one household behind a NAT or a carrier
   * gateway reaches, so one attacker's burst locks their own targets, not the neighbours' phones
   */
  verifyPerIp: { max: 300, windowSeconds: 3600, lockSeconds: 3600 },
} as const

const limiter = (ctx: ServiceCtx): Limiter => ({ db: ctx.db, clock: ctx.clock, secret: ctx.config.ID_HASH_SECRET })
const codeHash = (ctx: ServiceCtx, phone: string, code: string) => hmacHex(ctx.config.JWT_SECRET, `otp:${phone}:${code}`)

function phoneOrThrow(raw: string): string {
  const phone = normalizePhone(raw)
  if (!phone) throw new AppError('PHONE_INVALID')
  return phone
}

export async function sendOtp(ctx: ServiceCtx, rawPhone: string) {
  const phone = phoneOrThrow(rawPhone)
  const l = limiter(ctx)
  await consume(l, `otp-send:ip:${limitKeyOf(ctx.clientIp)}`, OTP_LIMITS.sendPerIpPerHour, 3600)
  await consume(l, `otp-send:phone-minute:${phone}`, OTP_LIMITS.sendPerPhonePerMinute, OTP_RESEND_SECONDS)
  await consume(l, `otp-send:phone-hour:${phone}`, OTP_LIMITS.sendPerPhonePerHour, 3600)
  const code = randomDigits(6)
  const now = ctx.clock.now()
  const id = nanoid()
  await withTransaction(ctx.db, async (tx) => {
    await tx.update(otpCodes).set({ consumedAt: now }).where(and(eq(otpCodes.phone, phone), isNull(otpCodes.consumedAt)))
    await tx.insert(otpCodes).values({
      id,
      phone,
      codeHash: await codeHash(ctx, phone, code),
      expiresAt: new Date(now.getTime() + OTP_TTL_SECONDS * 1000),
    })
  })
  // Sent after commit (the sender may write its own rows); a code that never went out is withdrawn.
  try {
    await ctx.sms.sendOtp(phone, code)
  } catch (e) {
    await ctx.db.delete(otpCodes).where(eq(otpCodes.id, id))
    throw e
  }
  return { expiresInSeconds: OTP_TTL_SECONDS, resendAfterSeconds: OTP_RESEND_SECONDS }
}

/**
 * Checks a code; on success the phone's account (created on first sign-in) gets a new session.
 * Every comparison is paid for first: an attempt is reserved atomically against each limit, and
 * the code row's own counter is taken by a conditional UPDATE, so however many requests arrive at
 * once, at most `verifyPerPhone.max` codes are compared per phone per window.
 */
export async function verifyOtp(ctx: ServiceCtx, rawPhone: string, code: string) {
  const phone = phoneOrThrow(rawPhone)
  const l = limiter(ctx)
  const keys = {
    phone: `otp-verify:phone:${phone}`,
    ipPhone: `otp-verify:ip-phone:${limitKeyOf(ctx.clientIp)}|${phone}`,
    ip: `otp-verify:ip:${limitKeyOf(ctx.clientIp)}`,
  }
  await reserveAttempt(l, keys.phone, OTP_LIMITS.verifyPerPhone)
  await reserveAttempt(l, keys.ipPhone, OTP_LIMITS.verifyPerIpPhone)
  await reserveAttempt(l, keys.ip, OTP_LIMITS.verifyPerIp)
  const now = ctx.clock.now()
  const latest = ctx.db
    .select({ id: otpCodes.id })
    .from(otpCodes)
    .where(and(eq(otpCodes.phone, phone), isNull(otpCodes.consumedAt), gt(otpCodes.expiresAt, now)))
    .orderBy(desc(otpCodes.createdAt))
    .limit(1)
  const [current] = await ctx.db
    .update(otpCodes)
    .set({ attempts: sql`${otpCodes.attempts} + 1` })
    .where(and(eq(otpCodes.id, sql`(${latest})`), isNull(otpCodes.consumedAt), lt(otpCodes.attempts, OTP_MAX_ATTEMPTS_PER_CODE)))
    .returning({ id: otpCodes.id, codeHash: otpCodes.codeHash })
  const ok = current !== undefined && /^\d{6}$/.test(code) && timingSafeEqualStr(current.codeHash, await codeHash(ctx, phone, code))
  if (!ok) throw new AppError('OTP_INVALID')
  const userId = await withTransaction(ctx.db, async (tx) => {
    const consumed = await tx
      .update(otpCodes)
      .set({ consumedAt: now })
      .where(and(eq(otpCodes.id, current.id), isNull(otpCodes.consumedAt)))
      .returning({ id: otpCodes.id })
    if (consumed.length === 0) return null // a parallel request used it first
    return (await accountForPhone(tx, phone, 'signed_in')).id
  })
  if (!userId) throw new AppError('OTP_INVALID')
  // a right code is not a failure: the phone starts again from none, the address gets its attempt back
  await clearFailures(l, keys.phone)
  await clearFailures(l, keys.ipPhone)
  await releaseAttempt(l, keys.ip, OTP_LIMITS.verifyPerIp)
  return startSession(ctx, userId)
}
