/**
 * What the vote benchmarks share: a scratch PostgreSQL database, one compound seeded in bulk with
 * verified owners and their access tokens, a poll open by the database's clock, the real Node
 * server started as a child process (so `kill -9` hits the server and nothing else), and a
 * keep-alive HTTP client that records latencies.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { nanoid } from 'nanoid'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { createApp } from '../../worker/app'
import { parseConfig, type Config } from '../../worker/config'
import { openPostgres, type Database } from '../../worker/db/node'
import type { Db } from '../../worker/db/types'
import type { Clock } from '../../worker/env'
import { generateSigningJwk } from '../../worker/lib/signing'
import { buildServices } from '../../worker/services-factory'
import { issueAccessToken } from '../../worker/services/auth/tokens'
import { importRoster } from '../../worker/services/roster/import'
import { createCommunity } from '../../worker/services/communities/communities'
import { grantCommittee } from '../../worker/services/roles/grants'
import { startSession } from '../../worker/services/auth/sessions'
import { rowsOf } from '../../worker/services/roles/resolve'
import * as schema from '../../drizzle/schema'
import { idCheckChar } from '../../shared/id-number'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The benchmarks need a real server process and a real database: PostgreSQL or nothing. */
export function postgresOrSkip(what: string): string {
  const url = process.env.DATABASE_URL
  if (!url) {
    console.log(`${what}: skipped — set DATABASE_URL=postgres://... (a PostgreSQL the benchmark may create a scratch database on)`)
    process.exit(0)
  }
  return url
}

