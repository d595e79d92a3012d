import type { Config } from './config'
import type { Db } from './db/types'
import type { SmsSender } from './sms/sender'
import type { createMiniProgramClient } from './wechat/miniprogram'
import type { OaClient } from './wechat/oa/client'

export type MiniProgramClient = ReturnType<typeof createMiniProgramClient>

/**
 * A caller's standing in a community. `proxy` (受托人) exists only on a poll's routes, while the
 * poll runs: the caller holds an owner's written proxy for that poll (指导规则 第26条), owner of a
 * flat there or not.
 */
export type Role = 'owner' | 'committee' | 'firm_staff' | 'community_staff' | 'admin' | 'department_staff' | 'proxy'

/**
 * Time as the application sees it; tests swap in a fake. In production the voting window is
 * decided by the database's clock (one clock for every instance); a clock that is `authoritative`
 * (the tests' fake) decides it instead, so a test never depends on the calendar (worker/db/clock.ts).
 */
export interface Clock {
  now(): Date
  readonly authoritative?: boolean
}

/** Everything a handler may use, put on the context per request (style.md: per-request services). */
export interface Services {
  config: Config
  db: Db
  clock: Clock
  sms: SmsSender
  /** null when WECHAT_APPID/WECHAT_SECRET are not configured */
  wechat: MiniProgramClient | null
  /** the official account's API client; null when WECHAT_OA_* are not configured */
  oa?: OaClient | null
}

/** Who is calling, once their token has been checked. */
export interface Caller {
  userId: string
  phone: string | null
  isAdmin: boolean
}

/** The community a route acts on and the caller's roles there, set by the access middleware. */
export interface Scope {
  communityId: string
  roles: ReadonlySet<Role>
}

export type HonoEnv = {
  Bindings: Record<string, unknown>
  Variables: Services & {
    requestId: string
    clientIp: string
    caller: Caller | null
    scope: Scope | null
    /** a page's one inline script, as a CSP source ('sha256-…'): the page allows it and nothing else (middleware/secure-headers.ts) */
    pageScript?: string
  }
}

/** Builds the services for one request: one shared pool on Node, a fresh client per request in a Worker. */
export type ServicesFactory = (env: Record<string, unknown>) => Services | Promise<Services>
