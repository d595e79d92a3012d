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
import { consume, type Limiter } from './rate-limit'
import { startSession } from './sessions'

export const OTP_TTL_SECONDS = 300
export const OTP_RESEND_SECONDS = 60

/**
 * Limits on sending and verifying codes (SMS costs money and codes can be guessed).
 *
 * The guessing budget is carried by the send, not by the phone: every code sent comes with a
 * challenge that only its requester holds, and each challenge may compare five codes. A budget per
 * phone, which anybody could spend, let a stranger lock an owner out for half an hour with five
 * wrong codes and no SMS sent, again and again through a voting deadline. Now each try at a phone
 * costs an SMS to that phone first, so the sends bound the guesses: at most five an hour per phone,
 * five tries each (25 an hour at a 6-digit code), and 30 sends an hour per address across phones.
 * A verification with a challenge that is not a live one of this phone compares nothing and
 * counts against nobody: a flood of made-up challenges from a carrier's shared address locks no
 * neighbour out. What remains for a stranger is spending a phone's sends, which the limits below
 * cap at an hour (a day's cap would make that a day).
 */
export const OTP_LIMITS = {
  sendPerPhonePerMinute: 1,
  sendPerPhonePerHour: 5,
  sendPerIpPerHour: 30,
  /** code comparisons per challenge (per code sent) */
  triesPerChallenge: 5,
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
  return { expiresInSeconds: OTP_TTL_SECONDS, resendAfterSeconds: OTP_RESEND_SECONDS, challenge: id }
}

/**
 * Checks a code; on success the phone's account (created on first sign-in) gets a new session.
 *
 * The code compared is the phone's newest live one, whichever challenge is presented: an owner whose
 * code was replaced by a later send (theirs, or a stranger's) types the newest SMS on the form they
 * have open. Every comparison is paid for first, from the challenge's own five tries, by a
 * conditional UPDATE: however many requests arrive at once, at most five compare per challenge.
 */
export async function verifyOtp(ctx: ServiceCtx, rawPhone: string, code: string, challenge: string) {
  const phone = phoneOrThrow(rawPhone)
  const now = ctx.clock.now()
  const [paid] = await ctx.db
    .update(otpCodes)
    .set({ attempts: sql`${otpCodes.attempts} + 1` })
    .where(and(eq(otpCodes.id, challenge), eq(otpCodes.phone, phone), gt(otpCodes.expiresAt, now), lt(otpCodes.attempts, OTP_LIMITS.triesPerChallenge)))
    .returning({ id: otpCodes.id })
  if (!paid) {
    // a challenge of this phone that is still in time has used its tries (or signed in already)
    const [spent] = await ctx.db
      .select({ id: otpCodes.id })
      .from(otpCodes)
      .where(and(eq(otpCodes.id, challenge), eq(otpCodes.phone, phone), gt(otpCodes.expiresAt, now)))
    throw new AppError(spent ? 'OTP_SPENT' : 'OTP_INVALID')
  }
  const [newest] = await ctx.db
    .select({ id: otpCodes.id, codeHash: otpCodes.codeHash })
    .from(otpCodes)
    .where(and(eq(otpCodes.phone, phone), isNull(otpCodes.consumedAt), gt(otpCodes.expiresAt, now)))
    .orderBy(desc(otpCodes.createdAt))
    .limit(1)
  const ok = newest !== undefined && /^\d{6}$/.test(code) && timingSafeEqualStr(newest.codeHash, await codeHash(ctx, phone, code))
  if (!ok) throw new AppError('OTP_INVALID')
  const userId = await withTransaction(ctx.db, async (tx) => {
    const consumed = await tx
      .update(otpCodes)
      .set({ consumedAt: now })
      .where(and(eq(otpCodes.id, newest.id), isNull(otpCodes.consumedAt)))
      .returning({ id: otpCodes.id })
    if (consumed.length === 0) return null // a parallel request used it first
    // the challenge that signed in is spent too: a copy of the form cannot try again
    await tx.update(otpCodes).set({ attempts: OTP_LIMITS.triesPerChallenge }).where(eq(otpCodes.id, challenge))
    return (await accountForPhone(tx, phone, 'signed_in')).id
  })
  if (!userId) throw new AppError('OTP_INVALID')
  return startSession(ctx, userId)
}
