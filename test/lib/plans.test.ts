/**
 * City scale (issue 17): the hot queries reach one compound's rows through an index, never by
 * reading a whole table, so their cost does not grow with the number of compounds on the database.
 * At test scale the planner would rightly scan tiny tables, so sequential scans are switched off
 * for the check: a query that still plans a Seq Scan on a tenant table has no index that serves it.
 * The full-size counterpart (5,000 compounds, 3 million units) is not yet in test/bench/.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTransaction } from '../../worker/db/tx'
import { rowsOf } from '../../worker/services/roles/resolve'
import { PgDialect } from 'drizzle-orm/pg-core'
import { voteContextSql } from '../../worker/services/ballots/vote-context'
import { CAST_BALLOT_READ, nodesOf, type PlanNode } from '../helpers/city'
import { announcedPoll, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
let ids: { cid: string; pid: string; voter: string; user: string }
beforeAll(async () => {
  h = await startHarness()
  const s = await setupCommunity(h, { units: 4 })
  const p = await announcedPoll(h, s.community.id, s.committee)
  const cast = await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })
  expect(cast.status).toBe(201)
  ids = { cid: s.community.id, pid: p.id, voter: cast.json.voterId, user: s.ownerUserId }
}, 120_000)
afterAll(async () => {
  await h?.close()
})

/** Every node of an EXPLAIN (FORMAT JSON) answer (PGlite gives the document as text). */
function explained(rows: unknown) {
  const [row] = rowsOf<{ 'QUERY PLAN': unknown }>(rows)
  const doc = typeof row!['QUERY PLAN'] === 'string' ? JSON.parse(row!['QUERY PLAN'] as string) : row!['QUERY PLAN']
  return nodesOf((doc as { Plan: PlanNode }[])[0]!.Plan)
}

