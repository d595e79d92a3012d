/**
 * City scale at test size (issue 17), on PostgreSQL: a compound built through the app, copied 300
 * times in SQL (test/helpers/city.ts) into a database of this file's own, then ANALYZEd, so the
 * planner decides with real statistics, sequential scans allowed. Every hot query must reach the
 * tenant tables through an index: a plan that reads a whole tenant table costs more with every
 * compound on the database. test/lib/plans.test.ts checks the same queries on any database with
 * sequential scans switched off; this one checks what the planner actually chooses.
 * The full size (5,000 compounds, 3 million units) is `npm run bench:city`.
 */
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgDialect } from 'drizzle-orm/pg-core'
import { voteContextSql } from '../../worker/services/ballots/vote-context'
import { buildTemplateCompound, cloneCompound, hotQueries, planOf, type PlanNode } from '../helpers/city'
import { onPostgres, openPrivateTestDatabase } from '../helpers/db'
import { startHarness, type Harness } from '../helpers/harness'
import type { Database } from '../../worker/db/node'

const COPIES = 300
let h: Harness
let database: Database & { url?: string }
let sql: postgres.Sql
let ids: Awaited<ReturnType<typeof buildTemplateCompound>>
let tenantTables: Set<string>

describe.skipIf(!onPostgres())(`hot queries on ${COPIES + 1} compounds, planned with real statistics`, () => {
  beforeAll(async () => {
    database = await openPrivateTestDatabase()
    h = await startHarness({ database })
    ids = await buildTemplateCompound(h, 20)
    sql = postgres(database.url!, { max: 1, onnotice: () => {} })
    const own = async (table: string) => Number((await sql.unsafe(`select count(*) as n from ${table} where community_id = $1`, [ids.cid]))[0]!.n)
    const auditRows = await own('audit_log')
    const copied = await cloneCompound(sql, ids.cid, { from: 1, to: COPIES })
    expect(copied.communities).toBe(COPIES)
    expect(copied.roster_units).toBe(COPIES * 20)
    // each copy is its own tenant, also where community_id has no foreign key (the audit log)
    expect(copied.audit_log).toBe(COPIES * auditRows)
    expect(await own('audit_log')).toBe(auditRows)
    tenantTables = new Set(Object.keys(copied))
    await sql`analyze`
  }, 300_000)
  afterAll(async () => {
    await sql?.end()
    await h?.close()
    await database?.close()
  })

  it('the copies are compounds of their own: each board shows its own notices, under codes of its own', async () => {
    const board = await h.request('GET', `/api/communities/${ids.cid}/notices`)
    const copy = await h.request('GET', `/api/communities/${ids.cid}~7/notices`)
    expect(board.json.notices.length).toBeGreaterThan(0)
    expect(copy.json.notices.map((n: { code: string }) => n.code)).toEqual(board.json.notices.map((n: { code: string }) => `${n.code}~7`))
  })

  for (const q of hotQueries({ cid: 'cid', pid: 'pid', voter: 'voter', user: 'user', noticeCode: 'code' })) {
    it(q.name, async () => {
      const real = hotQueries(ids).find((r) => r.name === q.name)!
      const nodes = await planOf(sql, real.text, real.params)
      const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && tenantTables.has(n['Relation Name']!)).map((n) => n['Relation Name'])
      expect(seq, `sequential scans of tenant tables in: ${q.name}`).toEqual([])
      for (const t of q.tables) {
        expect(nodes.some((n) => n['Relation Name'] === t && /Index|Bitmap Heap/.test(n['Node Type'])), `${t} by index in: ${q.name}`).toBe(true)
      }
    })
  }

  // the vote's first statement, as the route sends it: each table looked up by the caller's or the
  // poll's key, not read for the compound and filtered
  it('the vote’s one query before cast_ballot: each table looked up by the caller’s keys', async () => {
    const { sql: text, params } = new PgDialect().sqlToQuery(voteContextSql(ids.user, 'session', ids.pid, '2026-12-06T00:00:00.000Z'))
    const nodes = await planOf(sql, text, params)
    // the tenant tables (the accounts and their sign-ins are not copied per compound here; the
    // template names no proxy, so proxies is empty and rightly scanned)
    const keys: Record<string, RegExp> = {
      polls: /\bid\b/,
      bindings: /\buser_id\b/,
      poll_voters: /\b(voter_id|representative_owner_key)\b/,
    }
    const tableOf = (n: PlanNode) => n['Relation Name'] ?? Object.keys(keys).find((t) => n['Index Name']?.startsWith(`${t}_`))
    for (const [table, key] of Object.entries(keys)) {
      expect(tenantTables.has(table), table).toBe(true)
      const scans = nodes.filter((n) => tableOf(n) === table && n['Node Type'] !== 'Bitmap Heap Scan')
      expect(scans.length, `${table} read`).toBeGreaterThan(0)
      for (const n of scans) expect(n['Index Cond'] ?? n['Node Type'], `${table} looked up by its key`).toMatch(key)
    }
  })
})
