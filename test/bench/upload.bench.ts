/**
 * Uploads against the running server: the 20,000-unit roll, and the hostile files of issue 12,
 * each POSTed over real HTTP while another client asks GET /health every few milliseconds. Printed:
 * what the upload answered and how long it took, and /health's median and slowest answer meanwhile
 * (the time the upload held everybody else), and the longest the event loop was held.
 *
 *   npx tsx test/bench/upload.bench.ts                 (embedded PGlite, in memory)
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { nanoid } from 'nanoid'
import * as schema from '../../drizzle/schema'
import { createApp } from '../../worker/app'
import { parseConfig } from '../../worker/config'
import { openPglite } from '../../worker/db/node'
import { XLSX_TYPE } from '../../worker/lib/download'
import { generateSigningJwk } from '../../worker/lib/signing'
import { buildServices } from '../../worker/services-factory'
import { startSession } from '../../worker/services/auth/sessions'
import { createCommunity } from '../../worker/services/communities/communities'
import { badRowsCsv, emptySharedStrings, rosterCsv, rosterXlsx, unclosedRows, zipBomb } from '../helpers/hostile-files'

const ADMIN_PHONE = '13900000000'
const database = await openPglite()
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

const log = console.log
console.log = () => {} // the access log would measure the terminal
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
await new Promise((r) => server.once('listening', r))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const quantile = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : 0)

async function measure(name: string, body: Uint8Array | string, type: string) {
  const community = await createCommunity(ctx, { name: `基准测试小区${nanoid(4)}`, district: '区', street: `街道${nanoid(4)}`, residentsCommittee: '社区' })
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length
  let done = false
  const started = performance.now()
  // the event loop's own lag, apart from waiting for the database (PGlite has one connection, so
  // /health queues behind an import's transaction there; PostgreSQL would give it another)
  let lag = 0
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    lag = Math.max(lag, now - last - 5)
    last = now
  }, 5)
  const upload = fetch(`${base}/api/communities/${community.id}/roster`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: body as BodyInit })
    .then(async (res) => ({ status: res.status, text: await res.text() }))
    .finally(() => (done = true))
  const health: number[] = []
  while (!done) {
    const t = performance.now()
    await (await fetch(`${base}/health`)).arrayBuffer()
    health.push(performance.now() - t)
    await new Promise((r) => setTimeout(r, 5))
  }
  const res = await upload
  clearInterval(timer)
  const ms = performance.now() - started
  const code = res.status < 300 ? '' : (JSON.parse(res.text) as { error: { code: string; message: string } }).error
  log(
    `${name.padEnd(44)} ${(size / 1024).toFixed(0).padStart(6)} KiB  → ${res.status} ${code ? code.code : 'imported'}`.padEnd(90) +
      ` ${ms.toFixed(0).padStart(6)} ms   /health ×${String(health.length).padStart(4)}  median ${quantile(health, 0.5).toFixed(0).padStart(3)} ms  slowest ${Math.max(0, ...health).toFixed(0).padStart(5)} ms   event loop held at most ${lag.toFixed(0).padStart(4)} ms`,
  )
}

log(`upload benchmark: node ${process.version}, PGlite in memory; /health asked every 5 ms while each upload runs`)
await measure('20,000-unit roll, XLSX', rosterXlsx(20_000), XLSX_TYPE)
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