/** A database of its own, dropped at the end, so a benchmark never touches another run's rows. */
export async function scratchDatabase(base: string, tag: string) {
  const name = `gongyi_${tag}_${Date.now()}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** The environment of the server and of the seeding code: the same secrets, so tokens minted here are valid there. */
export async function benchEnv(databaseUrl: string, port: number): Promise<Record<string, string>> {
  return {
    APP_ENV: 'development',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    SEED_DEMO: '0',
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijkl',
    ID_HASH_SECRET: 'bench-id-secret-0123456789abcdefghijklm',
    RESULT_SIGNING_JWK: await generateSigningJwk(),
    // a rush, a crash and a restart must not outlive the voters' tokens
    ACCESS_TOKEN_TTL_SECONDS: '7200',
    // DATABASE_PREPARE=0 measures the server without prepared statements (worker/db/prepared.ts)
    DATABASE_PREPARE: process.env.DATABASE_PREPARE ?? '1',
  }
}

export interface Compound {
  database: Database
  config: Config
  adminId: string
  communityId: string
  committeeToken: string
  /** one access token per verified owner (one voter each) */
  voterTokens: string[]
  /** the app in this process, for the committee's set-up calls (the voters go through the server) */
  request: Requester
}

/**
 * One compound of `voters` units, each with its own verified owner and a live sign-in, seeded in
 * bulk (the roster through the real import; users, bindings and refresh tokens in batches).
 */
export async function seedCompound(env: Record<string, string>, voters: number, opts: { poolSize?: number; database?: Database } = {}): Promise<Compound> {
  const config = parseConfig(env)
  const database = opts.database ?? openPostgres(env.DATABASE_URL!, { max: opts.poolSize ?? 8 })
  if (!opts.database) await database.migrate()
  const services = buildServices(config, database.db)
  const app = createApp({ services: () => services })
  const adminId = nanoid()
  await database.db.insert(schema.users).values({ id: adminId, phone: '13900000000' })
  const ctx = { ...services, actor: { userId: adminId, phone: '13900000000', isAdmin: true }, requestId: 'bench', clientIp: 'bench' }
  const community = await createCommunity(ctx, { name: '基准测试小区', district: '区', street: '街道', residentsCommittee: '社区' })
  const records = Array.from({ length: voters }, (_, i) => {
    // distinct ID numbers: the block (i / 1000) in the area code, i % 1000 in the sequence
    const first17 = `3101${String(10 + Math.floor(i / 1000)).padStart(2, '0')}${1950 + (i % 50)}0101${String(i % 1000).padStart(3, '0')}`
    return { line: i + 2, values: { 楼栋: `${1 + Math.floor(i / 500)}栋`, 房号: String(1000 + (i % 500)), 专有部分面积: '88.50', 面积来源: '合同', 业主姓名: `业主${i}`, 证件号码: first17 + idCheckChar(first17) } }
  })
  await importRoster(ctx, community.id, 'json', Object.keys(records[0]!.values), records)
  const committeeGrant = await grantCommittee(ctx, community.id, '13900000001')
  const voterTokens = await bulkVerifiedOwners(database.db, config, services.clock, community.id)
  const committeeToken = (await startSession(services, committeeGrant.userId)).accessToken
  // the in-process app's access log is silenced while any of its requests runs
  const log = console.log
  let inFlight = 0
  const request = async (method: string, path: string, token: string, json?: unknown) => {
    if (inFlight++ === 0) console.log = () => {}
    try {
      const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) })
      return { status: res.status, json: await res.json() }
    } finally {
      if (--inFlight === 0) console.log = log
    }
  }
  return { database, config, adminId, communityId: community.id, committeeToken, voterTokens, request }
}

/**
 * Every owner on a compound's current roll not yet bound, made a verified voter in batches of
 * 1,000 as an approved claim leaves one (a user, a verified binding, a live sign-in: its
 * refresh-token family), with one access token each, issued on `clock`.
 */
export async function bulkVerifiedOwners(db: Db, config: Config, clock: Clock, communityId: string): Promise<string[]> {
  const owners = rowsOf<{ owner_key: string; unit_key: string; name: string }>(
    await db.execute(sql`select o.owner_key, u.unit_key, o.name from roster_owners o join roster_units u on u.id = o.unit_id
                         where u.roster_version_id = (select current_roster_version_id from communities where id = ${communityId})
                           and not exists (select 1 from bindings b where b.community_id = ${communityId} and b.owner_key = o.owner_key and b.status = 'verified')
                         order by u.unit_key`),
  )
  const tokens: string[] = []
  const expiresAt = new Date(clock.now().getTime() + 86_400_000)
  for (let from = 0; from < owners.length; from += 1000) {
    // 138: the fixtures' phones start 137 (test/helpers/harness.ts uniquePhone), the seeded admin's 139
    const batch = owners.slice(from, from + 1000).map((o, j) => ({ o, userId: nanoid(), familyId: nanoid(), phone: `138${String(from + j).padStart(8, '0')}` }))
    await db.insert(schema.users).values(batch.map((b) => ({ id: b.userId, phone: b.phone })))
    await db.insert(schema.bindings).values(
      batch.map((b) => ({ id: nanoid(), userId: b.userId, communityId, unitKey: b.o.unit_key, claimedName: b.o.name, claimedIdHash: b.o.owner_key, claimedIdLast4: '0000', ownerKey: b.o.owner_key, status: 'verified' as const })),
    )
    await db.insert(schema.refreshTokens).values(batch.map((b) => ({ id: nanoid(), userId: b.userId, familyId: b.familyId, tokenHash: nanoid(43), expiresAt })))
    for (const b of batch) tokens.push((await issueAccessToken(config, clock, b.userId, b.familyId)).accessToken)
  }
  return tokens
}

/** How the committee's set-up calls are sent: the in-process app (Compound.request) or the server (httpClient.request). */
export type Requester = (method: string, path: string, token: string, json?: unknown) => Promise<{ status: number; json: any }>

/**
 * A poll of the whole compound announced now, opening `opensInMs` from now and closing
 * `openForMs` later. The window is decided by the database's clock (worker/db/clock.ts), so it is
 * set from that clock; the instants returned are on this process's clock, for the script's waits.
 */
export async function announcedPoll(c: Pick<Compound, 'communityId' | 'committeeToken' | 'request' | 'database'>, opts: { opensInMs: number; openForMs: number; title?: string }) {
  const [row] = rowsOf<{ ms: string | number }>(await c.database.db.execute(sql`select (extract(epoch from clock_timestamp()) * 1000)::bigint as ms`))
  const dbOpensAt = Number(row!.ms) + opts.opensInMs
  const opensAt = dbOpensAt - (Number(row!.ms) - Date.now())
  const draft = await c.request('POST', `/api/communities/${c.communityId}/polls`, c.committeeToken, {
    title: opts.title ?? '基准测试议题',
    body: '用于测量投票路径的吞吐量。',
    matter: 'other',
    opensAt: new Date(dbOpensAt).toISOString(),
    closesAt: new Date(dbOpensAt + opts.openForMs).toISOString(),
  })
  if (draft.status !== 201) throw new Error(`draft failed: ${JSON.stringify(draft.json)}`)
  const announced = await c.request('POST', `/api/polls/${draft.json.id}/announce`, c.committeeToken, { noticeOverrideReason: '基准测试，无需公告期' })
  if (announced.status !== 200) throw new Error(`announce failed: ${JSON.stringify(announced.json)}`)
  return { id: draft.json.id as string, opensAt, closesAt: opensAt + opts.openForMs }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

export { freePort } from '../helpers/server-process'

/**
 * The real Node entry (worker/node.ts) in a process of its own: node itself with tsx's loader,
 * not the tsx wrapper, so the pid is the server's and `kill -9` reaches it.
 */
export async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'worker/node.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT}/health`)
      if (res.ok) return child
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  child.kill('SIGKILL')
  throw new Error('server did not answer /health within 60 s')
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

