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
import { adminToken, newPhone, simpleRoster } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { readXlsx } from '../../worker/lib/spreadsheet'

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
         + (select count(*) from poll_comments) + (select count(*) from poll_events) + (select count(*) from deliveries)
         + (select count(*) from complaints) + (select count(*) from complaint_events)
         + (select count(*) from firm_ratings) + (select count(*) from credit_records) + (select count(*) from credit_lists)
         + (select count(*) from district_credit_schemes) as n,
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

      if (r.access.kind === 'firm' || r.access.kind === 'district') {
        // firm routes: only that firm's staff; district routes: only that district's housing department
        const wrong = (['owner', 'committee', 'firm_staff', 'community_staff'] as Role[]).filter((role) => !(r.access.kind === 'firm' && role === 'firm_staff'))
        it(`refuses everyone but ${r.access.kind === 'firm' ? "the firm's own staff" : "the district's housing department"} (${wrong.join(', ')}, another firm's staff), writing nothing`, async () => {
          const before = await tableCounts()
          for (const role of wrong) {
            const res = await call(r, inA[role])
            expect(res.status, `${role} on ${r.path}`).toBe(403)
            expect(res.json.error.code).toBe('FORBIDDEN')
          }
          const other = await call(r, outsider)
          expect(other.status).toBe(403)
          expect(await tableCounts()).toEqual(before)
        })
      }

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

/**
 * The secret ballot (民法典 第278条 votes are the owners' own; the result is what is published):
 * until the result is published, no route of the app shows any voter's choice or marks to anyone
 * but that voter. Every GET route, API and page alike, is called by every other identity (signed
 * out, each role, an admin, another community, and a proxy the owner has since outvoted), and its
 * answer is searched for a choice in every form it can take: a JSON field, a spreadsheet cell, a
 * page's "已投票" line.
 */
describe('secret ballot: no route shows a choice before the result is published', () => {
  const CHOICE_WORDS = new Set(['agree', 'oppose', 'abstain', 'spoiled', '同意', '反对', '弃权', '废票'])
  const viewers: Record<string, { token?: string }> = {}

  beforeAll(async () => {
    const a = { community: { id: fill.cid! } }
    // a proxy (an owner of flat 3) votes for the owner of flat 1, who then votes in person
    const proxyUser = await h.login(newPhone())
    const rows = simpleRoster(10)
    const r = rows[2]!
    const bound = await h.request('POST', `/api/communities/${a.community.id}/bindings`, {
      token: proxyUser.accessToken,
      json: { name: r.业主姓名, idNumber: r.证件号码, building: r.楼栋, unit: r.单元, room: r.房号 },
    })
    expect(bound.json.status).toBe('verified')
    const me = await h.request('GET', '/api/me', { token: proxyUser.accessToken })
    const granted = await h.request('POST', `/api/polls/${fill.pid}/proxies`, { token: inA.owner, json: { proxyPhone: me.json.phone } })
    expect(granted.status).toBe(201)
    const byProxy = await h.request('POST', `/api/polls/${fill.pid}/ballots`, { token: proxyUser.accessToken, json: { choice: 'agree', voterId: granted.json.voterId } })
    expect(byProxy.status).toBe(201)
    expect((await h.request('POST', `/api/polls/${fill.pid}/ballots`, { token: inA.owner, json: { choice: 'oppose' } })).status).toBe(201)
    // a paper ballot the committee entered for the unbound flat 2
    const electorate = await h.request('GET', `/api/polls/${fill.pid}/voters`, { token: inA.committee })
    const unbound = electorate.json.voters.find((v: { voted: boolean; voterId: string }) => !v.voted && v.voterId !== granted.json.voterId)
    const paper = await h.request('POST', `/api/polls/${fill.pid}/paper-ballots`, { token: inA.committee, json: { voterId: unbound.voterId, choice: 'abstain', photoSha256: 'd'.repeat(64) } })
    expect(paper.status).toBe(201)
    const notices = await h.request('GET', `/api/communities/${fill.cid}/notices`)
    fill.code = notices.json.notices[0].code
    Object.assign(viewers, {
      'signed out': {},
      committee: { token: inA.committee },
      community_staff: { token: inA.community_staff },
      firm_staff: { token: inA.firm_staff },
      admin: { token: await adminToken(h) },
      'another community': { token: outsider },
      'the outvoted proxy': { token: proxyUser.accessToken },
    })
  })

  /** Where a choice shows in an answer, or null. */
  async function choiceIn(res: { text: string; json: unknown; headers: Headers }, bytes: Uint8Array): Promise<string | null> {
    const type = res.headers.get('content-type') ?? ''
    if (type.includes('json')) {
      const found: string[] = []
      const walk = (v: unknown, path: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`))
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if ((k === 'choice' || k === 'marks' || k === 'spoiledReason') && x !== null && x !== undefined) found.push(`${path}.${k}=${JSON.stringify(x)}`)
            walk(x, `${path}.${k}`)
          }
        }
      }
      walk(res.json, '$')
      return found[0] ?? null
    }
    const cells = type.includes('csv') ? res.text.split(/[\r\n,]+/) : type.includes('spreadsheet') ? (await readXlsx(bytes)).flatMap((sh) => sh.rows.flat()) : []
    const cell = cells.find((c) => CHOICE_WORDS.has(c.trim()) || c.startsWith('选择：'))
    if (cell) return `cell ${cell}`
    if (type.includes('html') && /已投票/.test(res.text)) return 'page says 已投票'
    return null
  }

  // blank templates name the choices to write in (同意/反对/弃权) and carry no ballot of anyone
  const blankTemplate = (r: AnyRoute) => /\/register-template\.(csv|xlsx)$|\/template\.(csv|xlsx)$/.test(r.path)
  for (const r of apiRoutes.filter((x) => x.method === 'get' && !blankTemplate(x))) {
    it(`GET ${r.path}`, async () => {
      const path = pathFor(r)
      for (const [who, v] of Object.entries(viewers)) {
        const page = path.startsWith('/h5/') || path.startsWith('/n/')
        const headers: Record<string, string> = {}
        if (v.token) headers[page ? 'cookie' : 'authorization'] = page ? `gy_at=${v.token}` : `Bearer ${v.token}`
        const raw = await h.app.request(path, { headers })
        const bytes = new Uint8Array(await raw.arrayBuffer())
        const text = new TextDecoder().decode(bytes)
        let json: unknown = null
        try {
          json = JSON.parse(text)
        } catch {}
        expect(await choiceIn({ text, json, headers: raw.headers }, bytes), `${who} on ${path}`).toBeNull()
      }
    })
  }

  it('the evidence file says who voted and how, never what', async () => {
    const ev = await h.request('GET', `/api/polls/${fill.pid}/evidence`, { token: inA.committee })
    expect(ev.status).toBe(200)
    expect(ev.json.choicesWithheld).toBe(true)
    expect(ev.json.ballots.map((b: { channel: string }) => b.channel).sort()).toEqual(['app', 'paper', 'proxy'])
    for (const b of ev.json.ballots) expect(Object.keys(b)).toEqual(expect.arrayContaining(['voterId', 'version', 'channel', 'castAt']))
  })
})
