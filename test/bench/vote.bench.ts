/**
 * The vote path under load, against a baseline measured in the same run on the same database.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/vote.bench.ts   (PostgreSQL)
 *   npx tsx test/bench/vote.bench.ts                                                         (embedded PGlite)
 *
 * Baseline: the least database work one vote needs (../shared/stack.md): in one transaction,
 * insert a ballot row and an audit row, with the same concurrency. Measured: the real thing,
 * POST /api/polls/:pid/ballots through the Hono app (auth, role check, electorate lookup, advisory
 * locks, idempotency check, versioning, audit). Printed: ballots per second and the ratio.
 * A scratch database is created and dropped (PostgreSQL) or kept in memory (PGlite).
 */
import { nanoid } from 'nanoid'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { createApp } from '../../worker/app'
import { parseConfig } from '../../worker/config'
import { openPglite, openPostgres, type Database } from '../../worker/db/node'
import { generateSigningJwk } from '../../worker/lib/signing'
import { buildServices } from '../../worker/services-factory'
import { startSession } from '../../worker/services/auth/sessions'
import { importRoster } from '../../worker/services/roster/import'
import { createCommunity } from '../../worker/services/communities/communities'
import { grantCommittee } from '../../worker/services/roles/grants'
import * as schema from '../../drizzle/schema'
import { idCheckChar } from '../../shared/id-number'

const VOTERS = Number(process.env.BENCH_VOTERS ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)

async function scratch(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL
  if (!base) {
    const database = await openPglite()
    await database.migrate()
    return { database, drop: async () => {} }
  }
  const name = `gongyi_bench_${Date.now()}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  const database = openPostgres(url.toString(), { max: CONCURRENCY + 4 })
  await database.migrate()
  return {
    database,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

const { database, drop } = await scratch()
try {
  const config = parseConfig({
    APP_ENV: 'development',
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghijkl',
    ID_HASH_SECRET: 'bench-id-secret-0123456789abcdefghijklm',
    RESULT_SIGNING_JWK: await generateSigningJwk(),
  })
  const services = buildServices(config, database.db)
  const app = createApp({ services: () => services })
  const adminId = nanoid()
  await database.db.insert(schema.users).values({ id: adminId, phone: '13900000000' })
  const ctx = { ...services, actor: { userId: adminId, phone: '13900000000', isAdmin: true }, requestId: 'bench', clientIp: 'bench' }
  const community = await createCommunity(ctx, { name: '基准测试小区', district: '区', street: '街道', residentsCommittee: '社区' })
  const records = Array.from({ length: VOTERS }, (_, i) => {
    const first17 = `310104${1950 + (i % 50)}0101${String(i % 1000).padStart(3, '0')}`.slice(0, 17)
    return { line: i + 2, values: { 楼栋: `${1 + Math.floor(i / 500)}栋`, 房号: String(1000 + i), 专有部分面积: '88.50', 面积来源: '合同', 业主姓名: `业主${i}`, 证件号码: first17 + idCheckChar(first17) } }
  })
  // distinct IDs: the sequence above repeats every 1,000, so vary the birth year by block too
  records.forEach((r, i) => {
    const first17 = `3101${String(10 + Math.floor(i / 1000)).padStart(2, '0')}${1950 + (i % 50)}0101${String(i % 1000).padStart(3, '0')}`
    r.values.证件号码 = first17 + idCheckChar(first17)
  })
  await importRoster(ctx, community.id, 'json', Object.keys(records[0]!.values), records)
  const committeeGrant = await grantCommittee(ctx, community.id, '13900000001')
  const owners = await database.db
    .select({ ownerKey: schema.rosterOwners.ownerKey, unitKey: schema.rosterUnits.unitKey, name: schema.rosterOwners.name })
    .from(schema.rosterOwners)
    .innerJoin(schema.rosterUnits, sql`${schema.rosterUnits.id} = ${schema.rosterOwners.unitId}`)
  const tokens: string[] = []
  for (const o of owners) {
    const userId = nanoid()
    await database.db.insert(schema.users).values({ id: userId, phone: `137${String(tokens.length).padStart(8, '0')}` })
    await database.db.insert(schema.bindings).values({ id: nanoid(), userId, communityId: community.id, unitKey: o.unitKey, claimedName: o.name, claimedIdHash: o.ownerKey, claimedIdLast4: '0000', ownerKey: o.ownerKey, status: 'verified' })
    tokens.push((await startSession(services, userId)).accessToken)
  }
  const committeeToken = (await startSession(services, committeeGrant.userId)).accessToken
  const draft = await app.request(`/api/communities/${community.id}/polls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${committeeToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: '基准测试议题', body: '用于测量投票路径的吞吐量。', matter: 'other', opensAt: new Date(Date.now() + 2_000).toISOString(), closesAt: new Date(Date.now() + 3_600_000).toISOString() }),
  })
  const pid = ((await draft.json()) as { id: string }).id
  const announced = await app.request(`/api/polls/${pid}/announce`, { method: 'POST', headers: { authorization: `Bearer ${committeeToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ noticeOverrideReason: '基准测试，无需公告期' }) })
  if (announced.status !== 200) throw new Error(`announce failed: ${await announced.text()}`)
  await new Promise((r) => setTimeout(r, 2_100)) // voting opens

  // Baseline: ballot row + audit row per vote, one transaction, same concurrency.
  let i = 0
  const t0 = performance.now()
  await pool(tokens, CONCURRENCY, async () => {
    const n = i++
    await database.db.transaction(async (tx) => {
      await tx.insert(schema.ballots).values({ id: nanoid(), pollId: pid, communityId: community.id, voterId: `baseline-${n}`, version: 1, choice: 'agree', channel: 'app', kind: 'electronic', current: true, castByUserId: adminId, receipt: nanoid(), requestHash: 'x' })
      await tx.insert(schema.auditLog).values({ communityId: community.id, actorUserId: adminId, action: 'bench', subjectType: 'ballot', subjectId: String(n) })
    })
  })
  const baselineMs = performance.now() - t0
  await database.db.execute(sql`delete from ballots where voter_id like 'baseline-%'`)

  const t1 = performance.now()
  let failed = 0
  let firstFailure = ''
  const log = console.log
  console.log = () => {} // the access log would measure the terminal
  await pool(tokens, CONCURRENCY, async (token) => {
    const res = await app.request(`/api/polls/${pid}/ballots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ choice: 'agree' }) })
    if (res.status !== 201) {
      if (failed++ === 0) firstFailure = await res.text()
    } else await res.arrayBuffer()
  })
  const appMs = performance.now() - t1
  console.log = log
  const rate = (ms: number) => (VOTERS / (ms / 1000)).toFixed(0)
  console.log(`vote benchmark: ${VOTERS} voters, ${CONCURRENCY} concurrent, database ${database.kind}; node ${process.version}`)
  console.log(`baseline: insert ballot + audit row, one transaction   ${rate(baselineMs).padStart(7)} votes/s   ×1.00`)
  console.log(`POST /api/polls/:pid/ballots through the app            ${rate(appMs).padStart(7)} votes/s   ×${(baselineMs / appMs).toFixed(2)} of baseline throughput`)
  if (failed) console.log(`!! ${failed} ballots were not accepted, first: ${firstFailure}`)
  console.log('re-run: [DATABASE_URL=...] npx tsx test/bench/vote.bench.ts   (BENCH_VOTERS, BENCH_CONCURRENCY to vary)')
} finally {
  await database.close()
  await drop()
}
