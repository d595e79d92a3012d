/**
 * City scale past one database (issue 17): every tenant table carries `community_id` itself, not
 * only through a parent, so the schema can be distributed by compound on Citus without a rewrite
 * and every query of one compound stays on one shard. The list of tables that are not per compound
 * is explicit here: a new table is either a tenant table with the column or is named below.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS_FOLDER, openPglite } from '../../worker/db/node'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, setupCommunity } from '../helpers/fixtures'
import { openTestDatabase } from '../helpers/db'
import { startHarness } from '../helpers/harness'

/** Not per compound: Citus reference tables (or, for `communities`, the distribution key itself). */
const GLOBAL_TABLES = {
  communities: 'the compound itself: distributed by its id, which is every other table’s community_id',
  users: 'a person may own in several compounds',
  refresh_tokens: 'sessions of a person',
  otp_codes: 'sign-in codes of a phone',
  rate_limits: 'counters keyed by phone, IP or account digest',
  sms_outbox: 'development SMS outbox',
  firms: 'a firm serves many compounds',
  reference_prices: 'guided fee ranges of a district',
} as const

/** Per compound for most rows, but also holding platform-wide rows (community_id null). */
const MIXED_TABLES = {
  audit_log: 'platform actions (a firm created, a street grant) have no compound: at distribution they take the platform’s own key',
  role_grants: 'firm staff and community staff are granted by firm or street, not per compound: a reference table',
} as const

/** A district's, not a compound's: Citus reference tables (a district has tens of firms, not millions of rows). */
const DISTRICT_TABLES = {
  credit_records: 'a firm’s credit file is kept by the district housing department across the compounds it serves',
  credit_lists: 'the quarterly good/bad list of a district',
  district_credit_schemes: 'the credit scheme a district’s housing department publishes (its numbers for a preset), every version',
} as const

/** The official account's own state: keyed by a WeChat openid or a message, not by a compound. */
const CHATBOT_TABLES = {
  oa_followers: 'a follower of the official account (one person, any compounds)',
  oa_inbound: 'the exactly-once claim of a WeChat message or event',
  oa_link_codes: 'one-time codes linking a follower to an account',
  oa_nonces: 'plain mode: which message each signed callback address first carried',
} as const

const PENDING = {} as const

async function columnsOf(execute: (q: ReturnType<typeof sql>) => Promise<unknown>) {
  const rows = rowsOf<{ table_name: string; is_nullable: string | null }>(
    await execute(sql`
      select t.table_name, c.is_nullable
      from information_schema.tables t
      left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'community_id'
      where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by 1`),
  )
  return new Map(rows.map((r) => [r.table_name, r.is_nullable]))
}

describe('community_id on every tenant table', () => {
  it('every table is a tenant table with a NOT NULL community_id, or is named as global, mixed or pending', async () => {
    const d = await openTestDatabase()
    const columns = await columnsOf((q) => d.db.execute(q))
    await d.close()
    expect(columns.size).toBeGreaterThan(25)
    const offenders: string[] = []
    for (const [table, nullable] of columns) {
      if (table in GLOBAL_TABLES || table in DISTRICT_TABLES || table in CHATBOT_TABLES || table in PENDING) continue
      if (table in MIXED_TABLES) {
        if (nullable === null) offenders.push(`${table}: no community_id at all`)
        continue
      }
      if (nullable !== 'NO') offenders.push(`${table}: ${nullable === null ? 'no community_id' : 'community_id is nullable'}`)
    }
    expect(offenders).toEqual([])
    // the named lists name real tables (a dropped or renamed table is taken off them)
    for (const t of [...Object.keys(GLOBAL_TABLES), ...Object.keys(DISTRICT_TABLES), ...Object.keys(CHATBOT_TABLES), ...Object.keys(MIXED_TABLES), ...Object.keys(PENDING)]) expect(columns.has(t), t).toBe(true)
  }, 120_000)

  it('the backfill in 0016_community_id_everywhere gives rows written before the column existed their parent’s compound', async () => {
    const d = await openPglite()
    await d.migrate()
    // real rows through the app, then their community_id taken away as an older release left them
    const h = await startHarness({ database: d })
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })).status).toBe(201)
    expect((await h.request('POST', `/api/polls/${p.id}/comments`, { token: s.owner, json: { body: '支持更换电梯' } })).status).toBe(201)
    h.clock.advance(2 * 3_600_000)
    const committee = (await h.login(s.committeePhone)).accessToken
    expect((await h.request('POST', `/api/polls/${p.id}/close`, { token: committee })).status).toBe(200)
    const tables = ['poll_voters', 'ballots', 'poll_events', 'poll_comments', 'poll_results', 'roster_owners']
    // as an older release left them: no compound on these rows; then the migration's own backfill and NOT NULL
    await d.client.exec(`alter table poll_results disable trigger poll_results_immutable;
      ${tables.map((t) => `alter table ${t} alter column community_id drop not null; update ${t} set community_id = null;`).join('\n')}
      alter table poll_results enable trigger poll_results_immutable;`)
    const migration = readFileSync(join(MIGRATIONS_FOLDER, '0016_community_id_everywhere.sql'), 'utf8')
    const backfill = migration
      .split('--> statement-breakpoint')
      .map((q) => q.trim())
      .filter((q) => !/ADD COLUMN|ADD CONSTRAINT/.test(q))
    expect(backfill.length).toBeGreaterThan(10)
    for (const q of backfill) await d.client.exec(q)
    for (const t of tables) {
      const [r] = rowsOf<{ n: number; wrong: number }>(
        await d.db.execute(sql.raw(`select count(*)::int as n, count(*) filter (where community_id is distinct from '${s.community.id}')::int as wrong from ${t}`)),
      )
      expect(r!.n, t).toBeGreaterThan(0)
      expect(r!.wrong, t).toBe(0)
    }
    await h.close()
    await d.close()
  }, 180_000)
})
