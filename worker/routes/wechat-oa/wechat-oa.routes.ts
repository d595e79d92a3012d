import { eq } from 'drizzle-orm'
import type { Context } from 'hono'
import { notices } from '../../../drizzle/schema'
import { noticeScene } from '../../services/chatbot/events'
import { noticeCommunity } from '../../services/notices/notices'
import * as z from 'zod'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { loggableMessage, logLine } from '../../lib/log'
import { access, route } from '../../lib/route'
import { ctxOf, type ServiceCtx } from '../../services/context'
import { claimPlainNonce, handleInbound, type OaMessage } from '../../services/chatbot/inbound'
import { createOaCipher, encryptedReplyXml, OaCryptoError, OaXmlError, parseOaXml, signatureValid, textReplyXml, type OaCipher } from '../../wechat/oa/protocol'

const tags = ['公众号']

/** WeChat's messages are small; anything larger is not WeChat (and an XML bomb stops here unread). */
export const OA_MAX_BODY_BYTES = 16 * 1024
/** How far the callback's timestamp may be from our clock (replays of old deliveries are refused). */
export const OA_MAX_SKEW_SECONDS = 300

const Signed = z.object({
  signature: z.string().regex(/^[0-9a-fA-F]{40}$/),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1).max(64),
})

const SignedPost = Signed.extend({
  openid: z.string().max(64).optional(),
  encrypt_type: z.enum(['aes', 'raw']).optional(),
  msg_signature: z.string().regex(/^[0-9a-fA-F]{40}$/).optional(),
})

const ciphers = new Map<string, Promise<OaCipher>>()
const cipherFor = (key: string, appId: string) => {
  let c = ciphers.get(`${key}:${appId}`)
  if (!c) ciphers.set(`${key}:${appId}`, (c = createOaCipher(key, appId)))
  return c
}

function oaConfig(c: Context<HonoEnv>) {
  const cfg = c.get('config')
  if (!cfg.WECHAT_OA_TOKEN || !cfg.WECHAT_OA_APPID) throw new AppError('WECHAT_UNAVAILABLE', { reason: 'official_account_not_configured' })
  return { token: cfg.WECHAT_OA_TOKEN, appId: cfg.WECHAT_OA_APPID, aesKey: cfg.WECHAT_OA_ENCODING_AES_KEY ?? null }
}

async function checkSigned(c: Context<HonoEnv>, token: string, q: z.infer<typeof Signed>) {
  const skew = Math.abs(c.get('clock').now().getTime() / 1000 - Number(q.timestamp))
  if (skew > OA_MAX_SKEW_SECONDS) throw new AppError('WECHAT_TIMESTAMP_STALE')
  if (!(await signatureValid([token, q.timestamp, q.nonce], q.signature))) throw new AppError('WECHAT_SIGNATURE_INVALID')
}

const messageInvalid = (reason: string): never => {
  throw new AppError('WECHAT_MESSAGE_INVALID', { reason })
}

/** The plaintext message: in safe mode, the Encrypt element checked against msg_signature and decrypted. */
async function openMessage(raw: string, cfg: ReturnType<typeof oaConfig>, q: z.infer<typeof SignedPost>): Promise<OaMessage> {
  try {
    const outer = parseOaXml(raw)
    if (!cfg.aesKey) return outer
    if (q.encrypt_type !== 'aes' || !outer.Encrypt) return messageInvalid('safe_mode_requires_encryption')
    if (!(await signatureValid([cfg.token, q.timestamp, q.nonce, outer.Encrypt], q.msg_signature))) throw new AppError('WECHAT_SIGNATURE_INVALID')
    return parseOaXml(await (await cipherFor(cfg.aesKey, cfg.appId)).decrypt(outer.Encrypt))
  } catch (e) {
    if (e instanceof OaXmlError || e instanceof OaCryptoError) return messageInvalid(e instanceof OaXmlError ? 'xml' : 'crypto')
    throw e
  }
}

/**
 * Answers within the budget, or says `success` at once and sends the answer afterwards as a
 * customer-service message (WeChat gives up after 5 s and redelivers). Only the delivery that acted
 * sends the follow-up, so a redelivery never makes a second one.
 */
async function replyWithinBudget(c: Context<HonoEnv>, ctx: ServiceCtx, m: OaMessage): Promise<string | null> {
  const work = handleInbound(ctx, m)
  const budget = ctx.config.WECHAT_OA_REPLY_BUDGET_MS
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = Symbol('late')
  const first = budget === 0 ? late : await Promise.race([work, new Promise<typeof late>((r) => (timer = setTimeout(() => r(late), budget)))]).finally(() => clearTimeout(timer))
  if (first !== late) return first.reply
  const followUp = work
    .then(async (r) => {
      if (r.acted && r.reply && ctx.oa) await ctx.oa.sendText(m.FromUserName!, r.reply)
    })
    .catch((e: unknown) => logLine({ requestId: ctx.requestId, level: 'error', error: 'oa_follow_up', message: loggableMessage(e) }))
  try {
    c.executionCtx.waitUntil(followUp)
  } catch {
    // Node: no execution context; the promise runs on in the process
  }
  return null
}

