import { addMonthsToDate, shanghaiDate } from '../../shared/time'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIRM_PROFILE, firmServingCommunity, newPhone, renewToken, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const profile = FIRM_PROFILE
const firmServing = (s: Awaited<ReturnType<typeof setupCommunity>>, seed: number) => firmServingCommunity(h, s, seed)

describe('the firm’s standing profile and fee schedule (issue 4, first step)', () => {
  it('firm staff post the profile; anyone reads the newest; every version is kept', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServing(s, 1)
    const none = await h.request('GET', `/api/communities/${s.community.id}/firm-profile`)
    expect(none.status).toBe(404)
    const put = await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: firm.token, json: profile })
    expect(put.status).toBe(200)
    expect(put.json).toMatchObject({ firm: { id: firm.firmId }, content: { priceHotline: '12358', serviceGrade: '二级' }, versions: 1 })
    await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: firm.token, json: { ...profile, complaintPhone: '0833-5559999' } })
    const pub = await h.request('GET', `/api/communities/${s.community.id}/firm-profile`)
    expect(pub.json).toMatchObject({ content: { complaintPhone: '0833-5559999' }, versions: 2 })
    // staff of a firm with no contract here cannot post for this community
    const other = await setupCommunity(h, { units: 1 })
    const elsewhere = await firmServing(other, 2)
    const refused = await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: elsewhere.token, json: profile })
    expect(refused.status).toBe(403)
    const bad = await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: firm.token, json: { ...profile, complaintPhone: 'call me' } })
    expect(bad.status).toBe(400)
  })

  it('fees in fen against the guided price: a change needs a month’s notice; above the range is flagged', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServing(s, 3)
    await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: firm.token, json: profile })
    const fee = { item: '物业服务费（住宅）', payer: '业主', basis: 'per_m2_month', rateFen: 180, startsOn: '2026-01-01', regime: 'guided' }
    expect((await h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token: firm.token, json: fee })).status).toBe(201)
    // the fake clock says 2026-11-20: the earliest a change may apply is 2026-12-20
    const early = await h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token: firm.token, json: { ...fee, rateFen: 260, startsOn: '2026-12-19' } })
    expect(early.status).toBe(400)
    expect(early.json.error.details.issues[0]).toMatchObject({ code: 'notice_too_short', message: expect.stringContaining('2026-12-20') })
    expect((await h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token: firm.token, json: { ...fee, rateFen: 260, startsOn: '2026-12-20' } })).status).toBe(201)
    const decimal = await h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token: firm.token, json: { ...fee, item: '车位费', rateFen: 1.5 } })
    expect(decimal.status).toBe(400)

    // community staff of the district publish the guided price for grade 二级
    const staffPhone = newPhone()
    const c = s.community as { district: string; street: string; residentsCommittee: string }
    await h.request('POST', '/api/role-grants', { token: s.admin, json: { role: 'community_staff', phone: staffPhone, district: c.district, street: c.street } })
    const staff = (await h.login(staffPhone)).accessToken
    const ref = { district: c.district, serviceGrade: '二级', item: '物业服务费（住宅）', basis: 'per_m2_month', baseFen: 200, minFen: 160, maxFen: 240, effectiveFrom: '2025-01-01' }
    expect((await h.request('POST', '/api/reference-prices', { token: firm.token, json: ref })).status).toBe(403)
    expect((await h.request('POST', '/api/reference-prices', { token: staff, json: { ...ref, minFen: 250 } })).status).toBe(400)
    expect((await h.request('POST', '/api/reference-prices', { token: staff, json: ref })).status).toBe(201)

    const schedule = await h.request('GET', `/api/communities/${s.community.id}/fees`)
    expect(schedule.status).toBe(200)
    expect(schedule.json.inForce).toEqual([expect.objectContaining({ rateFen: 180, aboveRange: false, reference: expect.objectContaining({ maxFen: 240 }) })])
    expect(schedule.json.upcoming).toEqual([expect.objectContaining({ rateFen: 260, startsOn: '2026-12-20', aboveRange: true })])
    expect(schedule.json.flagged.map((l: { rateFen: number }) => l.rateFen)).toEqual([260])
    // the change is on the board from now until a month after it applies; a first posting is not a change
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    const changes = board.json.notices.filter((n: { kind: string }) => n.kind === 'fee_change')
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({ title: '收费调整公示：物业服务费（住宅）', pinned: true, issuerLabel: '物业服务企业', endsAt: '2027-01-19T16:00:00.000Z' })
    expect(changes[0].body).toContain('由 1.80 元/㎡·月 调整为 2.60 元/㎡·月，自 2026-12-20 起执行')
  })

  it('a near-duplicate name is the same item, a guided price stays guided, and an item added after the first week is posted a month ahead', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServing(s, 4)
    let token = firm.token
    const post = (json: Record<string, unknown>) => h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token, json })
    const fee = { item: '物业服务费（住宅）', payer: '业主', basis: 'per_m2_month', rateFen: 180, startsOn: '2026-01-01', regime: 'guided' }
    expect((await post(fee)).status).toBe(201)
    // the same week: the schedule as it stands, entered without notice
    expect((await post({ ...fee, item: '车位管理费', basis: 'per_vehicle_month', rateFen: 6000, regime: 'market' })).status).toBe(201)
    // half-width brackets and spaces: the same item, so a backdated market rate is refused twice over
    const sneaky = await post({ ...fee, item: '物业服务费 (住宅)', rateFen: 350, startsOn: '2026-10-01', regime: 'market' })
    expect(sneaky.status).toBe(400)
    expect(sneaky.json.error.details.issues[0]).toMatchObject({ code: 'notice_too_short', message: expect.stringContaining('调整收费须提前一个月公示') })
    const market = await post({ ...fee, item: '物业服务费(住宅)', rateFen: 350, startsOn: '2027-01-01', regime: 'market' })
    expect(market.json.error.details.issues[0].code).toBe('regime_changed')
    // a week on, a new item is a change to the schedule in force
    h.clock.advance(8 * 86_400_000)
    token = await renewToken(h, token)
    const added = await post({ ...fee, item: '二次供水加压费', rateFen: 20, startsOn: '2026-12-01' })
    expect(added.json.error.details.issues[0]).toMatchObject({ code: 'notice_too_short', message: expect.stringContaining('新增收费项目须提前一个月公示') })
    const later = addMonthsToDate(shanghaiDate(h.clock.now()), 1)
    expect((await post({ ...fee, item: '二次供水加压费', rateFen: 20, startsOn: later })).status).toBe(201)
    const schedule = (await h.request('GET', `/api/communities/${s.community.id}/fees`)).json
    expect(schedule.inForce.map((l: { item: string }) => l.item).sort()).toEqual(['物业服务费（住宅）', '车位管理费'].sort())
    const board = (await h.request('GET', `/api/communities/${s.community.id}/notices`)).json.notices.filter((n: { kind: string }) => n.kind === 'fee_change')
    expect(board.map((n: { title: string }) => n.title)).toEqual(['新增收费项目公示：二次供水加压费'])
    // the firm corrects its own fee notice (issued as 物业服务企业); the committee cannot (it posts no fee notices)
    const correction = { title: '新增收费项目公示：二次供水加压费（更正）', body: '更正后的正文' }
    expect((await h.request('POST', `/api/notices/${board[0].id}/corrections`, { token: await renewToken(h, s.committee), json: correction })).status).toBe(403)
    const fixed = await h.request('POST', `/api/notices/${board[0].id}/corrections`, { token, json: correction })
    expect(fixed.status, fixed.text).toBe(201)
  })
})
