// The Node entry: `npm start`. Embedded PGlite in .data/ unless DATABASE_URL names a PostgreSQL.
// With DATABASE_URL and NODE_PROCESSES=N, Node's own cluster module runs N serving processes on one
// port (one core each); this first process migrates, seeds, runs the scheduler and relays changes.
import cluster, { type Worker as ClusterWorker } from 'node:cluster'
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { createApp } from './app'
import { clientAddress } from './lib/client-ip'
import { logTo } from './lib/log'
import { publicPagesChanged, relayPageChanges } from './lib/page-cache'
import { generateSigningJwk } from './lib/signing'
import { ConfigError, parseConfig, type Config } from './config'
import { openPglite, openPostgres } from './db/node'
import { VERSION } from './routes/health/health.routes'
import { seedDemo } from './seed/demo'
import type { Services } from './env'
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

type Demo = Awaited<ReturnType<typeof seedDemo>>

/**
 * Log lines leave in batches, one write per turn of the event loop rather than one per request:
 * stdout to a pipe is a synchronous system call on Linux, and one per request cost the cached
 * pages a tenth of their speed (issue 17, test/bench/reads.bench.ts). At most one turn's lines
 * are lost to a `kill -9`; a normal exit writes what is left.
 */
function batchedStdout(): (line: string) => void {
  let pending: string[] = []
  const flush = () => {
    if (pending.length === 0) return
    const lines = pending
    pending = []
    // at most PIPE_BUF (4 KiB) per write, cut between lines: the serving processes of a cluster
    // share one stdout, and only a write that small reaches a pipe whole, never torn by another's
    let chunk = ''
    for (const line of lines) {
      if (chunk && chunk.length + line.length + 1 > 4096) {
        process.stdout.write(chunk)
        chunk = ''
      }
      chunk += line + '\n'
    }
    process.stdout.write(chunk)
  }
  process.on('exit', flush)
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush)
  }
}

/** A serving process tells the first process that a compound's public pages changed, and is told of others' changes. */
interface PagesChanged {
  type: 'pages-changed'
  /** null: every compound's */
  communityId: string | null
}
const isPagesChanged = (m: unknown): m is PagesChanged =>
  typeof m === 'object' && m !== null && (m as PagesChanged).type === 'pages-changed' && (typeof (m as PagesChanged).communityId === 'string' || (m as PagesChanged).communityId === null)

/** The first process asks a serving process to stop gracefully (not by a signal: see runServer). */
const STOP = { type: 'stop' } as const
const isStop = (m: unknown) => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'stop'

/** Set by the first process on the serving processes it forks: another cluster runner's (pm2's) workers are not ours. */
const SERVING_PROCESS = 'GONGYI_SERVING_PROCESS'

function printBanner(config: Config, address: string, port: number, database: string, demo: Demo | null, processes: number) {
  const base = `http://${address}:${port}`
  console.log(`\n共议 Gongyi ${VERSION} listening on ${base}  (database: ${database}${processes > 1 ? `; ${processes} serving processes` : ''})`)
  console.log(`  health:  ${base}/health      API docs: ${base}/openapi.json`)
  if (!demo) return
  console.log(`\nDemo community “${demo.communityName}” (id ${demo.communityId}). Sign in with a phone one-time code:`)
  for (const p of demo.people) console.log(`  ${p.role.padEnd(16)} ${p.phone}  ${p.note}`)
  console.log(`\n  1. curl -X POST ${base}/api/auth/otp/send -H 'content-type: application/json' -d '{"phone":"13800000001"}'`)
  console.log(`     it answers a "challenge"; the code is printed below as [dev-sms] (SMS_PROVIDER=console), and kept in the admin's outbox`)
  console.log(`  2. curl -X POST ${base}/api/auth/otp/verify -H 'content-type: application/json' -d '{"phone":"13800000001","code":"<code>","challenge":"<challenge>"}'`)
  // listening on every interface (HOST=0.0.0.0): a phone reaches the pages at the public address
  const pages = address === '0.0.0.0' || address === '::' ? config.PUBLIC_BASE_URL.replace(/\/$/, '') : base
  console.log(`\nOn a phone (or a narrow browser window), no mini-program needed:`)
  console.log(`  the community's board:  ${pages}/h5/c/${demo.communityId}`)
  console.log(`  the open poll (第${demo.pollNumber}号):   ${pages}/h5/polls/${demo.pollId}   (sign in as the owner 13800000001 and vote)`)
  console.log(`  last quarter's accounts: ${pages}/h5/c/${demo.communityId}/accounts   (owners only: sign in as 13800000001)\n`)
}

