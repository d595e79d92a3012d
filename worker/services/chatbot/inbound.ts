import { eq, sql } from 'drizzle-orm'
import { oaFollowers, oaInbound, oaNonces } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { sha256Hex } from '../../lib/crypto'
import type { ServiceCtx } from '../context'
import { runCommand } from './commands'
import { onEvent } from './events'
import { helpText } from './replies'

/** One message or event from the official account, as its XML fields. */
export type OaMessage = Record<string, string>

/** The de-duplication key WeChat's redeliveries share (wechat.md: MsgId; events: sender + CreateTime). */
export function inboundKey(m: OaMessage): string {
  return m.MsgId ? `msg:${m.MsgId}` : `evt:${m.FromUserName}:${m.CreateTime}`
}

async function replyOf(db: Db, key: string): Promise<string | null | undefined> {
  const [row] = await db.select({ reply: oaInbound.reply }).from(oaInbound).where(eq(oaInbound.key, key))
  return row ? row.reply : undefined
}

/**
 * Acts on one inbound message exactly once, whatever the number of deliveries and instances:
 * the key is claimed in the same transaction as the action, so a concurrent redelivery waits on the
 * claim and then finds it taken (and reads the reply the first one made). `acted` is true only for
 * the delivery that did the work: only it may send the answer later as a customer-service message.
 */
export async function handleInbound(ctx: ServiceCtx, m: OaMessage): Promise<{ reply: string | null; acted: boolean }> {
  const key = inboundKey(m)
  const openid = m.FromUserName!
  const seen = await replyOf(ctx.db, key)
  if (seen !== undefined) return { reply: seen, acted: false }
  const now = ctx.clock.now()
  try {
    return await withTransaction(ctx.db, async (tx) => {
      const claimed = await tx.insert(oaInbound).values({ key, openid, receivedAt: now }).onConflictDoNothing().returning({ key: oaInbound.key })
      if (claimed.length === 0) return { reply: (await replyOf(tx, key)) ?? null, acted: false }
      // every message renews the 48 h window in which customer-service messages may follow
      await tx
        .insert(oaFollowers)
        .values({ openid, lastInboundAt: now, subscribedAt: now })
        .onConflictDoUpdate({ target: oaFollowers.openid, set: { lastInboundAt: now } })
      const scoped = { ...ctx, db: tx }
      const reply = await replyTo(scoped, openid, m, key)
      await tx.update(oaInbound).set({ reply }).where(eq(oaInbound.key, key))
      return { reply, acted: true }
    })
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    // The action was refused and wrote nothing; the refusal is the answer, kept for redeliveries.
    const reply = `${e.message}。${e.code === 'POLL_NOT_OPEN' ? '该议题当前不在投票期内。' : ''}回复“帮助”查看可用的指令。`
    const [kept] = await ctx.db.insert(oaInbound).values({ key, openid, reply, receivedAt: now }).onConflictDoNothing().returning({ key: oaInbound.key })
    return kept ? { reply, acted: true } : { reply: (await replyOf(ctx.db, key)) ?? null, acted: false }
  }
}

/**
 * Many owners who vote by chat are elderly and speak rather than type. Where the account has
 * WeChat's speech recognition on, a voice message carries its text (`Recognition`) and is read as
 * if typed: a vote still waits for 确认 after the poll and the choice are read back, so a word
 * misheard casts nothing. Without it, the owner is asked to type.
 */
async function replyTo(ctx: ServiceCtx, openid: string, m: OaMessage, key: string): Promise<string | null> {
  if (m.MsgType === 'event') return onEvent(ctx, openid, m)
  if (m.MsgType === 'text') return runCommand(ctx, openid, m.Content ?? '', key)
  if (m.MsgType === 'voice') {
    const heard = (m.Recognition ?? '').trim()
    return heard ? runCommand(ctx, openid, heard, key) : '暂时听不清语音。请发文字，例如“议题”“3号同意”，或回复“帮助”。'
  }
  return helpText()
}

/** Forget what is too old to be redelivered (WeChat retries within seconds); a scheduled job may call it. */
export async function pruneInbound(db: Db, before: Date) {
  await db.delete(oaInbound).where(sql`${oaInbound.receivedAt} < ${before.toISOString()}::timestamptz`)
  await db.delete(oaNonces).where(sql`${oaNonces.seenAt} < ${before.toISOString()}::timestamptz`)
}

/**
 * Plain mode: whether this signed (timestamp, nonce) may carry this message. The first message it
 * comes with claims it (oa_nonces); the same message again (WeChat's redelivery) passes; another
 * message under it is a replay of a signed address seen elsewhere, refused.
 */
export async function claimPlainNonce(ctx: Pick<ServiceCtx, 'db' | 'clock'>, timestamp: string, nonce: string, body: string): Promise<boolean> {
  const key = `${timestamp}:${nonce}`
  const bodySha256 = await sha256Hex(body)
  const [claimed] = await ctx.db.insert(oaNonces).values({ key, bodySha256, seenAt: ctx.clock.now() }).onConflictDoNothing().returning({ key: oaNonces.key })
  if (claimed) return true
  const [seen] = await ctx.db.select({ bodySha256: oaNonces.bodySha256 }).from(oaNonces).where(eq(oaNonces.key, key))
  return seen?.bodySha256 === bodySha256
}
