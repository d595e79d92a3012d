import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bindings } from '../../drizzle/schema'
import { browserSession } from '../helpers/browser-session'
import { idNumber, newPhone, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

/** The options of a <select name=…> in a page, as the roster spells them. */
const options = (html: string, name: string) => {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? ''
  return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])
}

describe('binding a flat on the H5 pages', () => {
  it('an owner picks building, unit and room from the roster’s own lists and is bound at once when name and ID match', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const b = browserSession(h)
    const signedOut = await b.get(`/h5/c/${s.community.id}/bind`)
    expect(signedOut.status).toBe(303)
    expect(signedOut.headers.get('location')).toContain('/h5/login?next=')
    await b.login(newPhone())
    const home = await b.get(`/h5/c/${s.community.id}`)
    expect(home.text).toContain(`/h5/c/${s.community.id}/bind`)
    // signed in already: the board asks for the flat, not for a sign-in
    expect(home.text).toContain('已绑定房屋的业主')
    expect(home.text).not.toContain('请先<a href="/h5/login')

    const step1 = await b.get(`/h5/c/${s.community.id}/bind`)
    expect(step1.status).toBe(200)
    expect(options(step1.text, 'building')).toEqual(['1栋'])
    // the building has one unit: its rooms come next, as the roster lists them
    const step3 = await b.get(`/h5/c/${s.community.id}/bind?building=${encodeURIComponent('1栋')}`)
    expect(options(step3.text, 'room')).toEqual(['1001', '1002', '1003'])
    expect(step3.text).toContain('value="1单元"')
    // building and unit read as two things, not "1栋单元：1单元"
    expect(step3.text).toMatch(/楼栋：<strong>1栋<\/strong><span>　单元：<strong>1单元<\/strong>/)
    const row = s.rows[1]!
    const bound = await b.post(`/h5/c/${s.community.id}/bind`, { building: '1栋', unit: '1单元', room: row.房号, name: row.业主姓名, idNumber: row.证件号码! })
    expect(bound.status).toBe(303)
    const state = await b.get(bound.headers.get('location')!)
    expect(state.text).toContain('绑定成功')
    expect(state.text).toContain('1栋1单元1002')
    expect(state.text).not.toMatch(/（\d{3}）/) // no status codes for people
    const me = await b.get('/h5/me')
    expect(me.text).toContain(s.community.name)
    expect(me.text).toContain('业主')
  })

  it('a mismatch waits with its reason and next step; a resubmission replaces it; a rejection says why; the owner ends a binding from the list', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const b = browserSession(h)
    await b.login(newPhone())
    const row = s.rows[2]!
    const claim = { building: row.楼栋, unit: row.单元!, room: row.房号, idNumber: idNumber(777) }
    const first = await b.post(`/h5/c/${s.community.id}/bind`, { ...claim, name: '业主3的儿子' })
    expect(first.status).toBe(303)
    const pending = await b.get(first.headers.get('location')!)
    expect(pending.text).toContain('等待审核')
    expect(pending.text).toContain('为什么要审核')
    expect(pending.text).toContain('新的申请会取代这一份')

    const again = await b.post(`/h5/c/${s.community.id}/bind`, { ...claim, name: '业主3之子' })
    expect(again.status).toBe(303)
    const rows = await h.db.select().from(bindings).where(and(eq(bindings.communityId, s.community.id), eq(bindings.unitKey, '1栋|1单元|1003')))
    expect(rows.map((r) => r.status).sort()).toEqual(['pending', 'revoked'])
    expect(rows.find((r) => r.status === 'pending')!.claimedName).toBe('业主3之子')

    const bad = await b.post(`/h5/c/${s.community.id}/bind`, { ...claim, room: '9999', name: '甲' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('业主名册中没有这个房屋')
    const badId = await b.post(`/h5/c/${s.community.id}/bind`, { ...claim, idNumber: '110101199001011234', name: '甲' })
    expect(badId.status).toBe(422)
    expect(badId.text).toContain('身份证号码有误，请对照证件重新填写')

    const pendingId = rows.find((r) => r.status === 'pending')!.id
    const rejected = await h.request('POST', `/api/bindings/${pendingId}/reject`, { token: s.committee, json: { reason: '与名册不符，请携带房产证到物业核验' } })
    expect(rejected.status).toBe(200)
    const list = await b.get('/h5/me/bindings')
    expect(list.text).toContain('未通过：与名册不符，请携带房产证到物业核验')
    const page = await b.get(`/h5/me/bindings/${pendingId}`)
    expect(page.text).toContain('绑定未通过')
    expect(page.text).toContain('与名册不符，请携带房产证到物业核验')

    const good = await b.post(`/h5/c/${s.community.id}/bind`, { ...claim, name: row.业主姓名, idNumber: row.证件号码! })
    const bid = /\/h5\/me\/bindings\/([\w-]+)/.exec(good.headers.get('location')!)![1]!
    const ended = await b.post(`/h5/me/bindings/${bid}/end`, {})
    expect(ended.status).toBe(303)
    expect((await b.get(`/h5/me/bindings/${bid}`)).text).toContain('已解除绑定')
    const [after] = await h.db.select().from(bindings).where(eq(bindings.id, bid))
    expect(after!.status).toBe('revoked')
    // another person's binding is not found, and cannot be ended
    const other = browserSession(h)
    await other.login(newPhone())
    expect((await other.get(`/h5/me/bindings/${pendingId}`)).status).toBe(404)
    expect((await other.post(`/h5/me/bindings/${pendingId}/end`, {})).status).toBe(404)
  })
})
