/**
 * A city on one PostgreSQL (issue 17): 5,000 compounds and 3 million units in a database of its
 * own (`gongyi_city`, created and dropped here; the suite's databases are never touched), then, at
 * that size and on a one-compound database in the same run:
 *  - a vote's latency (POST /api/polls/:pid/ballots through the app, one at a time), goal: flat within ±10%;
 *  - a compound's pages (notice, board, fees, result) uncached, one at a time;
 *  - a 20,000-voter poll's close: a compound of its own (roll imported through the app, its owners
 *    made verified voters in bulk SQL as test/bench/compound.ts seeds them), a poll announced to all
 *    of them, every one voting through the app (POST /api/polls/:pid/ballots, 32 at a time: ballot
 *    rows with their audit rows, as real voting makes them), the test clock moved past the window,
 *    then POST /api/polls/:pid/close timed (tally, Merkle tree, signature, result notice), the
 *    result checked to count every ballot cast;
 *  - EXPLAIN (ANALYZE) of every hot query (test/helpers/city.ts), checking index access scoped to the
 *    compound (in the city with the 20,000-voter compound in it).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:city
 *
 * CITY_COMPOUNDS (default 5000) and CITY_UNITS (units per compound, default 600) set the size,
 * CITY_VOTES (default 200) the voters timed one at a time, CITY_CLOSE_VOTERS (default 20000) the
 * closed poll's electorate and CITY_CLOSE_BALLOTS (default: all of them) how many of them vote.
 * The compounds are copies of one built through the app, made by INSERT ... SELECT generate_series.
 */
import postgres from 'postgres'

process.env.TEST_NOW ??= new Date(Date.now() - 2 * 86_400_000).toISOString()
const { startHarness } = await import('../helpers/harness')
const { buildTemplateCompound, cloneCompound, hotQueries, planOf } = await import('../helpers/city')
const { bulkOwners, simpleRoster, announcedPoll, openWindow, setupCommunity } = await import('../helpers/fixtures')
const { bulkVerifiedOwners, pool } = await import('./compound')
const { openPostgres } = await import('../../worker/db/node')

const base = process.env.DATABASE_URL
if (!base) {
  console.log('bench:city runs on PostgreSQL only: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test')
  process.exit(0)
}
const COMPOUNDS = Number(process.env.CITY_COMPOUNDS ?? 5000)
const UNITS = Number(process.env.CITY_UNITS ?? 600)
const VOTES = Number(process.env.CITY_VOTES ?? 200)
const CLOSE_VOTERS = Number(process.env.CITY_CLOSE_VOTERS ?? 20_000)
const CLOSE_BALLOTS = Math.min(CLOSE_VOTERS, Number(process.env.CITY_CLOSE_BALLOTS ?? CLOSE_VOTERS))

const admin = postgres(base, { max: 1, onnotice: () => {} })
const urlOf = (name: string) => Object.assign(new URL(base), { pathname: `/${name}` }).toString()