export const wechatOaRoutes = [
  route({
    method: 'get',
    path: '/wechat/oa',
    summary: '公众号服务器配置校验（回显 echostr）',
    tags,
    access: access.public,
    query: Signed.extend({ echostr: z.string().min(1).max(128) }),
    responses: { 200: { description: 'echostr 原样返回', contentType: 'text/plain' }, 401: { description: '签名无效或时间戳过期' } },
    handler: async (c, { query }) => {
      const cfg = oaConfig(c)
      await checkSigned(c, cfg.token, query)
      return c.text(query.echostr)
    },
  }),
  route({
    method: 'post',
    path: '/wechat/oa',
    summary: '公众号消息与事件回调（明文或安全模式；同一消息多次投递只处理一次）',
    tags,
    access: access.public,
    query: SignedPost,
    upload: { contentTypes: ['text/xml', 'application/xml'], description: '微信推送的 XML 消息' },
    maxBodyBytes: OA_MAX_BODY_BYTES,
    responses: {
      200: { description: '被动回复的 XML，或 success', contentType: 'application/xml' },
      400: { description: '消息格式无效' },
      401: { description: '签名无效或时间戳过期' },
      413: { description: '消息过大' },
    },
    handler: async (c, { query }) => {
      const cfg = oaConfig(c)
      await checkSigned(c, cfg.token, query)
      // the raw text first: nothing parses a body before its size and signature are known good
      const raw = await c.req.text()
      // plain mode signs the address, not the message: one signed address carries one message
      if (!cfg.aesKey && !(await claimPlainNonce(ctxOf(c), query.timestamp, query.nonce, raw))) throw new AppError('WECHAT_SIGNATURE_INVALID', { reason: 'replayed' })
      const m = await openMessage(raw, cfg, query)
      if (!m.FromUserName || !m.ToUserName || !/^\d{1,12}$/.test(m.CreateTime ?? '') || !m.MsgType) return messageInvalid('fields')
      if (m.MsgId !== undefined && !/^\d{1,20}$/.test(m.MsgId)) return messageInvalid('msgid')
      const ctx = ctxOf(c)
      let reply: string | null
      try {
        reply = await replyWithinBudget(c, ctx, m)
      } catch (e) {
        // never a non-XML body: WeChat would show the owner “该公众号暂时无法提供服务”; it redelivers instead
        logLine({ requestId: ctx.requestId, level: 'error', error: 'oa_inbound', message: loggableMessage(e) })
        reply = null
      }
      if (!reply) return c.text('success')
      const nowSeconds = Math.floor(ctx.clock.now().getTime() / 1000)
      const xml = textReplyXml(m.FromUserName, m.ToUserName, reply, nowSeconds)
      const body = cfg.aesKey ? await encryptedReplyXml(await cipherFor(cfg.aesKey, cfg.appId), cfg.token, xml, String(nowSeconds), query.nonce) : xml
      return c.body(body, 200, { 'content-type': 'application/xml; charset=utf-8' })
    },
  }),
]

const OaQrReply = z.object({ ticket: z.string(), url: z.string(), scene: z.string(), imageUrl: z.string() })

/** A notice's official-account QR code: scanning it follows the account and answers with the notice. */
export const oaQrRoutes = [
  route({
    method: 'post',
    path: '/api/notices/:nid/oa-qrcode',
    summary: '公告的公众号带参数二维码（扫码关注后自动回复该公告及链接）',
    tags,
    access: access.community(['committee', 'community_staff', 'firm_staff'], { param: 'nid', community: (c) => noticeCommunity(c.var, c.req.param('nid') ?? '') }),
    params: z.object({ nid: z.string().min(1).max(40) }),
    responses: { 201: { description: '二维码', schema: OaQrReply } },
    handler: async (c, { params }) => {
      const ctx = ctxOf(c)
      if (!ctx.oa) throw new AppError('WECHAT_UNAVAILABLE', { reason: 'official_account_not_configured' })
      const [n] = await ctx.db.select({ code: notices.code }).from(notices).where(eq(notices.id, params.nid))
      if (!n) throw new AppError('NOT_FOUND')
      const scene = noticeScene(n.code)
      const qr = await ctx.oa.createQrCode(scene, true)
      return { status: 201, json: { ticket: qr.ticket, url: qr.url, scene, imageUrl: `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(qr.ticket)}` } }
    },
  }),
]
