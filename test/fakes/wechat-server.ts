import { Hono } from 'hono'
import { serveFake } from './serve'
import type { FakeOa } from './wechat-oa'

type Err = { errcode: number; errmsg: string }

/**
 * A fake WeChat API (jscode2session, stable_token, getuserphonenumber) speaking the documented
 * protocol and its error codes. Tests script it through `codes` and `phoneCodes`.
 */
export async function startFakeWeChat(opts: { appId?: string; secret?: string; officialAccount?: FakeOa & { appId: string; secret: string } } = {}) {
  const appId = opts.appId ?? 'wx-fake-app'
  const secret = opts.secret ?? 'fake-secret'
  const codes = new Map<string, { openid: string; unionid?: string } | Err>()
  const phoneCodes = new Map<string, string | Err>()
  const used = new Set<string>()
  const tokens = new Set<string>()
  const subscribeSent: { touser: string; templateId: string; page: string; data: Record<string, { value: string }> }[] = []
  const subscribeRefused = new Set<string>()
  const calls: { path: string; query: Record<string, string>; body?: unknown }[] = []
  const state = { busyTimes: 0, tokenIssued: 0 }

  const app = new Hono()
  app.use(async (c, next) => {
    const query = Object.fromEntries(new URL(c.req.url).searchParams.entries())
    const body = c.req.method === 'POST' ? await c.req.raw.clone().json().catch(() => undefined) : undefined
    calls.push({ path: c.req.path, query, body })
    if (state.busyTimes > 0) {
      state.busyTimes--
      return c.json({ errcode: -1, errmsg: 'system error' })
    }
    await next()
  })
  app.get('/sns/jscode2session', (c) => {
    const q = c.req.query()
    if (q.appid !== appId) return c.json({ errcode: 40013, errmsg: 'invalid appid' })
    if (q.secret !== secret) return c.json({ errcode: 40125, errmsg: 'invalid appsecret' })
    if (q.grant_type !== 'authorization_code') return c.json({ errcode: 40002, errmsg: 'invalid grant_type' })
    const code = q.js_code ?? ''
    const entry = codes.get(code)
    if (!entry || used.has(code)) return c.json({ errcode: 40029, errmsg: 'invalid code' })
    used.add(code)
    if ('errcode' in entry) return c.json(entry)
    return c.json({ ...entry, session_key: 'fake-session-key-must-not-leak' })
  })
  app.post('/cgi-bin/stable_token', async (c) => {
    const b = (await c.req.json()) as { grant_type?: string; appid?: string; secret?: string }
    const oa = opts.officialAccount
    const known = (b.appid === appId && b.secret === secret) || (oa && b.appid === oa.appId && b.secret === oa.secret)
    if (b.grant_type !== 'client_credential' || !known) return c.json({ errcode: 40125, errmsg: 'invalid appsecret' })
    const t = `token-${++state.tokenIssued}-${crypto.randomUUID()}`
    tokens.add(t)
    return c.json({ access_token: t, expires_in: 7200 })
  })
  app.post('/wxa/business/getuserphonenumber', async (c) => {
    if (!tokens.has(c.req.query('access_token') ?? '')) return c.json({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' })
    const { code } = (await c.req.json()) as { code?: string }
    const entry = phoneCodes.get(code ?? '')
    if (entry === undefined || used.has(`phone:${code}`)) return c.json({ errcode: 40029, errmsg: 'invalid code' })
    used.add(`phone:${code}`)
    if (typeof entry !== 'string') return c.json(entry)
    return c.json({
      errcode: 0,
      errmsg: 'ok',
      phone_info: { phoneNumber: entry, purePhoneNumber: entry, countryCode: '86', watermark: { timestamp: Math.floor(Date.now() / 1000), appid: appId } },
    })
  })

  // subscribe messages (wechat.md, Notifications): field limits as WeChat enforces them (47003), 43101 scripted
  const subscribeLimits: Record<string, number> = { thing: 20, phrase: 5, number: 32, letter: 32, character_string: 32, symbol: 5, name: 10, phone_number: 17 }
  app.post('/cgi-bin/message/subscribe/send', async (c) => {
    if (!tokens.has(c.req.query('access_token') ?? '')) return c.json({ errcode: 40001, errmsg: 'invalid credential' })
    const b = (await c.req.json()) as { touser?: string; template_id?: string; page?: string; data?: Record<string, { value?: string }> }
    if (!b.touser || !b.template_id || !b.data) return c.json({ errcode: 47001, errmsg: 'data format error' })
    for (const [k, v] of Object.entries(b.data)) {
      const limit = subscribeLimits[k.replace(/\d+$/, '')]
      if (!v?.value || (limit && [...v.value].length > limit)) return c.json({ errcode: 47003, errmsg: `argument invalid! data.${k}.value invalid` })
    }
    if (subscribeRefused.has(b.touser)) return c.json({ errcode: 43101, errmsg: 'user refuse to accept the msg' })
    subscribeSent.push({ touser: b.touser, templateId: b.template_id, page: b.page ?? '', data: b.data as Record<string, { value: string }> })
    return c.json({ errcode: 0, errmsg: 'ok' })
  })
  opts.officialAccount?.mount(app, (t) => tokens.has(t))
  const server = await serveFake(app)
  return {
    ...server,
    codes,
    phoneCodes,
    calls,
    /** subscribe messages accepted, and the openids that have no authorisation left (43101) */
    subscribeSent,
    subscribeRefused,
    get busyTimes() {
      return state.busyTimes
    },
    set busyTimes(n: number) {
      state.busyTimes = n
    },
    get tokenIssued() {
      return state.tokenIssued
    },
    /** WeChat may invalidate tokens early (another server refreshed them): forget every token issued. */
    expireTokens() {
      tokens.clear()
    },
  }
}
