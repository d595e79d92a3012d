import { sql } from 'drizzle-orm'
import { shanghaiDate } from '../../../shared/time'
import type { Db } from '../../db/types'
import type { Caller, Clock, Role } from '../../env'

/**
 * The caller's roles in one community, in one query: owner through a verified binding, committee
 * by grant, firm staff through a contract in force today, community staff through the community's
 * street / residents' committee, department staff through its district, admin from configuration. `null` when the community does not exist.
 */
export async function rolesInCommunity(db: Db, clock: Clock, caller: Caller, communityId: string, pollId?: string): Promise<Set<Role> | null> {
  const today = shanghaiDate(clock.now())
  const rows = await db.execute(sql`
    select
      exists (select 1 from bindings b
              where b.community_id = c.id and b.user_id = ${caller.userId} and b.status = 'verified') as owner,
      exists (select 1 from role_grants g
              where g.role = 'committee' and g.community_id = c.id and g.user_id = ${caller.userId}
                and g.revoked_at is null) as committee,
      exists (select 1 from role_grants g join firm_contracts fc on fc.firm_id = g.firm_id
              where g.role = 'firm_staff' and g.user_id = ${caller.userId} and g.revoked_at is null
                and fc.community_id = c.id and fc.starts_on <= ${today}::date
                and (fc.ends_on is null or fc.ends_on >= ${today}::date)) as firm_staff,
      exists (select 1 from role_grants g
              where g.role = 'community_staff' and g.user_id = ${caller.userId} and g.revoked_at is null
                and g.district = c.district and g.street = c.street
                and (g.residents_committee is null or g.residents_committee = c.residents_committee)) as community_staff,
      exists (select 1 from role_grants g
              where g.role = 'department_staff' and g.user_id = ${caller.userId} and g.revoked_at is null
                and g.district = c.district) as department_staff,
      ${pollId === undefined ? sql`false` : sql`exists (select 1 from proxies px join polls p on p.id = px.poll_id
              where px.poll_id = ${pollId} and px.community_id = c.id and px.proxy_user_id = ${caller.userId}
                and px.status in ('active', 'used') and p.status = 'announced')`} as proxy
    from communities c where c.id = ${communityId}`)
  const row = rowsOf<{ owner: boolean; committee: boolean; firm_staff: boolean; community_staff: boolean; department_staff: boolean; proxy: boolean }>(rows)[0]
  if (!row) return null
  const roles = new Set<Role>()
  if (row.owner) roles.add('owner')
  if (row.committee) roles.add('committee')
  if (row.firm_staff) roles.add('firm_staff')
  if (row.community_staff) roles.add('community_staff')
  if (row.department_staff) roles.add('department_staff')
  if (row.proxy) roles.add('proxy')
  if (caller.isAdmin) roles.add('admin')
  return roles
}

/** postgres.js returns an array; PGlite returns `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}
