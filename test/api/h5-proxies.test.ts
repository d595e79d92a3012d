/**
 * The committee's written-proxy page (授权委托书, 指导规则 第26条) through the real HTTP app, as a
 * phone's browser uses it: the household found by its room as at the count, the photo's SHA-256
 * sent (or, without script, the photo hashed by the server), every refusal of the API in words
 * with what was typed kept, the poll's proxies listed, and a written one withdrawn after a
 * confirmation step. The script itself runs in test/browser/proxies.browser.test.ts.
 */
import { createHash } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { proxies } from '../../drizzle/schema'
import { beijingTime } from '../../shared/time'
import { browserSession, formField } from '../helpers/browser-session'
import { announcedPoll, idNumber, newPhone, openWindow, setupCommunity, type RosterRowInput } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const DOC = 'd'.repeat(64)
const deskOf = (pollId: string) => `/h5/polls/${pollId}/proxies/written`

/** Flats 1栋1单元1001–1006 (1001's owner bound, so online), a running poll, the committee signed in on H5. */
async function desk(settings?: Record<string, unknown>, window: Record<string, unknown> = {}) {
  const s = await setupCommunity(h, { units: 6 })
  if (settings) expect((await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: settings })).status).toBe(200)
  const p = await announcedPoll(h, s.community.id, s.committee, window)
  const voters = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string; units: string }[]
  const voterOf = (room: string) => voters.find((v) => v.units.endsWith(`-${room}`))!.voterId
  const b = browserSession(h)
  await b.login(s.committeePhone)
  return { s, p, b, voterOf, page: deskOf(p.id) }
}

const stored = (pollId: string) => h.db.select().from(proxies).where(eq(proxies.pollId, pollId))
/** The text of the page's refusal (role="alert"), tags stripped. */
const alertOf = (html: string) => /role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '') ?? null
/** The radio of a household, checked or not. */
const radioOf = (html: string, voterId: string) => new RegExp(`<input type="radio" name="voterId" value="${voterId}"[^>]*>`).exec(html)?.[0] ?? null