async function plan(query: ReturnType<typeof sql>) {
  return withTransaction(h.db, async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`)
    return explained(await tx.execute(sql`explain (format json) ${query}`))
  })
}

/** The function's text with its parameters (p_…) bound as the query's parameters. */
function withParams(text: string, params: Record<string, string>) {
  const parts = text.split(/\b(p_[a-z_]+)\b/)
  return sql.join(parts.map((part, i) => (i % 2 === 1 ? sql`${params[part]!}` : sql.raw(part))), sql``)
}

/** the hot queries, with the tables each must reach by index */
const HOT: { name: string; tables: string[]; query: () => ReturnType<typeof sql> }[] = [
  {
    name: 'a vote’s read (inside cast_ballot): standing ballot, last version, idempotent replay',
    tables: ['ballots', 'polls'],
    query: () => withParams(`select p.settings, ${CAST_BALLOT_READ.slice(0, -1).join(', ')} ${CAST_BALLOT_READ.at(-1)}`, { p_poll_id: ids.pid, p_voter_id: ids.voter, p_kind: 'electronic', p_cast_by: ids.user, p_idempotency_key: 'k' }),
  },
  { name: 'the voter in the frozen electorate', tables: ['poll_voters'], query: () => sql`select * from poll_voters where poll_id = ${ids.pid} and voter_id = ${ids.voter}` },
  { name: 'the caller’s verified bindings in the compound', tables: ['bindings'], query: () => sql`select * from bindings where user_id = ${ids.user} and community_id = ${ids.cid} and status = 'verified'` },
  { name: 'the count at close: standing ballots of the poll', tables: ['ballots'], query: () => sql`select voter_id, choice from ballots where poll_id = ${ids.pid} and current` },
  { name: 'the notice board', tables: ['notices'], query: () => sql`select * from notices where community_id = ${ids.cid} order by published_at desc limit 50` },
  { name: 'the statements of a quarter (accounts page)', tables: ['statements'], query: () => sql`select * from statements where community_id = ${ids.cid} and kind = 'service_fee' and period = '2026Q3'` },
  { name: 'the fees page', tables: ['fee_items'], query: () => sql`select * from fee_items where community_id = ${ids.cid}` },
  { name: 'the audit log of a compound', tables: ['audit_log'], query: () => sql`select * from audit_log where community_id = ${ids.cid} order by id desc limit 100` },
  { name: 'the polls of a compound', tables: ['polls'], query: () => sql`select * from polls where community_id = ${ids.cid} order by created_at desc` },
]

describe('hot queries use index access scoped to the compound', () => {
  it('the vote’s read checked here is the one the installed cast_ballot runs', async () => {
    const [fn] = rowsOf<{ src: string }>(await h.db.execute(sql`select prosrc as src from pg_proc where proname = 'cast_ballot'`))
    const squash = (t: string) => t.replace(/\s+/g, ' ')
    for (const piece of CAST_BALLOT_READ) expect(squash(fn!.src)).toContain(squash(piece))
  })

  for (const q of HOT) {
    it(q.name, async () => {
      const nodes = await plan(q.query())
      const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])
      expect(seq, `sequential scans in: ${q.name}`).toEqual([])
      for (const t of q.tables) {
        expect(nodes.some((n) => n['Relation Name'] === t && /Index|Bitmap Heap/.test(n['Node Type'])), `${t} by index in: ${q.name}`).toBe(true)
      }
    })
  }
})

/**
 * PostgreSQL keeps the plan of a prepared statement (the server's named statements; every query
 * inside a PL/pgSQL function such as cast_ballot) once it settles on a generic one, made here
 * while the poll has one ballot and the compound one owner, and reuses it as they fill. So a query
 * about one voter or one account must find that person's rows by their key in the index, not read
 * the whole poll's or compound's rows and filter them: such a plan made every vote read every
 * ballot of its poll (an index led by poll_id alone was chosen; issue 17, RESULTS.md session 9).
 */
describe('a cached plan for one person reads that person’s rows, however few rows the tables had when it was made', () => {
  /** per table read, what its index lookup must contain: the person's key */
  const ONE_PERSON: { name: string; query: () => ReturnType<typeof sql>; keys: Record<string, RegExp> }[] = [
    { ...HOT.find((q) => q.name.startsWith('a vote’s read'))!, keys: { ballots: /\b(voter_id|cast_by_user_id)\b/, polls: /\bid\b/ } },
    { ...HOT.find((q) => q.name === 'the voter in the frozen electorate')!, keys: { poll_voters: /\bvoter_id\b/ } },
    { ...HOT.find((q) => q.name === 'the caller’s verified bindings in the compound')!, keys: { bindings: /\buser_id\b/ } },
    {
      // the public proof page and the result page look a ballot up by its printed short receipt
      name: 'a ballot by its short receipt (worker/services/ballots/receipt.ts)',
      query: () => sql`select id from ballots where poll_id = ${ids.pid} and left(receipt, 8) = ${'abcdefgh'}`,
      keys: { ballots: /\bleft"?\(receipt, 8\)/ },
    },
    {
      name: 'the vote’s one query before cast_ballot: the caller, the poll, the voters they cast for',
      query: () => voteContextSql(ids.user, 'session', ids.pid, '2026-12-06T00:00:00.000Z'),
      // poll_voters and proxies: test/lib/city-plans.test.ts, with real statistics. On a four-flat
      // poll every plan reads the poll's few voters whole; a poll of 1,000 voters or more has
      // poll_voters analysed when it is announced (worker/db/statistics.ts), which drops the plans
      // cached before
      keys: { users: /\bid\b/, refresh_tokens: /\bfamily_id\b/, polls: /\bid\b/, bindings: /\buser_id\b/ },
    },
  ]
  for (const q of ONE_PERSON) {
    it(q.name, async () => {
      const { sql: text, params } = new PgDialect().sqlToQuery(q.query())
      // the parameters as literals (EXECUTE takes no bound ones): ids and instants, safe between quotes
      const literals = params.map((p) => {
        expect(String(p)).toMatch(/^[\w.:-]+$/)
        return `'${String(p)}'`
      })
      const nodes = await withTransaction(h.db, async (tx) => {
        await tx.execute(sql`set local plan_cache_mode = force_generic_plan`)
        await tx.execute(sql.raw(`prepare one_person as ${text}`))
        const nodes = explained(await tx.execute(sql.raw(`explain (format json) execute one_person${literals.length ? `(${literals.join(', ')})` : ''}`)))
        await tx.execute(sql`deallocate one_person`)
        return nodes
      })
      const tableOf = (n: PlanNode) => n['Relation Name'] ?? Object.keys(q.keys).find((t) => n['Index Name']?.startsWith(`${t}_`))
      for (const [table, key] of Object.entries(q.keys)) {
        const scans = nodes.filter((n) => tableOf(n) === table && n['Node Type'] !== 'Bitmap Heap Scan')
        expect(scans.length, `${table} read in: ${q.name}`).toBeGreaterThan(0)
        for (const n of scans) {
          expect(n['Node Type'], `${table} by index in: ${q.name}`).toMatch(/Index/)
          expect(n['Index Cond'] ?? '', `${n['Index Name']} looked up by its key in: ${q.name}`).toMatch(key)
        }
      }
    })
  }
})
