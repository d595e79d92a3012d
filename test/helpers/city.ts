import type postgres from 'postgres'
import { announcedPoll, firmServingCommunity, setupCommunity, statement } from './fixtures'
import type { Harness } from './harness'

/**
 * A city on one PostgreSQL database, fast (issue 17): one compound built through the app is the
 * template, and `cloneCompound` copies every row of it N times in SQL (INSERT ... SELECT over
 * generate_series), one statement per tenant table. Which tables and columns is read from the
 * catalogue, so a new tenant table is copied without editing this file:
 *
 *  - the tables copied are `communities` and every table with a `community_id` column;
 *  - in a copy, every text key column (`id`, `community_id`, a foreign key to a copied table, a
 *    column of a unique index) gets the suffix `~<n>`, so each copy is its own compound with its own rows;
 *  - a key to a shared table (users, firms) is kept: the copies share the template's people;
 *  - an identity or serial column takes its default.
 *
 * Foreign keys and triggers are not checked while copying (session_replication_role = replica,
 * superuser only): the copies are consistent by construction, and the order of tables no longer matters.
 * PostgreSQL only; never on the suite's own database.
 */
export async function cloneCompound(sql: postgres.Sql, templateId: string, copies: { from: number; to: number }) {
  const tables = (
    await sql<{ table_name: string }[]>`
      select distinct table_name from information_schema.columns
      where table_schema = 'public' and (column_name = 'community_id' or table_name = 'communities')`
  ).map((r) => r.table_name)
  const copied = new Set(tables)
  const fks = await sql<{ table: string; column: string; target: string }[]>`
    select c.conrelid::regclass::text as table, a.attname as column, c.confrelid::regclass::text as target
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace`
  const uniques = await sql<{ table: string; column: string }[]>`
    select i.indrelid::regclass::text as table, a.attname as column
    from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indisunique and i.indrelid::regclass::text = any(${tables})`
  const rowsPerTable: Record<string, number> = {}
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    for (const table of tables) {
      const columns = await tx<{ column_name: string; data_type: string; column_default: string | null; is_identity: string; is_generated: string }[]>`
        select column_name, data_type, column_default, is_identity, is_generated from information_schema.columns
        where table_schema = 'public' and table_name = ${table} order by ordinal_position`
      const kept = columns.filter((c) => c.is_identity !== 'YES' && c.is_generated !== 'ALWAYS' && !(c.column_default ?? '').startsWith('nextval('))
      const keyed = (col: string) =>
        col === 'id' ||
        // the tenant key, with or without a foreign key (the audit log's has none: platform actions)
        col === 'community_id' ||
        fks.some((f) => f.table === table && f.column === col && copied.has(f.target)) ||
        uniques.some((u) => u.table === table && u.column === col && !fks.some((f) => f.table === table && f.column === col))
      const select = kept.map((c) => (c.data_type === 'text' && keyed(c.column_name) ? `${q(c.column_name)} || '~' || g` : q(c.column_name)))
      const owner = table === 'communities' ? 'id' : 'community_id'
      const res = await tx.unsafe(
        `insert into ${q(table)} (${kept.map((c) => q(c.column_name)).join(', ')})
         select ${select.join(', ')} from ${q(table)}, generate_series(${copies.from}::int, ${copies.to}::int) g where ${q(owner)} = $1`,
        [templateId],
      )
      rowsPerTable[table] = res.count
    }
  })
  return rowsPerTable
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

/** What a plan node looks like in EXPLAIN (FORMAT JSON). */
export interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  /** an index scan's search condition: the keys it looks up, not a filter applied afterwards */
  'Index Cond'?: string
  Plans?: PlanNode[]
}
export const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)]

/**
 * The read inside the vote's database function cast_ballot (drizzle/migrations/0022), piece by
 * piece as it is written there: test/lib/plans.test.ts checks the installed function still contains each
 * piece, so the plan checked here is the plan of the function's own read.
 */
export const CAST_BALLOT_READ = [
  '(select max(b.version) from ballots b where b.poll_id = p.id and b.voter_id = p_voter_id)',
  '(select b.id from ballots b where b.poll_id = p.id and b.voter_id = p_voter_id and b.kind = p_kind and b.current)',
  '(select b.id from ballots b where b.poll_id = p.id and b.cast_by_user_id = p_cast_by and b.idempotency_key = p_idempotency_key)',
  'FROM polls p WHERE p.id = p_poll_id',
]

/**
 * The hot queries of a compound's everyday work, as the app sends them (issue 17), with the tenant
 * tables each must reach by an index. Ids are the template compound's: with its copies on the same
 * tables, a plan that reads them by index is scoped to one compound.
 */
