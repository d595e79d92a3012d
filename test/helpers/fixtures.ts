import { idCheckChar } from '../../shared/id-number'
import { usccCheckChar } from '../../shared/uscc'
import { testClock, uniquePhone, type Harness } from './harness'

export const newPhone = uniquePhone

/** A checksum-valid resident ID number (GB 11643) built from a sequence number. */
export function idNumber(seq: number): string {
  const year = 1940 + (seq % 60)
  const month = String((seq % 12) + 1).padStart(2, '0')
  const day = String((seq % 28) + 1).padStart(2, '0')
  const first17 = `310104${year}${month}${day}${String(seq % 1000).padStart(3, '0')}`
  return first17 + idCheckChar(first17)
}

export interface RosterRowInput {
  楼栋: string
  单元?: string
  房号: string
  房屋类型?: string
  专有部分面积: string
  面积来源?: string
  业主姓名: string
  证件号码?: string
  手机号?: string
  是否代表人?: string
  开发商持有?: string
}

/** n single-owner flats: `楼栋 = 1 + floor(i / 100)`, rooms numbered, owner i with ID idNumber(i). */
export function simpleRoster(n: number, opts: { start?: number; area?: (i: number) => string } = {}): RosterRowInput[] {
  const start = opts.start ?? 1
  return Array.from({ length: n }, (_, k) => {
    const i = start + k
    return {
      楼栋: `${1 + Math.floor(i / 100)}栋`,
      单元: '1单元',
      房号: String(1000 + i),
      专有部分面积: opts.area?.(i) ?? '88.50',
      面积来源: '不动产登记',
      业主姓名: `业主${i}`,
      证件号码: idNumber(i),
    }
  })
}

export const adminToken = (h: Harness) => h.adminToken()

let communitySeq = 0
export async function createCommunity(h: Harness, token: string, settings?: Record<string, unknown>) {
  communitySeq++
  const tag = `${process.pid}-${communitySeq}-${Math.random().toString(36).slice(2, 7)}`
  const res = await h.request('POST', '/api/communities', {
    token,
    // a street of its own, so community-staff scope never reaches another test's communities
    json: { name: `测试小区${tag}`, district: '测试区', street: `测试街道${tag}`, residentsCommittee: '测试社区', settings },
  })
  if (res.status !== 201) throw new Error(`create community failed: ${res.status} ${res.text}`)
  return res.json as { id: string; name: string; district: string; street: string; residentsCommittee: string }
}

export async function importRosterJson(h: Harness, token: string, cid: string, rows: RosterRowInput[]) {
  return h.request('POST', `/api/communities/${cid}/roster`, { token, json: { rows } })
}

/**
 * A community with a roster of `units` flats, a committee member and an owner (flat 1) bound:
 * the starting point of most API tests. Everything is made through the public API.
 */
export async function setupCommunity(h: Harness, opts: { units?: number; area?: (i: number) => string; rows?: RosterRowInput[] } = {}) {
  const admin = await adminToken(h)
  const community = await createCommunity(h, admin)
  const rows = opts.rows ?? simpleRoster(opts.units ?? 10, { area: opts.area })
  const imported = await importRosterJson(h, admin, community.id, rows)
  if (imported.status !== 201) throw new Error(`roster import failed: ${imported.status} ${imported.text}`)
  const committeePhone = newPhone()
  const grant = await h.request('POST', `/api/communities/${community.id}/committee-members`, { token: admin, json: { phone: committeePhone } })
  if (grant.status !== 201) throw new Error(`grant failed: ${grant.status} ${grant.text}`)
  const committee = await h.login(committeePhone)
  const owner = await signedInOwner(h, community.id, rows[0]!)
  return { admin, community, rows, committee: committee.accessToken, owner: owner.accessToken, ownerUserId: owner.userId, committeePhone }
}

