import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { HonoEnv } from '../env'
import { BIG_TEXT_COOKIE } from '../pages/layout'
import { AnswerMemory, finishedHeaders, matches, strongEtag, whenFinished, type Finished } from './http-cache'
import { ACCESS_COOKIE, REFRESH_COOKIE } from './session-cookies'

/**
 * Public pages that can change (a notice that gets corrected, the fees page, the board, a result
 * page) kept rendered in memory for anonymous visitors, so a scanned QR code or a reload costs no
 * database work. A page is valid until something changes its compound, checked in memory:
 *
 *  - every successful write request (POST/PUT/PATCH/DELETE, worker/lib/route.ts) marks its
 *    compound changed once it has answered, i.e. after its transaction committed; a write that
 *    names no compound (a public form, the admin, a WeChat callback) marks every compound, and so
 *    does a scheduler run that did anything (worker/scheduler/jobs.ts);
 *  - a page remembers the change counter from before it read anything, so a page rendered while a
 *    write committed is never kept as current;
 *  - the serving processes of one Node cluster tell each other their changes (relayPageChanges);
 *  - and no page lives longer than PAGE_TTL_MS on the app's clock, which bounds what this process
 *    cannot see: a write taken by another machine or another Worker isolate, or a page that
 *    changes by time alone (a notice whose display period starts). With several machines a
 *    change shows at once on the one that took the write and within PAGE_TTL_MS elsewhere.
 *
 * Signed-in visitors (a session cookie or a bearer token) are never served from here, and a page
 * whose answer sets a cookie is never kept: what is kept is exactly what anybody would be shown.
 * The browser is told `no-cache` with a strong ETag, so it revalidates every time and a current
 * copy costs a 304 with no body and no database work.
 */
export const PAGE_TTL_MS = 5_000
const MAX_ENTRIES = 5_000
const MAX_BYTES = 64 * 1024 * 1024
export const PAGE_CACHE_CONTROL = 'no-cache'

interface Page {
  body: Uint8Array
  contentType: string
  etag: string
  communityId: string
  /** the change counter when the page started reading */
  seenChange: number
  expiresAt: number
  /** per-view work that must still happen on a hit (counting a scan), given the new request */
  onHit?: (c: Context<HonoEnv>) => Promise<void>
  /** set once the whole app has answered it: what pageFromMemory sends with it (http-cache.ts, Finished) */
  finished?: Finished
}

const pages = new AnswerMemory<Page>(MAX_ENTRIES, MAX_BYTES)
let changeCounter = 0
let everyCompoundChangedAt = 0
const compoundChangedAt = new Map<string, number>()

/** `early`: hits sent from memory before the middleware and routing (pageFromMemory) */
export const pageCacheStats = { hits: 0, early: 0, notModified: 0, misses: 0, stale: 0 }

let relay: ((communityId: string | null) => void) | null = null

/**
 * Node with several serving processes (NODE_PROCESSES, worker/node.ts): every change this process
 * sees is also told to the others, so a corrected notice shows at once on all of them, not only
 * after PAGE_TTL_MS.
 */
export function relayPageChanges(fn: (communityId: string | null) => void) {
  relay = fn
}

/** Marks a compound's public pages (or, with no compound, every compound's) as changed. */
export function publicPagesChanged(communityId: string | null | undefined, opts: { relayed?: boolean } = {}) {
  changeCounter++
  if (communityId) compoundChangedAt.set(communityId, changeCounter)
  else everyCompoundChangedAt = changeCounter
  if (!opts.relayed) relay?.(communityId ?? null)
}

const current = (p: Pick<Page, 'expiresAt' | 'seenChange' | 'communityId'>, now: number) =>
  now < p.expiresAt && p.seenChange >= everyCompoundChangedAt && p.seenChange >= (compoundChangedAt.get(p.communityId) ?? 0)

const tags = new WeakMap<Context<HonoEnv>, Pick<Page, 'communityId' | 'onHit'>>()

/**
 * A handler says which compound its page shows, and what each view must still do on a hit. A
 * page that is not tagged is not kept (better uncached than invalidated by the wrong compound).
 */
export function tagPage(c: Context<HonoEnv>, communityId: string, onHit?: (c: Context<HonoEnv>) => Promise<void>) {
  tags.set(c, { communityId, onHit })
}

/** The kept page, or a 304 for a matching If-None-Match; `more`: headers beyond its own (finishedHeaders). */
function answer(p: Page, ifNoneMatch: string | undefined, more: Record<string, string> = {}): Response {
  const headers = { ...more, etag: p.etag, 'cache-control': PAGE_CACHE_CONTROL, vary: 'Cookie' }
  if (matches(ifNoneMatch, p.etag)) {
    pageCacheStats.notModified++
    return new Response(null, { status: 304, headers })
  }
  return new Response(p.body as unknown as BodyInit, { status: 200, headers: { ...headers, 'content-type': p.contentType } })
}