export function hotQueries(ids: { cid: string; pid: string; voter: string; user: string; noticeCode: string }) {
  return [
    {
      name: 'a vote’s read (inside cast_ballot): standing ballot, last version, idempotent replay',
      tables: ['ballots', 'polls'],
      text: `select p.settings, ${CAST_BALLOT_READ.slice(0, -1).join(', ')} ${CAST_BALLOT_READ.at(-1)}`
        .replace(/\bp_poll_id\b/g, '$1')
        .replace(/\bp_voter_id\b/g, '$2')
        .replace(/\bp_cast_by\b/g, '$3')
        .replace(/\bp_kind\b/g, "'electronic'")
        .replace(/\bp_idempotency_key\b/g, "'k'"),
      params: [ids.pid, ids.voter, ids.user],
    },
    { name: 'the voter in the frozen electorate', tables: ['poll_voters'], text: `select * from poll_voters where poll_id = $1 and voter_id = $2`, params: [ids.pid, ids.voter] },
    { name: 'the caller’s verified bindings in the compound', tables: ['bindings'], text: `select * from bindings where user_id = $1 and community_id = $2 and status = 'verified'`, params: [ids.user, ids.cid] },
    { name: 'the caller’s roles in the compound', tables: ['role_grants'], text: `select * from role_grants where user_id = $1 and community_id = $2 and revoked_at is null`, params: [ids.user, ids.cid] },
    { name: 'the count at close / result tally: standing ballots of the poll', tables: ['ballots'], text: `select voter_id, choice from ballots where poll_id = $1 and current`, params: [ids.pid] },
    { name: 'the published result', tables: ['poll_results'], text: `select * from poll_results where poll_id = $1`, params: [ids.pid] },
    { name: 'the notice board', tables: ['notices'], text: `select * from notices where community_id = $1 order by pinned desc, published_at desc`, params: [ids.cid] },
    // a notice's page asks whether a newer version replaced it (by its supersedes_id, not its compound)
    { name: 'the notice page: its newer version, if any', tables: ['notices'], text: `select n.code from notices n where n.supersedes_id = (select id from notices where code = $1)`, params: [ids.noticeCode] },
    { name: 'the statements of a quarter (accounts page)', tables: ['statements'], text: `select * from statements where community_id = $1 and period = any($2) order by version desc`, params: [ids.cid, ['2026Q3', '2026Q2', '2025Q3']] },
    { name: 'the fees page', tables: ['fee_items'], text: `select * from fee_items where community_id = $1`, params: [ids.cid] },
    { name: 'the roster read: the current version’s units', tables: ['roster_units'], text: `select u.* from roster_units u join communities c on c.current_roster_version_id = u.roster_version_id where c.id = $1`, params: [ids.cid] },
    { name: 'the audit log of a compound', tables: ['audit_log'], text: `select * from audit_log where community_id = $1 order by id desc limit 100`, params: [ids.cid] },
    { name: 'the polls of a compound', tables: ['polls'], text: `select * from polls where community_id = $1 order by created_at desc`, params: [ids.cid] },
  ]
}

/** EXPLAIN (FORMAT JSON) of one hot query, as plan nodes. */
export async function planOf(sql: postgres.Sql, text: string, params: unknown[], analyze = false) {
  const [row] = await sql.unsafe(`explain (${analyze ? 'analyze, ' : ''}format json) ${text}`, params as never[])
  const doc = row!['QUERY PLAN'] as { Plan: PlanNode }[]
  return nodesOf(doc[0]!.Plan)
}

/**
 * The template compound, built through the app like any other: a roll of `units` flats, an owner
 * bound, a notice, a poll voted on and closed (its result published), a firm with a fee, two
 * quarters of accounts. Returns the ids the hot queries need.
 */
export async function buildTemplateCompound(h: Harness, units: number) {
  const s = await setupCommunity(h, { units })
  const cid = s.community.id
  const posted = await h.request('POST', `/api/communities/${cid}/notices`, { token: s.committee, json: { kind: 'general', title: '关于小区停水的通知', body: '12月10日停水。' } })
  if (posted.status !== 201) throw new Error(`notice: ${posted.text}`)
  const poll = await announcedPoll(h, cid, s.committee)
  const cast = await h.request('POST', `/api/polls/${poll.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })
  if (cast.status !== 201) throw new Error(`vote: ${cast.text}`)
  h.clock.advance(2 * 3_600_000)
  const closed = await h.request('POST', `/api/polls/${poll.id}/close`, { token: (await h.login(s.committeePhone)).accessToken })
  if (closed.status !== 200) throw new Error(`close: ${closed.text}`)
  const firm = await firmServingCommunity(h, { admin: await h.adminToken(), community: s.community }, 7)
  const fee = await h.request('POST', `/api/communities/${cid}/fee-items`, { token: firm.token, json: { item: '物业服务费', payer: '业主', basis: 'per_m2_month', rateFen: 180, startsOn: '2026-01-01', regime: 'market' } })
  if (fee.status !== 201) throw new Error(`fee: ${fee.text}`)
  for (const [period, opening] of [['2026Q2', 0], ['2026Q3', 12_000]] as const) {
    const st = await h.request('POST', `/api/communities/${cid}/statements`, {
      token: firm.token,
      json: statement('public_revenue', period, opening, [
        { direction: 'income', category: '电梯广告', amountFen: 13_000 },
        { direction: 'expense', category: '物业分成', amountFen: 1_000 },
      ]),
    })
    if (st.status !== 201) throw new Error(`statement: ${st.text}`)
  }
  return { cid, pid: poll.id, voter: cast.json.voterId as string, user: s.ownerUserId, s, noticeCode: posted.json.code as string }
}
