import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Caller, HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../../lib/session-cookies'
import { callerOf } from '../../middleware/access'
import { renewPageSession, type Session } from '../../services/auth/sessions'
import { verifyAccessToken } from '../../services/auth/tokens'
import { ctxOf } from '../../services/context'

/**
 * Sessions of the H5 pages, for owners with no mini-program: the same access and refresh tokens
 * as the API, kept in HttpOnly cookies. The API itself reads only the Authorization header, so a
 * cookie never authorises an API call (no CSRF there); the pages' own forms are guarded by
 * SameSite=Lax and by the Origin check below.
 */
const secure = (c: Context<HonoEnv>) => c.get('config').PUBLIC_BASE_URL.startsWith('https:')

/** Sets the session cookies; a renewal within the reuse grace brings no refresh token and leaves that cookie alone. */
export function setSessionCookies(c: Context<HonoEnv>, s: Pick<Session, 'accessToken' | 'expiresIn'> & { refreshToken: string | null }) {
  const base = { httpOnly: true, secure: secure(c), sameSite: 'Lax' as const, path: '/' }
  setCookie(c, ACCESS_COOKIE, s.accessToken, { ...base, maxAge: s.expiresIn })
  if (s.refreshToken) setCookie(c, REFRESH_COOKIE, s.refreshToken, { ...base, maxAge: c.get('config').REFRESH_TOKEN_TTL_DAYS * 86_400 })
}

export function clearSessionCookies(c: Context<HonoEnv>) {
  deleteCookie(c, ACCESS_COOKIE, { path: '/' })
  deleteCookie(c, REFRESH_COOKIE, { path: '/' })
}

export const refreshCookie = (c: Context<HonoEnv>) => getCookie(c, REFRESH_COOKIE)

/**
 * The signed-in owner of an H5 page, or null. An expired access cookie is renewed with the
 * refresh cookie (rotation, as the API does, with a short grace for two tabs renewing at once);
 * anything invalid just signs the browser out.
 */
export async function h5Caller(c: Context<HonoEnv>): Promise<Caller | null> {
  let caller: Caller | null = null
  const at = getCookie(c, ACCESS_COOKIE)
  const subject = at ? await verifyAccessToken(c.get('config'), c.get('clock'), at).catch(() => null) : null
  if (subject) caller = await callerOf(c, subject)
  if (!caller) {
    const rt = getCookie(c, REFRESH_COOKIE)
    if (rt) {
      try {
        const s = await renewPageSession(ctxOf(c), rt)
        setSessionCookies(c, s)
        caller = await callerOf(c, await verifyAccessToken(c.get('config'), c.get('clock'), s.accessToken))
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        clearSessionCookies(c)
      }
    }
  }
  c.set('caller', caller)
  // a page for a signed-in reader may show their choice, receipt or flat: never kept by a browser's
  // or a proxy's cache (visitors' pages carry their own, page-cache.ts)
  if (caller) c.header('Cache-Control', 'private, no-store')
  return caller
}

/**
 * A form post must come from our own pages: browsers send Origin on every POST, and a page of
 * another site cannot forge it. Absent Origin (old browsers) falls back to Referer.
 */
export function assertSameOrigin(c: Context<HonoEnv>) {
  const own = new Set([new URL(c.req.url).origin, new URL(c.get('config').PUBLIC_BASE_URL).origin])
  const origin = c.req.header('origin') ?? (c.req.header('referer') ? safeOrigin(c.req.header('referer')!) : null)
  if (!origin || !own.has(origin)) throw new AppError('FORBIDDEN', { reason: 'cross_site_form' })
}

function safeOrigin(url: string) {
  try {
    return new URL(url).origin
  } catch {
    return null
  }
}
