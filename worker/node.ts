// The Node entry: `npm start`. Embedded PGlite in .data/ unless DATABASE_URL names a PostgreSQL.
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { createApp } from './app'
import { clientAddress } from './lib/client-ip'
import { logLine, logTo } from './lib/log'
import { generateSigningJwk } from './lib/signing'
import { ConfigError, parseConfig, type Config } from './config'
import { openPglite, openPostgres } from './db/node'
import { VERSION } from './routes/health/health.routes'
import { seedDemo } from './seed/demo'
import { buildServices } from './services-factory'
import { runDueJobs } from './scheduler/jobs'

/** How long requests in flight may run on after SIGTERM/SIGINT before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000
/** How often the scheduler runs its jobs (the Worker's cron is every minute too). */
const SCHEDULER_INTERVAL_MS = 60_000

/** Embedded mode only: development secrets are made once and kept beside the data. */
async function devSecrets(dataDir: string): Promise<Record<string, string>> {
  const file = join(dataDir, 'dev-secrets.json')
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {}
  const secrets = {
    JWT_SECRET: kept.JWT_SECRET ?? randomBytes(32).toString('base64url'),
    ID_HASH_SECRET: kept.ID_HASH_SECRET ?? randomBytes(32).toString('base64url'),
    RESULT_SIGNING_JWK: kept.RESULT_SIGNING_JWK ?? (await generateSigningJwk()),
  }
  if (JSON.stringify(secrets) !== JSON.stringify(kept)) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  }
  return secrets
}

async function loadConfig(): Promise<Config> {
  const env: Record<string, unknown> = { ...process.env }
  if (!env.DATABASE_URL) {
    const dataDir = String(env.DATA_DIR ?? '.data')
    for (const [k, v] of Object.entries(await devSecrets(dataDir))) env[k] ??= v
    env.ADMIN_PHONES ??= '13800000000'
  }
  return parseConfig(env)
}

async function main() {
  let config: Config
  try {
    config = await loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(1)
    }
    throw e
  }
  logTo((line) => process.stdout.write(line + '\n'))
  const embedded = !config.DATABASE_URL
  const database = embedded ? await openPglite(join(config.DATA_DIR, 'pglite')) : openPostgres(config.DATABASE_URL!, { prepare: config.DATABASE_PREPARE === '1' })
  await database.migrate()
  const services = buildServices(config, database.db)
  const app = createApp({
    services: () => services,
    clientIp: (c) => clientAddress(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), config.TRUSTED_PROXIES),
    version: VERSION,
  })
  const demo = config.SEED_DEMO === '1' || (config.SEED_DEMO === undefined && embedded) ? await seedDemo(services) : null
  const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => {
    const base = `http://${info.address}:${info.port}`
    console.log(`\n共议 Gongyi ${VERSION} listening on ${base}  (database: ${database.kind}${embedded ? `, ${config.DATA_DIR}/pglite` : ''})`)
    console.log(`  health:  ${base}/health      API docs: ${base}/openapi.json`)
    if (demo) {
      console.log(`\nDemo community “${demo.communityName}” (id ${demo.communityId}). Sign in with a phone one-time code:`)
      for (const p of demo.people) console.log(`  ${p.role.padEnd(16)} ${p.phone}  ${p.note}`)
      console.log(`\n  1. curl -X POST ${base}/api/auth/otp/send -H 'content-type: application/json' -d '{"phone":"13800000001"}'`)
      console.log(`  2. the code is printed below as [dev-sms] (SMS_PROVIDER=console), and kept in the admin's outbox`)
      console.log(`  3. curl -X POST ${base}/api/auth/otp/verify -H 'content-type: application/json' -d '{"phone":"13800000001","code":"<code>"}'`)
      // listening on every interface (HOST=0.0.0.0): a phone reaches the pages at the public address
      const pages = info.address === '0.0.0.0' || info.address === '::' ? config.PUBLIC_BASE_URL.replace(/\/$/, '') : base
      console.log(`\nOn a phone (or a narrow browser window), no mini-program needed:`)
      console.log(`  the community's board:  ${pages}/h5/c/${demo.communityId}`)
      console.log(`  the open poll:          ${pages}/h5/polls/${demo.pollId}   (sign in as the owner 13800000001 and vote)`)
      console.log(`  last quarter's accounts: ${pages}/h5/c/${demo.communityId}/accounts\n`)
    }
  })
  // The scheduler on Node: the same jobs as the Worker's Cron Trigger, once a minute, never overlapping
  // (jobs claim their rows with SKIP LOCKED, so other instances may run them at the same time).
  let jobsRunning = false
  const scheduler = setInterval(() => {
    if (jobsRunning) return
    jobsRunning = true
    void runDueJobs(services).finally(() => (jobsRunning = false))
  }, SCHEDULER_INTERVAL_MS)
  scheduler.unref()
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) {
      // a second signal: the operator does not want to wait
      process.exit(1)
    }
    stopping = true
    clearInterval(scheduler)
    console.log(`\n${signal}: no new connections; requests in flight have ${SHUTDOWN_GRACE_MS / 1000} s to finish`)
    // whatever happens below, the process ends: a hung request or a stuck close cannot keep it alive
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + 3_000).unref()
    const http = server as unknown as import('node:http').Server
    const drained = new Promise<void>((resolve) => http.close(() => resolve()))
    http.closeIdleConnections?.()
    const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), SHUTDOWN_GRACE_MS).unref())
    if ((await Promise.race([drained, grace])) === 'timeout') {
      console.log('requests still running after the grace period were cut off')
      http.closeAllConnections?.()
    }
    await Promise.race([database.close().catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())])
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

await main()
