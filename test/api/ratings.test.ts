import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bulkOwners, communityStaff, firmServingCommunity, newPhone, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { allScores as all } from '../helpers/ratings'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const rate = (cid: string, token: string, scores: Record<string, number>, comment: string | null = null) =>
  h.request('PUT', `/api/communities/${cid}/ratings/mine`, { token, json: { scores, comment } })

describe("owners' quarterly ratings of their firm", () => {
  it('shown only as distributions and a rate; never one owner’s rating; only owners rate', async () => {
    h.clock.set(new Date('2026-11-20T02:00:00Z'))
    const s = await setupCommunity(h, { units: 4 })
    const firm = await firmServingCommunity(h, s, 402)
    await rate(s.community.id, s.owner, { ...all(5), cleaning: 3 }, '垃圾站太臭')
    const few = await h.request('GET', `/api/communities/${s.community.id}/ratings?quarter=2026Q4`, { token: firm.token })
    expect(few.json.firms[0]).toMatchObject({ responses: 1, shown: false, percent: null })
    expect(few.json.firms[0].dimensions[0].counts).toEqual([])
    const others = await bulkOwners(h, s.community.id, s.rows.slice(1, 4))
    await rate(s.community.id, others[0]!.token, all(4))
    await rate(s.community.id, others[1]!.token, all(5))
    await rate(s.community.id, others[2]!.token, { ...all(5), repairs: 1 })
    const seen = await h.request('GET', `/api/communities/${s.community.id}/ratings?quarter=2026Q4`, { token: firm.token })
    expect(seen.json.firms[0]).toMatchObject({ responses: 4, satisfied: 18, of: 20, percent: 90, meetsTarget: true })
    expect(seen.json.firms[0].dimensions.find((d: { dimension: string }) => d.dimension === 'cleaning').counts).toEqual([0, 0, 1, 1, 2])
    const text = JSON.stringify(seen.json)
    expect(text).not.toContain(s.ownerUserId)
    expect(text).not.toContain('垃圾站太臭')
    expect((await rate(s.community.id, s.committee, all(5))).status).toBe(403)
    expect((await rate(s.community.id, firm.token, all(5))).status).toBe(403)
    expect((await rate(s.community.id, s.owner, { ...all(5), cleaning: 6 })).status).toBe(400)
  })
  it('one rating per voter per quarter: a second rating replaces the first, also from the same owner’s other account; the next quarter starts afresh', async () => {
    h.clock.set(new Date('2026-12-31T15:00:00Z')) // 2026-12-31 23:00 Beijing
    const s = await setupCommunity(h, { units: 4 })
    const firm = await firmServingCommunity(h, s, 401)
    const staff = await communityStaff(h, s)
    expect((await rate(s.community.id, s.owner, all(2), '保洁不及时')).status).toBe(200)
    const again = await rate(s.community.id, s.owner, all(4))
    expect(again.json).toMatchObject({ quarter: '2026Q4', scores: all(4), comment: null })
    // the same roster owner signed in with another phone rates as the same voter (a second account
    // for an owner already bound waits for the committee, who approve it)
    const second = await h.login(newPhone())
    const row = s.rows[0]!
    const bound = await h.request('POST', `/api/communities/${s.community.id}/bindings`, {
      token: second.accessToken,
      json: { name: row.业主姓名, idNumber: row.证件号码, building: row.楼栋, unit: row.单元, room: row.房号 },
    })
    expect(bound.json.status).toBe('pending')
    const pending = (await h.request('GET', `/api/communities/${s.community.id}/bindings?status=pending`, { token: s.committee })).json.bindings.find((b: { id: string }) => b.id === bound.json.id)
    expect((await h.request('POST', `/api/bindings/${bound.json.id}/approve`, { token: s.committee, json: { ownerId: pending.rosterOwners[0].id } })).json.status).toBe('verified')
    await rate(s.community.id, second.accessToken, all(5))
    expect((await h.request('GET', `/api/communities/${s.community.id}/ratings/mine`, { token: s.owner })).json.rating.scores).toEqual(all(5))
    const others = await bulkOwners(h, s.community.id, s.rows.slice(1, 3))
    for (const o of others) await rate(s.community.id, o.token, all(5))
    const q4 = await h.request('GET', `/api/communities/${s.community.id}/ratings?quarter=2026Q4`, { token: staff })
    expect(q4.json.firms).toHaveLength(1)
    expect(q4.json.firms[0]).toMatchObject({ firmId: firm.firmId, responses: 3, shown: true, satisfied: 15, of: 15, percent: 100, targetPercent: 90, meetsTarget: true })

    h.clock.advance(2 * 3_600_000) // 2027-01-01 01:00 Beijing: a new quarter
    const fresh = await h.request('GET', `/api/communities/${s.community.id}/ratings/mine`, { token: (await h.login(newPhone())).accessToken })
    expect(fresh.status).toBe(403) // not an owner here
    const o = others[0]!
    const { startSession } = await import('../../worker/services/auth/sessions')
    const token = (await startSession(h.services, o.userId)).accessToken
    expect((await h.request('GET', `/api/communities/${s.community.id}/ratings/mine`, { token })).json).toEqual({ quarter: '2027Q1', rating: null })
    expect((await rate(s.community.id, token, all(1))).json.quarter).toBe('2027Q1')
    const after = await h.request('GET', `/api/communities/${s.community.id}/ratings?quarter=2026Q4`, { token })
    expect(after.json.firms[0]).toMatchObject({ responses: 3, percent: 100 }) // the past quarter is closed
  })

})