async function fresh(name: string) {
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.unsafe(`create database ${name}`)
  const database = openPostgres(urlOf(name), { max: 8 })
  await database.migrate()
  return database
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!

/** A new poll in the template compound, VOTES owners voting once each, one at a time: latency in ms. */
async function voteLatency(h: Awaited<ReturnType<typeof startHarness>>, t: Awaited<ReturnType<typeof buildTemplateCompound>>) {
  h.clock.advance(61_000) // the committee signed in a moment ago: wait out the resend interval
  const committee = (await h.login(t.s.committeePhone)).accessToken
  const poll = await announcedPoll(h, t.cid, committee)
  const voters = await bulkOwners(h, t.cid, simpleRoster(UNITS).slice(1, 1 + VOTES))
  const ms: number[] = []
  for (const v of voters) {
    const t0 = performance.now()
    const r = await h.request('POST', `/api/polls/${poll.id}/ballots`, { token: v.token, json: { choice: 'agree' } })
    ms.push(performance.now() - t0)
    if (r.status !== 201) throw new Error(`vote: ${r.status} ${r.text}`)
  }
  return ms
}

async function pageLatency(h: Awaited<ReturnType<typeof startHarness>>, t: Awaited<ReturnType<typeof buildTemplateCompound>>) {
  const out: Record<string, number> = {}
  // uncached: the page cache is for visitors, so a signed-in cookie goes straight to the database
  const headers = { cookie: 'gy_at=none' }
  for (const [name, path] of [
    ['notice page', `/n/${t.noticeCode}`],
    ['board', `/h5/c/${t.cid}`],
    ['fees page', `/h5/c/${t.cid}/fees`],
    ['result page', `/h5/polls/${t.pid}/result`],
  ] as const) {
    const ms: number[] = []
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now()
      const r = await h.request('GET', path, { headers })
      ms.push(performance.now() - t0)
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`)
    }
    out[name] = pct(ms, 0.5)
  }
  return out
}

/**
 * A poll of a compound of CLOSE_VOTERS owners, CLOSE_BALLOTS of them voting through the app 32 at a
 * time, closed by the committee through the app once the test clock has passed its window: the
 * close's time, checked to have counted every ballot.
 */
async function closeLatency(h: Awaited<ReturnType<typeof startHarness>>, label: string) {
  const t0 = performance.now()
  const s = await setupCommunity(h, { units: CLOSE_VOTERS })
  // the owner setupCommunity binds through the app votes first; the rest are bound in bulk
  const tokens = [s.owner, ...(await bulkVerifiedOwners(h.db, h.config, h.clock, s.community.id))]
  const window = openWindow(3_600_000)
  const seeded = performance.now()
  const poll = await announcedPoll(h, s.community.id, s.committee, window)
  const electorate = poll.electorate.totalVoters
  if (electorate !== CLOSE_VOTERS || tokens.length !== CLOSE_VOTERS) throw new Error(`electorate ${electorate}, voters ${tokens.length}, expected ${CLOSE_VOTERS}`)
  const announced = performance.now()
  const refused: string[] = []
  await pool(tokens.slice(0, CLOSE_BALLOTS), 32, async (token, i) => {
    const r = await h.request('POST', `/api/polls/${poll.id}/ballots`, { token, json: { choice: i % 4 ? 'agree' : 'oppose' } })
    if (r.status !== 201) refused.push(`${r.status} ${r.text}`)
  })
  if (refused.length) throw new Error(`${refused.length} votes refused, e.g. ${refused[0]}`)
  const voted = performance.now()
  h.clock.set(new Date(Date.parse(window.closesAt) + 1_000))
  const committee = (await h.login(s.committeePhone)).accessToken
  const c0 = performance.now()
  const closed = await h.request('POST', `/api/polls/${poll.id}/close`, { token: committee })
  const ms = performance.now() - c0
  if (closed.status !== 200) throw new Error(`close: ${closed.status} ${closed.text}`)
  const participated = closed.json.document.tally.participated.voters as number
  if (participated !== CLOSE_BALLOTS || closed.json.document.ballots.standing !== CLOSE_BALLOTS) {
    throw new Error(`close counted ${participated} voters and ${closed.json.document.ballots.standing} ballots, ${CLOSE_BALLOTS} cast`)
  }
  const sec = (a: number, b: number) => ((b - a) / 1000).toFixed(0)
  console.log(
    `  ${label}: ${electorate.toLocaleString('en')} voters in the electorate (roll and owners seeded in ${sec(t0, seeded)} s, poll announced in ${sec(seeded, announced)} s), ` +
      `${CLOSE_BALLOTS.toLocaleString('en')} ballots cast in ${sec(announced, voted)} s (${(CLOSE_BALLOTS / ((voted - announced) / 1000)).toFixed(0)} votes/s, 32 at a time), close ${ms.toFixed(0)} ms`,
  )
  return { electorate, ballots: CLOSE_BALLOTS, ms }
}

const results: Record<string, { vote: number[]; pages: Record<string, number>; close: Awaited<ReturnType<typeof closeLatency>> }> = {}
try {
  // ---- one compound alone ----
  {
    const database = await fresh('gongyi_city_one')
    const h = await startHarness({ database })
    const t = await buildTemplateCompound(h, UNITS)
    results.one = { vote: await voteLatency(h, t), pages: await pageLatency(h, t), close: await closeLatency(h, 'one compound') }
    await h.close()
    await database.close()
    await admin.unsafe('drop database if exists gongyi_city_one with (force)')
  }
  // ---- the city ----
  const database = await fresh('gongyi_city')
  const h = await startHarness({ database })
  const t = await buildTemplateCompound(h, UNITS)
  const sql = postgres(urlOf('gongyi_city'), { max: 1, onnotice: () => {} })
  const started = performance.now()
  const BATCH = 250
  for (let from = 1; from < COMPOUNDS; from += BATCH) {
    const to = Math.min(COMPOUNDS - 1, from + BATCH - 1)
    await cloneCompound(sql, t.cid, { from, to })
    process.stdout.write(`\r  seeded ${to + 1} compounds, ${(((performance.now() - started) / 1000) | 0)} s`)
  }
  await sql`analyze`
  const units = (await sql<{ units: string }[]>`select count(*) as units from roster_units`)[0]!.units
  const size = (await sql<{ size: string }[]>`select pg_size_pretty(pg_database_size('gongyi_city')) as size`)[0]!.size
  console.log(`\n  city: ${COMPOUNDS} compounds, ${Number(units).toLocaleString('en')} units, ${size}, seeded in ${((performance.now() - started) / 1000).toFixed(0)} s (with ANALYZE)`)
  results.city = { vote: await voteLatency(h, t), pages: await pageLatency(h, t), close: await closeLatency(h, 'city') }

  console.log(`\nLatency, one request at a time, through the app in process (ms):\n`)
  console.log('| what | one compound p50 / p99 | city p50 / p99 | city ÷ one (p50) |')
  console.log('|---|---|---|---|')
  const v1 = results.one!.vote
  const vc = results.city.vote
  console.log(`| a vote (${VOTES} voters) | ${pct(v1, 0.5).toFixed(1)} / ${pct(v1, 0.99).toFixed(1)} | ${pct(vc, 0.5).toFixed(1)} / ${pct(vc, 0.99).toFixed(1)} | ×${(pct(vc, 0.5) / pct(v1, 0.5)).toFixed(2)} |`)
  for (const name of Object.keys(results.city.pages)) {
    const a = results.one!.pages[name]!
    const b = results.city.pages[name]!
    console.log(`| ${name}, uncached (p50 of 30) | ${a.toFixed(1)} | ${b.toFixed(1)} | ×${(b / a).toFixed(2)} |`)
  }
  const c1 = results.one!.close
  const cc = results.city.close
  console.log(`| a poll's close (${cc.electorate.toLocaleString('en')} voters, ${cc.ballots.toLocaleString('en')} ballots; one close) | ${c1.ms.toFixed(1)} | ${cc.ms.toFixed(1)} | ×${(cc.ms / c1.ms).toFixed(2)} |`)

  console.log('\nEXPLAIN ANALYZE of the hot queries in the city (tenant tables must be reached by index):\n')
  const tenant = new Set(Object.keys(await cloneCompound(sql, t.cid, { from: 1, to: 0 })))
  let bad = 0
  for (const q of hotQueries(t)) {
    const nodes = await planOf(sql, q.text, q.params, true)
    const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && tenant.has(n['Relation Name']!)).map((n) => n['Relation Name'])
    const byIndex = nodes.filter((n) => n['Index Name']).map((n) => `${n['Node Type']} on ${n['Relation Name'] ?? '?'} using ${n['Index Name']}`)
    const root = nodes[0] as unknown as { 'Actual Total Time'?: number }
    if (seq.length) bad++
    console.log(`- ${q.name}: ${seq.length ? `SEQ SCAN of ${seq.join(', ')}` : 'no sequential scan of a tenant table'}; ${root['Actual Total Time']?.toFixed(2)} ms\n    ${byIndex.join('\n    ')}`)
  }
  console.log(bad ? `\n${bad} hot queries scan a whole tenant table` : '\nEvery hot query reaches its tenant tables by index.')
  await sql.end()
  await h.close()
  await database.close()
} finally {
  await admin.unsafe('drop database if exists gongyi_city with (force)')
  await admin.unsafe('drop database if exists gongyi_city_one with (force)')
  await admin.end()
}
