/**
 * The vote path through a real socket (issue 17), beside pgbench on the same database in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/vote-http.bench.ts
 *   # both load generators, one after the other, at the same settings:
 *   for c in wrk node; do BENCH_CLIENT=$c DATABASE_URL=... npx tsx test/bench/vote-http.bench.ts; done
 *
 * Starts the real Node server (worker/node.ts, its own process, its own pool) on a free port
 * against a scratch database, seeds one compound, then for each concurrency (16, 64, 256) opens a
 * poll and has that many voters at a time POST /api/polls/:pid/ballots over keep-alive
 * connections: votes/s, p50 and p99. Beside each, pgbench runs the least work a vote needs
 * (vote-minimal.pgbench.sql: a ballot row and an audit row, one transaction) at the same
 * concurrency, capped at BENCH_PGBENCH_MAX_CLIENTS (default 64: the database's max_connections is
 * 100 and shared). Printed: the ratio app/pgbench. Skipped without DATABASE_URL; pgbench's half
 * is skipped with a message when pgbench is missing.
 *
 * The load generator shares the machine's cores with the server and the database, so it matters
 * what it costs. When wrk is on PATH (apt-get install wrk), each level's votes are sent by wrk, a
 * C client like pgbench's, driven by vote.wrk.lua (one real first vote per voter, tokens passed
 * in a temp file; the script explains its counting); otherwise by this process's Node client
 * (httpClient and pool in compound.ts), which costs several times more CPU per vote.
 * BENCH_CLIENT=node picks the Node client even with wrk installed, BENCH_CLIENT=wrk requires wrk;
 * the header line says which was used. The warm-up and the turnout read always use the Node
 * client. After each level the poll's ballots are counted in the database and must equal the 201
 * responses counted; a vote answered 5xx, a vote left unanswered or a mismatch fails the run
 * (exit code 1, "!! FAILED" at the end). With wrk, p50/p99 are over every response (wrk records
 * latencies whatever the status), with Node over the 201s.
 *
 * BENCH_VOTES (default 3000 per concurrency), BENCH_LEVELS (default "16,64,256"), BENCH_PGBENCH_SECONDS (default 10),
 * BENCH_CLIENT (wrk | node; default wrk when installed), BENCH_WARMUP (default 3000: votes before
 * the first level, at most BENCH_VOTES).
 * NODE_PROCESSES=N runs the server as N serving processes (worker/node.ts, Node's cluster module);
 * the CPU per vote is then that of all of them.
 */
import { execFile, execFileSync, spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, benchEnv, cpuSeconds, databaseCpuSeconds, freePort, httpClient, percentile, pool, postgresOrSkip, postmasterPid, scratchDatabase, seedCompound, selfCpuSeconds, sleep, startServer, statusCounts, stopServer } from './compound'

const base = postgresOrSkip('vote-http benchmark')
const VOTES = Number(process.env.BENCH_VOTES ?? 3000)
const LEVELS = (process.env.BENCH_LEVELS ?? '16,64,256').split(',').map(Number)
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 10)
const PGBENCH_MAX_CLIENTS = Number(process.env.BENCH_PGBENCH_MAX_CLIENTS ?? 64)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000)
const SCRIPT = fileURLToPath(new URL('./vote-minimal.pgbench.sql', import.meta.url))
const WRK_SCRIPT = fileURLToPath(new URL('./vote.wrk.lua', import.meta.url))

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** Who sends each level's votes: wrk when installed (BENCH_CLIENT=wrk insists on it), this process's Node client with BENCH_CLIENT=node or without wrk. */
function loadGenerator(): 'wrk' | 'node' {
  const wanted = process.env.BENCH_CLIENT
  if (wanted !== undefined && wanted !== '' && wanted !== 'wrk' && wanted !== 'node') throw new Error(`BENCH_CLIENT=${wanted}: expected wrk or node`)
  if (wanted === 'node') return 'node'
  if (onPath('wrk')) return 'wrk'
  if (wanted === 'wrk') throw new Error('BENCH_CLIENT=wrk but wrk is not on PATH (apt-get install wrk)')
  console.log('wrk: not installed — the votes are sent by the Node client (apt-get install wrk for a C load generator, as pgbench is)')
  return 'node'
}
const CLIENT = loadGenerator()
const CLIENT_LABEL = CLIENT === 'wrk' ? 'wrk (C)' : 'node'

