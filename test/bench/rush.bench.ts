/**
 * The deadline rush and the crash in the middle of it (issue 17), as scripts that stop by themselves.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:rush     (the rush)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:crash    (kill -9 mid-rush)
 *
 * Both seed one compound of RUSH_VOTERS (default 10,000) verified owners in a scratch database,
 * start the real server (worker/node.ts) in its own process, and open a poll by the database's
 * clock for RUSH_WINDOW_S seconds (default 60). Every owner votes once through HTTP,
 * RUSH_CONCURRENCY at a time (default 256), each with an Idempotency-Key as the app sends it.
 *
 * - rush: every owner's vote is answered 2xx before the close, no 5xx, no connection error.
 * - crash: once RUSH_KILL_AFTER ballots (default a third) are acknowledged, the server is killed
 *   with SIGKILL and started again; an owner whose request failed on the wire retries with the
 *   same key until answered (a 200 replay when the dead server had committed it, a 201 if not).
 *
 * Then both close the poll through the API and check, against the database: every acknowledged
 * ballot is a standing ballot of the poll, with the receipt the voter was given; no ballot without
 * its audit row nor audit row without its ballot (none half-written); the signed result verifies
 * against the published keys, its Merkle root is the root of the standing ballots and its tree
 * holds them all; its tally equals a recount from the ballots table. Exit code 1 on any failure.
 */
import { once } from 'node:events'
import postgres from 'postgres'
import { leafHash, merkleRoot } from '../../shared/merkle'
import { verifyDocument } from '../../worker/lib/signing'
import { ballotLeaf } from '../../worker/services/results/leaf'
import { announcedPoll, benchEnv, freePort, httpClient, percentile, pool, postgresOrSkip, scratchDatabase, seedCompound, sleep, startServer, statusCounts, stopServer, type Answer } from './compound'

const crash = process.argv.includes('--crash')
const what = crash ? 'crash mid-rush' : 'deadline rush'
const base = postgresOrSkip(what)
const VOTERS = Number(process.env.RUSH_VOTERS ?? 10_000)
const CONCURRENCY = Number(process.env.RUSH_CONCURRENCY ?? 256)
const WINDOW_S = Number(process.env.RUSH_WINDOW_S ?? 60)
const KILL_AFTER = Number(process.env.RUSH_KILL_AFTER ?? Math.floor(VOTERS / 3))