export interface Answer {
  status: number
  /** the parsed body, or null on a transport error (status 0) */
  json: any
  ms: number
  error?: string
}

/**
 * node:http with a keep-alive agent of `sockets` connections: one connection per concurrent
 * voter, reused, as a phone's client would. (node:http costs the client less CPU than fetch on
 * Node 20; the client shares the machine's two cores with the server and the database.)
 */
export function httpClient(port: number, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets })
  const request = (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve) => {
      const payload = body === undefined ? null : Buffer.from(JSON.stringify(body))
      const t0 = performance.now()
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (d: Buffer) => chunks.push(d))
          res.on('end', () => {
            let json: any = null
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'))
            } catch {
              // not JSON: keep null
            }
            resolve({ status: res.statusCode ?? 0, json, ms: performance.now() - t0 })
          })
          res.on('error', (e) => resolve({ status: 0, json: null, ms: performance.now() - t0, error: e.message }))
        },
      )
      req.on('error', (e) => resolve({ status: 0, json: null, ms: performance.now() - t0, error: (e as NodeJS.ErrnoException).code ?? e.message }))
      req.end(payload ?? undefined)
    })
  const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) => request('POST', path, token, body, headers)
  return { request, post, close: () => agent.destroy() }
}

/** Runs `fn` over `items` with `n` in flight at a time. */
export async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!, i)
      }
    }),
  )
  return out
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export function statusCounts(answers: Answer[]): string {
  const counts = new Map<string, number>()
  for (const a of answers) counts.set(a.status ? String(a.status) : `error:${a.error}`, (counts.get(a.status ? String(a.status) : `error:${a.error}`) ?? 0) + 1)
  return [...counts].map(([k, v]) => `${k}×${v}`).join(' ')
}

/** CPU seconds a process has used (Linux /proc; NaN elsewhere): what a vote costs the server, whatever the load. */
/** CPU seconds (user + system) of a process and of its living children (a cluster's serving processes, NODE_PROCESSES). */
/** A process's /proc/<pid>/stat fields after the command name: [11] utime, [12] stime, [13] cutime, [14] cstime (ticks of 1/100 s). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

const childrenOf = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number))

export function cpuSeconds(pid: number): number {
  try {
    const fields = statFields(pid)
    // utime and stime (fields 14 and 15 of the whole line), in clock ticks of 1/100 s
    let seconds = (Number(fields[11]) + Number(fields[12])) / 100
    for (const child of childrenOf(pid)) seconds += cpuSeconds(child)
    return seconds
  } catch {
    return NaN
  }
}

/**
 * CPU seconds the whole PostgreSQL server has used: the postmaster's own and its exited children's
 * (cutime, cstime: the backends of connections already closed, such as pgbench's), plus every
 * live child's (backends, the WAL writer, the checkpointer…). Differences of two readings say what
 * the database spent on a run. NaN where /proc cannot be read (not Linux, another machine).
 */
export function databaseCpuSeconds(postmasterPid: number): number {
  try {
    // the children first: one that exits after this list is read has its time in the postmaster's
    // cutime, read next
    const children = childrenOf(postmasterPid)
    const own = statFields(postmasterPid)
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
    for (const child of children) {
      try {
        const f = statFields(child)
        ticks += Number(f[11]) + Number(f[12])
      } catch {
        // exited between the two reads: its time is in the postmaster's cutime from now on
      }
    }
    return ticks / 100
  } catch {
    return NaN
  }
}

/** CPU seconds of this process (the load generator) and of its children already waited for (pgbench). */
export function selfCpuSeconds(): { own: number; children: number } {
  const f = statFields(process.pid)
  return { own: (Number(f[11]) + Number(f[12])) / 100, children: (Number(f[13]) + Number(f[14])) / 100 }
}

/** The postmaster's pid, when the database runs on this machine: the parent of the backend that answers. */
export async function postmasterPid(url: string): Promise<number | null> {
  const client = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await client<{ pid: number }[]>`select pg_backend_pid() as pid`
    const status = readFileSync(`/proc/${row!.pid}/status`, 'utf8')
    return Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) || null
  } catch {
    return null
  } finally {
    await client.end()
  }
}