/** A new phone signs in and binds to a roster row through the API (verified at once: the row's own name and ID number). */
export async function signedInOwner(h: Harness, communityId: string, row: RosterRowInput) {
  const owner = await h.login(newPhone())
  const bound = await h.request('POST', `/api/communities/${communityId}/bindings`, {
    token: owner.accessToken,
    json: { name: row.业主姓名, idNumber: row.证件号码, building: row.楼栋, unit: row.单元, room: row.房号 },
  })
  if (bound.status !== 201 || bound.json.status !== 'verified') throw new Error(`binding failed: ${bound.status} ${bound.text}`)
  return owner
}

/** A check-valid unified social credit code (GB 32100), different for each seed and process. */
export function usccFor(seed: number): string {
  const body = String((process.pid * 1000 + seed) % 1e9).padStart(9, '0')
  const first17 = `91310104${body}`
  return first17 + usccCheckChar(first17)
}

/**
 * Many verified owners at once, for load and concurrency tests: users and verified bindings are
 * written directly (as approved claims would leave them) and sessions started by the real service.
 * Everything else in those tests still goes through the HTTP app.
 */
export async function bulkOwners(h: Harness, communityId: string, rows: RosterRowInput[]) {
  const { nanoid } = await import('nanoid')
  const { and, eq, inArray } = await import('drizzle-orm')
  const schema = await import('../../drizzle/schema')
  const { startSession } = await import('../../worker/services/auth/sessions')
  const { unitKeyOf } = await import('../../shared/roster')
  const [c] = await h.db.select().from(schema.communities).where(eq(schema.communities.id, communityId))
  const keys = rows.map((r) => unitKeyOf(r.楼栋, r.单元 ?? '', r.房号))
  const owners = await h.db
    .select({ unitKey: schema.rosterUnits.unitKey, ownerKey: schema.rosterOwners.ownerKey, name: schema.rosterOwners.name })
    .from(schema.rosterOwners)
    .innerJoin(schema.rosterUnits, eq(schema.rosterUnits.id, schema.rosterOwners.unitId))
    .where(and(eq(schema.rosterUnits.rosterVersionId, c!.currentRosterVersionId!), inArray(schema.rosterUnits.unitKey, keys)))
  const out: { token: string; userId: string; unitKey: string }[] = []
  for (let i = 0; i < rows.length; i++) {
    const o = owners.find((x) => x.unitKey === keys[i] && x.name === rows[i]!.业主姓名)!
    const userId = nanoid()
    await h.db.insert(schema.users).values({ id: userId, phone: newPhone() })
    await h.db.insert(schema.bindings).values({
      id: nanoid(),
      userId,
      communityId,
      unitKey: keys[i]!,
      claimedName: o.name,
      claimedIdHash: o.ownerKey,
      claimedIdLast4: (rows[i]!.证件号码 ?? '0000').slice(-4),
      ownerKey: o.ownerKey,
      status: 'verified',
    })
    out.push({ token: (await startSession(h.services, userId)).accessToken, userId, unitKey: keys[i]! })
  }
  return out
}

/**
 * A voting window on the test clock: it opens `opensInMs` from now (announcing needs a future
 * opening) and lasts `closesInMs`. `announcedPoll` moves the clock to the opening when it is near,
 * so the poll is open once announced; a test ends voting with `h.clock.advance(closesInMs)`.
 */
export function openWindow(closesInMs: number, opensInMs = 60_000) {
  const now = testClock().now().getTime()
  return { opensAt: new Date(now + opensInMs).toISOString(), closesAt: new Date(now + opensInMs + closesInMs).toISOString() }
}

export const pollDraft = (over: Record<string, unknown> = {}) => ({
  title: '关于更换小区电梯的表决',
  body: '拟使用专项维修资金更换1栋、2栋电梯共4部，预算人民币120万元，详见附件报价。',
  matter: 'fund_use',
  attachments: [{ name: '报价单.pdf', sha256: 'a'.repeat(64) }],
  ...openWindow(3_600_000),
  ...over,
})

