import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { Hono } from 'hono'

/**
 * WeChat's side of an official account (公众号), for tests: it delivers signed (and in safe mode,
 * encrypted) XML to our callback the way WeChat does, and serves the account's APIs on the fake
 * WeChat server (customer-service messages with the 48 h window, parameterised QR codes, 网页授权).
 * Its crypto is node:crypto, written apart from ours, so a shared mistake cannot pass unnoticed.
 */
export interface FakeOaOptions {
  appId: string
  secret: string
  token: string
  /** safe mode when set */
  encodingAesKey?: string
  /** WeChat's clock (the tests pass the harness clock) */
  now: () => number
}

type Target = (path: string, init: RequestInit) => Response | Promise<Response>

export interface Inbound {
  from: string
  content?: string
  msgId?: string
  event?: { Event: string; EventKey?: string; Ticket?: string }
  /** a voice message; `recognition`: WeChat's speech-to-text of it, where the account has it on (absent otherwise) */
  voice?: { recognition?: string }
  createTime?: number
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')

export function createFakeOa(opts: FakeOaOptions) {
  const lastInbound = new Map<string, { at: number; sent: number }>()
  const sent: { touser: string; content: string; at: number }[] = []
  const qrcodes = new Map<string, string>()
  const templates: { touser: string; templateId: string; url: string; data: Record<string, { value: string }>; at: number }[] = []
  const unfollowed = new Set<string>()
  const oauthCodes = new Map<string, string>()
  // WeChat's MsgIds are unique across the platform; test files share one database (and the
  // chat-bot's record of messages acted on), so each fake server starts at a random point of
  // that 64-bit space instead of the same number
  let msgSeq = 6054768590064713728n + BigInt(Math.floor(Math.random() * 2 ** 48)) * 1024n
  const state = { browserOpenid: null as string | null, sendFailures: 0 }

  function aes(encodingAesKey: string) {
    const key = Buffer.from(`${encodingAesKey}=`, 'base64')
    return { key, iv: key.subarray(0, 16) }
  }

  function encrypt(message: string, encodingAesKey: string): string {
    const { key, iv } = aes(encodingAesKey)
    const msg = Buffer.from(message)
    const len = Buffer.alloc(4)
    len.writeUInt32BE(msg.length)
    const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(opts.appId)])
    const pad = 32 - (body.length % 32)
    const c = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false)
    return Buffer.concat([c.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), c.final()]).toString('base64')
  }

  function decrypt(encrypted: string, encodingAesKey: string): string {
    const { key, iv } = aes(encodingAesKey)
    const d = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false)
    const plain = Buffer.concat([d.update(Buffer.from(encrypted, 'base64')), d.final()])
    const body = plain.subarray(0, plain.length - plain[plain.length - 1]!)
    const len = body.readUInt32BE(16)
    if (body.subarray(20 + len).toString() !== opts.appId) throw new Error('reply encrypted for another appid')
    return body.subarray(20, 20 + len).toString()
  }

  const field = (xml: string, name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml)?.slice(1).find((x) => x !== undefined)

  /** The XML of one inbound message or event, as WeChat builds it. */
  function messageXml(m: Inbound): { xml: string; msgId?: string } {
    const createTime = m.createTime ?? Math.floor(opts.now() / 1000)
    const head = `<ToUserName><![CDATA[gh_fake]]></ToUserName><FromUserName><![CDATA[${m.from}]]></FromUserName><CreateTime>${createTime}</CreateTime>`
    if (m.event) {
      const e = m.event
      const extra = `${e.EventKey !== undefined ? `<EventKey><![CDATA[${e.EventKey}]]></EventKey>` : ''}${e.Ticket ? `<Ticket><![CDATA[${e.Ticket}]]></Ticket>` : ''}`
      return { xml: `<xml>${head}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${e.Event}]]></Event>${extra}</xml>` }
    }
    const msgId = m.msgId ?? String(++msgSeq)
    if (m.voice) {
      const heard = m.voice.recognition !== undefined ? `<Recognition><![CDATA[${m.voice.recognition}]]></Recognition>` : ''
      return { xml: `<xml>${head}<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_${msgId}]]></MediaId><Format><![CDATA[amr]]></Format>${heard}<MsgId>${msgId}</MsgId></xml>`, msgId }
    }
    return { xml: `<xml>${head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${m.content ?? ''}]]></Content><MsgId>${msgId}</MsgId></xml>`, msgId }
  }

  /**
   * Delivers one message to the callback and reads the answer as WeChat would: the passive reply's
   * Content (decrypted in safe mode), `success`, or a failure (anything else shows the owner
   * “该公众号暂时无法提供服务”).
   */
  async function deliver(target: Target, m: Inbound, o: { xml?: string; timestamp?: number; badSignature?: boolean; badMsgSignature?: boolean } = {}) {
    const built = o.xml ? { xml: o.xml } : messageXml(m)
    const timestamp = String(o.timestamp ?? Math.floor(opts.now() / 1000))
    const nonce = String(Math.floor(Math.random() * 1e9))
    const signature = o.badSignature ? '0'.repeat(40) : sha1([opts.token, timestamp, nonce].sort().join(''))
    const q = new URLSearchParams({ signature, timestamp, nonce, openid: m.from })
    let body = built.xml
    if (opts.encodingAesKey && !o.xml) {
      const enc = encrypt(built.xml, opts.encodingAesKey)
      q.set('encrypt_type', 'aes')
      q.set('msg_signature', o.badSignature || o.badMsgSignature ? '0'.repeat(40) : sha1([opts.token, timestamp, nonce, enc].sort().join('')))
      body = `<xml><ToUserName><![CDATA[gh_fake]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`
    }
    const seen = lastInbound.get(m.from)
    // any message opens (or renews) the 48 h customer-service window
    if (!seen || opts.now() - seen.at > 1000) lastInbound.set(m.from, { at: opts.now(), sent: 0 })
    const res = await target(`/wechat/oa?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body })
    const text = await res.text()
    const out = { status: res.status, raw: text, reply: null as string | null, success: false, broken: false }
    if (res.status !== 200) return { ...out, broken: true }
    if (text === '' || text === 'success') return { ...out, success: true }
    if (!text.startsWith('<xml>')) return { ...out, broken: true }
    let xml = text
    if (opts.encodingAesKey) {
      const enc = field(text, 'Encrypt')!
      const ts = field(text, 'TimeStamp')!
      const n = field(text, 'Nonce')!
      if (field(text, 'MsgSignature') !== sha1([opts.token, ts, n, enc].sort().join(''))) return { ...out, broken: true }
      xml = decrypt(enc, opts.encodingAesKey)
    }
    if (field(xml, 'ToUserName') !== m.from || field(xml, 'MsgType') !== 'text') return { ...out, broken: true }
    return { ...out, reply: field(xml, 'Content') ?? '' }
  }

  /** The fake's part of the WeChat API server. */
  function mount(app: Hono, hasToken: (t: string) => boolean) {
    app.post('/cgi-bin/message/custom/send', async (c) => {
      if (!hasToken(c.req.query('access_token') ?? '')) return c.json({ errcode: 40001, errmsg: 'invalid credential' })
      if (state.sendFailures > 0) {
        state.sendFailures--
        return c.json({ errcode: -1, errmsg: 'system error' })
      }
      const b = (await c.req.json()) as { touser?: string; msgtype?: string; text?: { content?: string } }
      if (b.msgtype !== 'text' || !b.touser || !b.text?.content) return c.json({ errcode: 44002, errmsg: 'empty post data' })
      const w = lastInbound.get(b.touser)
      if (!w || opts.now() - w.at > 48 * 3600_000) return c.json({ errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' })
      if (w.sent >= 5) return c.json({ errcode: 45047, errmsg: 'out of response count limit' })
      if (Buffer.byteLength(b.text.content) > 2048) return c.json({ errcode: 45002, errmsg: 'content size out of limit' })
      w.sent++
      sent.push({ touser: b.touser, content: b.text.content, at: opts.now() })
      return c.json({ errcode: 0, errmsg: 'ok' })
    })
    app.post('/cgi-bin/message/template/send', async (c) => {
      if (!hasToken(c.req.query('access_token') ?? '')) return c.json({ errcode: 40001, errmsg: 'invalid credential' })
      if (state.sendFailures > 0) {
        state.sendFailures--
        return c.json({ errcode: -1, errmsg: 'system error' })
      }
      const b = (await c.req.json()) as { touser?: string; template_id?: string; url?: string; data?: Record<string, { value: string }> }
      if (!b.touser || !b.template_id || !b.data) return c.json({ errcode: 44002, errmsg: 'empty post data' })
      if (unfollowed.has(b.touser)) return c.json({ errcode: 43004, errmsg: 'require subscribe' })
      templates.push({ touser: b.touser, templateId: b.template_id, url: b.url ?? '', data: b.data, at: opts.now() })
      return c.json({ errcode: 0, errmsg: 'ok', msgid: templates.length })
    })
    app.post('/cgi-bin/qrcode/create', async (c) => {
      if (!hasToken(c.req.query('access_token') ?? '')) return c.json({ errcode: 40001, errmsg: 'invalid credential' })
      const b = (await c.req.json()) as { action_name?: string; action_info?: { scene?: { scene_str?: string } }; expire_seconds?: number }
      const scene = b.action_info?.scene?.scene_str
      if (!['QR_STR_SCENE', 'QR_LIMIT_STR_SCENE'].includes(b.action_name ?? '') || !scene || scene.length > 64) return c.json({ errcode: 40053, errmsg: 'invalid action info' })
      const ticket = `gQ${randomBytes(12).toString('base64url')}`
      qrcodes.set(ticket, scene)
      return c.json({ ticket, expire_seconds: b.action_name === 'QR_STR_SCENE' ? (b.expire_seconds ?? 30) : undefined, url: `http://weixin.qq.com/q/${ticket}` })
    })
    app.get('/sns/oauth2/access_token', (c) => {
      const q = c.req.query()
      if (q.appid !== opts.appId || q.secret !== opts.secret) return c.json({ errcode: 40125, errmsg: 'invalid appsecret' })
      const openid = oauthCodes.get(q.code ?? '')
      if (!openid) return c.json({ errcode: 40029, errmsg: 'invalid code' })
      oauthCodes.delete(q.code!)
      return c.json({ access_token: `web-${randomBytes(8).toString('hex')}`, expires_in: 7200, refresh_token: 'r', openid, scope: 'snsapi_base' })
    })
    // 网页授权 (the authorise host): WeChat's browser is signed in as `browserOpenid`
    app.get('/connect/oauth2/authorize', (c) => {
      const q = c.req.query()
      if (q.appid !== opts.appId || q.scope !== 'snsapi_base' || q.response_type !== 'code' || !q.redirect_uri) return c.text('参数错误', 400)
      if (!state.browserOpenid) return c.text('请在微信客户端打开链接', 400)
      const code = randomBytes(12).toString('hex')
      oauthCodes.set(code, state.browserOpenid)
      const back = new URL(q.redirect_uri)
      back.searchParams.set('code', code)
      if (q.state) back.searchParams.set('state', q.state)
      return c.redirect(back.toString(), 302)
    })
  }

  return {
    deliver,
    mount,
    /** customer-service messages WeChat accepted, oldest first */
    sent,
    /** template messages (notifications) WeChat accepted */
    templates,
    /** followers who have left: template messages to them answer 43004 */
    unfollowed,
    /** the scene a QR ticket carries (what a scan sends back) */
    sceneOf: (ticket: string) => qrcodes.get(ticket),
    state,
    /** the owner has not written for this long (the 48 h window closes) */
    forgetInbound: (openid: string) => lastInbound.delete(openid),
  }
}

export type FakeOa = ReturnType<typeof createFakeOa>