/**
 * The key of a visitor's page, or null for a signed-in caller (a bearer token or a session cookie),
 * who is never served from here. The page differs by its address, its query and the 大字 switch,
 * and by nothing else for a visitor. Read straight from the request (the cookies parsed once, no
 * URL object): this runs before everything else on every GET (pageFromMemory).
 */
function visitorKey(c: Context<HonoEnv>): string | null {
  if (c.req.header('authorization')) return null
  const cookies = c.req.header('cookie') ? getCookie(c) : {}
  if (cookies[ACCESS_COOKIE] !== undefined || cookies[REFRESH_COOKIE] !== undefined) return null
  // the path and query as sent (node-server and Workers hand over an absolute, normalised URL)
  const url = c.req.url
  const pathAndQuery = url.slice(url.indexOf('/', url.indexOf('//') + 2))
  return `${c.get('config').PUBLIC_BASE_URL} ${pathAndQuery} ${cookies[BIG_TEXT_COOKIE] === '1' ? 'big' : ''}`
}

/**
 * A current kept page for a visitor, before any middleware and routing (worker/app-base.ts): the
 * same rules as pageCache below, answered with the headers the app gave it the first time. Null
 * when the caller is signed in, or the page is not kept, not current, or not yet answered in full.
 */
export async function pageFromMemory(c: Context<HonoEnv>): Promise<{ response: Response; route: string } | null> {
  const key = visitorKey(c)
  if (key === null) return null
  const hit = pages.get(key)
  if (!hit?.finished || !current(hit, c.get('clock').now().getTime())) return null
  pageCacheStats.hits++
  pageCacheStats.early++
  await hit.onHit?.(c)
  return { response: answer(hit, c.req.header('if-none-match'), finishedHeaders(hit.finished, c)), route: hit.finished.route }
}

/** The middleware a route marked `cache: 'page'` gets, before access control. */
export const pageCache: MiddlewareHandler<HonoEnv> = async (c, next) => {
  const key = visitorKey(c)
  if (key === null) return next()
  const now = c.get('clock').now().getTime()
  const hit = pages.get(key)
  if (hit && current(hit, now)) {
    pageCacheStats.hits++
    await hit.onHit?.(c)
    if (!hit.finished) whenFinished(c, (f) => (hit.finished = f))
    return answer(hit, c.req.header('if-none-match'))
  }
  if (hit) pageCacheStats.stale++
  pageCacheStats.misses++
  const seenChange = changeCounter
  await next()
  const tag = tags.get(c)
  if (c.res.status !== 200 || !tag || c.res.headers.has('set-cookie')) return
  const body = new Uint8Array(await c.res.clone().arrayBuffer())
  const etag = await strongEtag(body)
  const page: Page = { body, contentType: c.res.headers.get('content-type') ?? 'text/html; charset=UTF-8', etag, seenChange, expiresAt: now + PAGE_TTL_MS, ...tag }
  pages.set(key, page)
  whenFinished(c, (f) => (page.finished = f))
  const res = answer(page, c.req.header('if-none-match'))
  // keep the security headers and the request id the app put on the fresh answer
  for (const [k, v] of c.res.headers) if (!res.headers.has(k) && k !== 'content-length') res.headers.set(k, v)
  c.res = undefined
  c.res = res
}

const kept = new Map<string, { value: string; communityId: string; seenChange: number; expiresAt: number }>()

/**
 * The same rule for a page that only some may see (a compound's accounts, for its owners): the
 * caller's access is checked on every view, then the rendered page is taken from memory while its
 * compound has not changed. `render` runs on a miss; what it returns must not depend on the caller.
 */
export async function keptForCompound(c: Context<HonoEnv>, communityId: string, key: string, render: () => Promise<string>): Promise<string> {
  const now = c.get('clock').now().getTime()
  const k = `${c.get('config').PUBLIC_BASE_URL} ${communityId} ${key} ${getCookie(c, BIG_TEXT_COOKIE) === '1' ? 'big' : ''}`
  const hit = kept.get(k)
  if (hit && current(hit, now)) {
    pageCacheStats.hits++
    return hit.value
  }
  pageCacheStats.misses++
  const seenChange = changeCounter
  const value = await render()
  kept.delete(k)
  kept.set(k, { value, communityId, seenChange, expiresAt: now + PAGE_TTL_MS })
  if (kept.size > MAX_ENTRIES) kept.delete(kept.keys().next().value!)
  return value
}
