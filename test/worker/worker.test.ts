/**
 * The two bundled Workers (wrangler's own builds: the lean worker/index.ts from wrangler.toml, the
 * full worker/full.ts from wrangler.full.toml, joined by the FULL service binding) running in
 * Miniflare (workerd), started by this test, talking to a real database over TCP through
 * postgres.js's cloudflare:sockets build: the run's PostgreSQL, or, without DATABASE_URL, an
 * in-memory PGlite served on a local port by pglite-socket.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { desc, eq, inArray } from 'drizzle-orm'
import { Miniflare } from 'miniflare'
import { nanoid } from 'nanoid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { oaInbound, smsOutbox } from '../../drizzle/schema'
import { openPglite, type Database } from '../../worker/db/node'
import { onPostgres, openTestDatabase } from '../helpers/db'
import { newPhone } from '../helpers/fixtures'
import { freePort } from '../helpers/server-process'


const ADMIN_PHONE = newPhone()
let mf: Miniflare
let database: Database
let socketServer: PGLiteSocketServer | null = null
let url: string

async function databaseForWorker(): Promise<string> {
  if (onPostgres()) {
    database = await openTestDatabase()
    const { inject } = await import('vitest')
    return inject('testDatabaseUrl')
  }
  const pglite = await openPglite()
  await pglite.migrate()
  database = pglite
  const port = await freePort()
  socketServer = new PGLiteSocketServer({ db: pglite.client, port, host: '127.0.0.1', maxConnections: 16 })
  await socketServer.start()
  return `postgres://postgres@127.0.0.1:${port}/postgres`
}

/** wrangler's own build of one Worker: the folder and its entry file */
function build(config: string) {
  const outdir = mkdtempSync(join(tmpdir(), 'gongyi-worker-'))
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '-c', config, '--outdir', outdir], { stdio: 'pipe', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
  return { outdir, entry: readdirSync(outdir).find((f) => f.endsWith('.js'))! }
}

let lean: ReturnType<typeof build>

beforeAll(async () => {
  lean = build('wrangler.toml')
  const full = build('wrangler.full.toml')
  const dbUrl = await databaseForWorker()
  // CI runs the suite once more with the process clock moved a year ahead (libfaketime through
  // LD_PRELOAD); workerd hangs under it. The Worker keeps the real clock: nothing here depends on the date.
  delete process.env.LD_PRELOAD
  const worker = (name: string, w: ReturnType<typeof build>) => ({
    name,
    modules: true,
    scriptPath: join(w.outdir, w.entry),
    modulesRoot: w.outdir,
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: {
      APP_ENV: 'test',
      DATABASE_URL: dbUrl,
      JWT_SECRET: 'worker-test-jwt-secret-0123456789abcdef',
      ID_HASH_SECRET: 'worker-test-id-secret-0123456789abcdef',
      ADMIN_PHONES: ADMIN_PHONE,
      SMS_PROVIDER: 'console',
    },
  })
  mf = new Miniflare({
    workers: [
      // the first is the one Miniflare's address serves, as the lean Worker is the one deployed on the route
      { ...worker('gongyi', lean), serviceBindings: { FULL: 'gongyi-full' } },
      worker('gongyi-full', full),
      // the lean Worker deployed without the full one beside it
      worker('gongyi-alone', lean),
    ],
  })
  url = (await mf.ready).toString().replace(/\/$/, '')
}, 180_000)

afterAll(async () => {
  await mf?.dispose()
  await socketServer?.stop()
  await database?.close()
})

async function post(path: string, json: unknown, token?: string) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(json),
  })
  return { status: res.status, json: (await res.json()) as any }
}

async function login(phone: string) {
  const sent = await post('/api/auth/otp/send', { phone })
  expect(sent.status).toBe(200)
  // SMS_PROVIDER=console: the Worker wrote the message to the dev outbox in the database
  const [msg] = await database.db.select().from(smsOutbox).where(eq(smsOutbox.phone, phone)).orderBy(desc(smsOutbox.id)).limit(1)
  const code = /(\d{6})/.exec(msg!.message)![1]
  const res = await post('/api/auth/otp/verify', { phone, code, challenge: sent.json.challenge })
  expect(res.status).toBe(200)
  return res.json.accessToken as string
}

// one sign-in for the platform admin: a second code for the same phone within a minute is rate-limited
let adminSignIn: Promise<string> | undefined
const adminToken = () => (adminSignIn ??= login(ADMIN_PHONE))

