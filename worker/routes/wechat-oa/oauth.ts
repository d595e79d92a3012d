import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { HonoEnv } from '../../env'
import { hmacBase64url, hmacBase64urlMatches, randomToken, timingSafeEqualStr } from '../../lib/crypto'

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

/**
 * A WeChat that came back from 网页授权 linked to nobody: its openid, signed and for ten minutes,
 * so that the SMS sign-in that follows in this browser can link it (the owner ticks the box) and
 * the next visit from WeChat needs no code. Scoped to the login pages.
 */
const PENDING = 'gy_oa_pending'
const PENDING_PATH = '/h5/login'
const PENDING_MS = 10 * 60_000
const pendingSignature = (openid: string, until: number) => `oa-pending:${openid}:${until}`

export function rememberUnlinkedWeChat(c: Context<HonoEnv>, openid: string) {
  const cfg = c.get('config')
  const until = c.get('clock').now().getTime() + PENDING_MS
  const sig = hmacBase64url(cfg.JWT_SECRET, pendingSignature(openid, until))
  setCookie(c, PENDING, `${openid}.${until}.${sig}`, { httpOnly: true, secure: cfg.PUBLIC_BASE_URL.startsWith('https:'), sameSite: 'Lax', path: PENDING_PATH, maxAge: PENDING_MS / 1000 })
}

/** The unlinked WeChat this browser came back with, if its cookie is ours and in time. */
export function unlinkedWeChatOf(c: Context<HonoEnv>): string | null {
  const [openid, until, sig, ...rest] = (getCookie(c, PENDING) ?? '').split('.')
  if (!openid || !until || !sig || rest.length || !/^\d+$/.test(until) || Number(until) <= c.get('clock').now().getTime()) return null
  return hmacBase64urlMatches(c.get('config').JWT_SECRET, pendingSignature(openid, Number(until)), sig) ? openid : null
}

export const forgetUnlinkedWeChat = (c: Context<HonoEnv>) => deleteCookie(c, PENDING, { path: PENDING_PATH })
