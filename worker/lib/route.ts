import { zValidator } from '@hono/zod-validator'
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import * as z from 'zod'
import type { Caller, HonoEnv, Role } from '../env'
import type { TokenSubject } from '../services/auth/tokens'
import { authorize } from '../middleware/access'
import { AppError } from './errors'
import { immutableCache } from './http-cache'
import { pageCache, publicPagesChanged } from './page-cache'
import { containsNul, refuseNul } from './input'

/**
 * Who may call a route. Every route declares one; the access middleware enforces it before
 * anything is parsed, so a refused caller learns nothing about the body it sent.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed_in' }
  | { kind: 'admin' }
  | { kind: 'community'; roles: readonly Role[]; community: CommunityResolver; param: string; load?: ScopeLoader }
  /** staff of the firm named by the route (its own credit file), or an admin */
  | { kind: 'firm'; firm: KeyResolver; param: string }
  /** the housing department (区县住建部门) of the district named by the route, or an admin */
  | { kind: 'district'; district: KeyResolver; param: string }

/** Finds the firm or district a request acts on (null: the resource does not exist → 404). */
export type KeyResolver = (c: Context<HonoEnv>) => Promise<string | null>

/**
 * For a hot route: finds the caller (null: no such account or its sign-in has ended), the
 * community (null → 404) and the caller's roles there in one query, instead of the access
 * middleware's three. `roles` must decide at least the roles the route accepts.
 */
export type ScopeLoader = (c: Context<HonoEnv>, token: TokenSubject) => Promise<{ caller: Caller | null; communityId: string | null; roles: ReadonlySet<Role> }>

/** Finds the community a request acts on (null: the resource does not exist → 404). */
export type CommunityResolver = (c: Context<HonoEnv>) => Promise<string | null>

export const access = {
  public: { kind: 'public' } as Access,
  signedIn: { kind: 'signed_in' } as Access,
  admin: { kind: 'admin' } as Access,
  /** caller must hold one of `roles` in the community named by `:cid` (or found by `resolve`) */
  community: (roles: readonly Role[], resolve?: { param: string; community: CommunityResolver; load?: ScopeLoader }): Access => ({
    kind: 'community',
    roles,
    param: resolve?.param ?? 'cid',
    community: resolve?.community ?? (async (c) => c.req.param('cid') ?? null),
    ...(resolve?.load ? { load: resolve.load } : {}),
  }),
  firm: (resolve?: { param: string; firm: KeyResolver }): Access => ({
    kind: 'firm',
    param: resolve?.param ?? 'firmId',
    firm: resolve?.firm ?? (async (c) => c.req.param('firmId') ?? null),
  }),
  district: (resolve?: { param: string; district: KeyResolver }): Access => ({
    kind: 'district',
    param: resolve?.param ?? 'district',
    district: resolve?.district ?? (async (c) => c.req.param('district') ?? null),
  }),
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type AnyObject = z.ZodObject<z.ZodRawShape>

export interface ResponseSpec {
  description: string
  schema?: z.ZodType
  /** non-JSON answers (CSV, XLSX, SVG, HTML) */
  contentType?: string
}

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: Method
  path: string
  summary: string
  tags: string[]
  access: Access
  params?: P
  query?: Q
  /**
   * request headers the route reads, by their canonical names (Idempotency-Key): validated before
   * the handler (which reads them with c.req.header) and listed in /openapi.json
   */
  headers?: AnyObject
  body?: B
  /** an upload read by the handler itself (CSV, XLSX): its accepted types, for the docs */
  upload?: { contentTypes: string[]; description: string }
  /**
   * 'immutable': the 200 answer never changes once given (worker/lib/http-cache.ts): kept in
   * memory, strong ETag, Cache-Control immutable, and a hit is served before access control.
   * 'page': a public page that can change, kept for anonymous visitors until its compound changes
   * (worker/lib/page-cache.ts); the handler names the compound with `tagPage`.
   */
  cache?: 'immutable' | 'page'
  /** bytes; default 1 MiB */
  maxBodyBytes?: number
  responses: Record<number, ResponseSpec>
  handler: (
    c: Context<HonoEnv>,
    input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B> },
  ) => Promise<Response | Reply>
}

/** A JSON answer the route helper serialises (and, in tests, checks against the declared schema). */
export interface Reply {
  status: number
  json: unknown
}

export type AnyRoute = RouteSpec<AnyObject, AnyObject, z.ZodType>

export function route<
  P extends AnyObject = z.ZodObject<{}>,
  Q extends AnyObject = z.ZodObject<{}>,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, B>): AnyRoute {
  return spec as unknown as AnyRoute
}