const failures: string[] = []
const check = (ok: boolean, message: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`)
  if (!ok) failures.push(message)
}

const db = await scratchDatabase(base, crash ? 'crash' : 'rush')
let server: Awaited<ReturnType<typeof startServer>> | null = null
try {
  const port = await freePort()
  const env = await benchEnv(db.url, port)
  const t0 = performance.now()
  const compound = await seedCompound(env, VOTERS)
  await compound.database.close()
  console.log(`${what}: seeded ${VOTERS} owners in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  server = await startServer(env)
  const client = httpClient(port, CONCURRENCY)
  const poll = await announcedPoll({ ...compound, request: (m, p, t, j) => client.request(m, p, t, j) }, { opensInMs: 3_000, openForMs: WINDOW_S * 1000 })
  await sleep(poll.opensAt - Date.now() + 100)

  // ---- the rush ----
  let acknowledged = 0
  let killedAt: number | null = null
  let restartedAt: number | null = null
  /** requests that were on the wire when the server died: their outcome was unknown to the voter */
  let inFlightAtKill = 0
  let inFlight = 0
  const restart = async () => {
    inFlightAtKill = inFlight
    killedAt = performance.now()
    server!.kill('SIGKILL')
    await once(server!, 'exit')
    server = await startServer(env)
    restartedAt = performance.now()
  }
  let restarting: Promise<void> | null = null
  const started = performance.now()
  type Outcome = { final: Answer; attempts: number; sawWireError: boolean }
  const outcomes = await pool(compound.voterTokens, CONCURRENCY, async (token, i): Promise<Outcome> => {
    let attempts = 0
    let sawWireError = false
    for (;;) {
      attempts++
      inFlight++
      const a = await client.post(`/api/polls/${poll.id}/ballots`, token, { choice: i % 3 === 0 ? 'oppose' : 'agree' }, { 'idempotency-key': `rush-vote-${i}` })
      inFlight--
      // a phone whose request died on the wire tries again with the same key, as the app does
      if (a.status === 0 && crash && Date.now() < poll.closesAt) {
        sawWireError = true
        if (restarting) await restarting
        await sleep(100)
        continue
      }
      if (a.status >= 200 && a.status < 300 && ++acknowledged === KILL_AFTER && crash) restarting = restart()
      return { final: a, attempts, sawWireError }
    }
  })
  const rushSeconds = (performance.now() - started) / 1000
  if (restarting) await restarting
  const answers = outcomes.map((o) => o.final)
  const ok = answers.filter((a) => a.status >= 200 && a.status < 300)
  const ms = ok.map((a) => a.ms).sort((a, b) => a - b)
  console.log(`${what}: ${VOTERS} owners, ${CONCURRENCY} at a time, ${rushSeconds.toFixed(1)} s (${(VOTERS / rushSeconds).toFixed(0)} votes/s), p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms; answers ${statusCounts(answers)}`)
  if (crash) {
    const retried = outcomes.filter((o) => o.sawWireError)
    console.log(
      `crash: killed after ${KILL_AFTER} acknowledged with ${inFlightAtKill} requests on the wire; back in ${(((restartedAt ?? 0) - (killedAt ?? 0)) / 1000).toFixed(1)} s; ` +
        `${retried.length} owners retried after a wire error: ${retried.filter((o) => o.final.status === 200).length} got their ballot replayed (the dead server had committed it), ${retried.filter((o) => o.final.status === 201).length} cast it anew`,
    )
    check(killedAt !== null, 'the server was killed mid-rush and started again')
  }
  check(ok.length === VOTERS, `every owner's vote was acknowledged (2xx) before the close: ${ok.length}/${VOTERS}`)
  check(!answers.some((a) => a.status >= 500), 'no 5xx')
  check(rushSeconds <= WINDOW_S, `the rush ended within the window (${rushSeconds.toFixed(1)} s ≤ ${WINDOW_S} s)`)

  // ---- the close, through the API ----
  await sleep(poll.closesAt - Date.now() + 500)
  const closed = await client.request('POST', `/api/polls/${poll.id}/close`, compound.committeeToken)
  const published = await client.request('GET', `/api/polls/${poll.id}/result`, null)
  // 409: the server's scheduler (a job every minute) closed it first, which is as good
  check(closed.status === 200 || (closed.status === 409 && published.status === 200), `the poll closed and its result is published (close ${closed.status}, result ${published.status})`)
  const jwks = await client.request('GET', '/.well-known/jwks.json', null)
  client.close()

  // ---- the checks, against the database ----
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  try {
    const standing = await sql<{ id: string; receipt: string; voter_id: string; choice: string; marks: string[] | null; channel: string; version: number; cast_at: Date }[]>`
      select id, receipt, voter_id, choice, marks, channel, version, cast_at from ballots where poll_id = ${poll.id} and current`
    const receipts = new Set(standing.map((b) => b.receipt))
    const missing = ok.filter((a) => !receipts.has(a.json.receipt))
    check(missing.length === 0, `every acknowledged receipt is a standing ballot (${missing.length} missing)`)
    const versions = (await sql<{ n: number }[]>`select count(*)::int as n from ballots where poll_id = ${poll.id}`)[0]!.n
    check(versions === ok.length && standing.length === ok.length, `one ballot per acknowledged owner, none doubled by a retry, none from a refused vote (${versions} ballots, ${standing.length} standing, ${ok.length} acknowledged)`)
    const [half] = await sql<{ without_audit: number; without_ballot: number }[]>`
      select (select count(*)::int from ballots b where b.poll_id = ${poll.id}
                and not exists (select 1 from audit_log a where a.subject_type = 'ballot' and a.subject_id = b.id)) as without_audit,
             (select count(*)::int from audit_log a where a.action = 'ballot.cast' and a.details->>'pollId' = ${poll.id}
                and not exists (select 1 from ballots b where b.id = a.subject_id)) as without_ballot`
    check(half!.without_audit === 0 && half!.without_ballot === 0, `none half-written: ${half!.without_audit} ballots without an audit row, ${half!.without_ballot} audit rows without a ballot`)

    const verified = await verifyDocument(published.json.jws, jwks.json).catch((e) => ({ payload: null, error: String(e) }))
    check(verified.payload !== null, 'the published result verifies against /.well-known/jwks.json')
    const doc = (verified.payload ?? {}) as { tally?: Record<string, { voters: number; areaE4: number }>; ballots?: { merkleRoot: string; treeSize: number } }
    const sorted = [...standing].sort((a, b) => (a.receipt < b.receipt ? -1 : 1))
    const root = await merkleRoot(await Promise.all(sorted.map((b) => leafHash(ballotLeaf(poll.id, { receipt: b.receipt, voterId: b.voter_id, choice: b.choice, marks: b.marks, channel: b.channel, version: b.version, castAt: b.cast_at })))))
    check(doc.ballots?.merkleRoot === root && doc.ballots?.treeSize === standing.length, `the signed Merkle root is the root of the ${standing.length} standing ballots (so every acknowledged ballot is in the signed result)`)
    const recount = await sql<{ choice: string; voters: number; area: string }[]>`
      select b.choice, count(*)::int as voters, sum(pv.area_e4)::text as area
      from ballots b join poll_voters pv on pv.poll_id = b.poll_id and pv.voter_id = b.voter_id
      where b.poll_id = ${poll.id} and b.current group by b.choice`
    const byChoice = new Map(recount.map((r) => [r.choice, { voters: r.voters, areaE4: Number(r.area) }]))
    for (const choice of ['agree', 'oppose', 'abstain']) {
      const signed = doc.tally?.[choice]
      const counted = byChoice.get(choice) ?? { voters: 0, areaE4: 0 }
      check(signed?.voters === counted.voters && signed?.areaE4 === counted.areaE4, `signed tally ${choice} ${JSON.stringify(signed)} equals the recount ${JSON.stringify(counted)}`)
    }
  } finally {
    await sql.end()
  }
} finally {
  if (server) await stopServer(server)
  await db.drop()
}
console.log(failures.length ? `\n${what}: ${failures.length} check(s) FAILED` : `\n${what}: all checks passed`)
process.exit(failures.length ? 1 : 0)