describe(`the Worker in Miniflare (${onPostgres() ? 'PostgreSQL' : 'PGlite over pglite-socket'})`, () => {
  it('serves /health with the database reachable', async () => {
    const res = await fetch(`${url}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', database: { reachable: true } })
  })

  it('signs in and serves authenticated, database-backed routes', async () => {
    const phone = newPhone()
    const token = await login(phone)
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ phone, isAdmin: false })
    const admin = await adminToken()
    const created = await post('/api/communities', { name: `Worker小区${nanoid(8)}`, district: '区', street: '街道', residentsCommittee: '社区' }, admin)
    expect(created.status).toBe(201)
    const audit = await fetch(`${url}/api/communities/${created.json.id}/audit`, { headers: { authorization: `Bearer ${admin}` } })
    expect(audit.status).toBe(200)
    expect(((await audit.json()) as any).entries[0].action).toBe('community.created')
    const denied = await fetch(`${url}/api/communities/${created.json.id}/audit`, { headers: { authorization: `Bearer ${token}` } })
    expect(denied.status).toBe(403)
  })

  it("keeps an immutable answer (a notice's QR image) in the Workers Cache API, and answers 304 to its ETag", async () => {
    const admin = await adminToken()
    const created = await post('/api/communities', { name: `Worker缓存${nanoid(8)}`, district: '区', street: '街道', residentsCommittee: '社区' }, admin)
    const committeePhone = newPhone()
    expect((await post(`/api/communities/${created.json.id}/committee-members`, { phone: committeePhone }, admin)).status).toBe(201)
    const notice = await post(`/api/communities/${created.json.id}/notices`, { kind: 'general', title: '停水通知', body: '明天停水。' }, await login(committeePhone))
    expect(notice.status).toBe(201)
    const path = `/api/notices/${notice.json.code}/qr.svg`
    const first = await fetch(url + path)
    expect(first.status).toBe(200)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
    expect(first.headers.get('cache-control')).toContain('immutable')
    const svg = await first.text()
    // the Worker put it in caches.default under the public address (what the QR encodes is part of it)
    const kept = await (await mf.getCaches()).default.match(`http://127.0.0.1:8787${path}`)
    expect(kept?.status).toBe(200)
    expect(kept?.headers.get('etag')).toBe(etag)
    expect(await kept!.text()).toBe(svg)
    const again = await fetch(url + path, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
  })

  it('runs the scheduled jobs on its Cron Trigger (scheduled())', async () => {
    // Observable without WeChat: the inbound-message keys older than a week are pruned, newer kept.
    // The dates are decades apart from any run's "now", so the test holds on any date.
    const stale = `msg:worker-stale-${newPhone()}`
    const fresh = `msg:worker-fresh-${newPhone()}`
    await database.db.insert(oaInbound).values([
      { key: stale, openid: 'o-worker-test', receivedAt: new Date('2000-01-01T00:00:00Z') },
      { key: fresh, openid: 'o-worker-test', receivedAt: new Date('2999-01-01T00:00:00Z') },
    ])
    // the full Worker carries the Cron Trigger (wrangler.full.toml)
    const worker = await mf.getWorker('gongyi-full')
    const outcome = await worker.scheduled({ cron: '* * * * *' })
    expect(outcome.outcome).toBe('ok')
    const left = await database.db.select({ key: oaInbound.key }).from(oaInbound).where(inArray(oaInbound.key, [stale, fresh]))
    expect(left.map((r) => r.key)).toEqual([fresh])
    await database.db.delete(oaInbound).where(eq(oaInbound.key, fresh))
  })

  it('answers bad input with the error shape', async () => {
    const res = await post('/api/auth/otp/send', { phone: 'nope' })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({ code: 'PHONE_INVALID', requestId: expect.any(String) })
  })

  it('the lean Worker serves its routes itself and hands the rest to the full Worker, under one request id', async () => {
    // /health is the lean Worker's; /openapi.json only the full Worker serves (it describes every route)
    const doc = await fetch(`${url}/openapi.json`, { headers: { 'x-request-id': 'worker-test-handoff' } })
    expect(doc.status).toBe(200)
    expect(doc.headers.get('x-request-id')).toBe('worker-test-handoff')
    // the security headers are on handed-over answers too
    expect(doc.headers.get('x-content-type-options')).toBe('nosniff')
    const paths = Object.keys(((await doc.json()) as { paths: Record<string, unknown> }).paths)
    expect(paths).toEqual(expect.arrayContaining(['/api/polls/{pid}/ballots', '/api/communities/{cid}/roster']))
    // a body goes through whole: a roster upload is the full Worker's, and its answer says what was wrong with it
    const admin = await adminToken()
    const created = await post('/api/communities', { name: `Worker转交${nanoid(8)}`, district: '区', street: '街道', residentsCommittee: '社区' }, admin)
    const upload = await fetch(`${url}/api/communities/${created.json.id}/roster`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body: 'not,a,roster\n1,2,3\n',
    })
    // read and checked there: a roster without the template's columns, refused whole, in words
    expect(upload.status).toBe(422)
    const refused = (await upload.json()) as any
    expect(refused.error.code).toBe('ROSTER_INVALID')
    expect(refused.error.message).toMatch(/[\u4e00-\u9fff]/)
  })

  it('the lean Worker without the full one says the service is unavailable (503 in words), not that a route does not exist', async () => {
    const alone = await mf.getWorker('gongyi-alone')
    const health = await alone.fetch(`${url}/health`)
    expect(health.status).toBe(200)
    await health.arrayBuffer()
    const res = await alone.fetch(`${url}/openapi.json`)
    expect(res.status).toBe(503)
    const body = (await res.json()) as any
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE')
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/)
  })

  it('the lean Worker stays within 210 KiB gzipped (issue 17: it is what starts cold on a vote or a scanned notice)', () => {
    const gz = gzipSync(readFileSync(join(lean.outdir, lean.entry)), { level: 9 }).length
    expect(gz).toBeLessThanOrEqual(210 * 1024)
  })
})