const DEFAULT_MAX_BODY = 1024 * 1024

export function issuesDetails(error: z.ZodError) {
  return {
    issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message })),
  }
}

const validationHook = (result: { success: boolean; error?: unknown }) => {
  if (!result.success) throw new AppError('VALIDATION_FAILED', issuesDetails(result.error as z.ZodError))
}

/** Mounts routes on the app; the same list feeds /openapi.json, so the docs cannot drift. */
export function mount(app: Hono<HonoEnv>, routes: AnyRoute[]) {
  for (const r of routes) {
    const chain: MiddlewareHandler<HonoEnv>[] = []
    if (r.method !== 'get') {
      // once a write has answered (its transaction committed), the pages of its compound are stale
      chain.push(async (c, next) => {
        await next()
        if (c.res.status < 400) publicPagesChanged(c.get('scope')?.communityId)
      })
    }
    if (r.method !== 'get' && r.method !== 'delete') {
      const maxBytes = r.maxBodyBytes ?? DEFAULT_MAX_BODY
      const tooLarge = () => {
        throw new AppError('PAYLOAD_TOO_LARGE', { maxBytes })
      }
      const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge })
      chain.push((c, next) => {
        // A body of declared length is judged by that length, as hono's bodyLimit does, but without
        // first touching `c.req.raw.body`: on Node that builds a web stream over the request (and
        // the JSON is then read through it), about a tenth of the server's CPU per vote in the
        // vote benchmark's profile (issue 17). The runtime holds a body to its Content-Length. A
        // body without one (chunked) is counted as it streams, by hono's bodyLimit.
        const length = c.req.header('content-length')
        if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next)
        // not plain digits: no runtime passes that on (Node's parser refuses it), and hono's bodyLimit would read it with parseInt
        if (!/^\d{1,15}$/.test(length)) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'Content-Length', code: 'invalid', message: 'Content-Length 须为十进制字节数' }] })
        return Number(length) > maxBytes ? tooLarge() : next()
      })
    }
    chain.push(async (c, next) => {
      // before access control: resolving the community of a path already queries the database
      if (containsNul(c.req.param())) throw new AppError('NOT_FOUND')
      refuseNul(c.req.queries(), 'query')
      await next()
    })
    if (r.cache === 'immutable') chain.push(immutableCache)
    if (r.cache === 'page') chain.push(pageCache)
    chain.push(authorize(r.access))
    if (r.params) chain.push(zValidator('param', r.params, validationHook) as unknown as MiddlewareHandler<HonoEnv>)
    if (r.query) chain.push(zValidator('query', r.query, validationHook) as unknown as MiddlewareHandler<HonoEnv>)
    const headers = r.headers
    if (headers) {
      chain.push(async (c, next) => {
        // by name, case-insensitively as HTTP reads them; an absent header is undefined
        const given = Object.fromEntries(Object.keys(headers.shape).map((name) => [name, c.req.header(name)]))
        validationHook(headers.safeParse(given))
        await next()
      })
    }
    if (r.body) {
      chain.push(async (c, next) => {
        const type = c.req.header('content-type') ?? ''
        if (!/^application\/json\b/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { expected: 'application/json' })
        await next()
      })
      chain.push(zValidator('json', r.body, validationHook) as unknown as MiddlewareHandler<HonoEnv>)
      chain.push(async (c, next) => {
        refuseNul((c.req.valid as (t: string) => unknown)('json'), 'body')
        await next()
      })
    }
    const handler: MiddlewareHandler<HonoEnv> = async (c) => {
      const valid = c.req.valid.bind(c.req) as (t: string) => unknown
      const out = await r.handler(c, {
        params: r.params ? valid('param') : {},
        query: r.query ? valid('query') : {},
        body: r.body ? valid('json') : undefined,
      } as never)
      if (out instanceof Response) return out
      const declared = r.responses[out.status]
      if (c.get('config').APP_ENV === 'test') {
        // In tests, every JSON answer must match what /openapi.json promises.
        if (!declared) throw new Error(`${r.method.toUpperCase()} ${r.path} answered ${out.status}, which it does not declare`)
        if (declared.schema) {
          const check = declared.schema.safeParse(out.json)
          if (!check.success) throw new Error(`${r.method.toUpperCase()} ${r.path} answer does not match its schema: ${check.error.message}`)
        }
      }
      return out.status === 204 ? c.body(null, 204) : c.json(out.json as object, out.status as 200)
    }
    const on = app.on.bind(app) as unknown as (method: string, path: string, ...handlers: MiddlewareHandler<HonoEnv>[]) => void
    on(r.method.toUpperCase(), r.path, ...chain, handler)
  }
}
