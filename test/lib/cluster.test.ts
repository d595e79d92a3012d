/**
 * NODE_PROCESSES=2 (issue 17): the real `worker/node.ts` as a cluster of two serving processes on
 * one port, in its own process group, on the run's PostgreSQL. Both serve; a corrected notice shows
 * at once on both (each keeps the public pages rendered in memory, worker/lib/page-cache.ts, and
 * they tell each other their changes); a serving process killed with SIGKILL is replaced; a
 * Ctrl-C stops them all, each after its requests in flight. The server keeps the system clock, so the fixtures here are written on it too.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { nanoid } from 'nanoid'
import { inject } from 'vitest'
import { afterAll, describe, expect, it } from 'vitest'
import { users } from '../../drizzle/schema'
import { buildServices } from '../../worker/services-factory'
import { startSession } from '../../worker/services/auth/sessions'
import { createCommunity } from '../../worker/services/communities/communities'
import { grantCommittee } from '../../worker/services/roles/grants'
import type { ServiceCtx } from '../../worker/services/context'
import { onPostgres, openTestDatabase } from '../helpers/db'
import { newPhone } from '../helpers/fixtures'
import { testConfig } from '../helpers/harness'
import { freePort, stopWithRequestInFlight } from '../helpers/server-process'

/** the serving processes: the primary's children (Linux /proc) */
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .split(' ')
    .filter(Boolean)
    .map(Number)

/** a GET on a connection of its own, so the cluster's round robin hands it to the next process */
const getFresh = (port: number, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      .on('error', reject)
  })

let server: ChildProcess | null = null
afterAll(() => {
  if (server && server.exitCode === null) process.kill(-server.pid!, 'SIGKILL')
})

describe.skipIf(!onPostgres())('the Node server as a cluster (NODE_PROCESSES=2)', () => {
  it('serves from two processes, shows a correction at once on both, replaces a killed one, and on Ctrl-C lets each finish its requests in flight', async () => {
    const config = testConfig()
    const database = await openTestDatabase()
    const services = buildServices(config, database.db)
    const adminId = nanoid()
    await database.db.insert(users).values({ id: adminId, phone: newPhone() })
    const ctx: ServiceCtx = { ...services, actor: { userId: adminId, phone: '', isAdmin: true }, requestId: 'cluster-test', clientIp: 'test' }
    const community = await createCommunity(ctx, { name: `集群小区${nanoid(6)}`, district: '区', street: '街道', residentsCommittee: '社区' })
    const committee = (await startSession(services, (await grantCommittee(ctx, community.id, newPhone())).userId)).accessToken
    await database.close()

    const port = await freePort()
    server = spawn(process.execPath, ['--import', 'tsx', 'worker/node.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...(process.env.LD_PRELOAD ? { LD_PRELOAD: process.env.LD_PRELOAD, FAKETIME: process.env.FAKETIME ?? '' } : {}),
        DATABASE_URL: inject('testDatabaseUrl'),
        JWT_SECRET: config.JWT_SECRET,
        ID_HASH_SECRET: config.ID_HASH_SECRET,
        APP_ENV: 'development',
        SEED_DEMO: '0',
        HOST: '127.0.0.1',
        PORT: String(port),
        NODE_PROCESSES: '2',
        DATABASE_POOL_MAX: '4',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let out = ''
    server.stdout!.on('data', (b) => (out += b))
    server.stderr!.on('data', (b) => (out += b))
    const deadline = performance.now() + 60_000
    while (!out.includes('listening on')) {
      if (server.exitCode !== null || performance.now() > deadline) throw new Error(`cluster did not start: ${out}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(out).toContain('2 serving processes')
    const first = childrenOf(server.pid!)
    expect(first).toHaveLength(2)

    // a notice, posted through the cluster, read on fresh connections until both processes keep it
    const posted = await fetch(`http://127.0.0.1:${port}/api/communities/${community.id}/notices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${committee}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'general', title: '集群停水通知', body: '明天停水。' }),
    })
    expect(posted.status).toBe(201)
    const notice = (await posted.json()) as { id: string; code: string }
    for (let i = 0; i < 8; i++) {
      const page = await getFresh(port, `/n/${notice.code}`)
      expect(page.status).toBe(200)
      expect(page.body).toContain('集群停水通知')
      expect(page.body).not.toContain('本公告已被更正')
    }
    // corrected through one process: every later view, whichever process answers, links the new version
    const fixed = await fetch(`http://127.0.0.1:${port}/api/notices/${notice.id}/corrections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${committee}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: '集群停水通知（更正）', body: '后天停水。' }),
    })
    expect(fixed.status).toBe(201)
    const newCode = ((await fixed.json()) as { code: string }).code
    for (let i = 0; i < 8; i++) {
      const page = await getFresh(port, `/n/${notice.code}`)
      expect(page.status).toBe(200)
      expect(page.body).toContain('本公告已被更正')
      expect(page.body).toContain(newCode)
    }

    // one serving process killed outright: another takes its place, and the service answers
    process.kill(first[0]!, 'SIGKILL')
    const replaced = performance.now() + 30_000
    let now = childrenOf(server.pid!)
    while (!(now.length === 2 && !now.includes(first[0]!))) {
      if (performance.now() > replaced) throw new Error(`no replacement: ${now.join(',')}\n${out}`)
      await new Promise((r) => setTimeout(r, 100))
      now = childrenOf(server.pid!)
    }
    expect(now).toContain(first[1]!)
    let served = 0
    while (served < 6) {
      if (performance.now() > replaced) throw new Error(`not serving after the replacement:\n${out}`)
      const health = await getFresh(port, '/health/live').catch(() => ({ status: 0, body: '' }))
      served = health.status === 200 ? served + 1 : 0
    }

    // Ctrl-C in a terminal: SIGINT reaches every process of the group. A request still in flight
    // keeps its serving process for the grace period (a second stop, the first process's, must not
    // cut it short), then everything ends, cleanly.
    const { code, took } = await stopWithRequestInFlight(server!, port, () => process.kill(-server!.pid!, 'SIGINT'))
    expect(code).toBe(0)
    expect(took).toBeGreaterThan(4_000)
    expect(took).toBeLessThan(12_000)
    for (const pid of now) expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')).toBe(false)
  }, 120_000)
})
