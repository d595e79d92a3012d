/**
 * The app without its routes: request ids and services, the access log, security headers, errors in
 * words (JSON for the API, a page for a person). worker/app.ts mounts every route on it (Node, the
 * full Worker, the tests); worker/index.ts mounts the owners' hot routes only (the lean Worker).
 */
import { Hono } from 'hono'
import * as z from 'zod'
// only the Chinese locale: `z.locales` would bundle every language into the Worker
import zhCN from 'zod/v4/locales/zh-CN.js'
import { HTTPException } from 'hono/http-exception'
import { contextStorage } from 'hono/context-storage'
import { ErrorCodes, type ErrorBody } from '../shared/errors'
import type { HonoEnv, ServicesFactory } from './env'
import { AppError, retryAfterSeconds } from './lib/errors'
import { loggableMessage, logLine } from './lib/log'
import { finishedAnswer, immutableFromMemory } from './lib/http-cache'
import { pageFromMemory } from './lib/page-cache'
import { mount, type AnyRoute } from './lib/route'
import { lostConnection } from './db/lost-connection'
import { ErrorPage } from './pages/parts'
import { securityHeaders } from './middleware/secure-headers'

// Field-level validation messages in Chinese, like every other message people read: the common
// cases in plain words ("至少5个字", "必填"), the rest in zod's own Chinese. A schema's own message
// (a field that says what to write) comes first.
z.config({
  ...zhCN(),
  customError: (iss) => {
    const unit = iss.origin === 'string' ? '个字' : iss.origin === 'array' || iss.origin === 'set' ? '项' : null
    if (iss.code === 'invalid_type' && iss.input === undefined) return '必填'
    if (iss.code === 'too_small' && unit) return `至少${String(iss.minimum)}${unit}`
    if (iss.code === 'too_big' && unit) return `最多${String(iss.maximum)}${unit}`
    return undefined
  },
})

export interface AppOptions {
  /** services for one request (db, clock, sms, wechat, config) */
  services: ServicesFactory
  /** the caller's address, as the runtime knows it (Node socket, or cf-connecting-ip in a Worker) */
  clientIp?: (c: import('hono').Context<HonoEnv>) => string
  version?: string
  /** a request no route here matches is answered there instead of 404 (worker/index.ts: the full Worker) */
  elsewhere?: (c: import('hono').Context<HonoEnv>) => Response | Promise<Response>
}

export function buildApp(routes: AnyRoute[], options: AppOptions) {
  const app = new Hono<HonoEnv>()

  app.use(async (c, next) => {
    const started = Date.now()
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || crypto.randomUUID()
    c.set('requestId', requestId)
    const services = await options.services(c.env ?? {})
    for (const [k, v] of Object.entries(services)) c.set(k as never, v as never)
    c.set('caller', null)
    c.set('scope', null)
    c.set('clientIp', options.clientIp?.(c) ?? c.req.header('cf-connecting-ip') ?? 'unknown')
    // A kept public page or immutable answer is sent from memory before the rest of the app runs
    // (issue 17: the cheapest request); everything else goes the whole way, and what a cache keeps
    // learns here the headers the whole way gave it.
    // (a kept notice page still counts its scan: should that fail, the request goes the whole way)
    const kept = c.req.method === 'GET' ? ((await pageFromMemory(c).catch(() => null)) ?? immutableFromMemory(c)) : null
    if (kept) c.res = kept.response
    else {
      c.header('x-request-id', requestId)
      await next()
      finishedAnswer(c)
    }
    // Access log: the route pattern, never the query string or body (no personal data in logs).
    if (services.config.APP_ENV !== 'test') {
      logLine({ requestId, method: c.req.method, route: kept?.route ?? c.req.routePath, status: c.res.status, ms: Date.now() - started })
    }
  })

  app.use(securityHeaders)

  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? 'unknown'
    let appError: AppError
    if (err instanceof AppError) appError = err
    else if (err instanceof HTTPException) {
      appError =
        err.status === 413
          ? new AppError('PAYLOAD_TOO_LARGE')
          : /json/i.test(err.message)
            ? new AppError('INVALID_JSON')
            : new AppError('VALIDATION_FAILED', { reason: err.message })
    } else {
      // Internal failures: the client gets the request id, the log gets the cause (no values, no stack of user data).
      const cause = (err as { cause?: { message?: string; code?: string } }).cause
      logLine({
        requestId,
        level: 'error',
        error: err.name,
        message: loggableMessage(err),
        pgCode: cause?.code ?? (err as { code?: string }).code,
      })
      appError = lostConnection(err) ? new AppError('SERVICE_UNAVAILABLE', { retryable: true }) : new AppError('INTERNAL')
    }
    if (appError.code === 'SERVICE_UNAVAILABLE') c.header('retry-after', '1')
    // RFC 9110 §10.2.3: a client (the mini-program) can wait exactly as long as the limit says
    const wait = retryAfterSeconds(appError)
    if (wait !== null) c.header('retry-after', String(Math.ceil(wait)))
    // A person on a page (a scanned notice, an H5 page) gets a page in words, not JSON, whatever went wrong.
    if (isPagePath(c.req.path)) {
      const message = appError.code === 'NOT_FOUND' && c.req.path.startsWith('/n/') ? '找不到这份公告' : appError.message
      return c.html(ErrorPage({ status: appError.status, code: appError.code, message }), appError.status as 400)
    }
    const body: ErrorBody = { error: { code: appError.code, message: appError.message, requestId } }
    if (appError.details !== undefined) body.error.details = appError.details
    return c.json(body, appError.status as 400)
  })

  app.notFound((c) => {
    // the lean Worker hands what it does not serve to the full one (worker/index.ts)
    if (options.elsewhere) return options.elsewhere(c)
    // a person who follows a broken link to a page gets a page in words, not JSON
    if (isPagePath(c.req.path)) return c.html(ErrorPage({ status: 404, code: 'NOT_FOUND', message: '找不到这一页' }), 404)
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: ErrorCodes.NOT_FOUND.message, requestId: c.get('requestId') ?? 'unknown' } }
    return c.json(body, 404)
  })

  // the H5 shell reads its display preference (大字) from the request it renders for
  app.use('/h5/*', contextStorage())
  app.use('/n/*', contextStorage())
  mount(app, routes)
  return app
}

export type App = ReturnType<typeof buildApp>

/** Paths people open in a browser (H5 pages, scanned notices): their errors are pages, not JSON. Images and downloads are not pages. */
function isPagePath(path: string): boolean {
  return /^\/(h5|n)\//.test(path) && !/\.(svg|png|pdf|csv|xlsx|json)$/.test(path)
}

