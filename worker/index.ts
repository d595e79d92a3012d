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

interface WorkerEnv extends Record<string, unknown> {
  HYPERDRIVE?: { connectionString: string }
}

// Configuration is parsed once per isolate (the env object is the same for its lifetime).
let cached: { env: object; config: Config } | null = null
function configOf(env: WorkerEnv): Config {
  if (cached?.env !== env) {
    const connection = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL
    cached = { env, config: parseConfig({ ...env, DATABASE_URL: connection }) }
  }
  return cached.config
}

const app = createApp({
  version: VERSION,
  services: (env) => {
    const config = configOf(env as WorkerEnv)
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL (or a HYPERDRIVE binding) is required in a Worker')
    const sql = postgres(config.DATABASE_URL, { max: 1, fetch_types: false, onnotice: () => {} })
    return buildServices(config, drizzle(sql, { schema }) as unknown as Db)
  },
  clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
})

export default app
