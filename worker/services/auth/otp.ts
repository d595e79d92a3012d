import { and, desc, eq, gt, isNull } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { normalizePhone } from '../../../shared/phone'
import { otpCodes, users } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { hmacHex, randomDigits, timingSafeEqualStr } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'
import { assertNotLocked, clearFailures, consume, recordFailure, type Limiter } from './rate-limit'
import { startSession } from './sessions'

export const OTP_TTL_SECONDS = 300
export const OTP_RESEND_SECONDS = 60
const OTP_MAX_ATTEMPTS_PER_CODE = 5

/** Limits on sending and verifying codes (SMS costs money and codes can be guessed). */
export const OTP_LIMITS = {
  sendPerPhonePerMinute: 1,
  sendPerPhonePerHour: 5,
  sendPerIpPerHour: 30,
  verifyFailuresPerPhone: { maxFailures: 5, windowSeconds: 900, lockSeconds: 1800 },
  verifyFailuresPerIp: { maxFailures: 30, windowSeconds: 3600, lockSeconds: 3600 },
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
  await consume(l, `otp-send:ip:${ctx.clientIp}`, OTP_LIMITS.sendPerIpPerHour, 3600)
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

/** Checks a code; on success the phone's account (created on first sign-in) gets a new session. */
export async function verifyOtp(ctx: ServiceCtx, rawPhone: string, code: string) {
  const phone = phoneOrThrow(rawPhone)
  const l = limiter(ctx)
  await assertNotLocked(l, `otp-verify:ip:${ctx.clientIp}`)
  await assertNotLocked(l, `otp-verify:phone:${phone}`)
  const now = ctx.clock.now()
  const [current] = await ctx.db
    .select()
    .from(otpCodes)
    .where(and(eq(otpCodes.phone, phone), isNull(otpCodes.consumedAt), gt(otpCodes.expiresAt, now)))
    .orderBy(desc(otpCodes.createdAt))
    .limit(1)
  const ok = current !== undefined && /^\d{6}$/.test(code) && timingSafeEqualStr(current.codeHash, await codeHash(ctx, phone, code))
  if (!ok) {
    if (current) {
      const attempts = current.attempts + 1
      await ctx.db
        .update(otpCodes)
        .set({ attempts, consumedAt: attempts >= OTP_MAX_ATTEMPTS_PER_CODE ? now : null })
        .where(eq(otpCodes.id, current.id))
    }
    await recordFailure(l, `otp-verify:phone:${phone}`, OTP_LIMITS.verifyFailuresPerPhone)
    await recordFailure(l, `otp-verify:ip:${ctx.clientIp}`, OTP_LIMITS.verifyFailuresPerIp)
    throw new AppError('OTP_INVALID')
  }
  const userId = await withTransaction(ctx.db, async (tx) => {
    const consumed = await tx
      .update(otpCodes)
      .set({ consumedAt: now })
      .where(and(eq(otpCodes.id, current.id), isNull(otpCodes.consumedAt)))
      .returning({ id: otpCodes.id })
    if (consumed.length === 0) return null // a parallel request used it first
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.phone, phone))
    if (existing) return existing.id
    const id = nanoid()
    await tx.insert(users).values({ id, phone })
    return id
  })
  if (!userId) throw new AppError('OTP_INVALID')
  await clearFailures(l, `otp-verify:phone:${phone}`)
  return startSession(ctx, userId)
}
