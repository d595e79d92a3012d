import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { HonoEnv } from '../env'

/**
 * Security headers on every answer. The H5 pages (worker/pages) are server-rendered HTML with no
 * script (but one, below), no images and no fonts: their one stylesheet is an inline <style> and a few style
 * attributes (a bar's width), and their forms post to our own origin. So their policy allows
 * exactly inline styles and same-origin forms; everything else, script first, is refused. The QR
 * code and the charts are inline SVG elements, which need no source. JSON and files get a policy
 * that allows nothing at all. Nothing may frame us (clickjacking a ballot form).
 *
 * Referrer-Policy is same-origin, not no-referrer: with no-referrer a browser sends `Origin: null`
 * on a form post, which the pages' cross-site check (routes/h5/session.ts) would refuse; and a
 * page's URL (a receipt in a query string) never reaches another site.
 */
const PAGE_CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
}
const API_CSP = { defaultSrc: ["'none'"], baseUri: ["'none'"], frameAncestors: ["'none'"] }

// `/` is the service's home page (h5.routes.tsx), the first page a newcomer opens: a page too
const isPage = (path: string) => path.startsWith('/h5/') || path === '/h5' || path.startsWith('/n/') || path === '/'

const variants = new Map<string, MiddlewareHandler>()
function variant(page: boolean, https: boolean): MiddlewareHandler {
  const key = `${page}:${https}`
  let mw = variants.get(key)
  if (!mw) {
    mw = secureHeaders({
      contentSecurityPolicy: page ? PAGE_CSP : API_CSP,
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
      // HSTS only where the public address is https: sent over http it would be ignored, and on a
      // development machine it would pin localhost to https
      strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
    })
    variants.set(key, mw)
  }
  return mw
}

export const securityHeaders: MiddlewareHandler<HonoEnv> = async (c, next) => {
  await variant(isPage(c.req.path), c.get('config').PUBLIC_BASE_URL.startsWith('https:'))(c, next)
  // The one page that must compute in the browser (the written-proxy form hashes the signed sheet's
  // photo on the phone, routes/h5/proxies.routes.tsx) names its inline script by hash: that exact
  // text runs there, and every other page still runs none.
  const script = c.get('pageScript')
  if (script) c.res.headers.set('content-security-policy', `${c.res.headers.get('content-security-policy')}; script-src ${script}`)
}
