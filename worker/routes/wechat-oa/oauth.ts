import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { HonoEnv } from '../../env'
import { randomToken, timingSafeEqualStr } from '../../lib/crypto'

/**
 * 网页授权 (snsapi_base, wechat.md) for the H5 pages opened inside WeChat's browser: silent, no
 * consent screen, it gives the reader's openid for this official account. `state` is bound to a
 * cookie scoped to the page WeChat returns to, so a code obtained in one browser cannot be replayed
 * into another (a forged return signs nobody in and links nothing).
 */
const STATE = 'gy_oa_state'

/** Inside WeChat's own browser, with an official account configured: the only place 网页授权 works. */
export function canAuthorizeInWeChat(c: Context<HonoEnv>): boolean {
  const cfg = c.get('config')
  return Boolean(cfg.WECHAT_OA_APPID && cfg.WECHAT_OA_SECRET) && /MicroMessenger/i.test(c.req.header('user-agent') ?? '')
}

/** Sends WeChat's browser to the authorise page, to come back to `returnPath` (with `returnQuery`) carrying a code. */
export function redirectToWeChatAuthorize(c: Context<HonoEnv>, returnPath: string, returnQuery: Record<string, string> = {}) {
  const cfg = c.get('config')
  const base = cfg.PUBLIC_BASE_URL.replace(/\/$/, '')
  const state = randomToken(16)
  setCookie(c, STATE, state, { httpOnly: true, secure: base.startsWith('https:'), sameSite: 'Lax', path: returnPath, maxAge: 600 })
  const back = new URLSearchParams(returnQuery).toString()
  const q = new URLSearchParams({ appid: cfg.WECHAT_OA_APPID!, redirect_uri: `${base}${returnPath}${back ? `?${back}` : ''}`, response_type: 'code', scope: 'snsapi_base', state })
  return c.redirect(`${cfg.WECHAT_OA_AUTHORIZE_BASE.replace(/\/$/, '')}/connect/oauth2/authorize?${q}#wechat_redirect`, 302)
}

/** On the return: whether `state` is the one this browser was given (the cookie is spent either way). */
export function returnedStateIsOurs(c: Context<HonoEnv>, returnPath: string, state: string | undefined): boolean {
  const expected = getCookie(c, STATE)
  deleteCookie(c, STATE, { path: returnPath })
  return Boolean(expected && state && timingSafeEqualStr(expected, state))
}