/** One level's votes, whoever sent them. */
interface Level {
  seconds: number
  /** votes answered, and of those 201 */
  answered: number
  ok: number
  p50: number
  p99: number
  /** CPU seconds of the load generator for these votes */
  clientCpu: number
  /** what was not a 201: "409×3 error:read×1", empty when none */
  notOk: string
  firstNotOk?: unknown
  fiveXX: number
  /** votes sent (or meant to be) that got no answer at all */
  unanswered: number
}

async function nodeVotes(port: number, pid: string, tokens: string[], c: number): Promise<Level> {
  const client = httpClient(port, c)
  const self0 = selfCpuSeconds().own
  const started = performance.now()
  const answers = await pool(tokens, c, (t) => client.post(`/api/polls/${pid}/ballots`, t, { choice: 'agree' }))
  const seconds = (performance.now() - started) / 1000
  const clientCpu = selfCpuSeconds().own - self0
  client.close()
  const ok = answers.filter((a) => a.status === 201)
  const ms = ok.map((a) => a.ms).sort((a, b) => a - b)
  const bad = answers.filter((a) => a.status !== 201)
  return {
    seconds,
    answered: answers.filter((a) => a.status !== 0).length,
    ok: ok.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    clientCpu,
    notOk: bad.length ? statusCounts(bad) : '',
    firstNotOk: bad[0]?.json,
    fiveXX: answers.filter((a) => a.status >= 500).length,
    unanswered: answers.filter((a) => a.status === 0).length,
  }
}

/**
 * The same votes sent by wrk: `wrk -t T -c C -d <backstop> -s vote.wrk.lua http://127.0.0.1:<port>/`,
 * the tokens in a temp file, one per line. T (wrk's threads, one event loop each) is the most, up
 * to the number of cores, that divides C (wrk gives each thread C / T connections). Each thread
 * prints a line when all its votes are answered; then wrk's CPU is read from /proc (what it spent
 * sending, not its report) and it is interrupted (SIGINT: it would sleep out -d), and its done()
 * prints the counts and latencies as JSON.
 */