/** The scheduler: the same jobs as the Worker's Cron Trigger, once a minute, never overlapping. */
function startScheduler(services: Services) {
  // jobs claim their rows with SKIP LOCKED, so other instances may run them at the same time
  let jobsRunning = false
  const scheduler = setInterval(() => {
    if (jobsRunning) return
    jobsRunning = true
    void runDueJobs(services).finally(() => (jobsRunning = false))
  }, SCHEDULER_INTERVAL_MS)
  scheduler.unref()
  return () => clearInterval(scheduler)
}

/** A port another program holds, said in words like a bad setting: the message, then exit 1. */
function cannotListen(config: Config, code: 'EADDRINUSE' | 'EACCES'): never {
  const why = code === 'EADDRINUSE' ? '已被其他程序占用（是否已有一个共议在运行？）' : '没有权限使用（1024 以下的端口需要管理员权限）'
  console.error(`无法在 ${config.HOST}:${config.PORT} 上提供服务：端口${why}。请结束占用它的程序，或用 PORT 换一个端口，例如 PORT=8788 npm start。\n(cannot listen on ${config.HOST}:${config.PORT}: ${code})`)
  process.exit(1)
}

/** Listens on the configured address for a moment and lets go: a port in use stops start-up here. */
async function assertPortFree(config: Config) {
  if (config.PORT === 0) return
  const probe = createNetServer()
  const code = await new Promise<string | null>((resolve) => {
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'ERROR'))
    probe.listen({ host: config.HOST, port: config.PORT, exclusive: true }, () => resolve(null))
  })
  if (code === 'EADDRINUSE' || code === 'EACCES') cannotListen(config, code)
  await new Promise((r) => probe.close(r))
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
  logTo(batchedStdout())
  if (cluster.isWorker && process.env[SERVING_PROCESS] === '1') return runServer(config, 'cluster-worker')
  // before the database is opened, migrated or seeded: a second `npm start` on the same folder
  // must not touch the running one's embedded database only to find the port taken
  await assertPortFree(config)
  if (config.NODE_PROCESSES > 1) return runPrimary(config)
  return runServer(config, 'alone')
}

/**
 * The first process of a cluster (NODE_PROCESSES > 1, PostgreSQL only: config.ts refuses the
 * embedded database, which one process owns). It does the once-per-start work, forks the serving
 * processes, relays page changes between them, restarts one that dies, and on SIGTERM/SIGINT asks
 * each to stop gracefully. A serving process that dies before it ever listened (the port taken, a
 * crash on start), or five within a minute, ends the whole server with an error: better a
 * supervisor's alert than a first process that looks alive while nothing serves.
 */
