/**
 * The vote path under load, in process (no socket), against a baseline measured in the same run on the same database.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/vote.bench.ts   (PostgreSQL)
 *   npx tsx test/bench/vote.bench.ts                                                         (embedded PGlite)
 *
 * Baseline: the least database work one vote needs (../shared/stack.md): in one transaction,
 * insert a ballot row and an audit row, with the same concurrency. Measured: the real thing,
 * POST /api/polls/:pid/ballots through the Hono app's `request` (auth, role check, electorate
 * lookup, advisory locks, idempotency check, versioning, audit). Printed: ballots per second and
 * the ratio. A scratch database is created and dropped (PostgreSQL) or kept in memory (PGlite).
 * Through a real socket and beside pgbench: vote-http.bench.ts.
 */
import { nanoid } from 'nanoid'
import { sql } from 'drizzle-orm'
import { openPglite, openPostgres, type Database } from '../../worker/db/node'
import * as schema from '../../drizzle/schema'
import { announcedPoll, benchEnv, pool, scratchDatabase, seedCompound, sleep } from './compound'

const VOTERS = Number(process.env.BENCH_VOTERS ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)

async function scratch(): Promise<{ database: Database; url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL
  if (!base) {
    const database = await openPglite()
    await database.migrate()
    return { database, url: '', drop: async () => {} }
  }
  const db = await scratchDatabase(base, 'bench')
  const database = openPostgres(db.url, { max: CONCURRENCY + 4 })
  await database.migrate()
  return { database, url: db.url, drop: db.drop }
}

const { database, url, drop } = await scratch()
try {
  const env = await benchEnv(url || 'postgres://unused', 0)
  const compound = await seedCompound(env, VOTERS, { database })
  const poll = await announcedPoll(compound, { opensInMs: 2_000, openForMs: 3_600_000 })
  await sleep(poll.opensAt - Date.now() + 100) // voting opens

  // Baseline: ballot row + audit row per vote, one transaction, same concurrency.
  const t0 = performance.now()
  await pool(compound.voterTokens, CONCURRENCY, async (_, n) => {
    await database.db.transaction(async (tx) => {
      await tx.insert(schema.ballots).values({ id: nanoid(), pollId: poll.id, communityId: compound.communityId, voterId: `baseline-${n}`, version: 1, choice: 'agree', channel: 'app', kind: 'electronic', current: true, castByUserId: compound.adminId, receipt: nanoid(), requestHash: 'x' })
      await tx.insert(schema.auditLog).values({ communityId: compound.communityId, actorUserId: compound.adminId, action: 'bench', subjectType: 'ballot', subjectId: String(n) })
    })
  })
  const baselineMs = performance.now() - t0
  await database.db.execute(sql`delete from ballots where voter_id like 'baseline-%'`)

  const t1 = performance.now()
  let failed = 0
  let firstFailure = ''
  await pool(compound.voterTokens, CONCURRENCY, async (token) => {
    const res = await compound.request('POST', `/api/polls/${poll.id}/ballots`, token, { choice: 'agree' })
    if (res.status !== 201 && failed++ === 0) firstFailure = JSON.stringify(res.json)
  })
  const appMs = performance.now() - t1
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