async function wrkVotes(port: number, pid: string, tokens: string[], c: number): Promise<Level> {
  let threads = Math.max(1, Math.min(availableParallelism(), c, tokens.length))
  while (c % threads !== 0) threads--
  const dir = mkdtempSync(join(tmpdir(), 'vote-wrk-'))
  const file = join(dir, 'tokens')
  writeFileSync(file, tokens.join('\n') + '\n')
  // only a backstop: the run ends when every vote is answered (at 20 votes/s it would not be worth measuring)
  const backstop = Math.max(60, Math.ceil(tokens.length / 20))
  const children0 = selfCpuSeconds().children
  const child = spawn('wrk', ['-t', String(threads), '-c', String(c), '-d', `${backstop}s`, '--timeout', '10s', '-s', WRK_SCRIPT, `http://127.0.0.1:${port}/`, '--', file, pid, String(threads), String(c)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  let cpuAtDone = NaN
  let interrupt: NodeJS.Timeout | undefined
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', (d: string) => {
    out += d
    if (interrupt === undefined && (out.match(/^wrk-vote-done \d+$/gm)?.length ?? 0) >= threads) {
      cpuAtDone = cpuSeconds(child.pid!)
      child.kill('SIGINT')
      // again, should the first come before wrk's handler is in place
      interrupt = setInterval(() => child.kill('SIGINT'), 1_000)
    }
  })
  child.stderr.on('data', (d: string) => (err += d))
  const [code] = (await new Promise((resolve) => child.once('close', (...args) => resolve(args)))) as [number | null, NodeJS.Signals | null]
  clearInterval(interrupt)
  rmSync(dir, { recursive: true, force: true })
  const json = /^wrk-vote-result (.*)$/m.exec(out)?.[1]
  if (code !== 0 || json === undefined) throw new Error(`wrk failed (exit ${code}):\n${err.trim()}\n${out.trim()}`)
  const r = JSON.parse(json) as {
    statuses: Record<string, number>
    sent: number
    responses: number
    durationUs: number
    wrkDurationUs: number
    p50Us: number
    p99Us: number
    raw: boolean
    errors: { connect: number; read: number; write: number; status: number; timeout: number }
  }
  if (!r.raw) console.log('  (wrk: its latency histogram could not be un-corrected for coordinated omission: p50/p99 are wrk\'s own)')
  if (err.trim()) console.log(`  wrk: ${err.trim()}`)
  const notOk = Object.entries(r.statuses)
    .filter(([status]) => status !== '201')
    .map(([status, n]) => `${status}×${n}`)
  for (const kind of ['connect', 'read', 'write'] as const) if (r.errors[kind]) notOk.push(`error:${kind}×${r.errors[kind]}`)
  // answered, but after --timeout: counted above by status, left out of the percentiles
  if (r.errors.timeout) notOk.push(`over 10 s×${r.errors.timeout}`)
  return {
    seconds: (r.durationUs > 0 ? r.durationUs : r.wrkDurationUs) / 1e6,
    answered: r.responses,
    ok: r.statuses['201'] ?? 0,
    p50: r.p50Us / 1000,
    p99: r.p99Us / 1000,
    clientCpu: Number.isFinite(cpuAtDone) ? cpuAtDone : selfCpuSeconds().children - children0,
    notOk: notOk.join(' '),
    fiveXX: Object.entries(r.statuses).reduce((n, [status, k]) => n + (Number(status) >= 500 ? k : 0), 0),
    unanswered: tokens.length - r.responses,
  }
}

/** The ballots a poll holds, read through a connection of its own, closed at once. */
async function ballotsOf(url: string, pid: string): Promise<number> {
  const client = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await client<{ n: number }[]>`select count(*)::int as n from ballots where poll_id = ${pid}`
    return row!.n
  } finally {
    await client.end()
  }
}

function hasPgbench(): boolean {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function pgbench(url: string, clients: number, vars: Record<string, string>) {
  const args = ['-n', '-M', 'prepared', '-f', SCRIPT, '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(PGBENCH_SECONDS)]
  for (const [k, v] of Object.entries(vars)) args.push('-D', `${k}=${v}`)
  args.push(url)
  const { stdout } = await promisify(execFile)('pgbench', args, { maxBuffer: 1 << 20 })
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1])
  const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1])
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1])
  return { tps, latency, transactions }
}

