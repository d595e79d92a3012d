/**
 * Uploads against the running server: the 20,000-unit roll (new, then again over the same
 * community, which adds the diff against the previous version) and the hostile files of issue 12,
 * each POSTed over real HTTP while other clients ask, each on its own schedule:
 *   - GET /health/live every 5 ms (no database): is the process answering?
 *   - GET /api/communities/:other every 50 ms (another tenant's read, through the database).
 * Each latency counts from when the request was due, so time the event loop was held before it
 * could even be sent is counted. Printed: the answer and its time, max and p99 of both, and the
 * longest the event loop was held, in wall time and in the main thread's CPU time.
 *
 *   npx tsx test/bench/upload.bench.ts                                                   (PGlite, in memory)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/upload.bench.ts   (PostgreSQL)
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { nanoid } from 'nanoid'
import * as schema from '../../drizzle/schema'
import { createApp } from '../../worker/app'
import { parseConfig } from '../../worker/config'
import { openPglite, openPostgres } from '../../worker/db/node'
import { XLSX_TYPE } from '../../worker/lib/download'
import { generateSigningJwk } from '../../worker/lib/signing'
import { buildServices } from '../../worker/services-factory'
import { startSession } from '../../worker/services/auth/sessions'
import { createCommunity } from '../../worker/services/communities/communities'
import { badRowsCsv, emptySharedStrings, rosterCsv, rosterXlsx, unclosedRows, zipBomb } from '../helpers/hostile-files'
import { quantile, watchEventLoop } from '../helpers/loop-watch'

// a phone of its own, so a PostgreSQL database the tests also use has no such user yet
const ADMIN_PHONE = `139${String(Date.now()).slice(-8)}`
const url = process.env.DATABASE_URL
const database = url ? openPostgres(url) : await openPglite()
await database.migrate()
const config = parseConfig({
  APP_ENV: 'development',
  ADMIN_PHONES: ADMIN_PHONE,
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijkl',
  ID_HASH_SECRET: 'bench-id-secret-0123456789abcdefghijklm',
  RESULT_SIGNING_JWK: await generateSigningJwk(),
})
const services = buildServices(config, database.db)
const app = createApp({ services: () => services })
const adminId = nanoid()
await database.db.insert(schema.users).values({ id: adminId, phone: ADMIN_PHONE })
const ctx = { ...services, actor: { userId: adminId, phone: ADMIN_PHONE, isAdmin: true }, requestId: 'bench', clientIp: 'bench' }
const token = (await startSession(services, adminId)).accessToken
const newCommunity = () => createCommunity(ctx, { name: `基准测试小区${nanoid(6)}`, district: '区', street: `街道${nanoid(6)}`, residentsCommittee: '社区' })
const other = await newCommunity()

const log = console.log
console.log = () => {} // the access log would measure the terminal
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
await new Promise((r) => server.once('listening', r))
// fetch keeps connections alive: a server closing an idle one (5 s by default) just as the client
// reuses it is an ECONNRESET that would end the run
;(server as import('node:http').Server).keepAliveTimeout = 120_000
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

/** Asks `path` every `everyMs` until `done()`; each latency counts from when the request was due. */
async function probe(path: string, everyMs: number, done: () => boolean, headers: Record<string, string> = {}) {
  const latencies: number[] = []
  let failures = 0
  while (!done()) {
    const due = performance.now() + everyMs
    await new Promise((r) => setTimeout(r, everyMs))
    if (done()) break
    const res = await fetch(`${base}${path}`, { headers })
    await res.arrayBuffer()
    if (!res.ok) failures++
    latencies.push(performance.now() - due)
  }
  return { latencies, failures }
}
const fmt = (xs: number[]) => `max ${Math.max(0, ...xs).toFixed(0).padStart(5)} p99 ${quantile(xs, 0.99).toFixed(0).padStart(5)} ms`

async function measure(name: string, body: Uint8Array | string, type: string, communityId?: string) {
  const cid = communityId ?? (await newCommunity()).id
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length
  let done = false
  const started = performance.now()
  const loop = watchEventLoop()
  const upload = fetch(`${base}/api/communities/${cid}/roster`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: body as BodyInit })
    .then(async (res) => ({ status: res.status, text: await res.text() }))
    .finally(() => (done = true))
  const [live, tenant] = await Promise.all([probe('/health/live', 5, () => done), probe(`/api/communities/${other.id}`, 50, () => done, { authorization: `Bearer ${token}` })])
  const res = await upload
  const held = loop.stop()
  const ms = performance.now() - started
  const code = res.status < 300 ? '' : (JSON.parse(res.text) as { error: { code: string; message: string } }).error
  log(
    `${name.padEnd(46)} ${(size / 1024).toFixed(0).padStart(6)} KiB → ${res.status} ${code ? code.code : 'imported'}`.padEnd(92) +
      `${ms.toFixed(0).padStart(6)} ms | /health/live ×${String(live.latencies.length).padStart(4)} ${fmt(live.latencies)} | other tenant ×${String(tenant.latencies.length).padStart(3)} ${fmt(tenant.latencies)}${tenant.failures ? ` (${tenant.failures} failed)` : ''} | loop held ${held.wallMs.toFixed(0).padStart(5)} ms wall, ${held.cpuMs.toFixed(0).padStart(4)} ms CPU`,
  )
  return cid
}

log(`upload benchmark: node ${process.version}, ${url ? 'PostgreSQL (postgres.js pool of 10)' : 'PGlite in memory'}; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`)
const roll = await measure('20,000-unit roll, XLSX', rosterXlsx(20_000), XLSX_TYPE)
await measure('the same roll again (diff against version 1)', rosterXlsx(20_000), XLSX_TYPE, roll)
await measure('20,000-unit roll, CSV', rosterCsv(20_000), 'text/csv')
await measure('zip bomb: declares 10 KB, inflates to 200 MB', zipBomb(200, 10_000), XLSX_TYPE)
await measure('zip bomb: declares 60 MB, inflates to 200 MB', zipBomb(200, 60 * 1024 * 1024), XLSX_TYPE)
await measure('zip bomb: declares its true 1 GB', zipBomb(1024), XLSX_TYPE)
await measure('40,000 unclosed <row> tags', unclosedRows(), XLSX_TYPE)
await measure('3,000,000 empty shared strings', emptySharedStrings(), XLSX_TYPE)
await measure('CSV of 10^6 bad rows', badRowsCsv(), 'text/csv')
server.close()
await database.close?.()
process.exit(0)
