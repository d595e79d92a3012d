import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { complaints } from '../../drizzle/schema'
import { browserSession } from '../helpers/browser-session'
import { firmServingCommunity, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

describe('complaints on H5 (接诉即办 for owners without the mini-program)', () => {
  it('an owner files a complaint, follows it, and confirms the answer; a bad form stores nothing; others are refused', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const firm = await firmServingCommunity(h, s, 91)
    const me = await h.request('GET', '/api/me', { token: s.owner })
    const b = browserSession(h)
    h.clock.advance(61_000) // the owner signed in through the API a moment ago
    await b.login(me.json.phone)
    const home = await b.get(`/h5/c/${s.community.id}`)
    expect(home.text).toContain(`/h5/c/${s.community.id}/complaints`)
    const empty = await b.get(`/h5/c/${s.community.id}/complaints`)
    expect(empty.status).toBe(200)
    expect(empty.text).toContain('您还没有投诉')

    const short = await b.post(`/h5/c/${s.community.id}/complaints`, { category: 'cleaning', place: '3栋', body: '脏' })
    expect(short.status).toBe(422)
    expect(await h.db.select().from(complaints).where(eq(complaints.communityId, s.community.id))).toHaveLength(0)

    const filed = await b.post(`/h5/c/${s.community.id}/complaints`, { category: 'cleaning', place: '3栋门口', body: '垃圾三天没有清运，气味很大', hideFromFirm: '1' })
    expect(filed.status).toBe(303) // POST → redirect → GET: a reload does not file twice
    const list = await b.get(filed.headers.get('location')!)
    expect(list.text).toContain('已受理')
    expect(list.text).toContain('垃圾三天没有清运')
    expect(list.text).toContain('物业服务企业')
    const [row] = await h.db.select().from(complaints).where(eq(complaints.communityId, s.community.id))
    expect(row).toMatchObject({ category: 'cleaning', hiddenFromFirm: true, status: 'dispatched' })

    // the firm answers; the owner confirms on the page and the case is closed (动态销号)
    expect((await h.request('POST', `/api/complaints/${row!.id}/contact`, { token: firm.token, json: { note: '已电话联系' } })).status).toBe(200)
    expect((await h.request('POST', `/api/complaints/${row!.id}/resolve`, { token: firm.token, json: { note: '已清运' } })).status).toBe(200)
    const resolved = await b.get(`/h5/c/${s.community.id}/complaints`)
    expect(resolved.text).toContain('办理结果您满意吗')
    const reviewed = await b.post(`/h5/complaints/${row!.id}/review`, { satisfied: 'yes' })
    expect(reviewed.status).toBe(303)
    expect((await b.get(reviewed.headers.get('location')!)).text).toContain('已收到您的评价')
    const [closed] = await h.db.select().from(complaints).where(eq(complaints.id, row!.id))
    expect(closed).toMatchObject({ status: 'closed', satisfied: true })

    // a form from another site is refused; a signed-out visitor goes to the login page
    const forged = await b.post(`/h5/c/${s.community.id}/complaints`, { category: 'cleaning', place: '3栋', body: '伪造的投诉内容' }, { origin: 'https://evil.example' })
    expect(forged.status).toBe(403)
    expect((await browserSession(h).get(`/h5/c/${s.community.id}/complaints`)).status).toBe(303)
    expect(await h.db.select().from(complaints).where(eq(complaints.communityId, s.community.id))).toHaveLength(1)
  })
})