/** Drafts and announces a poll (short notice, with the recorded override). */
export async function announcedPoll(h: Harness, cid: string, committee: string, over: Record<string, unknown> = {}) {
  const d = await h.request('POST', `/api/communities/${cid}/polls`, { token: committee, json: pollDraft(over) })
  if (d.status !== 201) throw new Error(`draft failed: ${d.status} ${d.text}`)
  const a = await h.request('POST', `/api/polls/${d.json.id}/announce`, { token: committee, json: { noticeOverrideReason: '测试：电梯故障需尽快处理' } })
  if (a.status !== 200) throw new Error(`announce failed: ${a.status} ${a.text}`)
  // a poll that opens within the next ten minutes is open once announced (short-notice tests)
  const opensAt = Date.parse(a.json.opensAt)
  const wait = opensAt - h.clock.now().getTime()
  if (wait > 0 && wait <= 10 * 60_000) h.clock.set(new Date(opensAt))
  return a.json as { id: string; electorate: { totalVoters: number; totalArea: string; totalAreaE4: number } }
}

/** A complete standing profile (seed 002 (四)2) for a firm's community. */
export const FIRM_PROFILE = {
  licenceValidUntil: '2030-12-31',
  projectManager: { name: '赵经理', phone: '13912345678' },
  complaintPhone: '0833-5551234',
  serviceGrade: '二级',
  contractors: [
    { kind: 'elevator', name: '某电梯维保公司', phone: '0833-5550001' },
    { kind: 'fire', name: '某消防技术公司', phone: '0833-5550002' },
  ],
}

/** A firm (its own USCC per seed) under contract for the community, with one staff member signed in. */
export async function firmServingCommunity(h: Harness, s: { admin: string; community: { id: string } }, seed: number) {
  const firm = await h.request('POST', '/api/firms', { token: s.admin, json: { name: `物业公司${seed}`, uscc: usccFor(100 + seed) } })
  const firmId = firm.status === 201 ? firm.json.id : firm.json.error.details.firmId
  await h.request('POST', `/api/communities/${s.community.id}/firm-contracts`, { token: s.admin, json: { firmId, startsOn: '2026-01-01', serviceGrade: '二级' } })
  const phone = newPhone()
  await h.request('POST', '/api/role-grants', { token: s.admin, json: { role: 'firm_staff', phone, firmId } })
  return { firmId, token: (await h.login(phone)).accessToken }
}

/** Community staff (社区/街道) whose street covers the community, signed in. */
export async function communityStaff(h: Harness, s: { admin: string; community: { district: string; street: string } }) {
  const phone = newPhone()
  const g = await h.request('POST', '/api/role-grants', { token: s.admin, json: { role: 'community_staff', phone, district: s.community.district, street: s.community.street } })
  if (g.status !== 201) throw new Error(`staff grant failed: ${g.status} ${g.text}`)
  return (await h.login(phone)).accessToken
}

type StatementLine = { direction: 'income' | 'expense' | 'allocation'; category: string; amountFen: number; use?: string; authorisedBy?: { pollId: string } | { emergencyId: string } }
/** A statement body whose totals and closing follow from its lines. */
export function statement(kind: string, period: string, openingFen: number, lines: StatementLine[]) {
  const incomeFen = lines.filter((l) => l.direction === 'income').reduce((a, l) => a + l.amountFen, 0)
  const expenseFen = lines.filter((l) => l.direction === 'expense').reduce((a, l) => a + l.amountFen, 0)
  return { kind, period, content: { openingFen, lines, totals: { incomeFen, expenseFen }, closingFen: openingFen + incomeFen - expenseFen } }
}

/** A fresh sign-in for the person behind `token`, once the fake clock has moved past its life. */
export async function renewToken(h: Harness, token: string) {
  const { startSession } = await import('../../worker/services/auth/sessions')
  const sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string
  return (await startSession(h.services, sub)).accessToken
}

/** Who counts and who scrutinises at a public count, and the box as found: what opening a count records (counting day, voting-rules.md). */
export const COUNTING_PEOPLE = {
  counters: [{ name: '赵计票', unitOrOffice: '1栋-1单元-1005' }],
  scrutineers: [{ name: '钱监票', unitOrOffice: '测试社区居委会' }],
  boxState: '封条完好',
}
