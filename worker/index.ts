// The Cloudflare Workers entry. No module-level database client: postgres.js is created per
// request (Hyperdrive pools behind it) and never ended here (porsager/postgres#1202).
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from '../drizzle/schema'
import { createApp } from './app'
import { parseConfig, type Config } from './config'
import type { Db } from './db/types'
import { VERSION } from './routes/health/health.routes'
import { buildServices } from './services-factory'
import { createMiniProgramClient } from './wechat/miniprogram'
import { oaClientFor } from './services-factory'
import { runDueJobs } from './scheduler/jobs'

interface WorkerEnv extends Record<string, unknown> {
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

function servicesFor(env: Record<string, unknown>) {
  const { config, wechat, oa } = isolateState(env as WorkerEnv)
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL (or a HYPERDRIVE binding) is required in a Worker')
  const sql = postgres(config.DATABASE_URL, { max: 1, fetch_types: false, onnotice: () => {} })
  return buildServices(config, drizzle(sql, { schema }) as unknown as Db, { wechat, oa })
}

const app = createApp({
  version: VERSION,
  services: servicesFor,
  clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
})

export default {
  fetch: app.fetch,
  /** The Cron Trigger (wrangler.toml `[triggers] crons`): the same jobs the Node timer runs. */
  scheduled(_event: unknown, env: Record<string, unknown>, ctx: { waitUntil(p: Promise<unknown>): void }) {
    ctx.waitUntil(runDueJobs(servicesFor(env)))
  },
}