const db = await scratchDatabase(base, 'vote_http')
let server: Awaited<ReturnType<typeof startServer>> | null = null
try {
  const port = await freePort()
  const env = await benchEnv(db.url, port)
  const t0 = performance.now()
  const compound = await seedCompound(env, VOTES)
  console.log(`seeded ${VOTES} voters in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const [admin] = rowsOf<{ id: string }>(await compound.database.db.execute(sql`select id from users where phone = '13900000000'`))
  // one poll per concurrency (each voter votes once per poll), opening together, plus a warm-up poll
  const polls: Awaited<ReturnType<typeof announcedPoll>>[] = []
  for (const c of ['warm-up', ...LEVELS]) polls.push(await announcedPoll(compound, { opensInMs: 3_000, openForMs: 3_600_000, title: `基准测试 ${c}` }))
  // the seeding pool's connections go back before the server's and pgbench's are opened (max_connections is shared)
  await compound.database.close()
  server = await startServer(env)
  const withPgbench = hasPgbench()
  if (!withPgbench) console.log('pgbench: not installed — the pgbench column is skipped (apt-get install postgresql-client)')
  await sleep(polls[polls.length - 1]!.opensAt - Date.now() + 200)

  const vote = async (client: ReturnType<typeof httpClient>, pid: string, token: string) =>
    client.post(`/api/polls/${pid}/ballots`, token, { choice: 'agree' })
  {
    // warm-up: the server's JIT, its pool's connections and their prepared statements. 3,000
    // votes, not 300: after 300 the first level still ran on code V8 had not yet optimised, and the
    // server spent 0.84–0.94 ms of CPU per vote at 16 concurrent against 0.49–0.53 ms after 3,000
    // (RESULTS.md, session 11). A server that has run for a minute is the one owners meet.
    const client = httpClient(port, 16)
    await pool(compound.voterTokens.slice(0, WARMUP), 16, (t) => vote(client, polls[0]!.id, t))
    client.close()
  }

  // Where the two cores go: the CPU of the server, of the database and of the load generator (wrk,
  // or this process with the Node client) per vote, and of the database and pgbench's client per
  // pgbench transaction. The database's share is read from /proc, so only when it runs on this
  // machine.
  const postmaster = await postmasterPid(db.url)
  if (postmaster === null) console.log('the database is not on this machine (or /proc is unreadable): its CPU is not shown')
  const dbCpu = () => (postmaster === null ? NaN : databaseCpuSeconds(postmaster))
  const perMs = (seconds: number, n: number) => (Number.isFinite(seconds) ? ((seconds * 1000) / n).toFixed(2) : '–')
  const rows: string[] = []
  const cpuRows: string[] = []
  const failures: string[] = []
  console.log(`load generator: ${CLIENT_LABEL}`)
  for (const [i, c] of LEVELS.entries()) {
    const pid = polls[i + 1]!.id
    const cpu0 = cpuSeconds(server.pid!)
    const db0 = dbCpu()
    const level = await (CLIENT === 'wrk' ? wrkVotes : nodeVotes)(port, pid, compound.voterTokens, c)
    const cpuMsPerVote = ((cpuSeconds(server.pid!) - cpu0) * 1000) / level.answered
    const dbVote = dbCpu() - db0
    const rate = level.ok / level.seconds
    // every 201 is a ballot, and nothing else made one: no vote counted twice or sent uncounted
    const ballots = await ballotsOf(db.url, pid)
    if (ballots !== level.ok) failures.push(`${c} concurrent: the poll holds ${ballots} ballots but ${level.ok} votes were answered 201`)
    if (level.fiveXX) failures.push(`${c} concurrent: ${level.fiveXX} votes answered 5xx (${level.notOk})`)
    if (level.unanswered) failures.push(`${c} concurrent: ${level.unanswered} of ${VOTES} votes got no answer (${level.notOk})`)
    console.log(`  ${c} concurrent: ${ballots} ballots in the poll, ${level.ok} votes answered 201${ballots === level.ok ? '' : '  !! MISMATCH'}`)
    let pg = { tps: NaN, latency: NaN, transactions: NaN }
    const clients = Math.min(c, PGBENCH_MAX_CLIENTS)
    const db1 = dbCpu()
    const children1 = selfCpuSeconds().children
    if (withPgbench) pg = await pgbench(db.url, clients, { pid: polls[0]!.id, cid: compound.communityId, uid: admin!.id })
    const dbPgbench = dbCpu() - db1
    const pgbenchClient = selfCpuSeconds().children - children1
    const line =
      `| ${String(c).padStart(4)} | ${rate.toFixed(0).padStart(6)} votes/s | p50 ${level.p50.toFixed(1).padStart(6)} ms | p99 ${level.p99.toFixed(1).padStart(6)} ms | ${cpuMsPerVote.toFixed(2)} ms | ` +
      (withPgbench ? `pgbench (${clients} clients) ${pg.tps.toFixed(0).padStart(6)} tx/s, avg ${pg.latency.toFixed(1)} ms | ×${(rate / pg.tps).toFixed(2)} |` : 'pgbench skipped | |') +
      (level.notOk === '' ? '' : `  !! not 201: ${level.notOk}${level.firstNotOk === undefined ? '' : ` first: ${JSON.stringify(level.firstNotOk)}`}`)
    rows.push(line)
    console.log(line)
    const cpuLine =
      `| ${String(c).padStart(4)} | ${cpuMsPerVote.toFixed(2)} | ${perMs(dbVote, level.answered)} | ${perMs(level.clientCpu, level.answered)} | ` +
      (withPgbench ? `${perMs(dbPgbench, pg.transactions)} | ${perMs(pgbenchClient, pg.transactions)} | ${Number.isFinite(dbVote) && Number.isFinite(dbPgbench) ? `×${(dbVote / level.answered / (dbPgbench / pg.transactions)).toFixed(1)}` : '–'} |` : '– | – | – |')
    cpuRows.push(cpuLine)
    console.log(cpuLine)
  }
  const load = (await import('node:os')).loadavg()
  console.log(`\nvote through the real HTTP server (worker/node.ts, PostgreSQL), ${VOTES} voters per concurrency; load generator: ${CLIENT_LABEL}; node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(' ')}`)
  console.log(`| concurrent | app | app p50 | app p99 | server CPU per vote | pgbench, minimal vote transaction | app/pgbench |   (prepared statements: ${env.DATABASE_PREPARE === '1' ? 'on' : 'off'}; serving processes: ${process.env.NODE_PROCESSES ?? '1'})`)
  for (const r of rows) console.log(r)
  console.log(`\nCPU, ms per vote or per pgbench transaction (all processes share ${(await import('node:os')).availableParallelism()} cores)`)
  console.log('| concurrent | server, per vote | database, per vote | load generator, per vote | database, per pgbench tx | pgbench client, per tx | database: vote / pgbench tx |')
  for (const r of cpuRows) console.log(r)

  // The poll's page during the rush: each owner who opens it reads the turnout (GET …/turnout, and
  // the H5 poll page), a read over every standing ballot. Measured on the last level's poll, now
  // holding a ballot from every voter, 16 at a time.
  {
    const reads = Math.min(2_000, VOTES)
    const client = httpClient(port, 16)
    const last = polls[polls.length - 1]!.id
    const started = performance.now()
    const cpu0 = cpuSeconds(server.pid!)
    const db0 = dbCpu()
    const answers = await pool(compound.voterTokens.slice(0, reads), 16, (t) => client.request('GET', `/api/polls/${last}/turnout`, t))
    const seconds = (performance.now() - started) / 1000
    const cpuMs = ((cpuSeconds(server.pid!) - cpu0) * 1000) / reads
    const dbMs = perMs(dbCpu() - db0, reads)
    client.close()
    const ok = answers.filter((a) => a.status === 200)
    const ms = ok.map((a) => a.ms).sort((a, b) => a - b)
    const seen = ok[0]?.json?.participated?.voters
    console.log(
      `\nturnout of a poll with ${seen} standing ballots, 16 concurrent: ${(ok.length / seconds).toFixed(0)} reads/s, p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, ` +
        `CPU per read: server ${cpuMs.toFixed(2)} ms, database ${dbMs} ms` +
        (ok.length === answers.length ? '' : `  !! not 200: ${statusCounts(answers.filter((a) => a.status !== 200))}`),
    )
  }
  console.log('re-run: DATABASE_URL=... npx tsx test/bench/vote-http.bench.ts   (BENCH_VOTES, BENCH_LEVELS, BENCH_PGBENCH_SECONDS, BENCH_CLIENT=wrk|node, BENCH_WARMUP)')
  if (failures.length) {
    console.error(`\n!! FAILED (load generator: ${CLIENT_LABEL}):\n${failures.map((f) => `!!   ${f}`).join('\n')}`)
    process.exitCode = 1
  }
} finally {
  if (server) await stopServer(server)
  await db.drop()
}
