import type { Context, MiddlewareHandler } from 'hono'
import type { HonoEnv } from '../env'

/**
 * Answers that never change once they exist (a published result and what is derived from it, a
 * notice's QR image) are kept in memory, per process on Node and per isolate in a Worker, and
 * served with a strong ETag and `Cache-Control: immutable`. A hit, or a 304 for a matching
 * If-None-Match, is answered before access control and the handler, so it does no database work.
 * Only a 200 is kept: a result not yet published (404) is asked again next time, so it shows the
 * moment it is published. Nothing mutable may be marked: a correction makes a new row and a new
 * URL (a notice's new code, a statement's new id), never a new body at the same URL.
 */
interface Entry {
  body: Uint8Array
  /** the answer's own headers (content type, a download's file name) */
  headers: [string, string][]
  etag: string
  /** set once the whole app has answered it (finishedAnswer): what immutableFromMemory sends with it */
  finished?: Finished
}

/**
 * What the rest of the app adds to a kept answer (the security headers) and the route it came
 * from (for the access log), recorded when it was first answered through every middleware. With
 * it, a later request for the same answer is served from memory before the middleware and routing
 * run at all (pageFromMemory, immutableFromMemory, called first thing in worker/app-base.ts): the
 * cheapest request the app can answer.
 */
export interface Finished {
  headers: Record<string, string>
  route: string
}

/**
 * What is copied from a finished answer: the security headers (middleware/secure-headers.ts) and
 * nothing else. A list of what to copy, not of what to leave: a header added later (an encoding, a
 * cookie) is then never replayed onto another request's answer. test/api/caching.test.ts compares
 * a kept answer's headers with the first one's, so a security header missing here shows there.
 */
const COPIED = new Set([
  'content-security-policy',
  'cross-origin-embedder-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'permissions-policy',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
])

const finishing = new WeakMap<Context<HonoEnv>, (f: Finished) => void>()

/** A cache asks to hear how its new entry was finally answered (a 200, with no cookie set). */
export function whenFinished(c: Context<HonoEnv>, record: (f: Finished) => void) {
  finishing.set(c, record)
}

/** Called by the app's outermost middleware once the answer is final. */
export function finishedAnswer(c: Context<HonoEnv>) {
  const record = finishing.get(c)
  if (!record || c.res.status !== 200 || c.res.headers.has('set-cookie')) return
  const headers: Record<string, string> = {}
  for (const [k, v] of c.res.headers) if (COPIED.has(k)) headers[k] = v
  record({ headers, route: c.req.routePath })
}

/** What an answer sent before the middleware carries besides its own headers: the recorded ones, and this request's id. */
export const finishedHeaders = (f: Finished, c: Context<HonoEnv>): Record<string, string> => ({ ...f.headers, 'x-request-id': c.get('requestId') })

/**
 * Answers kept in memory, least recently used first out, bounded in count and in bytes (one
 * answer larger than a sixteenth of the bound is not kept). Shared by worker/lib/page-cache.ts.
 */
export class AnswerMemory<E extends { body: Uint8Array }> {
  private readonly entries = new Map<string, E>()
  private bytes = 0
  constructor(private readonly maxEntries: number, private readonly maxBytes: number) {}

  /** the entry, moved to the most recently used end */
  get(key: string): E | undefined {
    const e = this.entries.get(key)
    if (e) {
      this.entries.delete(key)
      this.entries.set(key, e)
    }
    return e
  }

  set(key: string, e: E) {
    if (e.body.byteLength > this.maxBytes / 16) return
    const old = this.entries.get(key)
    if (old) this.bytes -= old.body.byteLength
    this.entries.delete(key)
    this.entries.set(key, e)
    this.bytes += e.body.byteLength
    for (const [k, o] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break
      this.entries.delete(k)
      this.bytes -= o.body.byteLength
    }
  }
}

const entries = new AnswerMemory<Entry>(2_000, 64 * 1024 * 1024)

/** `early`: hits sent from memory before the middleware and routing (immutableFromMemory) */
export const immutableCacheStats = { hits: 0, early: 0, edgeHits: 0, notModified: 0, misses: 0 }

