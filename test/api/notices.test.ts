import { eq } from 'drizzle-orm'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import { noticeScanDevices } from '../../drizzle/schema'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { communityStaff, newPhone, setupCommunity, usccFor } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const contacts = [
  { department: '公安（派出所）', handles: '治安、噪音扰民', phone: '110 / 0833-5550110' },
  { department: '城管', handles: '违章搭建、毁绿种菜', phone: '12319' },
]

const staffOf = (s: Awaited<ReturnType<typeof setupCommunity>>) => communityStaff(h, s)

describe('notices (issue 5, first step)', () => {
  it('who may post which kind', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const staff = await staffOf(s)
    const post = (token: string, json: Record<string, unknown>) => h.request('POST', `/api/communities/${s.community.id}/notices`, { token, json: { title: '公告标题', body: '正文', ...json } })
    expect((await post(s.committee, { kind: 'general' })).json).toMatchObject({ kind: 'general', issuerLabel: '业主委员会', version: 1 })
    expect((await post(s.owner, { kind: 'general' })).status).toBe(403)
    expect((await post(s.committee, { kind: 'enforcement_contacts', contacts })).status).toBe(403)
    expect((await post(s.committee, { kind: 'fee_change' })).status).toBe(403)
    expect((await post(s.committee, { kind: 'poll_announcement' })).status).toBe(400)
    const board = await post(staff, { kind: 'enforcement_contacts', title: '小区执法部门联系公示', body: '遇到以下问题请直接联系', contacts })
    expect(board.status).toBe(201)
    expect(board.json).toMatchObject({ issuerLabel: '测试社区', contacts })
    const firm = await h.request('POST', '/api/firms', { token: s.admin, json: { name: '公告物业', uscc: usccFor(300) } })
    const firmId = firm.status === 201 ? firm.json.id : firm.json.error.details.firmId
    await h.request('POST', `/api/communities/${s.community.id}/firm-contracts`, { token: s.admin, json: { firmId, startsOn: '2026-01-01' } })
    const fp = newPhone()
    await h.request('POST', '/api/role-grants', { token: s.admin, json: { role: 'firm_staff', phone: fp, firmId } })
    const fee = await post((await h.login(fp)).accessToken, { kind: 'fee_change', title: '物业费调整公示' })
    expect(fee.json.issuerLabel).toBe('公告物业')
  })

  it('every kind is corrected by every role that may post it (no hang on the embedded database)', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const staff = await staffOf(s)
    const firm = await h.request('POST', '/api/firms', { token: s.admin, json: { name: '更正物业', uscc: usccFor(301) } })
    const firmId = firm.status === 201 ? firm.json.id : firm.json.error.details.firmId
    await h.request('POST', `/api/communities/${s.community.id}/firm-contracts`, { token: s.admin, json: { firmId, startsOn: '2026-01-01' } })
    const fp = newPhone()
    await h.request('POST', '/api/role-grants', { token: s.admin, json: { role: 'firm_staff', phone: fp, firmId } })
    const firmToken = (await h.login(fp)).accessToken
    const tokenOf = { committee: s.committee, community_staff: staff, firm_staff: firmToken } as Record<string, string>
    const allowed: Record<string, string[]> = {
      general: ['committee', 'community_staff', 'firm_staff'],
      disclosure: ['firm_staff', 'committee'],
      fee_change: ['firm_staff'],
      enforcement_contacts: ['community_staff'],
    }
    const issuer = { committee: '业主委员会', community_staff: '测试社区', firm_staff: '更正物业' } as Record<string, string>
    for (const [kind, roles] of Object.entries(allowed)) {
      for (const role of roles) {
        const extra = kind === 'enforcement_contacts' ? { contacts } : {}
        const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: tokenOf[role]!, json: { kind, title: `${kind}公告`, body: '正文', ...extra } })
        expect(posted.status, `${role} posts ${kind}`).toBe(201)
        const fixed = await h.request('POST', `/api/notices/${posted.json.id}/corrections`, { token: tokenOf[role]!, json: { title: `${kind}公告（更正）`, body: '更正后的正文' } })
        expect(fixed.status, `${role} corrects ${kind}: ${fixed.text}`).toBe(201)
        expect(fixed.json).toMatchObject({ kind, version: 2, issuerLabel: issuer[role] })
      }
    }
    // the server still answers others
    expect((await h.request('GET', '/health')).status).toBe(200)
  })

  it("no one corrects another's notice: the firm cannot retitle the committee's, nor the committee take the firm's disclosure down early", async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await h.request('POST', '/api/firms', { token: s.admin, json: { name: '越权物业', uscc: usccFor(302) } })
    const firmId = firm.status === 201 ? firm.json.id : firm.json.error.details.firmId
    await h.request('POST', `/api/communities/${s.community.id}/firm-contracts`, { token: s.admin, json: { firmId, startsOn: '2026-01-01' } })
    const fp = newPhone()
    await h.request('POST', '/api/role-grants', { token: s.admin, json: { role: 'firm_staff', phone: fp, firmId } })
    const firmToken = (await h.login(fp)).accessToken
    const committees = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '关于物业服务质量的说明', body: '业委会收到多起投诉。' } })
    const hijack = await h.request('POST', `/api/notices/${committees.json.id}/corrections`, { token: firmToken, json: { title: '通知', body: '请业主注意防火。' } })
    expect(hijack.status).toBe(403)
    expect(hijack.json.error.code).toBe('NOTICE_NOT_YOURS')
    const endsAt = new Date(h.clock.now().getTime() + 30 * 86_400_000).toISOString()
    const disclosed = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: firmToken, json: { kind: 'disclosure', title: '公共收益公示', body: '广告收入3600元。', endsAt } })
    expect(disclosed.status, disclosed.text).toBe(201)
    expect((await h.request('POST', `/api/notices/${disclosed.json.id}/corrections`, { token: s.committee, json: { title: '已撤回', body: '无', endsAt: new Date(h.clock.now().getTime() + 3_600_000).toISOString() } })).json.error.code).toBe('NOTICE_NOT_YOURS')
    // the firm itself may correct its disclosure, but not shorten how long it stays up
    const shortened = await h.request('POST', `/api/notices/${disclosed.json.id}/corrections`, { token: firmToken, json: { title: '公共收益公示', body: '广告收入3600元。', endsAt: new Date(h.clock.now().getTime() + 3_600_000).toISOString() } })
    expect(shortened.status).toBe(400)
    expect(shortened.json.error.details.issues[0].code).toBe('display_shortened')
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    expect(board.json.notices.map((n: { id: string }) => n.id).sort()).toEqual([committees.json.id, disclosed.json.id].sort())
  })

  it('a correction is a new version; the old one leaves the board, stays on record and points to the new', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const first = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '停水通知', body: '11月25日停水。' } })
    const fixed = await h.request('POST', `/api/notices/${first.json.id}/corrections`, { token: s.committee, json: { title: '停水通知（更正）', body: '11月26日停水。' } })
    expect(fixed.status).toBe(201)
    expect(fixed.json).toMatchObject({ version: 2, supersedesId: first.json.id })
    const again = await h.request('POST', `/api/notices/${first.json.id}/corrections`, { token: s.committee, json: { title: 'x停水', body: 'y' } })
    expect(again.status).toBe(409)
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    expect(board.json.notices.map((n: { id: string }) => n.id)).toEqual([fixed.json.id])
    const old = await h.app.request(`/n/${first.json.code}`)
    const html = await old.text()
    expect(html).toContain('11月25日停水')
    expect(html).toContain(`/n/${fixed.json.code}`)
  })

  it('its QR code decodes to its public URL; the page opens with no sign-in and counts scans per day', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const n = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '电梯维保通知', body: '本周六上午电梯维保。' } })
    const png = await h.app.request(`/api/notices/${n.json.code}/qr.png`)
    expect(png.headers.get('content-type')).toBe('image/png')
    const img = PNG.sync.read(Buffer.from(await png.arrayBuffer()))
    const decoded = jsQR(new Uint8ClampedArray(img.data), img.width, img.height)
    expect(decoded?.data).toBe(n.json.url)
    expect(n.json.url).toBe(`${h.config.PUBLIC_BASE_URL}/n/${n.json.code}`)
    const svg = await h.app.request(`/api/notices/${n.json.code}/qr.svg`)
    expect(await svg.text()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    const phone = (ip: string, ua = 'Mozilla/5.0 (iPhone) MicroMessenger/8.0') => h.request('GET', `/n/${n.json.code}`, { ip, headers: { 'user-agent': ua } })
    for (const ip of ['10.9.0.1', '10.9.0.2', '10.9.0.3']) {
      const page = await phone(ip)
      expect(page.status).toBe(200)
      expect(page.text).toContain('电梯维保通知')
    }
    // one device reloading, or anyone hammering the page, counts once a day
    await Promise.all(Array.from({ length: 200 }, () => phone('10.9.0.1')))
    // two phones behind one household's address are two devices
    await phone('10.9.0.1', 'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0')
    h.clock.advance(86_400_000)
    try {
      await phone('10.9.0.1')
      await phone('10.9.0.1')
    } finally {
      h.clock.advance(-86_400_000)
    }
    const scans = await h.request('GET', `/api/notices/${n.json.id}/scans`, { token: s.committee })
    expect(scans.json).toEqual({ label: '扫码访问（按设备每日计一次）', scans: [{ day: '2026-11-20', count: 4 }, { day: '2026-11-21', count: 1 }] })
    // nothing personal is kept: no address, no user agent, only short digests
    const kept = await h.db.select().from(noticeScanDevices).where(eq(noticeScanDevices.noticeId, n.json.id))
    expect(kept).toHaveLength(5)
    for (const row of kept) expect(row.device).toMatch(/^[0-9a-f]{16}$/)
    expect(JSON.stringify(kept)).not.toMatch(/10\.9\.0|Mozilla/)
    expect((await h.request('GET', `/api/notices/${n.json.id}/scans`, { token: s.owner })).status).toBe(403)
    const poster = await h.app.request(`/n/${n.json.code}/poster`)
    const posterHtml = await poster.text()
    expect(posterHtml).toContain('<svg')
    expect(posterHtml).toContain('（盖章）')
    expect((await h.app.request('/n/nonexist')).status).toBe(404)
  })

  it('one address counts at most 100 devices a day for a notice, however many user agents it sends; another address, another notice or the next day still counts', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const post = (title: string) => h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title, body: '周日上午。' } })
    const [n, other] = [await post('消防演练通知'), await post('电梯停运通知')]
    const view = (code: string, ip: string, ua: string) => h.request('GET', `/n/${code}`, { ip, headers: { 'user-agent': ua } })
    for (let i = 0; i < 105; i++) expect((await view(n.json.code, '10.9.1.1', `Mozilla/5.0 (Linux; Android ${i})`)).status).toBe(200)
    expect((await view(n.json.code, '10.9.1.2', 'Mozilla/5.0 (iPhone)')).status).toBe(200)
    expect((await view(other.json.code, '10.9.1.1', 'Mozilla/5.0 (iPhone)')).status).toBe(200)
    h.clock.advance(86_400_000)
    try {
      expect((await view(n.json.code, '10.9.1.1', 'Mozilla/5.0 (iPhone)')).status).toBe(200)
    } finally {
      h.clock.advance(-86_400_000)
    }
    const counts = async (id: string) => (await h.request('GET', `/api/notices/${id}/scans`, { token: s.committee })).json.scans.map((d: { count: number }) => d.count)
    expect(await counts(n.json.id)).toEqual([101, 1])
    expect(await counts(other.json.id)).toEqual([1])
  })
})
