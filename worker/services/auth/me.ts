import { sql } from 'drizzle-orm'
import { shanghaiDate } from '../../../shared/time'
import { eq } from 'drizzle-orm'
import { users } from '../../../drizzle/schema'
import type { Caller, Role } from '../../env'
import { rowsOf } from '../roles/resolve'
import type { ServiceCtx } from '../context'
import { pollsAsProxy } from '../ballots/proxies'

/** The signed-in user with every community they hold a role in (the mini-program's home screen). */
export async function describeMe(ctx: ServiceCtx, caller: Caller) {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, caller.userId))
  const today = shanghaiDate(ctx.clock.now())
  const rows = rowsOf<{ community_id: string; name: string; role: Role }>(
    await ctx.db.execute(sql`
      select c.id as community_id, c.name, r.role from communities c join (
        select b.community_id, 'owner' as role from bindings b where b.user_id = ${caller.userId} and b.status = 'verified'
        union select g.community_id, 'committee' from role_grants g where g.user_id = ${caller.userId} and g.role = 'committee' and g.revoked_at is null
        union select fc.community_id, 'firm_staff' from role_grants g join firm_contracts fc on fc.firm_id = g.firm_id
              where g.user_id = ${caller.userId} and g.role = 'firm_staff' and g.revoked_at is null
                and fc.starts_on <= ${today}::date and (fc.ends_on is null or fc.ends_on >= ${today}::date)
        union select c2.id, 'community_staff' from role_grants g join communities c2
              on c2.district = g.district and c2.street = g.street and (g.residents_committee is null or g.residents_committee = c2.residents_committee)
              where g.user_id = ${caller.userId} and g.role = 'community_staff' and g.revoked_at is null
      ) r on r.community_id = c.id order by c.name`),
  )
  const byCommunity = new Map<string, { communityId: string; name: string; roles: Role[] }>()
  for (const r of rows) {
    const e = byCommunity.get(r.community_id) ?? { communityId: r.community_id, name: r.name, roles: [] }
    e.roles.push(r.role)
    byCommunity.set(r.community_id, e)
  }
  // a proxy who owns no flat here has no community to start from: the polls they vote in are listed
  const proxied = await pollsAsProxy(ctx.db, caller.userId)
  return {
    id: caller.userId,
    phone: user?.phone ?? null,
    wechatLinked: Boolean(user?.wechatOpenid),
    isAdmin: caller.isAdmin,
    communities: [...byCommunity.values()],
    proxyPolls: proxied.map((p) => ({ ...p, closesAt: p.closesAt.toISOString() })),
  }
}
