import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/types'
import { areaReply, ownedAreaScale } from '../../../shared/decimal'
import { AppError } from '../../lib/errors'
import { rowsOf } from '../roles/resolve'

export interface CastableVoter {
  voterId: string
  unitLabels: string
  /** ten-thousandths of m², and as people read it (as registered: '95.363') */
  areaE4: number
  area: string
  via: 'owner' | 'proxy'
  proxyId: string | null
}

/**
 * The owner keys an account holds in a compound: its verified bindings' (a person owning several
 * flats has one key). Which voters it speaks for as owner is then "the voters whose representative
 * owner key is among these". SQL, so callers may pass their own columns.
 */
export const verifiedOwnerKeys = (userId: SQL, communityId: SQL): SQL =>
  sql`select ob.owner_key from bindings ob where ob.user_id = ${userId} and ob.community_id = ${communityId} and ob.status = 'verified'`

/**
 * The voters of this poll a user may cast for: as the owner of record (for a co-owned unit, only
 * its named representative, 《解释》第9条 / 指导规则 第25条), or as the proxy an owner named in
 * writing for this poll (指导规则 第26条). Rows (voter_id, unit_labels, area_e4, area_scale, unit_count, via, proxy_id);
 * the arguments are SQL so that the vote's one query (vote-context.ts) can pass its own columns.
 */
export function castableVotersSql(pollId: SQL, communityId: SQL, userId: SQL): SQL {
  return sql`
      select pv.voter_id, pv.unit_labels, pv.area_e4, pv.area_scale, pv.unit_count, 'owner' as via, null as proxy_id
      from poll_voters pv
      where pv.poll_id = ${pollId} and pv.representative_owner_key in (${verifiedOwnerKeys(userId, communityId)})
      union all
      select pv.voter_id, pv.unit_labels, pv.area_e4, pv.area_scale, pv.unit_count, 'proxy', px.id
      from proxies px join poll_voters pv on pv.poll_id = px.poll_id and pv.voter_id = px.voter_id
      where px.poll_id = ${pollId} and px.proxy_user_id = ${userId} and px.status in ('active', 'used')`
}

export type CastableVoterRow = { voter_id: string; unit_labels: string; area_e4: string | number; area_scale: string | number; unit_count: string | number; via: 'owner' | 'proxy'; proxy_id: string | null }

export const castableVoterOf = (r: CastableVoterRow): CastableVoter => ({
  voterId: r.voter_id,
  unitLabels: r.unit_labels,
  ...areaReply(Number(r.area_e4), ownedAreaScale(Number(r.area_scale), Number(r.unit_count))),
  via: r.via,
  proxyId: r.proxy_id,
})

export async function castableVoters(db: Db, pollId: string, communityId: string, userId: string): Promise<CastableVoter[]> {
  const rows = rowsOf<CastableVoterRow>(await db.execute(castableVotersSql(sql`${pollId}`, sql`${communityId}`, sql`${userId}`)))
  return rows.map(castableVoterOf)
}

/** Why a user cannot cast: a co-owner who is not the representative, or not in the electorate at all. */
export async function explainNotCastable(db: Db, pollId: string, communityId: string, userId: string): Promise<never> {
  const rows = rowsOf<{ n: string | number }>(
    await db.execute(sql`
      select count(*) as n from poll_voters pv
      join roster_units u on u.voter_id = pv.voter_id
      join roster_owners o on o.unit_id = u.id
      where pv.poll_id = ${pollId} and o.owner_key in (${verifiedOwnerKeys(sql`${userId}`, sql`${communityId}`)})`),
  )
  throw new AppError(Number(rows[0]?.n ?? 0) > 0 ? 'NOT_REPRESENTATIVE' : 'NOT_IN_ELECTORATE')
}

/** Picks the voter a request acts for: the one named, or the only one the user may cast for. */
export async function resolveVoter(db: Db, pollId: string, communityId: string, userId: string, voterId?: string): Promise<CastableVoter> {
  const mine = await castableVoters(db, pollId, communityId, userId)
  if (mine.length === 0) return explainNotCastable(db, pollId, communityId, userId)
  return pickVoter(mine, voterId)
}

/** resolveVoter's choice among voters already loaded (at least one). */
export function pickVoter(mine: CastableVoter[], voterId?: string): CastableVoter {
  if (voterId) {
    const own = mine.find((v) => v.voterId === voterId && v.via === 'owner') ?? mine.find((v) => v.voterId === voterId)
    if (!own) throw new AppError('NOT_IN_ELECTORATE', { voterId })
    return own
  }
  const owned = mine.filter((v) => v.via === 'owner')
  if (owned.length === 1) return owned[0]!
  if (owned.length === 0 && mine.length === 1) return mine[0]!
  throw new AppError('VOTER_AMBIGUOUS', { voters: mine.map((v) => ({ voterId: v.voterId, unitLabels: v.unitLabels, via: v.via })) })
}
