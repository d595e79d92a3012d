/**
 * The vote path through a real socket (issue 17), beside pgbench on the same database in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/vote-http.bench.ts
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
 * BENCH_VOTES (default 3000 per concurrency), BENCH_LEVELS (default "16,64,256"), BENCH_PGBENCH_SECONDS (default 10).
 * NODE_PROCESSES=N runs the server as N serving processes (worker/node.ts, Node's cluster module);
 * the CPU per vote is then that of all of them.
 */
import { execFile, execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, benchEnv, cpuSeconds, databaseCpuSeconds, freePort, httpClient, percentile, pool, postgresOrSkip, postmasterPid, scratchDatabase, seedCompound, selfCpuSeconds, sleep, startServer, statusCounts, stopServer } from './compound'

const base = postgresOrSkip('vote-http benchmark')
const VOTES = Number(process.env.BENCH_VOTES ?? 3000)
const LEVELS = (process.env.BENCH_LEVELS ?? '16,64,256').split(',').map(Number)
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 10)
const PGBENCH_MAX_CLIENTS = Number(process.env.BENCH_PGBENCH_MAX_CLIENTS ?? 64)
const WARMUP = 300
const SCRIPT = fileURLToPath(new URL('./vote-minimal.pgbench.sql', import.meta.url))

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
    // warm-up: the server's JIT, its pool's connections and their prepared statements
    const client = httpClient(port, 16)
    await pool(compound.voterTokens.slice(0, WARMUP), 16, (t) => vote(client, polls[0]!.id, t))
    client.close()
  }

  // Where the two cores go: the CPU of the server, of the database and of the load generator (this
  // process) per vote, and of the database and pgbench's client per pgbench transaction. The
  // database's share is read from /proc, so only when it runs on this machine.
  const postmaster = await postmasterPid(db.url)
  if (postmaster === null) console.log('the database is not on this machine (or /proc is unreadable): its CPU is not shown')
  const dbCpu = () => (postmaster === null ? NaN : databaseCpuSeconds(postmaster))
  const perMs = (seconds: number, n: number) => (Number.isFinite(seconds) ? ((seconds * 1000) / n).toFixed(2) : '–')
  const rows: string[] = []
  const cpuRows: string[] = []
  for (const [i, c] of LEVELS.entries()) {
    const client = httpClient(port, c)
    const started = performance.now()
    const cpu0 = cpuSeconds(server.pid!)
    const db0 = dbCpu()
    const self0 = selfCpuSeconds().own
    const answers = await pool(compound.voterTokens, c, (t) => vote(client, polls[i + 1]!.id, t))
    const seconds = (performance.now() - started) / 1000
    const cpuMsPerVote = ((cpuSeconds(server.pid!) - cpu0) * 1000) / answers.length
    const dbVote = dbCpu() - db0
    const clientVote = selfCpuSeconds().own - self0
    client.close()
    const ok = answers.filter((a) => a.status === 201)
    const ms = ok.map((a) => a.ms).sort((a, b) => a - b)
    const rate = ok.length / seconds
    let pg = { tps: NaN, latency: NaN, transactions: NaN }
    const clients = Math.min(c, PGBENCH_MAX_CLIENTS)
    const db1 = dbCpu()
    const children1 = selfCpuSeconds().children
    if (withPgbench) pg = await pgbench(db.url, clients, { pid: polls[0]!.id, cid: compound.communityId, uid: admin!.id })
    const dbPgbench = dbCpu() - db1
    const pgbenchClient = selfCpuSeconds().children - children1
    const line =
      `| ${String(c).padStart(4)} | ${rate.toFixed(0).padStart(6)} votes/s | p50 ${percentile(ms, 50).toFixed(1).padStart(6)} ms | p99 ${percentile(ms, 99).toFixed(1).padStart(6)} ms | ${cpuMsPerVote.toFixed(2)} ms | ` +
      (withPgbench ? `pgbench (${clients} clients) ${pg.tps.toFixed(0).padStart(6)} tx/s, avg ${pg.latency.toFixed(1)} ms | ×${(rate / pg.tps).toFixed(2)} |` : 'pgbench skipped | |') +
      (ok.length === answers.length ? '' : `  !! not 201: ${statusCounts(answers.filter((a) => a.status !== 201))} first: ${JSON.stringify(answers.find((a) => a.status !== 201)?.json)}`)
    rows.push(line)
    console.log(line)
    const cpuLine =
      `| ${String(c).padStart(4)} | ${cpuMsPerVote.toFixed(2)} | ${perMs(dbVote, answers.length)} | ${perMs(clientVote, answers.length)} | ` +
      (withPgbench ? `${perMs(dbPgbench, pg.transactions)} | ${perMs(pgbenchClient, pg.transactions)} | ${Number.isFinite(dbVote) && Number.isFinite(dbPgbench) ? `×${(dbVote / answers.length / (dbPgbench / pg.transactions)).toFixed(1)}` : '–'} |` : '– | – | – |')
    cpuRows.push(cpuLine)
    console.log(cpuLine)
  }
  const load = (await import('node:os')).loadavg()
  console.log(`\nvote through the real HTTP server (worker/node.ts, PostgreSQL), ${VOTES} voters per concurrency; node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(' ')}`)
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
  console.log('re-run: DATABASE_URL=... npx tsx test/bench/vote-http.bench.ts   (BENCH_VOTES, BENCH_LEVELS, BENCH_PGBENCH_SECONDS)')
} finally {
  if (server) await stopServer(server)
  await db.drop()
}
