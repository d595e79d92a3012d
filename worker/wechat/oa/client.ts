import { AppError } from '../../lib/errors'
import { createMiniProgramClient, wechatCaller, type WeChatError } from '../miniprogram'

export interface OaClientOptions {
  baseUrl: string
  appId: string
  secret: string
  fetch?: typeof fetch
  timeoutMs?: number
}

/** A WeChat answer with an error code we keep (45015 outside the 48 h window, 43101 refused, …). */
export class WeChatApiError extends Error {
  constructor(readonly errcode: number, errmsg: string) {
    super(`wechat errcode ${errcode}: ${errmsg}`)
  }
}

const TOKEN_INVALID = new Set([40001, 42001, 40014])

/**
 * The official account's server APIs (../shared/domain/wechat.md): customer-service messages,
 * parameterised QR codes and 网页授权 (snsapi_base). The access token is the same stable_token
 * protocol as the mini-program's, for this account's appid, so that client's cache is reused.
 */
export function createOaClient(opts: OaClientOptions) {
  const doFetch = opts.fetch ?? fetch
  const base = opts.baseUrl.replace(/\/$/, '')
  const callWeChat = wechatCaller(doFetch, base, opts.timeoutMs)
  const tokens = createMiniProgramClient({ baseUrl: opts.baseUrl, appId: opts.appId, secret: opts.secret, fetch: opts.fetch, timeoutMs: opts.timeoutMs })

  const call = <T>(path: string, init?: RequestInit) => callWeChat<T & WeChatError>(path, init)

  /** POST with the access token; a token WeChat says is stale is fetched again once. */
  async function post<T>(path: string, body: unknown) {
    const ask = async () =>
      call<T>(`${path}?access_token=${encodeURIComponent(await tokens.getAccessToken())}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const out = await ask()
    if (out.errcode && TOKEN_INVALID.has(out.errcode)) return ask()
    return out
  }

  return {
    /** A customer-service text message: up to 5 within 48 h of the owner's message, else 45015. */
    async sendText(openid: string, content: string): Promise<void> {
      const r = await post<object>('/cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content } })
      if (r.errcode) throw new WeChatApiError(r.errcode, r.errmsg ?? '')
    },

    /** A template message (notifications outside the 48 h window); 43004 when the owner has unfollowed. */
    async sendTemplate(openid: string, templateId: string, url: string, data: Record<string, { value: string }>): Promise<void> {
      const r = await post<object>('/cgi-bin/message/template/send', { touser: openid, template_id: templateId, url, data })
      if (r.errcode) throw new WeChatApiError(r.errcode, r.errmsg ?? '')
    },

    /** A parameterised QR code; scanning it sends a subscribe (qrscene_ prefix) or SCAN event with the scene. */
    async createQrCode(scene: string, permanent = false): Promise<{ ticket: string; url: string; expireSeconds: number | null }> {
      const body = permanent
        ? { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: scene } } }
        : { expire_seconds: 2_592_000, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: scene } } }
      const r = await post<{ ticket?: string; url?: string; expire_seconds?: number }>('/cgi-bin/qrcode/create', body)
      if (r.errcode || !r.ticket || !r.url) throw new WeChatApiError(r.errcode ?? -1, r.errmsg ?? 'no ticket')
      return { ticket: r.ticket, url: r.url, expireSeconds: r.expire_seconds ?? null }
    },

    /** 网页授权 snsapi_base: the code WeChat put on our redirect → this account's openid for the reader. */
    async openidFromOAuthCode(code: string): Promise<string> {
      const q = new URLSearchParams({ appid: opts.appId, secret: opts.secret, code, grant_type: 'authorization_code' })
      const r = await call<{ openid?: string }>(`/sns/oauth2/access_token?${q}`)
      if (r.errcode === 40029 || r.errcode === 40163) throw new AppError('WECHAT_CODE_INVALID', { errcode: r.errcode })
      if (r.errcode || !r.openid) throw new AppError('WECHAT_UNAVAILABLE', { errcode: r.errcode ?? null })
      return r.openid
    },
  }
}

export type OaClient = ReturnType<typeof createOaClient>
