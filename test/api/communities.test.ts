import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminToken, createCommunity, newPhone, setupCommunity, usccFor } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
let admin: string
beforeAll(async () => {
  h = await startHarness()
  admin = await adminToken(h)
})
afterAll(async () => {
  await h?.close()
})

describe('communities', () => {
  it('an admin creates one with default settings; anyone may read its public profile', async () => {
    const c = await createCommunity(h, admin)
    const res = await h.request('GET', `/api/communities/${c.id}`)
    expect(res.status).toBe(200)
    expect(res.json.settings).toEqual({
      parkingCountsArea: false,
      revotePolicy: 'change_until_close',
      nonVoterRule: 'ignore',
      spoiledParticipate: true,
      paperVsElectronic: 'electronic',
      proxyLimit: 5,
      showSplitWhileOpen: false,
      reminderHoursBeforeClose: [72, 24],
      statementDeadlineMonths: 1,
    })
    expect(res.json.currentRosterVersion).toBeNull()
  })

  it('validates the body with field-level details', async () => {
    const res = await h.request('POST', '/api/communities', { token: admin, json: { name: '', district: 'x', settings: { proxyLimit: 0 } } })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('VALIDATION_FAILED')
    const paths = res.json.error.details.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['name', 'street', 'residentsCommittee', 'settings.proxyLimit']))
    const notJson = await h.request('POST', '/api/communities', { token: admin, body: '{"name":', headers: { 'content-type': 'application/json' } })
    expect(notJson.status).toBe(400)
    expect(notJson.json.error.code).toBe('INVALID_JSON')
    const wrongType = await h.request('POST', '/api/communities', { token: admin, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(wrongType.status).toBe(415)
  })

  it('the committee changes settings (audited); an owner cannot', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const denied = await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.owner, json: { parkingCountsArea: true } })
    expect(denied.status).toBe(403)
    const ok = await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { parkingCountsArea: true, nonVoterRule: 'follow_majority' } })
    expect(ok.status).toBe(200)
    expect(ok.json.settings).toMatchObject({ parkingCountsArea: true, nonVoterRule: 'follow_majority', proxyLimit: 5 })
    const audit = await h.request('GET', `/api/communities/${s.community.id}/audit?limit=1`, { token: s.committee })
    expect(audit.json.entries[0]).toMatchObject({ action: 'community.settings_changed', details: { changed: { parkingCountsArea: true, nonVoterRule: 'follow_majority' } } })
    const empty = await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: {} })
    expect(empty.status).toBe(400)
  })

  it('lists a user their own communities only; an admin sees all', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const other = await createCommunity(h, admin)
    const mine = await h.request('GET', '/api/communities', { token: s.owner })
    expect(mine.json.communities.map((c: { id: string }) => c.id)).toEqual([s.community.id])
    const all = await h.request('GET', '/api/communities', { token: admin })
    expect(all.json.communities.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([s.community.id, other.id]))
  })

  it('unknown community: 404 with the error shape', async () => {
    const res = await h.request('GET', '/api/communities/does-not-exist/role-grants', { token: admin })
    expect(res.status).toBe(404)
    expect(res.json.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/未找到/), requestId: expect.any(String) })
  })
})

describe('roles', () => {
  it('community staff cover every community of their residents’ committee, and no other', async () => {
    const c1 = await createCommunity(h, admin)
    const staffPhone = newPhone()
    const g = await h.request('POST', '/api/role-grants', { token: admin, json: { role: 'community_staff', phone: staffPhone, district: c1.district, street: c1.street, residentsCommittee: c1.residentsCommittee } })
    expect(g.status).toBe(201)
    expect(g.json.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/)
    const staff = await h.login(staffPhone)
    const me = await h.request('GET', '/api/me', { token: staff.accessToken })
    expect(me.json.communities).toEqual([expect.objectContaining({ communityId: c1.id, roles: ['community_staff'] })])
    const c2 = await createCommunity(h, admin)
    const denied = await h.request('GET', `/api/communities/${c2.id}/audit`, { token: staff.accessToken })
    expect(denied.status).toBe(403)
  })

  it('firm staff act only where their firm has a contract in force', async () => {
    const c = await createCommunity(h, admin)
    const firm = await h.request('POST', '/api/firms', { token: admin, json: { name: '合同测试物业', uscc: usccFor(31) } })
    expect(firm.status).toBe(201)
    const bad = await h.request('POST', '/api/firms', { token: admin, json: { name: '假公司', uscc: usccFor(32).slice(0, 17) + (usccFor(32).endsWith('0') ? '1' : '0') } })
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('USCC_INVALID')
    const phone = newPhone()
    await h.request('POST', '/api/role-grants', { token: admin, json: { role: 'firm_staff', phone, firmId: firm.json.id } })
    const staff = await h.login(phone)
    expect((await h.request('GET', '/api/me', { token: staff.accessToken })).json.communities).toEqual([])
    // a contract starting next month does not count yet (clock: 2026-11-20)
    await h.request('POST', `/api/communities/${c.id}/firm-contracts`, { token: admin, json: { firmId: firm.json.id, startsOn: '2026-12-01' } })
    expect((await h.request('GET', '/api/me', { token: staff.accessToken })).json.communities).toEqual([])
    h.clock.advance(12 * 86_400_000)
    try {
      const me = await h.request('GET', '/api/me', { token: (await h.login(phone)).accessToken })
      expect(me.json.communities).toEqual([expect.objectContaining({ communityId: c.id, roles: ['firm_staff'] })])
    } finally {
      h.clock.advance(-12 * 86_400_000)
    }
    const endsBefore = await h.request('POST', `/api/communities/${c.id}/firm-contracts`, { token: admin, json: { firmId: firm.json.id, startsOn: '2026-12-01', endsOn: '2026-01-01' } })
    expect(endsBefore.status).toBe(400)
  })

  it('granting and revoking a committee member is logged; revocation bites at once', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const grants = await h.request('GET', `/api/communities/${s.community.id}/role-grants`, { token: s.admin })
    const g = grants.json.grants.find((x: { role: string }) => x.role === 'committee')
    const again = await h.request('POST', `/api/communities/${s.community.id}/committee-members`, { token: s.admin, json: { phone: s.committeePhone } })
    expect(again.status).toBe(409)
    const del = await h.request('DELETE', `/api/communities/${s.community.id}/committee-members/${g.id}`, { token: s.admin })
    expect(del.status).toBe(204)
    const after = await h.request('GET', `/api/communities/${s.community.id}/audit`, { token: s.committee })
    expect(after.status).toBe(403)
    const audit = await h.request('GET', `/api/communities/${s.community.id}/audit`, { token: s.admin })
    const actions = audit.json.entries.map((e: { action: string }) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['role.granted', 'role.revoked']))
    // a grant id from another community is not found through this community
    const other = await setupCommunity(h, { units: 1 })
    const otherGrant = (await h.request('GET', `/api/communities/${other.community.id}/role-grants`, { token: s.admin })).json.grants[0]
    const cross = await h.request('DELETE', `/api/communities/${s.community.id}/committee-members/${otherGrant.id}`, { token: s.admin })
    expect(cross.status).toBe(404)
  })
})
