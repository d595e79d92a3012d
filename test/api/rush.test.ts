/**
 * Lost database connections mid-rush (issue 17), the short version for the suite: owners vote all
 * at once while every database connection of the app is killed, twice. Every answer is a 201 or a
 * clean, retryable 503 (SERVICE_UNAVAILABLE, Retry-After); every acknowledged ballot is there with
 * its audit row, none half-written; the refused voters vote again and all are counted once.
 * PostgreSQL only (PGlite has no connections to lose); on a database of its own, so killing its
 * connections touches no other test file.
 */
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { lostConnection } from '../../worker/db/lost-connection'
import { rowsOf } from '../../worker/services/roles/resolve'
import { onPostgres } from '../helpers/db'
import { announcedPoll, bulkOwners, setupCommunity } from '../helpers/fixtures'
import { onPrivateDatabase, type Harness } from '../helpers/harness'

const VOTERS = 150
let h: Harness

describe.skipIf(!onPostgres())('lost database connections mid-rush (PostgreSQL)', () => {
  onPrivateDatabase((x) => (h = x))

  it('answers 201 or a retryable 503, never half-writes, and counts every voter once after retries', async () => {
    const s = await setupCommunity(h, { units: VOTERS })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const tokens = [s.owner, ...owners.map((o) => o.token)]
    const p = await announcedPoll(h, s.community.id, s.committee)
    const db = rowsOf<{ db: string }>(await h.db.execute(sql`select current_database() as db`))[0]!.db
    const killer = postgres({ ...parseUrl(), database: 'postgres', max: 1, onnotice: () => {} })
    const kill = () => killer`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db} and pid <> pg_backend_pid()`

    const vote = (token: string, i: number) =>
      h.request('POST', `/api/polls/${p.id}/ballots`, { token, json: { choice: i % 2 ? 'agree' : 'oppose' }, headers: { 'idempotency-key': `rush-vote-${i}` } })
    const rush = Promise.all(tokens.map((t, i) => vote(t, i)))
    await new Promise((r) => setTimeout(r, 150))
    await kill()
    await new Promise((r) => setTimeout(r, 150))
    await kill()
    const answers = await rush
    await killer.end()

    const statuses = new Set(answers.map((a) => a.status))
    const odd = answers.filter((a) => a.status !== 201 && a.status !== 503).map((a) => `${a.status} ${JSON.stringify(a.json)}`)
    expect(odd, `statuses ${[...statuses]}`).toEqual([])
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.json.error.code).toBe('SERVICE_UNAVAILABLE')
      expect(a.headers.get('retry-after')).toBe('1')
    }
    const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.json.receipt as string)
    const check = () =>
      serving(async () =>
        rowsOf<{ receipt: string; audits: number }>(
          await h.db.execute(sql`select b.receipt, (select count(*)::int from audit_log a where a.subject_type = 'ballot' and a.subject_id = b.id) as audits
                                 from ballots b where b.poll_id = ${p.id}`),
        ),
      )
    const stored = await check()
    const receipts = new Set(stored.map((r) => r.receipt))
    for (const r of acknowledged) expect(receipts.has(r)).toBe(true)
    expect(stored.every((r) => r.audits === 1)).toBe(true)
    console.log(`[rush] ${tokens.length} voters, connections killed twice: ${acknowledged.length} acknowledged, ${answers.length - acknowledged.length} refused with 503`)

    // the refused vote again after Retry-After, as the mini-program does (same idempotency key),
    // until each is answered: everyone is counted exactly once. A connection can die after the
    // ballot's commit and before its answer reaches the server: that voter got a 503, and the retry
    // is answered 200 with the ballot already written (replayed), never a second ballot
    const retried = await Promise.all(answers.map((a, i) => (a.status === 503 ? untilAnswered(() => vote(tokens[i]!, i)) : Promise.resolve(a))))
    const unexpected = retried
      .map((a, i) => ({ a, i }))
      .filter(({ a, i }) => !(a.status === 201 || (a.status === 200 && a.json.replayed === true && answers[i]!.status === 503)))
      .map(({ a }) => `${a.status} ${JSON.stringify(a.json)}`)
    expect(unexpected).toEqual([])
    const after = await check()
    expect(after).toHaveLength(tokens.length)
    expect(after.every((r) => r.audits === 1)).toBe(true)
    const stored2 = new Set(after.map((r) => r.receipt))
    for (const a of retried) expect(stored2.has(a.json.receipt as string)).toBe(true)
  }, 180_000)

  // postgres.js 3.4 left a query issued as its connection died waiting for ever (and could hand it
  // another query's answer): here, readers that keep reading while every connection is killed eight
  // times each get an answer within seconds, a 200 or a retryable 503 (while connections keep dying
  // the driver backs off and refuses at once: that is a 503 too), and once the database is back
  // every reader is served again
  it('answers every read while connections die, in time, and serves again afterwards', async () => {
    await serving(() => h.db.execute(sql`select 1`))
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const db = rowsOf<{ db: string }>(await h.db.execute(sql`select current_database() as db`))[0]!.db
    const killer = postgres({ ...parseUrl(), database: 'postgres', max: 1, onnotice: () => {} })
    const kill = () => killer`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db} and pid <> pg_backend_pid()`
    const deadline = (ms: number) => new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), ms))
    const read = () => Promise.race([h.request('GET', `/api/polls/${p.id}`, { token: s.owner }), deadline(10_000)])
    const outcome = (a: Awaited<ReturnType<typeof read>>) => (a === 'no answer' ? a : a.status === 200 && a.json.id !== p.id ? 'another answer' : a.status)

    let stop = false
    const seen = new Map<number | string, number>()
    const reader = async () => {
      while (!stop) {
        const o = outcome(await read())
        seen.set(o, (seen.get(o) ?? 0) + 1)
        if (o === 'no answer') return
      }
    }
    const readers = Array.from({ length: 40 }, reader)
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 100))
      await kill()
    }
    stop = true
    await Promise.all(readers)
    await killer.end()
    expect([...seen.keys()].filter((k) => k !== 200 && k !== 503), JSON.stringify(Object.fromEntries(seen))).toEqual([])

    // back: once one read is served, forty at once (twice the pool) are all served
    await untilAnswered(async () => {
      const a = await read()
      return a === 'no answer' ? { status: 0 } : a
    })
    const after = (await Promise.all(Array.from({ length: 40 }, read))).map(outcome)
    expect(after.filter((o) => o !== 200), JSON.stringify(after)).toEqual([])
  }, 120_000)
})

function parseUrl() {
  const u = new URL(process.env.DATABASE_URL!)
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password) || undefined }
}

/**
 * A request tried again after its Retry-After while it is refused with a retryable 503, as a
 * client does; when connections keep dying, postgres.js backs off for up to 20 s before it
 * connects again, and refuses at once meanwhile.
 */
async function untilAnswered<T extends { status: number }>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const a = await send()
    if (a.status !== 503 && a.status !== 0) return a
    if (attempt >= 40) return a
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/** The test's own database work, tried again while the connection it meets has just been killed. */
async function serving<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (e) {
      if (attempt >= 40 || !lostConnection(e)) throw e
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}
