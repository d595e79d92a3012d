import { AppError } from '../lib/errors'

export interface MiniProgramOptions {
  baseUrl: string
  appId: string
  secret: string
  fetch?: typeof fetch
  /** milliseconds since the epoch; the access-token cache expires by it */
  now?: () => number
  /** pause before retrying a busy (-1) answer */
  retryDelayMs?: number
  /** give up on a call after this long (default 5 s): a hung provider must not hold the request */
  timeoutMs?: number
}

export interface WeChatError {
  errcode?: number
  errmsg?: string
}

/** Renew the access token this long before WeChat says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000
const BUSY = -1
const TOKEN_INVALID = new Set([40001, 42001, 40014])

/**
 * The mini-program server APIs we use (../shared/domain/wechat.md): code2Session for sign-in,
 * getuserphonenumber for the phone WeChat vouches for, and the stable access token they need.
 * `session_key` is read and dropped here: it never leaves this module.
 */
/**
 * One call to a WeChat API, for the mini-program's and the official account's clients alike: a
 * network failure, a non-2xx answer or a body that is not JSON is WECHAT_UNAVAILABLE; the body's
 * own errcode is the caller's to read. Bounded by a timeout (5 s unless told).
 */
export function wechatCaller(doFetch: typeof fetch, base: string, timeoutMs?: number) {
  return async function call<T extends WeChatError>(path: string, init?: RequestInit): Promise<T> {
    let res: Response
    try {
      res = await doFetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs ?? 5000) })
    } catch {
      throw new AppError('WECHAT_UNAVAILABLE', { reason: 'network' })
    }
    if (!res.ok) throw new AppError('WECHAT_UNAVAILABLE', { reason: 'http', status: res.status })
    try {
      return (await res.json()) as T
    } catch {
      throw new AppError('WECHAT_UNAVAILABLE', { reason: 'not_json' })
    }
  }
}

export function createMiniProgramClient(opts: MiniProgramOptions) {
  const doFetch = opts.fetch ?? fetch
  const now = opts.now ?? Date.now
  const base = opts.baseUrl.replace(/\/$/, '')
  let token: { value: string; expiresAt: number } | null = null
  let inFlight: Promise<string> | null = null

  const call = wechatCaller(doFetch, base, opts.timeoutMs)

  function fail(e: WeChatError): never {
    switch (e.errcode) {
      case 40029:
      case 40163:
        throw new AppError('WECHAT_CODE_INVALID', { errcode: e.errcode })
      case 40226:
        throw new AppError('WECHAT_RISKY_USER', { errcode: e.errcode })
      case 45011:
        throw new AppError('RATE_LIMITED', { errcode: e.errcode })
      default:
        throw new AppError('WECHAT_UNAVAILABLE', { errcode: e.errcode ?? null })
    }
  }

  /** WeChat answers -1 when busy: one retry after a pause, then give up. */
  async function withBusyRetry<T extends WeChatError>(fn: () => Promise<T>): Promise<T> {
    const first = await fn()
    if (first.errcode !== BUSY) return first
    await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 200))
    return fn()
  }

  async function fetchToken(): Promise<string> {
    const body = await withBusyRetry(() =>
      call<WeChatError & { access_token?: string; expires_in?: number }>('/cgi-bin/stable_token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credential', appid: opts.appId, secret: opts.secret, force_refresh: false }),
      }),
    )
    if (body.errcode || !body.access_token || !body.expires_in) fail(body)
    token = { value: body.access_token, expiresAt: now() + body.expires_in * 1000 - TOKEN_MARGIN_MS }
    return body.access_token
  }

  async function getAccessToken(): Promise<string> {
    if (token && token.expiresAt > now()) return token.value
    // concurrent callers share one request
    inFlight ??= fetchToken().finally(() => {
      inFlight = null
    })
    return inFlight
  }

  return {
    async code2Session(code: string): Promise<{ openid: string; unionid?: string }> {
      const q = new URLSearchParams({ appid: opts.appId, secret: opts.secret, js_code: code, grant_type: 'authorization_code' })
      const body = await withBusyRetry(() => call<WeChatError & { openid?: string; unionid?: string; session_key?: string }>(`/sns/jscode2session?${q}`))
      if (body.errcode || !body.openid) fail(body)
      return body.unionid ? { openid: body.openid, unionid: body.unionid } : { openid: body.openid }
    },

    async getPhoneNumber(code: string): Promise<{ phoneNumber: string; purePhoneNumber: string; countryCode: string }> {
      type PhoneReply = WeChatError & {
        phone_info?: { phoneNumber: string; purePhoneNumber: string; countryCode: string; watermark?: { appid?: string } }
      }
      const ask = async () =>
        call<PhoneReply>(`/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(await getAccessToken())}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        })
      let body = await withBusyRetry(ask)
      if (body.errcode && TOKEN_INVALID.has(body.errcode)) {
        token = null // expired or revoked early: fetch a new one once
        body = await withBusyRetry(ask)
      }
      if (body.errcode || !body.phone_info) fail(body)
      const info = body.phone_info
      // the watermark says which app this phone was released to
      if (info.watermark?.appid !== opts.appId) throw new AppError('WECHAT_UNAVAILABLE', { reason: 'watermark_appid' })
      return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode }
    },

    getAccessToken,
  }
}