async function runPrimary(config: Config) {
  const database = openPostgres(config.DATABASE_URL!, { max: 2, prepare: config.DATABASE_PREPARE === '1' })
  await database.migrate()
  const services = buildServices(config, database.db)
  const demo = config.SEED_DEMO === '1' ? await seedDemo(services) : null
  // every serving process but the one it came from drops that compound's kept pages (worker/lib/page-cache.ts)
  const tellOthers = (m: PagesChanged, from: ClusterWorker | null) => {
    for (const w of Object.values(cluster.workers ?? {})) if (w && w !== from && w.isConnected()) w.send(m)
  }
  // what the scheduler changes here (a result published when its poll closes) reaches every serving process
  relayPageChanges((communityId) => tellOthers({ type: 'pages-changed', communityId }, null))
  const stopScheduler = startScheduler(services)
  let stopping = false
  let announced = false
  let listening = 0
  const everListened = new WeakSet<ClusterWorker>()
  const deaths: number[] = []
  const fork = () => {
    const w = cluster.fork({ [SERVING_PROCESS]: '1' })
    w.on('message', (m: unknown) => {
      if (isPagesChanged(m)) tellOthers(m, w)
    })
    w.once('listening', (address) => {
      everListened.add(w)
      // the banner once every serving process listens: from then on any of them may answer
      if (announced || ++listening < config.NODE_PROCESSES) return
      announced = true
      printBanner(config, address.address ?? config.HOST, address.port, 'postgres', demo, config.NODE_PROCESSES)
    })
    return w
  }
  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is ClusterWorker => !!w)
  const giveUp = (why: string) => {
    console.error(`${why}: stopping`)
    stopping = true
    for (const w of workers()) w.process.kill('SIGKILL')
    process.exit(1)
  }
  for (let i = 0; i < config.NODE_PROCESSES; i++) fork()
  cluster.on('exit', (w: ClusterWorker, code, signal) => {
    if (stopping) return
    if (!everListened.has(w)) giveUp(`a serving process exited (${signal ?? code}) before it could listen on ${config.HOST}:${config.PORT}`)
    const now = Date.now()
    deaths.push(now)
    while (deaths[0]! < now - 60_000) deaths.shift()
    if (deaths.length >= 5) giveUp('five serving processes died within a minute')
    // a serving process that died (an out-of-memory kill, a crash) is replaced; the others serve meanwhile
    console.error(`serving process ${w.process.pid} exited (${signal ?? code}); starting another`)
    setTimeout(() => stopping || fork(), 1_000)
  })
  const stop = async (signal: string) => {
    if (stopping) process.exit(1)
    stopping = true
    stopScheduler()
    console.log(`\n${signal}: stopping ${config.NODE_PROCESSES} serving processes; requests in flight have ${SHUTDOWN_GRACE_MS / 1000} s to finish`)
    // whatever happens below, everything ends: a serving process that hangs is killed
    setTimeout(() => {
      for (const w of workers()) w.process.kill('SIGKILL')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS + 5_000).unref()
    // asked by message, not by signal: a Ctrl-C (or systemd) has signalled them already, and a
    // signal they see twice means "now"; the message only starts the graceful stop, once
    await Promise.all(workers().map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : (w.once('exit', () => resolve()), w.isConnected() ? w.send(STOP) : w.process.kill('SIGTERM'))))))
    await Promise.race([database.close().catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())])
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

/** One serving process: the whole service alone, or one of a cluster's serving processes. */
async function runServer(config: Config, role: 'alone' | 'cluster-worker') {
  const alone = role === 'alone'
  const embedded = !config.DATABASE_URL
  const database = embedded ? await openPglite(join(config.DATA_DIR, 'pglite')) : openPostgres(config.DATABASE_URL!, { max: config.DATABASE_POOL_MAX, prepare: config.DATABASE_PREPARE === '1' })
  // in a cluster the first process has migrated and seeded, and runs the scheduler
  if (alone) await database.migrate()
  if (!alone) {
    relayPageChanges((communityId) => process.send?.({ type: 'pages-changed', communityId } satisfies PagesChanged))
    process.on('message', (m: unknown) => {
      if (isPagesChanged(m)) publicPagesChanged(m.communityId, { relayed: true })
      else if (isStop(m)) void stop('stop')
    })
    // the first process is gone (killed outright): nobody restarts or stops us any more
    process.on('disconnect', () => void stop('disconnect'))
  }
  const services = buildServices(config, database.db)
  const app = createApp({
    services: () => services,
    clientIp: (c) => clientAddress(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), config.TRUSTED_PROXIES),
    version: VERSION,
  })
  const demo = alone && (config.SEED_DEMO === '1' || (config.SEED_DEMO === undefined && embedded)) ? await seedDemo(services) : null
  const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => {
    if (alone) printBanner(config, info.address, info.port, `${database.kind}${embedded ? `, ${config.DATA_DIR}/pglite` : ''}`, demo, 1)
  })
  // a port another program holds (often an earlier `npm start` still running) is a setting to
  // change, said in words like a bad setting, not an unhandled 'error' event's stack
  // (checked before start-up too, assertPortFree; this is the port taken in between)
  ;(server as unknown as import('node:http').Server).once('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') throw e
    cannotListen(config, e.code)
  })
  const stopScheduler = alone ? startScheduler(services) : () => {}
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) {
      // alone, a second signal: the operator does not want to wait. In a cluster the first process
      // decides that (it kills what is left after the grace period), and the same stop may arrive
      // by signal and by message.
      if (alone) process.exit(1)
      return
    }
    stopping = true
    stopScheduler()
    if (alone) console.log(`\n${signal}: no new connections; requests in flight have ${SHUTDOWN_GRACE_MS / 1000} s to finish`)
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
