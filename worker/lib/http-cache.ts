import type { MiddlewareHandler } from 'hono'
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
}

const MAX_ENTRIES = 2_000
const MAX_BYTES = 64 * 1024 * 1024
const entries = new Map<string, Entry>()
let bytes = 0

export const immutableCacheStats = { hits: 0, notModified: 0, misses: 0 }

export const IMMUTABLE = 'public, max-age=31536000, immutable'

function remember(key: string, e: Entry) {
  if (e.body.byteLength > MAX_BYTES / 16) return
  entries.set(key, e)
  bytes += e.body.byteLength
  // least recently used first: a hit re-inserts its entry at the end
  for (const [k, old] of entries) {
    if (entries.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break
    entries.delete(k)
    bytes -= old.body.byteLength
  }
}

const matches = (ifNoneMatch: string | undefined, etag: string) =>
  !!ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')

function answer(e: Entry, ifNoneMatch: string | undefined): Response {
  const headers = { etag: e.etag, 'cache-control': IMMUTABLE }
  if (matches(ifNoneMatch, e.etag)) {
    immutableCacheStats.notModified++
    return new Response(null, { status: 304, headers })
  }
  return new Response(e.body as unknown as BodyInit, { status: 200, headers: [...e.headers, ...Object.entries(headers)] })
}

/** The middleware a route marked `cache: 'immutable'` gets, before access control. */
export const immutableCache: MiddlewareHandler<HonoEnv> = async (c, next) => {
  // the public address is part of what a QR encodes and a result names
  const key = `${c.var.config.PUBLIC_BASE_URL} ${c.req.path}`
  const ifNoneMatch = c.req.header('if-none-match')
  const hit = entries.get(key)
  if (hit) {
    entries.delete(key)
    entries.set(key, hit)
    immutableCacheStats.hits++
    return answer(hit, ifNoneMatch)
  }
  immutableCacheStats.misses++
  await next()
  if (c.res.status !== 200) return
  const body = new Uint8Array(await c.res.clone().arrayBuffer())
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
  const etag = `"${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}"`
  const own = [...c.res.headers].filter(([k]) => k === 'content-type' || k === 'content-disposition')
  remember(key, { body, headers: own, etag })
  c.res.headers.set('etag', etag)
  c.res.headers.set('cache-control', IMMUTABLE)
  if (matches(ifNoneMatch, etag)) {
    immutableCacheStats.notModified++
    c.res = new Response(null, { status: 304, headers: { etag, 'cache-control': IMMUTABLE } })
  }
}