describe('written proxies on H5 (授权委托书, committee)', () => {
  it('finds the household by its room as at the count, records the signed sheet by its photo’s hash, and lists it', async () => {
    const { s, p, b, voterOf, page } = await desk()
    // the poll's page leads a committee member here
    expect((await b.get(`/h5/polls/${p.id}`)).text).toContain(`href="${page}"`)
    const empty = await b.get(page)
    expect(empty.status).toBe(200)
    expect(empty.text).toContain('本次表决的委托（0）')
    expect(empty.text).toMatch(/<input id="room" name="room" required="" autofocus=""/)
    // no script until the form with the photo is on the page, and the pages' policy unchanged
    expect(empty.text).not.toContain('<script')
    expect(empty.headers.get('content-security-policy')).not.toContain('script-src')

    // the room as typed at the count, short or in full; the owner's name masked as on the per-voter list
    for (const typed of ['1-1-1003', '1栋1单元1003室', '1-1003']) {
      const found = await b.get(`${page}?room=${encodeURIComponent(typed)}`)
      expect(found.status, typed).toBe(200)
      expect(found.text, typed).toContain('1栋-1单元-1003　业主 业**')
      // one household: already chosen, the cursor in the phone field
      expect(radioOf(found.text, voterOf('1003')), typed).toContain('checked=""')
      expect(found.text).toMatch(/<input id="proxyPhone" name="proxyPhone" type="tel" inputmode="numeric" autocomplete="off" maxlength="20" required="" autofocus=""/)
    }
    expect(alertOf((await b.get(`${page}?room=9-9-9999`)).text)).toContain('9-9-9999：该房屋不在本次表决的投票权人名单中')
    expect(alertOf((await b.get(`${page}?room=${encodeURIComponent('一号楼')}`)).text)).toContain('房号“一号楼”看不懂')

    // the form with the photo carries the script that hashes it, and the policy allows exactly that script
    const form = await b.get(`${page}?room=1-1-1003`)
    const script = /<script>([\s\S]*?)<\/script>/.exec(form.text)![1]!
    expect(script).toContain("crypto.subtle.digest('SHA-256'")
    const policy = form.headers.get('content-security-policy')!
    expect(policy).toContain("default-src 'none'")
    expect(policy).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`)
    expect(form.text).toContain('enctype="multipart/form-data"')
    expect(form.text).toMatch(/<input id="photo" name="photo" type="file" accept="image\/\*" required=""/)

    // what the script sends: the hash, no photo
    const phone = newPhone()
    const at = h.clock.now()
    const done = await b.post(page, { room: '1-1-1003', voterId: voterOf('1003'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })
    expect(done.status, done.text).toBe(303)
    const [row] = await stored(p.id)
    expect(row).toMatchObject({ voterId: voterOf('1003'), grantorUserId: null, writtenDocumentSha256: DOC, status: 'active' })
    expect(done.headers.get('location')).toBe(`${page}?recorded=${row!.id}`)
    const shown = await b.get(done.headers.get('location')!)
    expect(shown.text).toContain('1栋-1单元-1003 书面委托已录入')
    expect(shown.text).toContain(`受托人 ${phone.slice(0, 3)}****${phone.slice(7)} 会收到短信`)
    // its undo, as the counting form's: the withdrawal's confirmation page
    expect(shown.text).toContain(`href="/h5/polls/${p.id}/proxies/${row!.id}/withdrawal"`)
    // the list: who, the phone masked, how, where it stands, when (Beijing time)
    expect(shown.text).toContain('本次表决的委托（1）')
    expect(shown.text).toContain(`受托人 <span class="num">${phone.slice(0, 3)}****${phone.slice(7)}</span>　书面委托（业委会录入）`)
    expect(shown.text).toContain('有效，尚未代投')
    expect(shown.text).toContain(`录入时间：${beijingTime(at)}`)
    expect(shown.text).not.toContain(phone)
    // the same list as the API's
    expect((await h.request('GET', `/api/polls/${p.id}/proxies`, { token: s.committee })).json.proxies).toEqual([expect.objectContaining({ id: row!.id, written: true, status: 'active' })])

    // an owner who named a proxy in the app: listed as such, with no withdrawal (it is theirs to end)
    const named = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: newPhone() } })
    expect(named.status).toBe(201)
    const listed = (await b.get(page)).text
    expect(listed).toContain('本次表决的委托（2）')
    expect(listed).toContain('网上委托（业主本人）')
    expect(listed).not.toContain(`/proxies/${named.json.id}/withdrawal`)
    expect(listed).toContain(`/proxies/${row!.id}/withdrawal`)
  })

  it('lists every household a short room may mean, for the committee to pick the one on the sheet; a scoped poll’s other buildings are not in it', async () => {
    const row = (楼栋: string, 单元: string, 房号: string, i: number, name = `业主${i}`): RosterRowInput => ({ 楼栋, 单元, 房号, 专有部分面积: '90.00', 面积来源: '不动产登记', 业主姓名: name, 证件号码: idNumber(i) })
    // 3栋 has 501 in two 单元; 王五 owns 3栋1单元502 and 4栋1单元502 (one voter); the poll is 3栋's alone
    const rows = [row('3栋', '1单元', '501', 701), row('3栋', '2单元', '501', 702, '张三'), row('3栋', '1单元', '502', 703, '王五'), { ...row('4栋', '1单元', '502', 703, '王五') }, row('4栋', '1单元', '501', 704), row('3栋', '', 'S01', 705)]
    const s = await setupCommunity(h, { rows })
    const p = await announcedPoll(h, s.community.id, s.committee, { scopeBuildings: ['3栋'] })
    const b = browserSession(h)
    await b.login(s.committeePhone)
    const page = deskOf(p.id)
    const voters = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string; units: string }[]
    const voterOf = (units: string) => voters.find((v) => v.units === units)!.voterId

    // the 单元 left out: both households, none chosen for the committee member
    const both = await b.get(`${page}?room=3-501`)
    expect(radioOf(both.text, voterOf('3栋-1单元-501'))).not.toContain('checked')
    expect(radioOf(both.text, voterOf('3栋-2单元-501'))).not.toContain('checked')
    expect(both.text).toContain('3栋-2单元-501　业主 张*')
    // 4栋 is outside this poll: its 501 is not offered
    expect(both.text).not.toContain('4栋-1单元-501')
    // the 单元 given, however written: that one
    for (const typed of ['3-2-501', '3栋2单元501室', '3号楼-2-501']) {
      const one = await b.get(`${page}?room=${encodeURIComponent(typed)}`)
      expect(radioOf(one.text, voterOf('3栋-2单元-501')), typed).toContain('checked=""')
      expect(radioOf(one.text, voterOf('3栋-1单元-501')), typed).toBeNull()
    }
    // 王五 votes here by his 3栋 flat only: his 4栋 flat does not name him in this poll
    expect(radioOf((await b.get(`${page}?room=3-1-502`)).text, voterOf('3栋-1单元-502'))).toContain('checked=""')
    expect(alertOf((await b.get(`${page}?room=4-1-502`)).text)).toContain('4-1-502：该房屋不在本次表决的投票权人名单中')

    // a shop (no 单元 on the roll) typed with “无”, as the counting desk reads it
    const shop = voterOf('3栋-S01')
    for (const typed of ['3-无-S01', '3栋 无 S01']) expect(radioOf((await b.get(`${page}?room=${encodeURIComponent(typed)}`)).text, shop), typed).toContain('checked=""')

    // the one chosen is the one recorded
    const phone = newPhone()
    expect((await b.post(page, { room: '3-501', voterId: voterOf('3栋-2单元-501'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })).status).toBe(303)
    expect((await stored(p.id)).map((x) => x.voterId)).toEqual([voterOf('3栋-2单元-501')])
  })

  it('without script the photo comes up with the form, and only its SHA-256 is recorded', async () => {
    const { p, b, voterOf, page } = await desk()
    const photo = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251)
    const phone = newPhone()
    const form = new FormData()
    for (const [k, v] of Object.entries({ room: '1-1-1004', voterId: voterOf('1004'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: '' })) form.append(k, v)
    form.append('photo', new Blob([photo], { type: 'image/jpeg' }), '委托书.jpg')
    const done = await b.upload(page, form)
    expect(done.status, done.text).toBe(303)
    const [row] = await stored(p.id)
    expect(row!.writtenDocumentSha256).toBe(createHash('sha256').update(photo).digest('hex'))

    // a photo chosen with a hash already on the form (kept from a refused attempt): the photo decides
    const again = new FormData()
    const other = newPhone()
    for (const [k, v] of Object.entries({ room: '1-1-1005', voterId: voterOf('1005'), proxyPhone: other, proxyPhoneAgain: other, documentSha256: 'e'.repeat(64) })) again.append(k, v)
    const second = photo.map((x) => x ^ 1)
    again.append('photo', new Blob([second], { type: 'image/jpeg' }), '委托书2.jpg')
    expect((await b.upload(page, again)).status).toBe(303)
    const [row2] = await h.db.select().from(proxies).where(and(eq(proxies.pollId, p.id), eq(proxies.voterId, voterOf('1005'))))
    expect(row2!.writtenDocumentSha256).toBe(createHash('sha256').update(second).digest('hex'))
  })

  it('says every refusal in words, keeps what was typed, and stores nothing', async () => {
    const { s, p, b, voterOf, page } = await desk()
    const phone = newPhone()
    const v3 = voterOf('1003')
    const refused = async (form: Record<string, string>, words: string) => {
      const res = await b.post(page, { room: '1-1-1003', voterId: v3, proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC, ...form })
      expect(res.status, words).toBe(422)
      expect(alertOf(res.text), words).toContain(words)
      // words, never the machine's code
      expect(res.text, words).not.toMatch(/\b[A-Z]+(_[A-Z]+)+\b/)
      return res
    }
    const mismatch = await refused({ proxyPhoneAgain: `${phone.slice(0, 10)}${(Number(phone[10]) + 1) % 10}` }, '两次输入的受托人手机号不一致')
    // the typed values stay: the phone, the second phone, the household, the photo's hash
    expect(formField(mismatch.text, 'proxyPhone')).toBe(phone)
    expect(formField(mismatch.text, 'proxyPhoneAgain')).toBe(`${phone.slice(0, 10)}${(Number(phone[10]) + 1) % 10}`)
    expect(radioOf(mismatch.text, v3)).toContain('checked=""')
    expect(formField(mismatch.text, 'documentSha256')).toBe(DOC)
    // a photo already hashed need not be chosen again
    expect(mismatch.text).toMatch(/<input id="photo" name="photo" type="file" accept="image\/\*"\/>/)
    expect(mismatch.text).toContain('已收到照片的指纹（dddddddd…），不必重新选择')

    await refused({ documentSha256: '' }, '请拍摄或选择业主签署的授权委托书照片')
    await refused({ voterId: '' }, '请选择委托的是哪一户')
    await refused({ proxyPhoneAgain: '' }, '请填写受托人的手机号，并再输一遍')
    await refused({ proxyPhone: '12345', proxyPhoneAgain: '12345' }, '受托人的手机号不对，请填写11位手机号')
    await refused({ documentSha256: 'not-a-hash' }, '委托书照片须为64位小写十六进制 SHA-256')
    await refused({ voterId: 'no-such-voter' }, '这一户不在本次表决的投票权人名单中，请核对房号')
    // flat 1001's owner is bound: they name their own proxy
    const online = await refused({ room: '1-1-1001', voterId: voterOf('1001') }, '这一户的业主已在本服务绑定，请业主本人在网上委托代投')
    expect(formField(online.text, 'room')).toBe('1-1-1001')
    expect(await stored(p.id)).toEqual([])

    // one recorded; then the same household again, and the same photo for another household
    expect((await b.post(page, { room: '1-1-1003', voterId: v3, proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })).status).toBe(303)
    await refused({ proxyPhone: newPhone(), proxyPhoneAgain: '', documentSha256: 'f'.repeat(64) }, '请填写受托人的手机号，并再输一遍')
    const other = newPhone()
    await refused({ proxyPhone: other, proxyPhoneAgain: other, documentSha256: 'f'.repeat(64) }, '这一户已经有委托（见下方名单）')
    expect((await b.get(`${page}?room=1-1-1003`)).text).toContain('1栋-1单元-1003　业主 业**（已有委托，见下方名单）')
    await refused({ room: '1-1-1004', voterId: voterOf('1004'), proxyPhone: other, proxyPhoneAgain: other }, '这张授权委托书的照片已用于本次表决的另一户')
    // the owner of 1005 signed a paper ballot at the desk: voted in person
    expect((await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: voterOf('1005'), choice: 'agree', photoSha256: 'c'.repeat(64) } })).status).toBe(201)
    await refused({ room: '1-1-1005', voterId: voterOf('1005'), proxyPhone: other, proxyPhoneAgain: other, documentSha256: 'a'.repeat(64) }, '这一户的业主已经亲自投票，不能再委托他人代投')
    expect((await stored(p.id)).length).toBe(1)
  })

  it('refuses a proxy past the community’s limit per person, in words', async () => {
    const { p, b, voterOf, page } = await desk({ proxyLimit: 1 })
    const phone = newPhone()
    expect((await b.post(page, { room: '1-1-1003', voterId: voterOf('1003'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })).status).toBe(303)
    const res = await b.post(page, { room: '1-1-1004', voterId: voterOf('1004'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: 'e'.repeat(64) })
    expect(res.status).toBe(422)
    expect(alertOf(res.text)).toContain('这位受托人代投的户数已达本小区的上限（1户），请另找受托人')
    expect((await stored(p.id)).length).toBe(1)
  })

  it('withdraws a written proxy after a confirmation step, and only a written one', async () => {
    const { s, p, b, voterOf, page } = await desk()
    const phone = newPhone()
    expect((await b.post(page, { room: '1-1-1003', voterId: voterOf('1003'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })).status).toBe(303)
    const [row] = await stored(p.id)
    const confirm = `/h5/polls/${p.id}/proxies/${row!.id}/withdrawal`
    // the first tap only asks
    const asked = await b.get(confirm)
    expect(asked.status).toBe(200)
    expect(asked.text).toContain('收回这份书面委托？')
    expect(asked.text).toContain('1栋-1单元-1003')
    expect(asked.text).toContain(`${phone.slice(0, 3)}****${phone.slice(7)}`)
    expect(asked.text).toContain(`<form method="post" action="${confirm}">`)
    expect(asked.text).toContain(`href="${page}"`)
    expect((await stored(p.id))[0]!.status).toBe('active')
    // a form from another site is refused
    expect((await b.post(confirm, {}, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await stored(p.id))[0]!.status).toBe('active')

    const done = await b.post(confirm, {})
    expect(done.status, done.text).toBe(303)
    expect(done.headers.get('location')).toBe(`${page}?withdrawn=${row!.id}`)
    expect((await stored(p.id))[0]!.status).toBe('revoked')
    const after = await b.get(done.headers.get('location')!)
    expect(after.text).toContain('已收回 1栋-1单元-1003 的书面委托：受托人不能再代投。')
    expect(after.text).toContain('已结束（')
    expect(after.text).not.toContain(confirm)
    // again: already ended, said in words, on the confirmation page and on the post
    expect(alertOf((await b.get(confirm)).text)).toContain('这份委托已经结束')
    const twice = await b.post(confirm, {})
    expect(twice.status).toBe(422)
    expect(alertOf(twice.text)).toContain('这份委托已经结束（已收回、业主已撤销，或业主本人投票后随之结束），不用再收回')

    // one the owner named in the app is not the committee's to withdraw
    const named = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: newPhone() } })
    const notOurs = `/h5/polls/${p.id}/proxies/${named.json.id}/withdrawal`
    expect(alertOf((await b.get(notOurs)).text)).toContain('这里只能收回业委会录入的书面委托')
    expect(alertOf((await b.post(notOurs, {})).text)).toContain('这里只能收回业委会录入的书面委托，网上委托由业主本人撤销')
    const [theirs] = await h.db.select().from(proxies).where(eq(proxies.id, named.json.id))
    expect(theirs!.status).toBe('active')
  })

  it('is the committee’s only: an owner is told so, a visitor signs in first, another community finds nothing', async () => {
    const { s, p, voterOf, page } = await desk()
    const owner = browserSession(h)
    await owner.login((await h.request('GET', '/api/me', { token: s.owner })).json.phone)
    const refused = await owner.get(page)
    expect(refused.status).toBe(403)
    expect(refused.text).toContain('只有本小区业主委员会成员可以录入和收回授权委托书')
    const phone = newPhone()
    expect((await owner.post(page, { room: '1-1-1003', voterId: voterOf('1003'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })).status).toBe(403)
    // the poll's page shows an owner no link to it
    expect((await owner.get(`/h5/polls/${p.id}`)).text).not.toContain(page)
    const visitor = await browserSession(h).get(page)
    expect(visitor.status).toBe(303)
    expect(visitor.headers.get('location')).toContain('/h5/login?next=')
    const elsewhere = await desk()
    expect((await elsewhere.b.get(page)).status).toBe(404)
    expect((await elsewhere.b.post(page, { room: '1-1-1003', voterId: voterOf('1003'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })).status).toBe(404)
    expect(await stored(p.id)).toEqual([])
  })

  it('after the close: the list stays, nothing more is recorded or withdrawn, and the counting sheet links to it', async () => {
    const { s, p, b, voterOf, page } = await desk(undefined, openWindow(60_000))
    const phone = newPhone()
    expect((await b.post(page, { room: '1-1-1003', voterId: voterOf('1003'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })).status).toBe(303)
    // paper handed out, so the count waits for the committee
    expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: [voterOf('1004')] } })).status).toBe(201)
    h.clock.advance(61_000)
    const closed = await b.get(`${page}?room=1-1-1004`)
    expect(closed.text).toContain('投票已截止：不能再录入或收回委托')
    expect(closed.text).toContain('本次表决的委托（1）')
    expect(closed.text).not.toContain('name="proxyPhone"')
    expect(closed.text).not.toContain('/withdrawal"')
    const late = await b.post(page, { room: '1-1-1004', voterId: voterOf('1004'), proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: 'e'.repeat(64) })
    expect(late.status).toBe(422)
    expect(alertOf(late.text)).toContain('投票已截止，不能再录入或收回委托')
    const [row] = await stored(p.id)
    expect(alertOf((await b.post(`/h5/polls/${p.id}/proxies/${row!.id}/withdrawal`, {})).text)).toContain('投票已截止，不能再录入或收回委托')
    expect((await stored(p.id)).map((x) => x.status)).toEqual(['active'])

    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: { counters: [{ name: '赵计票', unitOrOffice: '1栋-1单元-1006' }], scrutineers: [{ name: '钱监票', unitOrOffice: '测试社区居委会' }], boxState: '封条完好' } })).status).toBe(201)
    expect((await b.get(`/h5/polls/${p.id}/counting/sheet`)).text).toContain(`href="${page}"`)
    expect((await b.get(`/h5/polls/${p.id}`)).text).toContain(`href="${page}"`)
  })
})
