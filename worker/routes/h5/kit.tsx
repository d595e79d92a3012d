import type { Context } from 'hono'
import * as z from 'zod'
import type { HonoEnv } from '../../env'
import { AppError, retryAfterSeconds } from '../../lib/errors'
import { refuseNul } from '../../lib/input'
import { access, route, type AnyRoute } from '../../lib/route'
import { ErrorPage } from '../../pages/parts'

/** What every H5 route shares: HTML responses, form parsing, errors as pages in words. */
export const tags = ['手机网页（H5）']
export const html = { 200: { description: 'HTML', contentType: 'text/html' } }
export const FORM = 'application/x-www-form-urlencoded'

/** Only paths of our own pages may be a post-login destination (no open redirect). */
export const safeNext = (next: unknown, fallback = '/h5/login/done') => (typeof next === 'string' && /^\/(h5|n)\/[A-Za-z0-9/_?=&.%-]*$/.test(next) ? next : fallback)

export function errorPage(c: Context<HonoEnv>, e: unknown, back?: string) {
  if (!(e instanceof AppError)) throw e
  if (e.code === 'UNAUTHENTICATED') return c.redirect(`/h5/login?next=${encodeURIComponent(c.req.path)}`, 303)
  return c.html(<ErrorPage status={e.status} code={e.code} message={e.code === 'NOT_FOUND' ? '找不到这一页' : messageOf(e)} back={back} />, e.status as 400)
}

/**
 * What to tell a person about a refused form: the first field's own message; for a rate limit, how
 * long to wait, in words; else the error's message.
 */
export function messageOf(e: AppError): string {
  if (e.code === 'VALIDATION_FAILED') return (e.details as { issues?: { message: string }[] })?.issues?.[0]?.message ?? e.message
  const wait = retryAfterSeconds(e)
  if (wait !== null) return `操作过于频繁，请${waitInWords(wait)}后再试`
  return e.message
}

/** 45 → "45秒", 200 → "4分钟", 5400 → "2小时" (rounded up: never sooner than it will work). */
export function waitInWords(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)}秒`
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)}分钟`
  return `${Math.ceil(seconds / 3600)}小时`
}

/** A page handler whose domain errors become error pages. */
export const page =
  (handler: (c: Context<HonoEnv>) => Promise<Response>) =>
  async (c: Context<HonoEnv>): Promise<Response> => {
    try {
      return await handler(c)
    } catch (e) {
      return errorPage(c, e)
    }
  }

/** A public GET page (it checks the cookie session itself where it needs one). */
export const getPage = <P extends z.ZodObject<z.ZodRawShape>>(path: string, summary: string, params: P, handler: (c: Context<HonoEnv>) => Promise<Response>, query?: z.ZodObject<z.ZodRawShape>) =>
  route({ method: 'get', path, summary, tags, access: access.public, params, ...(query ? { query } : {}), responses: html, handler: page(handler) })

export async function readForm(c: Context<HonoEnv>) {
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith(FORM) && !type.startsWith('multipart/form-data')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { expected: FORM })
  let form: Awaited<ReturnType<typeof c.req.parseBody>>
  try {
    form = await c.req.parseBody({ all: true })
  } catch {
    // a multipart body that does not parse is the sender's mistake, not ours
    throw new AppError('VALIDATION_FAILED', { reason: 'form' })
  }
  refuseNul(form, 'form')
  return form
}


/** A public page kept for anonymous visitors until its compound changes (worker/lib/page-cache.ts); its handler calls `tagPage`. */
export const cachedForVisitors = (r: AnyRoute): AnyRoute => ({ ...r, cache: 'page' })
