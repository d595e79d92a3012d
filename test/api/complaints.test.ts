import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPLAINT_CATEGORIES, COMPLAINT_CATEGORY_KEYS, endOfWorkingDay } from '../../shared/complaints'
import { runComplaintDeadlines } from '../../worker/services/oversight/complaints'
import { communityStaff, firmServingCommunity, newPhone, renewToken, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Friday 2026-11-20, 10:00 Beijing time. */
const FRIDAY_10 = new Date('2026-11-20T02:00:00Z')
const endOfBeijingDay = (date: string) => new Date(Date.parse(`${date}T00:00:00+08:00`) + DAY).toISOString()

/** A fresh access token for the same person, after the fake clock has moved past the old one's life. */
const renew = (token: string) => renewToken(h, token)

async function departmentStaff(s: { admin: string; community: { district: string } }, department: string, district = s.community.district) {
  const phone = newPhone()
  const g = await h.request('POST', '/api/role-grants', { token: await h.adminToken(), json: { role: 'department_staff', phone, district, department } })
  expect(g.status).toBe(201)
  return (await h.login(phone)).accessToken
}

async function world(seed: number) {
  h.clock.set(FRIDAY_10)
  const s = await setupCommunity(h, { units: 3 })
  const firm = await firmServingCommunity(h, s, seed)
  const staff = await communityStaff(h, s)
  return { s, firm, staff }
}

const file = (cid: string, token: string, over: Record<string, unknown> = {}) =>
  h.request('POST', `/api/communities/${cid}/complaints`, {
    token,
    json: { category: 'cleaning', body: '3栋垃圾桶三天未清运，气味很大', place: '3栋北侧垃圾站', photos: ['a'.repeat(64)], ...over },
  })
const act = (id: string, action: string, token: string, json: unknown) => h.request('POST', `/api/complaints/${id}/${action}`, { token, json })
const get = (id: string, token: string) => h.request('GET', `/api/complaints/${id}`, { token })

describe('complaints: filing and routing', () => {
  it('every category goes to its desk with the deadlines of its urgency (2 h, 24 h, 7 days, 15 days; first contact in 1 working day)', async () => {
    const { s } = await world(301)
    for (const category of COMPLAINT_CATEGORY_KEYS) {
      const r = await file(s.community.id, s.owner, { category })
      expect(r.status, category).toBe(201)
      const route = COMPLAINT_CATEGORIES[category]
      expect(r.json).toMatchObject({ category, desk: route.desk, urgency: route.urgency, status: 'dispatched', escalation: 0 })
      const hours = { emergency: 2, utility: 24, general: 7 * 24, complex: 15 * 24 }[route.urgency]
      expect(r.json.resolveBy).toBe(new Date(FRIDAY_10.getTime() + hours * HOUR).toISOString())
      // filed on a Friday: first contact by the end of Monday, unless the case itself is due sooner
      const monday = endOfBeijingDay('2026-11-23')
      expect(r.json.firstContactBy).toBe(hours < 24 * 3 && r.json.resolveBy < monday ? r.json.resolveBy : monday)
      expect(r.json.sendBackBy).toBe(endOfBeijingDay('2026-11-24'))
      expect(r.json.events.map((e: { kind: string; actorRole: string }) => [e.kind, e.actorRole])).toEqual([
        ['filed', 'owner'],
        ['dispatched', 'system'],
      ])
    }
  })

  it('only an owner of the compound files; bad input is refused and nothing is written', async () => {
    const { s, firm } = await world(302)
    expect((await file(s.community.id, s.committee)).status).toBe(403)
    expect((await file(s.community.id, firm.token)).status).toBe(403)
    const bad = await file(s.community.id, s.owner, { category: 'weather' })
    expect(bad.status).toBe(400)
    expect((await file(s.community.id, s.owner, { photos: ['not-a-hash'] })).status).toBe(400)
    const list = await h.request('GET', `/api/communities/${s.community.id}/complaints`, { token: s.owner })
    expect(list.json.complaints).toHaveLength(0)
  })

  it('first contact counts working days on the official calendar: filed before National Day, due at the end of 10-08', () => {
    expect(endOfWorkingDay(new Date('2026-09-30T02:00:00Z'), 1).toISOString()).toBe(endOfBeijingDay('2026-10-08'))
    // Friday 10-09, 23:59 Beijing: the next working day is Saturday 10-10 (调休)
    expect(endOfWorkingDay(new Date('2026-10-09T15:59:00Z'), 1).toISOString()).toBe(endOfBeijingDay('2026-10-10'))
  })
})

describe('complaints: the closed loop', () => {
  it('contact, handle, resolve; an unsatisfied owner reopens it; confirmed, it closes; every step is on record with who and when', async () => {
    const { s, firm } = await world(303)
    const c = (await file(s.community.id, s.owner)).json
    expect((await act(c.id, 'resolve', firm.token, { note: '已清运' })).status).toBe(409) // no contact yet
    h.clock.advance(10 * 60_000)
    const contacted = await act(c.id, 'contact', firm.token, { note: '已电话联系业主，今日下午清运' })
    expect(contacted.json).toMatchObject({ status: 'contacted', contactedOnTime: true })
    expect((await act(c.id, 'handle', firm.token, { note: '安排保洁两人清运' })).json.status).toBe('handling')
    expect((await h.request('POST', `/api/complaints/${c.id}/review`, { token: s.owner, json: { satisfied: true } })).status).toBe(409) // not resolved yet
    const resolved = await act(c.id, 'resolve', firm.token, { note: '已清运并消毒' })
    expect(resolved.json).toMatchObject({ status: 'resolved', resolvedOnTime: true })
    expect(resolved.json.reviewBy).toBe(new Date(h.clock.now().getTime() + 7 * DAY).toISOString())

    h.clock.advance(DAY)
    const owner = await renew(s.owner)
    const reopened = await h.request('POST', `/api/complaints/${c.id}/review`, { token: owner, json: { satisfied: false, comment: '第二天又堆满了' } })
    expect(reopened.json).toMatchObject({ status: 'handling', satisfied: false, reopenCount: 1, resolvedAt: null })
    expect(reopened.json.resolveBy).toBe(new Date(h.clock.now().getTime() + 7 * DAY).toISOString())
    const firmToken = await renew(firm.token)
    await act(c.id, 'resolve', firmToken, { note: '增加每日两次清运' })
    const closed = await h.request('POST', `/api/complaints/${c.id}/review`, { token: owner, json: { satisfied: true } })
    expect(closed.json).toMatchObject({ status: 'closed', satisfied: true })

    const detail = await get(c.id, owner)
    expect(detail.json.events.map((e: { kind: string; actorRole: string }) => `${e.kind}:${e.actorRole}`)).toEqual([
      'filed:owner',
      'dispatched:system',
      'contact:firm',
      'handle:firm',
      'resolve:firm',
      'reopened:owner',
      'resolve:firm',
      'confirmed:owner',
    ])
    for (const e of detail.json.events) expect(e.at).toMatch(/Z$/)
    expect(detail.json.events[5].note).toBe('第二天又堆满了')
    // another owner of the compound does not see it
    const other = await h.login(newPhone())
    expect((await get(c.id, other.accessToken)).status).toBe(403)
  })

  it('past a deadline it escalates to community staff, then to the street; the run is idempotent', async () => {
    const { s, staff } = await world(304)
    const c = (await file(s.community.id, s.owner)).json
    expect(await runComplaintDeadlines(h.services)).toMatchObject({ escalatedToCommunity: 0 })
    // Monday 23:59 Beijing: still in time
    h.clock.set(new Date(Date.parse(endOfBeijingDay('2026-11-23')) - 60_000))
    await runComplaintDeadlines(h.services)
    const staffToken = await renew(staff)
    expect((await get(c.id, staffToken)).json.escalation).toBe(0)
    h.clock.advance(2 * 60_000) // Tuesday 00:01: first contact missed
    // (other tests' complaints share the database: count at least this one, then none on a second run)
    expect((await runComplaintDeadlines(h.services)).escalatedToCommunity).toBeGreaterThanOrEqual(1)
    expect((await runComplaintDeadlines(h.services)).escalatedToCommunity).toBe(0)
    let now = await get(c.id, await renew(staff))
    expect(now.json).toMatchObject({ escalation: 1, contactedOnTime: false })
    // two working days more: the end of Thursday 11-26
    h.clock.set(new Date(Date.parse(endOfBeijingDay('2026-11-26')) - 60_000))
    await runComplaintDeadlines(h.services)
    expect((await get(c.id, await renew(staff))).json.escalation).toBe(1)
    h.clock.advance(2 * 60_000)
    expect((await runComplaintDeadlines(h.services)).escalatedToStreet).toBeGreaterThanOrEqual(1)
    now = await get(c.id, await renew(staff))
    expect(now.json.escalation).toBe(2)
    expect(now.json.events.slice(-2).map((e: { kind: string; actorRole: string; actorUserId: string | null }) => [e.kind, e.actorRole, e.actorUserId])).toEqual([
      ['escalated_community', 'system', null],
      ['escalated_street', 'system', null],
    ])
  })

  it('an emergency escalates after 2 hours; a resolved complaint left unanswered closes itself after 7 days', async () => {
    const { s, firm } = await world(305)
    const e = (await file(s.community.id, s.owner, { category: 'elevator_trapped', body: '2栋电梯困人，已按警铃无人应答', place: '2栋电梯' })).json
    h.clock.advance(2 * HOUR + 1000)
    expect((await runComplaintDeadlines(h.services)).escalatedToCommunity).toBeGreaterThanOrEqual(1)
    const firmToken = await renew(firm.token)
    const late = await act(e.id, 'contact', firmToken, { note: '维保人员已到场' })
    expect(late.json).toMatchObject({ status: 'contacted', contactedOnTime: false, escalation: 1 })
    const done = await act(e.id, 'resolve', firmToken, { note: '已解困，电梯停用检修' })
    expect(done.json.resolvedOnTime).toBe(false)
    h.clock.advance(7 * DAY + 1000)
    expect((await runComplaintDeadlines(h.services)).autoClosed).toBeGreaterThanOrEqual(1)
    const closed = await get(e.id, await renew(s.owner))
    expect(closed.json).toMatchObject({ status: 'closed', satisfied: null })
    expect(closed.json.events.at(-1)).toMatchObject({ kind: 'auto_closed', actorRole: 'system' })
  })
})

describe('complaints: desks that are not responsible, and who sees what', () => {
  it('a department sends back within 2 working days with a reason; community staff re-dispatch; later is too late', async () => {
    const { s, staff } = await world(306)
    const police = await departmentStaff(s, 'police')
    const urban = await departmentStaff(s, 'urban_management')
    const c = (await file(s.community.id, s.owner, { category: 'public_order', body: '地下车库入口被私家车长期堵塞', place: '地下车库入口' })).json
    expect(c.desk).toBe('police')
    expect((await act(c.id, 'contact', urban, { note: '不是我们' })).status).toBe(404) // not its desk: it does not even see it
    const back = await act(c.id, 'send-back', police, { note: '车库属小区内部道路，应由城管处理占用停车设施' })
    expect(back.json).toMatchObject({ status: 'returned', desk: null })
    expect((await act(c.id, 'dispatch', police, { desk: 'urban_management', note: 'x' })).status).toBe(403)
    const again = await act(c.id, 'dispatch', staff, { desk: 'urban_management', note: '改派城市管理部门' })
    expect(again.json).toMatchObject({ status: 'dispatched', desk: 'urban_management', sendBackBy: endOfBeijingDay('2026-11-24') })
    // Wednesday: past the urban management desk's send-back window
    h.clock.set(new Date('2026-11-25T02:00:00Z'))
    const late = await act(c.id, 'send-back', await renew(urban), { note: '也不是我们' })
    expect(late.status).toBe(409)
    expect(late.json.error.details.reason).toBe('send_back_window_over')
    const events = (await get(c.id, await renew(staff))).json.events.map((e: { kind: string; actorRole: string }) => `${e.kind}:${e.actorRole}`)
    expect(events).toEqual(['filed:owner', 'dispatched:system', 'send_back:department', 'dispatched:community_staff'])
  })

  it('the firm sees complaints about it, never the identity of an owner who asked; departments see only their own; another district sees nothing', async () => {
    const { s, firm, staff } = await world(307)
    const hidden = (await file(s.community.id, s.owner, { hideFromFirm: true, category: 'service_attitude', body: '前台工作人员态度恶劣', place: '物业服务中心' })).json
    const open = (await file(s.community.id, s.owner, { category: 'common_repair', body: '5栋单元门禁损坏', place: '5栋单元门' })).json
    const dogs = (await file(s.community.id, s.owner, { category: 'dogs', body: '有人遛狗不牵绳', place: '中心花园' })).json
    expect(hidden.complainant).not.toBeNull() // the owner sees themself

    const seen = await h.request('GET', `/api/communities/${s.community.id}/complaints`, { token: firm.token })
    expect(seen.json.complaints.map((c: { id: string }) => c.id).sort()).toEqual([hidden.id, open.id].sort())
    const asFirm = await get(hidden.id, firm.token)
    expect(asFirm.json.complainant).toBeNull()
    expect(asFirm.json.events[0]).toMatchObject({ kind: 'filed', actorUserId: null })
    expect(JSON.stringify(asFirm.json)).not.toContain(s.ownerUserId)
    expect((await get(open.id, firm.token)).json.complainant).toMatchObject({ userId: s.ownerUserId })
    expect((await get(dogs.id, firm.token)).status).toBe(404)

    const staffView = await get(hidden.id, staff)
    expect(staffView.json.complainant).toMatchObject({ userId: s.ownerUserId })
    const police = await departmentStaff(s, 'police')
    const policeList = await h.request('GET', `/api/communities/${s.community.id}/complaints`, { token: police })
    expect(policeList.json.complaints.map((c: { id: string }) => c.id)).toEqual([dogs.id])
    expect((await get(dogs.id, police)).json.complainant).toMatchObject({ userId: s.ownerUserId })
    const elsewhere = await departmentStaff(s, 'police', '另一个区')
    expect((await get(dogs.id, elsewhere)).status).toBe(403)
    expect((await h.request('GET', `/api/communities/${s.community.id}/complaints`, { token: elsewhere })).status).toBe(403)
  })
})

describe('complaints: the ledger and the quarter rates', () => {
  it('per desk: response, resolution and satisfaction rates; the ledger as CSV and XLSX without identities', async () => {
    const { s, firm, staff } = await world(308)
    const a = (await file(s.community.id, s.owner)).json
    const b = (await file(s.community.id, s.owner, { category: 'greenery_upkeep', body: '草坪半年没修剪', place: '中心花园' })).json
    await file(s.community.id, s.owner, { category: 'fees', body: '停车费未明码标价', place: '车库入口' })
    await act(a.id, 'contact', firm.token, { note: '已联系' })
    await act(a.id, 'resolve', firm.token, { note: '已清运' })
    await h.request('POST', `/api/complaints/${a.id}/review`, { token: s.owner, json: { satisfied: true } })
    h.clock.set(new Date('2026-11-24T02:00:00Z')) // b's first contact (end of Monday) missed
    await runComplaintDeadlines(h.services)
    const token = await renew(staff)
    const rates = await h.request('GET', `/api/communities/${s.community.id}/complaints/rates?quarter=2026Q4`, { token })
    expect(rates.status).toBe(200)
    const byDesk = Object.fromEntries(rates.json.desks.map((d: { desk: string }) => [d.desk, d]))
    expect(byDesk.firm).toMatchObject({
      filed: 2,
      firmId: firm.firmId,
      response: { hits: 1, of: 2, percent: 50 },
      resolution: { hits: 1, of: 1, percent: 100 },
      satisfaction: { hits: 1, of: 1, percent: 100 },
    })
    expect(byDesk.market_regulation).toMatchObject({ filed: 1, response: { hits: 0, of: 1 } })
    expect(b.id).toBeTruthy()

    const csv = await h.request('GET', `/api/communities/${s.community.id}/complaints/ledger.csv?quarter=2026Q4`, { token })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/)
    expect(lines[0]).toMatch(/^编号,受理时间,类别/)
    expect(lines).toHaveLength(4)
    expect(csv.text).toContain('2026年11月20日 10:00')
    expect(csv.text).toContain('社区督办')
    expect(csv.text).not.toContain(s.ownerUserId)
    const xlsx = await h.request('GET', `/api/communities/${s.community.id}/complaints/ledger.xlsx?quarter=2026Q4`, { token })
    expect(xlsx.status).toBe(200)
    expect((await h.request('GET', `/api/communities/${s.community.id}/complaints/ledger.csv?quarter=2026Q4`, { token: await renew(s.owner) })).status).toBe(403)
    expect((await h.request('GET', `/api/communities/${s.community.id}/complaints/rates?quarter=Q4`, { token })).status).toBe(400)
  })
})
