// What both Workers share (worker/index.ts, the lean one; worker/full.ts, the full one): the
// configuration and WeChat clients per isolate, and a database client per request. No module-level
// database client: postgres.js is created per request (Hyperdrive pools behind it) and never ended
// here (porsager/postgres#1202).
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { parseConfig, type Config } from './config'
import type { Db } from './db/types'
import { buildServices, oaClientFor } from './services-factory'
import { createMiniProgramClient } from './wechat/miniprogram'

export interface WorkerEnv extends Record<string, unknown> {
  HYPERDRIVE?: { connectionString: string }
}

// Configuration is parsed once per isolate (the env object is the same for its lifetime).
// The WeChat client lives as long as the isolate too, so its access-token cache does.
let cached: { env: object; config: Config; wechat: ReturnType<typeof createMiniProgramClient> | null; oa: ReturnType<typeof oaClientFor> } | null = null
function isolateState(env: WorkerEnv) {
  if (cached?.env !== env) {
    const connection = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL
    const config = parseConfig({ ...env, DATABASE_URL: connection })
    const wechat =
      config.WECHAT_APPID && config.WECHAT_SECRET
        ? createMiniProgramClient({ baseUrl: config.WECHAT_API_BASE, appId: config.WECHAT_APPID, secret: config.WECHAT_SECRET })
        : null
    cached = { env, config, wechat, oa: oaClientFor(config) }
  }
  return cached
}

export function servicesFor(env: Record<string, unknown>) {
  const { config, wechat, oa } = isolateState(env as WorkerEnv)
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL (or a HYPERDRIVE binding) is required in a Worker')
  const sql = postgres(config.DATABASE_URL, { max: 1, fetch_types: false, onnotice: () => {} })
  // no schema passed: nothing uses drizzle's relational queries, and the tables import themselves where used
  return buildServices(config, drizzle(sql) as unknown as Db, { wechat, oa })
}
