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
import { CAST_BALLOT_READ } from '../helpers/city'
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

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}
const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)]

async function plan(query: ReturnType<typeof sql>) {
  return withTransaction(h.db, async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`)
    const [row] = rowsOf<{ 'QUERY PLAN': unknown }>(await tx.execute(sql`explain (format json) ${query}`))
    const doc = typeof row!['QUERY PLAN'] === 'string' ? JSON.parse(row!['QUERY PLAN'] as string) : row!['QUERY PLAN']
    return nodesOf((doc as { Plan: PlanNode }[])[0]!.Plan)
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