export const IMMUTABLE = 'public, max-age=31536000, immutable'

export const matches = (ifNoneMatch: string | undefined, etag: string) =>
  !!ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')

/** The kept answer, or a 304 for a matching If-None-Match; `more`: headers beyond its own (finishedHeaders). Plain-object headers: the Node adapter writes those without building a Headers. */
function answer(e: Entry, ifNoneMatch: string | undefined, more: Record<string, string> = {}): Response {
  const headers = { ...more, etag: e.etag, 'cache-control': IMMUTABLE }
  if (matches(ifNoneMatch, e.etag)) {
    immutableCacheStats.notModified++
    return new Response(null, { status: 304, headers })
  }
  return new Response(e.body as unknown as BodyInit, { status: 200, headers: { ...Object.fromEntries(e.headers), ...headers } })
}

/**
 * The Workers Cache API (`caches.default`, per data centre), when there is one: an immutable answer
 * put there is served to every isolate of that location without waking the database. Node has no
 * `caches.default` (its `caches` is absent), so this is null there and the memory above is all.
 */
interface EdgeCache {
  match(key: string): Promise<Response | undefined>
  put(key: string, res: Response): Promise<void>
}
const edgeCache = (): EdgeCache | null => (globalThis as { caches?: { default?: EdgeCache } }).caches?.default ?? null

/** A strong validator: the first 128 bits of the body's SHA-256. */
export async function strongEtag(body: Uint8Array<ArrayBuffer>) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
  return `"${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}"`
}

const ownHeaders = (res: Response) => [...res.headers].filter(([k]) => k === 'content-type' || k === 'content-disposition')

// the public address is part of what a QR encodes and a result names
const keyOf = (c: Context<HonoEnv>) => `${c.get('config').PUBLIC_BASE_URL.replace(/\/$/, '')}${c.req.path}`

/** A kept immutable answer, before any middleware (see Finished); null when there is none yet. */
export function immutableFromMemory(c: Context<HonoEnv>): { response: Response; route: string } | null {
  const hit = entries.get(keyOf(c))
  if (!hit?.finished) return null
  immutableCacheStats.hits++
  immutableCacheStats.early++
  return { response: answer(hit, c.req.header('if-none-match'), finishedHeaders(hit.finished, c)), route: hit.finished.route }
}

/** The middleware a route marked `cache: 'immutable'` gets, before access control. */
export const immutableCache: MiddlewareHandler<HonoEnv> = async (c, next) => {
  const key = keyOf(c)
  const ifNoneMatch = c.req.header('if-none-match')
  const hit = entries.get(key)
  if (hit) {
    immutableCacheStats.hits++
    if (!hit.finished) whenFinished(c, (f) => (hit.finished = f))
    return answer(hit, ifNoneMatch)
  }
  const edge = edgeCache()
  const kept = edge ? await edge.match(key).catch(() => undefined) : undefined
  if (kept?.status === 200 && kept.headers.get('etag')) {
    const e: Entry = { body: new Uint8Array(await kept.arrayBuffer()), headers: ownHeaders(kept), etag: kept.headers.get('etag')! }
    entries.set(key, e)
    whenFinished(c, (f) => (e.finished = f))
    immutableCacheStats.edgeHits++
    return answer(e, ifNoneMatch)
  }
  immutableCacheStats.misses++
  await next()
  if (c.res.status !== 200) return
  const body = new Uint8Array(await c.res.clone().arrayBuffer())
  const etag = await strongEtag(body)
  const own = ownHeaders(c.res)
  const entry: Entry = { body, headers: own, etag }
  entries.set(key, entry)
  whenFinished(c, (f) => (entry.finished = f))
  if (edge) {
    const stored = new Response(body as unknown as BodyInit, { headers: [...own, ['etag', etag], ['cache-control', IMMUTABLE]] })
    await edge.put(key, stored).catch(() => {})
  }
  c.res.headers.set('etag', etag)
  c.res.headers.set('cache-control', IMMUTABLE)
  if (matches(ifNoneMatch, etag)) {
    immutableCacheStats.notModified++
    c.res = new Response(null, { status: 304, headers: { etag, 'cache-control': IMMUTABLE } })
  }
}
