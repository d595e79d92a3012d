/**
 * The shared security suite: every protected route, whatever it does, refuses a missing, bad,
 * forged or expired token, the wrong role, and another community's identity, and writes nothing
 * when it refuses. New routes join automatically (the list is the app's own route list), and a
 * route with a path parameter this suite cannot fill fails the suite rather than being skipped.
 */
import { SignJWT } from 'jose'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiRoutes } from '../../worker/app'
import type { Role } from '../../worker/env'
import type { AnyRoute } from '../../worker/lib/route'
import { rowsOf } from '../../worker/services/roles/resolve'
import { everyRouteWorld } from '../helpers/world'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
let fill: Record<string, string>
/** tokens of people holding exactly one role in community A */
let inA: Partial<Record<Role, string>> = {}
/** someone holding every community role in community B, and none in A */
let outsider: string

const protectedRoutes = apiRoutes.filter((r) => r.access.kind !== 'public')

async function tableCounts() {
  const r = await h.db.execute(sql`
    select (select count(*) from audit_log) + (select count(*) from bindings) + (select count(*) from role_grants)
         + (select count(*) from roster_versions) + (select count(*) from communities) + (select count(*) from firms)
         + (select count(*) from firm_contracts) + (select count(*) from refresh_tokens)
         + (select count(*) from polls) + (select count(*) from ballots) + (select count(*) from proxies)
         + (select count(*) from poll_comments) + (select count(*) from poll_events) + (select count(*) from deliveries) as n,
           (select coalesce(sum(xmin::text::bigint), 0) from bindings) + (select coalesce(sum(xmin::text::bigint), 0) from role_grants)
         + (select coalesce(sum(xmin::text::bigint), 0) from communities) + (select coalesce(sum(xmin::text::bigint), 0) from polls) as versions`)
  return rowsOf<{ n: string | number; versions: string | number }>(r)[0]
}

function pathFor(r: AnyRoute) {
  return r.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const v = fill[name]
    if (!v) throw new Error(`security suite cannot fill :${name} in ${r.path}; add it to the fixture map`)
    return v
  })
}

async function call(r: AnyRoute, token?: string, raw?: string) {
  const headers: Record<string, string> = {}
  if (raw) headers.authorization = raw
  return h.request(r.method.toUpperCase(), pathFor(r), { token, headers, json: r.method === 'get' || r.method === 'delete' ? undefined : {} })
}

beforeAll(async () => {
  h = await startHarness()
  ;({ fill, inA, outsider } = await everyRouteWorld(h))
})

afterAll(async () => {
  await h?.close()
})

describe('every protected route', () => {
  it('exists: the suite covers a non-empty list', () => {
    expect(protectedRoutes.length).toBeGreaterThan(10)
  })

  for (const r of protectedRoutes) {
    describe(`${r.method.toUpperCase()} ${r.path}`, () => {
      it('refuses no token, a malformed header, a forged and an expired token, writing nothing', async () => {
        const before = await tableCounts()
        const none = await call(r)
        expect(none.status).toBe(401)
        expect(none.json.error.code).toBe('UNAUTHENTICATED')
        const garbage = await call(r, undefined, 'Bearer not-a-jwt')
        expect(garbage.status).toBe(401)
        expect(garbage.json.error.code).toBe('TOKEN_INVALID')
        const basic = await call(r, undefined, 'Basic dXNlcjpwYXNz')
        expect(basic.status).toBe(401)
        const forged = await new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('someone')
          .setIssuer('gongyi')
          .setAudience('gongyi-api')
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode('another-secret-0123456789abcdefghijkl'))
        const f = await call(r, forged)
        expect(f.status).toBe(401)
        expect(f.json.error.code).toBe('TOKEN_INVALID')
        h.clock.advance((h.config.ACCESS_TOKEN_TTL_SECONDS + 1) * 1000)
        try {
          const expired = await call(r, inA.committee)
          expect(expired.status).toBe(401)
          expect(expired.json.error.code).toBe('TOKEN_EXPIRED')
        } finally {
          h.clock.advance(-(h.config.ACCESS_TOKEN_TTL_SECONDS + 1) * 1000)
        }
        expect(await tableCounts()).toEqual(before)
      })

      if (r.access.kind === 'admin' || r.access.kind === 'community') {
        const allowed = r.access.kind === 'admin' ? [] : r.access.roles
        const wrong = (['owner', 'committee', 'firm_staff', 'community_staff'] as Role[]).filter((role) => !allowed.includes(role))
        it(`refuses the roles it does not allow (${wrong.join(', ') || 'none'}) and another community's identity, writing nothing`, async () => {
          const before = await tableCounts()
          for (const role of wrong) {
            const res = await call(r, inA[role])
            expect(res.status, `${role} on ${r.path}`).toBe(403)
            expect(res.json.error.code).toBe('FORBIDDEN')
          }
          const other = await call(r, outsider)
          expect(other.status).toBe(403)
          expect(other.json.error.code).toBe('FORBIDDEN')
          expect(await tableCounts()).toEqual(before)
        })
      }
    })
  }
})
