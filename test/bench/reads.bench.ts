/**
 * Read paths under load (issue 17): the real Node server (worker/node.ts, started here as its own
 * process on a free port) answering the public pages of a seeded compound, beside a bare Hono
 * "hello" on the same runtime and the same @hono/node-server (test/bench/hello-server.ts), measured
 * in the same run by the same client. Printed: requests/s, p50 and p99, and each page's ratio to hello.
 *
 *   npx tsx test/bench/reads.bench.ts                                                      (PGlite in a temp folder)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/reads.bench.ts (a scratch PostgreSQL database)
 *
 * BENCH_SECONDS (default 5) per page, BENCH_CONCURRENCY (default 32) requests in flight. The
 * compound is seeded through the app's own API (test/helpers fixtures) on a clock two days back, so
 * that its poll has closed and its result is published when the server, on the real clock, serves it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { freePort } from '../helpers/server-process'

process.env.TEST_NOW ??= new Date(Date.now() - 2 * 86_400_000).toISOString()
const { startHarness } = await import('../helpers/harness')
const { buildTemplateCompound } = await import('../helpers/city')
const { openPglite, openPostgres } = await import('../../worker/db/node')
const { buildServices } = await import('../../worker/services-factory')
const { startSession } = await import('../../worker/services/auth/sessions')

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))


/** A scratch database the seeding writes and the server then opens: a PGlite folder, or a PostgreSQL database. */
async function scratch() {
  const base = process.env.DATABASE_URL
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'gongyi-reads-'))
    const database = await openPglite(join(dir, 'pglite'))
    await database.migrate()
    return { database, env: { DATA_DIR: dir } as Record<string, string>, kind: 'PGlite', drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const name = `gongyi_reads_${Date.now()}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  const database = openPostgres(url.toString(), { max: 8 })
  await database.migrate()
  return {
    database,
    env: { DATABASE_URL: url.toString() } as Record<string, string>,
    kind: 'PostgreSQL',
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

function start(script: string, env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_PROFILE=<dir>: CPU profiles of both servers (chrome://inspect, or speedscope) written there at exit
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (b: Buffer) => {
      out += b.toString()
      if (/listening/.test(out)) {
        child.stdout!.off('data', onData)
        // the server's access log goes on being written; drain it so the pipe never blocks
        child.stdout!.resume()
        resolve(child)
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening:\n${out}`)))
  })
}

interface Measured {
  rps: number
  p50: number
  p99: number
  errors: number
}

/** CONCURRENCY keep-alive loops GETting one path for SECONDS (after a one-second warm-up). */
async function load(port: number, path: string, headers: Record<string, string> = {}): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
    })
  const run = async (ms: number) => {
    const lat: number[] = []
    let errors = 0
    const until = performance.now() + ms
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const t = performance.now()
          const status = await get().catch(() => 0)
          lat.push(performance.now() - t)
          if (status !== 200) errors++
        }
      }),
    )
    return { lat, errors }
  }
  await run(1_000)
  const { lat, errors } = await run(SECONDS * 1_000)
  agent.destroy()
  lat.sort((a, b) => a - b)
  const at = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!
  return { rps: lat.length / SECONDS, p50: at(0.5), p99: at(0.99), errors }
}

const db = await scratch()
const children: ChildProcess[] = []
try {
  // ---- seed one compound through the API, on a clock two days back ----
  const h = await startHarness({ database: db.database })
  const { cid, pid, noticeCode, s } = await buildTemplateCompound(h, 40)
  // the owner's page session on the real clock, as the server will check it
  const ownerId = JSON.parse(Buffer.from(s.owner.split('.')[1]!, 'base64url').toString()).sub as string
  const session = await startSession(buildServices(h.config, db.database.db), ownerId)
  const config = h.config
  await h.close()
  await db.database.close()

  // ---- the servers ----
  const appPort = await freePort()
  const helloPort = await freePort()
  const secrets = { JWT_SECRET: config.JWT_SECRET, ID_HASH_SECRET: config.ID_HASH_SECRET, RESULT_SIGNING_JWK: config.RESULT_SIGNING_JWK! }
  children.push(await start('worker/node.ts', { ...db.env, ...secrets, APP_ENV: 'development', SEED_DEMO: '0', PORT: String(appPort), HOST: '127.0.0.1', SMS_PROVIDER: 'console', ADMIN_PHONES: '13900000000' }))
  children.push(await start('test/bench/hello-server.ts', { PORT: String(helloPort) }))

  const owner = { cookie: `gy_at=${session.accessToken}` }
  const pages: { name: string; path: string; headers?: Record<string, string>; expect: string }[] = [
    { name: 'notice page /n/<code>', path: `/n/${noticeCode}`, expect: '关于小区停水的通知' },
    { name: 'result page /h5/polls/<id>/result', path: `/h5/polls/${pid}/result`, expect: '表决结果' },
    { name: 'result JSON /api/polls/<id>/result', path: `/api/polls/${pid}/result`, expect: '"document"' },
    { name: 'fees page /h5/c/<id>/fees', path: `/h5/c/${cid}/fees`, expect: '物业服务费' },
    { name: 'board /h5/c/<id>', path: `/h5/c/${cid}`, expect: '关于小区停水的通知' },
    { name: 'accounts page, signed in (2026Q3)', path: `/h5/c/${cid}/accounts?period=2026Q3`, headers: owner, expect: '2026Q3 账目公开' },
  ]
  for (const p of pages) {
    const res = await fetch(`http://127.0.0.1:${appPort}${p.path}`, { headers: p.headers })
    const text = await res.text()
    if (res.status !== 200 || !text.includes(p.expect)) throw new Error(`${p.path} answered ${res.status} without “${p.expect}”: ${text.slice(0, 300)}`)
  }

  console.log(`\nRead paths on ${db.kind}: ${CONCURRENCY} in flight, ${SECONDS} s each, best of ${ROUNDS} rounds, one client process; Node ${process.version}\n`)
  // rounds interleave hello and the pages, so a burst of load from elsewhere hits them alike
  const best = new Map<string, Measured>()
  const keep = (name: string, m: Measured) => {
    const b = best.get(name)
    if (!b || m.rps > b.rps) best.set(name, m)
  }
  for (let round = 0; round < ROUNDS; round++) {
    keep('hello', await load(helloPort, '/'))
    for (const p of pages) keep(p.name, await load(appPort, p.path, p.headers))
  }
  const hello = best.get('hello')!
  const line = (name: string, m: Measured, ratio: string) =>
    console.log(`| ${name.padEnd(38)} | ${m.rps.toFixed(0).padStart(7)} | ${m.p50.toFixed(2).padStart(6)} | ${m.p99.toFixed(2).padStart(6)} | ${ratio.padStart(6)} |${m.errors ? ` ${m.errors} non-200` : ''}`)
  console.log(`| ${'what'.padEnd(38)} | ${'req/s'.padStart(7)} | ${'p50 ms'.padStart(6)} | ${'p99 ms'.padStart(6)} | ${'×hello'.padStart(6)} |`)
  console.log(`|${'-'.repeat(40)}|${'-'.repeat(9)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(8)}|`)
  line('bare Hono hello', hello, '100%')
  for (const p of pages) line(p.name, best.get(p.name)!, `${((100 * best.get(p.name)!.rps) / hello.rps).toFixed(0)}%`)
  console.log('\nGoal (issue 17): each public page ≥ 50% of hello. The accounts page is for signed-in owners only: its access check reads the database on every view.')
} finally {
  for (const c of children) c.kill('SIGTERM')
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))))
  await db.drop()
}
