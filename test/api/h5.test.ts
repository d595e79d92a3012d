import { and, eq, sql } from 'drizzle-orm'
import { PAGE_TTL_MS } from '../../worker/lib/page-cache'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ballots, pollResults, proxies, users } from '../../drizzle/schema'
import { browserSession, formField } from '../helpers/browser-session'
import { announcedPoll, communityStaff, FIRM_PROFILE, firmServingCommunity, newPhone, openWindow, setupCommunity, statement } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { shortReceipt } from '../../shared/receipt'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

/** The owner of flat 1 of `s`, signed in on the H5 pages by SMS code (their phone is the one setupCommunity bound). */
async function ownerBrowser(s: Awaited<ReturnType<typeof setupCommunity>>) {
  const me = await h.request('GET', '/api/me', { token: s.owner })
  const b = browserSession(h)
  h.clock.advance(61_000) // the same phone signed in through the API a moment ago: wait out the resend interval
  await b.login(me.json.phone)
  return b
}

describe('the bare address', () => {
  it('opened in a browser, says in Chinese what the service is and where an owner goes', async () => {
    const res = await h.request('GET', '/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(res.text).toContain('lang="zh-CN"')
    expect(res.text).toContain('二维码')
    expect(res.text).toContain('href="/h5/me"')
    expect(res.text).toContain('href="/openapi.json"')
  })
})

describe('H5 sign-in', () => {
  it('sends a code, verifies it, sets HttpOnly session cookies and goes to `next`', async () => {
    const b = browserSession(h)
    const phone = newPhone()
    const page = await b.get('/h5/login?next=/h5/polls/abc')
    expect(page.status).toBe(200)
    expect(page.text).toContain('手机号登录')
    expect(formField(page.text, 'next')).toBe('/h5/polls/abc')
    const sent = await b.post('/h5/login', { step: 'send', phone, next: '/h5/polls/abc' })
    expect(sent.status).toBe(200)
    expect(sent.text).toContain('验证码已发送')
    const challenge = formField(sent.text, 'challenge')!
    expect(challenge).toBeTruthy()
    const wrong = await b.post('/h5/login', { step: 'verify', phone, code: '000000' === h.sms.lastCode(phone) ? '111111' : '000000', challenge, next: '/h5/polls/abc' })
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('验证码错误')
    // the code form again, with its challenge, so the owner can type the code once more
    expect(formField(wrong.text, 'challenge')).toBe(challenge)
    expect(b.jar.size).toBe(0)
    const ok = await b.post('/h5/login', { step: 'verify', phone, code: h.sms.lastCode(phone)!, challenge, next: '/h5/polls/abc' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/h5/polls/abc')
    const cookies = ok.headers.getSetCookie()
    expect(cookies.find((c) => c.startsWith('gy_at='))).toMatch(/HttpOnly/i)
    expect(cookies.find((c) => c.startsWith('gy_rt='))).toMatch(/SameSite=Lax/i)
    expect((await b.get('/h5/login/done')).status).toBe(200)
  })

  it('never redirects off-site after login', async () => {
    const b = browserSession(h)
    const res = await b.login(newPhone(), 'https://evil.example/steal')
    expect(res.headers.get('location')).toBe('/h5/login/done')
    const b2 = browserSession(h)
    expect((await b2.login(newPhone(), '//evil.example/x')).headers.get('location')).toBe('/h5/login/done')
  })

  it('refuses a form posted from another site, and sends nothing', async () => {
    const b = browserSession(h, { origin: 'https://evil.example' })
    const phone = newPhone()
    const res = await b.post('/h5/login', { step: 'send', phone })
    expect(res.status).toBe(403)
    expect(res.text).toContain('没有权限')
    expect(h.sms.lastCode(phone)).toBeFalsy()
  })

  it('a code asked for again too soon says how long to wait, in words', async () => {
    const b = browserSession(h)
    const phone = newPhone()
    expect((await b.post('/h5/login', { step: 'send', phone })).status).toBe(200)
    h.clock.advance(20_000)
    const again = await b.post('/h5/login', { step: 'send', phone })
    expect(again.status).toBe(429)
    expect(again.text).toContain('操作过于频繁，请40秒后再试')
  })

  it('a bad phone is a page with the reason, not a crash', async () => {
    const res = await browserSession(h).post('/h5/login', { step: 'send', phone: '12345' })
    expect(res.status).toBe(400)
    expect(res.text).toContain('手机号格式不正确')
  })

  it('an expired access cookie is renewed from the refresh cookie; logout ends the session', async () => {
    const b = browserSession(h)
    await b.login(newPhone())
    const before = b.jar.get('gy_rt')
    h.clock.advance(h.config.ACCESS_TOKEN_TTL_SECONDS * 1000 + 1000)
    try {
      const page = await b.get('/h5/login/done')
      expect(page.status).toBe(200)
      expect(b.jar.get('gy_rt')).not.toBe(before)
      const current = b.jar.get('gy_rt')!
      const out = await b.post('/h5/logout', {})
      expect(out.status).toBe(303)
      expect(b.jar.size).toBe(0)
      // the session is ended on the server, not only forgotten by the browser
      expect((await h.request('POST', '/api/auth/refresh', { json: { refreshToken: decodeURIComponent(current) } })).status).toBe(401)
      expect((await b.get('/h5/login/done')).status).toBe(303)
    } finally {
      h.clock.advance(-(h.config.ACCESS_TOKEN_TTL_SECONDS * 1000 + 1000))
    }
  })
})

describe('H5 session renewal', () => {
  const TTL = () => h.config.ACCESS_TOKEN_TTL_SECONDS * 1000 + 1000

  it('two tabs renewing at once both stay signed in; the family is not revoked', async () => {
    const b = browserSession(h)
    await b.login(newPhone())
    h.clock.advance(TTL())
    try {
      const [one, two] = await Promise.all([b.get('/h5/login/done'), b.get('/h5/login/done')])
      expect([one.status, two.status]).toEqual([200, 200])
      // exactly one of them rotated the refresh token; the browser keeps the new one
      const rotated = [one, two].filter((r) => r.headers.getSetCookie().some((c) => c.startsWith('gy_rt=')))
      expect(rotated).toHaveLength(1)
      expect((await h.request('POST', '/api/auth/refresh', { json: { refreshToken: decodeURIComponent(b.jar.get('gy_rt')!) } })).status).toBe(200)
    } finally {
      h.clock.advance(-TTL())
    }
  })

  it('a refresh cookie replayed after the grace window revokes the whole sign-in', async () => {
    const b = browserSession(h)
    await b.login(newPhone())
    const stolen = b.jar.get('gy_rt')!
    h.clock.advance(TTL())
    try {
      expect((await b.get('/h5/login/done')).status).toBe(200) // rotates
      h.clock.advance(31_000)
      const thief = browserSession(h)
      thief.jar.set('gy_rt', stolen)
      expect((await thief.get('/h5/login/done')).status).toBe(303)
      // the owner's own, newer token went with the family
      expect((await h.request('POST', '/api/auth/refresh', { json: { refreshToken: decodeURIComponent(b.jar.get('gy_rt')!) } })).status).toBe(401)
    } finally {
      h.clock.advance(-TTL() - 31_000)
    }
  })
})

describe('H5 poll page and ballot', () => {
  it('sends a signed-out reader to the login page and back', async () => {
    const s = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const res = await browserSession(h).get(`/h5/polls/${p.id}`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/h5/login?next=${encodeURIComponent(`/h5/polls/${p.id}`)}`)
  })

  it('a poll closing at Beijing midnight reads as the end of the day before (24:00), not the next day at 00:00', async () => {
    const s = await setupCommunity(h)
    // the first Beijing midnight at least a day away
    const day = 86_400_000
    const eight = 8 * 3_600_000
    const closesAt = new Date(Math.ceil((h.clock.now().getTime() + day + eight) / day) * day - eight)
    const p = await announcedPoll(h, s.community.id, s.committee, { opensAt: new Date(h.clock.now().getTime() + 60_000).toISOString(), closesAt: closesAt.toISOString() })
    const page = await (await ownerBrowser(s)).get(`/h5/polls/${p.id}`)
    expect(page.status).toBe(200)
    const lastDay = new Date(closesAt.getTime() + eight - 1)
    expect(page.text).toContain(`${lastDay.getUTCFullYear()}年${lastDay.getUTCMonth() + 1}月${lastDay.getUTCDate()}日 24:00`)
    expect(page.text).not.toMatch(/\d日 00:00/)
  })

  it('an owner reads the poll, confirms the choice in words, votes, and lands on a page saying it counted; a double submit casts once', async () => {
    const s = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const b = await ownerBrowser(s)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('关于更换小区电梯的表决')
    expect(page.text).toContain('参与情况')
    expect(page.text).toContain('下一步：确认')
    const key = formField(page.text, 'key')!
    const voterId = formField(page.text, 'voterId')!
    expect(key).toMatch(/^[\w-]{24}$/)

    const none = await b.post(`/h5/polls/${p.id}/confirm`, { key, voterId })
    expect(none.status).toBe(422)
    expect(none.text).toContain('请选择同意、反对或弃权')

    // the confirmation repeats the choice in words and casts nothing yet
    const confirm = await b.post(`/h5/polls/${p.id}/confirm`, { key, voterId, choice: 'agree' })
    expect(confirm.status).toBe(200)
    expect(confirm.text).toContain('请确认您的投票')
    expect(confirm.text).toContain('确认投票：同意')
    expect(formField(confirm.text, 'choice')).toBe('agree')
    expect(formField(confirm.text, 'key')).toBe(key)
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))).toHaveLength(0)

    const voted = await b.post(`/h5/polls/${p.id}/ballot`, { key, voterId, choice: 'agree' })
    expect(voted.status).toBe(303) // POST → redirect → GET: a reload casts nothing
    const again = await b.post(`/h5/polls/${p.id}/ballot`, { key, voterId, choice: 'agree' })
    expect(again.headers.get('location')).toBe(voted.headers.get('location'))
    const rows = await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ choice: 'agree', channel: 'h5', voterId })
    const done = await b.get(voted.headers.get('location')!)
    expect(done.status).toBe(200)
    expect(done.text).toContain('您的票已计入')
    expect(done.text).toContain('同意')
    expect(done.text).toContain('前回到表决页重新选择，以最后一次为准')
    expect(done.text).toContain(shortReceipt(rows[0]!.receipt))
    // the ballot is the same ballot the API shows the owner
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    expect(mine.json.voters[0].ballots[0]).toMatchObject({ receipt: rows[0]!.receipt, channel: 'h5' })
    // the poll page now shows the ballot in my name and still lets me change it
    const after = await b.get(`/h5/polls/${p.id}`)
    expect(after.text).toContain('以我的名义投的票')
    expect(after.text).toContain('您已投：同意，可以改投')
  })

  it('shows the ballot form only while voting is open: before, when it opens; after, that it is counting; then the result', async () => {
    const s = await setupCommunity(h)
    const b = await ownerBrowser(s)
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(3_600_000, 3 * 3_600_000))
    const before = await b.get(`/h5/polls/${p.id}`)
    expect(before.text).toContain('投票还没有开始')
    expect(before.text).not.toContain('下一步：确认')
    const early = await b.post(`/h5/polls/${p.id}/confirm`, { key: 'k'.repeat(24), voterId: 'x', choice: 'agree' })
    expect(early.status).toBe(422)
    h.clock.advance(3 * 3_600_000)
    expect((await b.get(`/h5/polls/${p.id}`)).text).toContain('下一步：确认')
    h.clock.advance(3_600_000)
    const counting = await b.get(`/h5/polls/${p.id}`)
    expect(counting.text).toContain('正在计票')
    expect(counting.text).not.toContain('下一步：确认')
    // no paper ballots were handed out: nothing to count in public, so the first read of the result publishes it
    const result = await b.get(`/h5/polls/${p.id}/result`)
    expect(result.status).toBe(200)
    expect(result.text).toContain('签名有效')
    expect((await b.get(`/h5/polls/${p.id}`)).text).toContain(`href="/h5/polls/${p.id}/result"`)
  })

  it("the page tells the poll's own rule on changing a vote, frozen at the announcement, not the community's later setting", async () => {
    const s = await setupCommunity(h)
    const b = await ownerBrowser(s)
    const p = await announcedPoll(h, s.community.id, s.committee)
    expect((await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { revotePolicy: 'first_final' } })).status).toBe(200)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.text).toContain('前可以改投，以最后一次为准')
    expect(page.text).not.toContain('首次投票即为最终结果')
    // and the next poll, announced under the new rule, says so
    const q = await announcedPoll(h, s.community.id, s.committee)
    expect((await b.get(`/h5/polls/${q.id}`)).text).toContain('首次投票即为最终结果')
  })

  it("a signed-in reader's pages are never kept by a browser's or a proxy's cache", async () => {
    const s = await setupCommunity(h)
    const b = await ownerBrowser(s)
    const p = await announcedPoll(h, s.community.id, s.committee)
    for (const path of [`/h5/polls/${p.id}`, '/h5/me', `/h5/c/${s.community.id}`]) {
      const res = await b.get(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('cache-control'), path).toBe('private, no-store')
    }
    // a visitor's board page keeps its revalidated caching
    expect((await h.request('GET', `/h5/c/${s.community.id}`)).headers.get('cache-control')).toBe('no-cache')
  })

  it('an owner sees the paper ballot entered in their name and disputes it from the page', async () => {
    const s = await setupCommunity(h)
    const b = await ownerBrowser(s)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const voterId = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].voterId
    const paper = await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice: 'oppose', photoSha256: 'b'.repeat(64) } })
    expect(paper.status).toBe(201)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.text).toContain('纸质表决票（业委会录入）')
    expect(page.text).toContain('这张纸质票不是您投的')
    const short = await b.post(`/h5/polls/${p.id}/dispute`, { receipt: paper.json.receipt, reason: '不是' })
    expect(short.status).toBe(422)
    const disputed = await b.post(`/h5/polls/${p.id}/dispute`, { receipt: paper.json.receipt, reason: '纸质票不是本人签字' })
    expect(disputed.status).toBe(303)
    expect((await b.get(`/h5/polls/${p.id}`)).text).toContain('您已对这张票提出异议')
    const evidence = await h.request('GET', `/api/polls/${p.id}/evidence`, { token: s.committee })
    expect(JSON.stringify(evidence.json)).toContain('纸质票不是本人签字')
  })

  it('with an app ballot and a paper ballot both standing, the page says which one counts and why the other does not', async () => {
    const s = await setupCommunity(h)
    const b = await ownerBrowser(s)
    const p = await announcedPoll(h, s.community.id, s.committee)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })).status).toBe(201)
    const voterId = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].voterId
    expect((await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice: 'oppose', photoSha256: 'c'.repeat(64) } })).status).toBe(201)
    // the community's default rule: the ballot cast online counts
    const mine = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].ballots as { kind: string; current: boolean; counts: boolean }[]
    expect(mine.map((x) => [x.kind, x.current, x.counts]).sort()).toEqual([['electronic', true, true], ['paper', true, false]])
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.text).toContain('（未计入：本小区规定以网上投票为准）')
    expect(page.text.match(/（有效）/g)).toHaveLength(1)
  })

  it('a comment posted from the page appears in the discussion', async () => {
    const s = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const b = await ownerBrowser(s)
    const res = await b.post(`/h5/polls/${p.id}/comments`, { body: '支持更换，旧电梯经常困人。' })
    expect(res.status).toBe(303)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.text).toContain('支持更换，旧电梯经常困人。')
    const api = await h.request('GET', `/api/polls/${p.id}/comments`, { token: s.owner })
    expect(api.json.comments).toHaveLength(1)
  })

  it('an owner of another community finds nothing, and cannot vote there', async () => {
    const s = await setupCommunity(h)
    const other = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const b = await ownerBrowser(other)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.status).toBe(404)
    expect(page.text).not.toContain('关于更换小区电梯的表决')
    const post = await b.post(`/h5/polls/${p.id}/ballot`, { key: 'k'.repeat(20), voterId: 'x', choice: 'agree' })
    expect((await b.post(`/h5/polls/${p.id}/confirm`, { key: 'k'.repeat(20), voterId: 'x', choice: 'agree' })).status).toBe(404)
    expect(post.status).toBe(404)
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))).toHaveLength(0)
  })

  it('a ballot form posted from another site is refused and casts nothing', async () => {
    const s = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const b = await ownerBrowser(s)
    const page = await b.get(`/h5/polls/${p.id}`)
    const res = await b.post(`/h5/polls/${p.id}/ballot`, { key: formField(page.text, 'key')!, voterId: formField(page.text, 'voterId')!, choice: 'oppose' }, { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))).toHaveLength(0)
  })

  it('an owner without the mini-program names a proxy on the page (a daughter elsewhere), sees it used, and ends it; not once voted in person', async () => {
    const s = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const b = await ownerBrowser(s)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.text).toContain('请人代投')
    // a phone mistyped: said in words, nothing recorded
    const mistyped = await b.post(`/h5/polls/${p.id}/proxies`, { proxyPhone: '1380013', proxyPhoneAgain: '1380013', voterId: formField(page.text, 'voterId')! })
    expect(mistyped.status).toBe(422)
    expect(mistyped.text).toContain('手机号格式不正确')
    expect(await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))).toEqual([])
    const phone = newPhone()
    // the form asks for the number twice; one digit off the second time is still a valid number
    // (a stranger's): refused in words, nothing recorded, and the form is there again
    expect(page.text).toContain('再输一遍，核对号码')
    const offByOne = `${phone.slice(0, 10)}${(Number(phone[10]) + 1) % 10}`
    const twoNumbers = await b.post(`/h5/polls/${p.id}/proxies`, { proxyPhone: phone, proxyPhoneAgain: offByOne, voterId: formField(page.text, 'voterId')! })
    expect(twoNumbers.status).toBe(422)
    expect(twoNumbers.text).toContain('两次输入的受托人手机号不一致')
    expect(twoNumbers.text).toContain('委托此人代投')
    const onceOnly = await b.post(`/h5/polls/${p.id}/proxies`, { proxyPhone: phone, voterId: formField(page.text, 'voterId')! })
    expect(onceOnly.status).toBe(422)
    expect(onceOnly.text).toContain('请把受托人的手机号填写两遍')
    expect(await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))).toEqual([])
    expect(await h.db.select().from(users).where(eq(users.phone, phone))).toEqual([])
    // the daughter has never used the app: named all the same, by her phone (typed the second
    // time as people write it, in groups)
    const named = await b.post(`/h5/polls/${p.id}/proxies`, { proxyPhone: phone, proxyPhoneAgain: `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, voterId: formField(page.text, 'voterId')! })
    expect(named.status).toBe(303)
    expect(named.headers.get('location')).toBe(`/h5/polls/${p.id}#proxies`)
    // she signs in later with that phone, by code, into the account the proxy names
    const daughter = await h.login(phone)
    const [granted] = await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))
    expect(granted!.proxyUserId).toBe((await h.request('GET', '/api/me', { token: daughter.accessToken })).json.id)
    // a second tap of the same form lands on the proxy it named, and names no other
    expect((await b.post(`/h5/polls/${p.id}/proxies`, { proxyPhone: phone, proxyPhoneAgain: phone, voterId: formField(page.text, 'voterId')! })).status).toBe(303)
    expect(await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))).toHaveLength(1)
    // the whole number the owner typed, to check it: a digit wrong would name a stranger
    let after = await b.get(`/h5/polls/${p.id}`)
    expect(after.text).toContain(`已委托 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`)
    expect(after.text).toContain('尚未代投。请核对号码')
    expect(after.text).not.toContain('委托此人代投') // one proxy per flat
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: daughter.accessToken, json: { choice: 'agree' } })).status).toBe(201)
    after = await b.get(`/h5/polls/${p.id}`)
    // a vote cast stands: the owner is told so, and how to change it
    expect(after.text).toContain('已代投，这一票有效。如要改变意见，请您自己投票')
    expect(after.text).toContain('不再让此人代投（已投的票仍有效）')
    // ended from the page, from this site only
    const [px] = await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))
    expect((await b.post(`/h5/polls/${p.id}/proxies/${px!.id}/revoke`, {}, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await b.post(`/h5/polls/${p.id}/proxies/${px!.id}/revoke`, {})).status).toBe(303)
    const [ended] = await h.db.select().from(proxies).where(eq(proxies.id, px!.id))
    expect(ended!.status).toBe('revoked')
    // the owner votes in person: no more naming a proxy for that flat
    const voting = await b.get(`/h5/polls/${p.id}`)
    const confirm = await b.post(`/h5/polls/${p.id}/confirm`, { key: formField(voting.text, 'key')!, voterId: formField(voting.text, 'voterId')!, choice: 'oppose' })
    expect((await b.post(`/h5/polls/${p.id}/ballot`, { key: formField(confirm.text, 'key')!, voterId: formField(confirm.text, 'voterId')!, choice: 'oppose' })).status).toBe(303)
    expect((await b.get(`/h5/polls/${p.id}`)).text).not.toContain('请人代投')
  })
})

describe('H5 result page', () => {
  it('leads with the outcome and its two lines, checks the signed-in owner’s ballot without typing, a short receipt in any case, and the signature', async () => {
    const s = await setupCommunity(h, { units: 3 })
    // signed in first: signing in moves the clock a minute, past this short window
    const b = await ownerBrowser(s)
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(2500))
    const page = await b.get(`/h5/polls/${p.id}`)
    const voted = await b.post(`/h5/polls/${p.id}/ballot`, { key: formField(page.text, 'key')!, voterId: formField(page.text, 'voterId')!, choice: 'agree' })
    expect(voted.status).toBe(303)
    const [row] = await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))
    const receipt = row!.receipt
    h.clock.advance(2600)
    expect((await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })).status).toBe(200)

    const mine = await b.get(`/h5/polls/${p.id}/result`)
    expect(mine.text).toContain('我的选票')
    expect(mine.text).toContain('核验通过')

    const anyone = browserSession(h)
    const result = await anyone.get(`/h5/polls/${p.id}/result`)
    expect(result.status).toBe(200)
    expect(result.text).toContain('签名有效')
    expect(result.text).toContain('<h1>表决不成立</h1>') // 1 of 3 took part: no quorum, said first and big
    expect(result.text).toContain('✗ 参与人数：1 / 3 人（33.3%），未达到')
    // the lines of the signed result, as the notice on the board reads: the line missed and by how much
    expect(result.text).toContain('参与表决：1/3 人（33.33%）')
    expect(result.text).toMatch(/参与表决人数 1\/3，未达三分之二，需 2 人/)
    expect(result.text).toContain('三分之二')
    expect(result.text).not.toContain('我的选票')
    expect(result.text).toMatch(/class="line" style="left:66.6%"/)

    const counted = await anyone.get(`/h5/polls/${p.id}/result?receipt=${receipt}`)
    expect(counted.text).toContain('核验通过')
    // the short form, typed in lower case with a space, finds the same ballot
    const typed = shortReceipt(receipt).toLowerCase().replace('-', ' ')
    expect((await anyone.get(`/h5/polls/${p.id}/result?receipt=${encodeURIComponent(typed)}`)).text).toContain('核验通过')
    const unknown = await anyone.get(`/h5/polls/${p.id}/result?receipt=AAAAAAAAAAAAAAAAAAAAAA`)
    expect(unknown.text).toContain('找不到这张回执')

    // the result notice on the board carries the same check
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices?all=1`)
    const notice = board.json.notices.find((n: { kind: string }) => n.kind === 'result')
    const noticePage = await anyone.get(`/n/${notice.code}`)
    expect(noticePage.text).toContain('签名有效')
    expect(noticePage.text).toContain(`/h5/polls/${p.id}/result`)

    // the database refuses to edit a published result…
    const [r] = await h.db.select().from(pollResults).where(eq(pollResults.pollId, p.id))
    const edit = () => h.db.update(pollResults).set({ document: { ...(r!.document as object), outcomeText: '表决通过。' } }).where(and(eq(pollResults.pollId, p.id)))
    await expect(edit()).rejects.toThrow()
    // …and one edited behind its back (trigger disabled, as a superuser could) is reported, not shown as valid
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`alter table poll_results disable trigger poll_results_immutable`)
      await tx.update(pollResults).set({ document: { ...(r!.document as object), outcomeText: '表决通过。' } }).where(eq(pollResults.pollId, p.id))
      await tx.execute(sql`alter table poll_results enable trigger poll_results_immutable`)
    })
    // a visitor's page is kept in memory until its compound changes, for at most PAGE_TTL_MS: an
    // edit behind the app's back (no write through it) shows within that bound
    h.clock.advance(PAGE_TTL_MS)
    const tampered = await anyone.get(`/h5/polls/${p.id}/result`)
    expect(tampered.text).toContain('签名无效')
    expect(tampered.text).not.toContain('签名有效')
    expect(tampered.text).not.toContain('<p class="card">表决通过。</p>')
  })

  it('a result not yet published is a plain page saying so, and when, in words', async () => {
    const s = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const res = await browserSession(h).get(`/h5/polls/${p.id}/result`)
    expect(res.status).toBe(200)
    expect(res.text).toContain('表决结果尚未公布')
    expect(res.text).toContain('投票正在进行')
    expect(res.text).not.toContain('RESULT_NOT_PUBLISHED（')
  })
})

describe('H5 community pages', () => {
  it('the front page shows the board to anyone, and the polls only to the community', async () => {
    const s = await setupCommunity(h)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const anyone = await browserSession(h).get(`/h5/c/${s.community.id}`)
    expect(anyone.status).toBe(200)
    expect(anyone.text).toContain(s.community.name)
    expect(anyone.text).toContain('表决公告') // the poll's announcement hangs on the public board
    expect(anyone.text).not.toContain(`/h5/polls/${p.id}"`)
    expect(anyone.text).toContain('登录</a>后查看')
    const owner = await ownerBrowser(s)
    const mine = await owner.get(`/h5/c/${s.community.id}`)
    expect(mine.text).toContain(`/h5/polls/${p.id}"`)
    const outsider = await ownerBrowser(await setupCommunity(h))
    expect((await outsider.get(`/h5/c/${s.community.id}`)).text).not.toContain(`/h5/polls/${p.id}"`)
    expect((await browserSession(h).get('/h5/c/no-such-community')).status).toBe(404)
    // a broken link to a page is a page in words, not JSON and not a code
    const lost = await browserSession(h).get('/h5/no/such/page')
    expect(lost.status).toBe(404)
    expect(lost.headers.get('content-type')).toContain('text/html')
    expect(lost.text).toContain('找不到这一页')
    expect(lost.text).not.toContain('NOT_FOUND（')
    // any refusal on a page path is a page too: a mangled notice code fails validation before any handler runs
    const mangled = await browserSession(h).get('/n/ab')
    expect(mangled.status).toBe(400)
    expect(mangled.headers.get('content-type')).toContain('text/html')
    expect(mangled.text).not.toContain('"error"')
    // while the JSON API keeps answering JSON for the same kind of refusal
    const api = await h.request('GET', '/api/notices/ab')
    expect(api.headers.get('content-type') ?? '').not.toContain('text/html')
  })

  it('the enforcement-contacts board lists each department with a tap-to-call number', async () => {
    const s = await setupCommunity(h)
    const empty = await browserSession(h).get(`/h5/c/${s.community.id}/contacts`)
    expect(empty.text).toContain('尚未公示')
    const staff = await communityStaff(h, s)
    const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, {
      token: staff,
      json: {
        kind: 'enforcement_contacts',
        title: '小区执法部门联系公示',
        body: '遇到以下问题可直接联系相关部门。',
        contacts: [
          { department: '城管', handles: '违章搭建、占道经营', phone: '0833-12319' },
          { department: '消防', handles: '消防通道堵塞', phone: '119' },
          { department: '公安（派出所）', handles: '治安', phone: '110 / 010-55551100' },
        ],
      },
    })
    expect(posted.status).toBe(201)
    const board = await browserSession(h).get(`/h5/c/${s.community.id}/contacts`)
    expect(board.text).toContain('违章搭建、占道经营')
    expect(board.text).toContain('href="tel:0833-12319"'.replace('-', ''))
    // two numbers for one desk are two links, each dialling one number
    expect(board.text).toContain('<a href="tel:110">110</a> / <a href="tel:01055551100">010-55551100</a>')
    expect(board.text).toContain(`/n/${posted.json.code}`)
  })

  it('the fee page shows the firm, its contacts and each rate in yuan, flagging one above the guided range', async () => {
    const s = await setupCommunity(h)
    const none = await browserSession(h).get(`/h5/c/${s.community.id}/fees`)
    expect(none.text).toContain('没有在合同期内的物业服务企业')
    const firm = await firmServingCommunity(h, s, 41)
    await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: firm.token, json: FIRM_PROFILE })
    const staff = await communityStaff(h, s)
    const ref = await h.request('POST', '/api/reference-prices', {
      token: staff,
      json: { district: '测试区', serviceGrade: '二级', item: '物业服务费（网页测试）', basis: 'per_m2_month', baseFen: 150, minFen: 120, maxFen: 180, effectiveFrom: '2026-01-01' },
    })
    expect(ref.status).toBe(201)
    const fee = await h.request('POST', `/api/communities/${s.community.id}/fee-items`, {
      token: firm.token,
      json: { item: '物业服务费（网页测试）', payer: '业主', basis: 'per_m2_month', rateFen: 195, startsOn: '2026-01-01', regime: 'guided' },
    })
    expect(fee.status).toBe(201)
    const page = await browserSession(h).get(`/h5/c/${s.community.id}/fees`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('物业公司41')
    expect(page.text).toContain('赵经理')
    expect(page.text).toContain('1.95 元/㎡·月')
    expect(page.text).toContain('范围 1.20–1.80')
    expect(page.text).toContain('高于指导价上限')
  })
})

describe('H5 accounts pages', () => {
  it('owners read a quarter with charts and comparisons, open a statement, and object to a line from the page', async () => {
    const s = await setupCommunity(h)
    const firm = await firmServingCommunity(h, s, 81)
    const pub = (period: string, opening: number, ads: number) =>
      h.request('POST', `/api/communities/${s.community.id}/statements`, {
        token: firm.token,
        json: statement('public_revenue', period, opening, [
          { direction: 'income', category: '电梯广告', amountFen: ads },
          { direction: 'expense', category: '物业分成', amountFen: 1_000 },
          { direction: 'allocation', category: '转入维修资金', amountFen: 2_000, use: 'fund_topup' },
        ]),
      })
    expect((await pub('2026Q2', 0, 10_000)).status).toBe(201)
    const q3 = await pub('2026Q3', 9_000, 13_000)
    expect(q3.status).toBe(201)

    expect((await browserSession(h).get(`/h5/c/${s.community.id}/accounts`)).status).toBe(303)
    const b = await ownerBrowser(s)
    const page = await b.get(`/h5/c/${s.community.id}/accounts`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('2026年第3季度 账目公开')
    expect(page.text).toContain('<svg') // server-rendered charts, no script
    expect(page.text).not.toContain('<script')
    expect(page.text).toContain('+30.00') // income 130.00 against 100.00 the quarter before
    expect(page.text).toContain('公共收益净额 ¥120.00 的去向')
    expect(page.text).toContain('补充专项维修资金')
    expect(page.text).toContain('2026Q2</a>')

    const detail = await b.get(`/h5/statements/${q3.json.id}`)
    expect(detail.status).toBe(200)
    expect(detail.text).toContain('电梯广告')
    expect(detail.text).toContain(q3.json.contentHash)
    const bad = await b.post(`/h5/statements/${q3.json.id}/objections`, { line: '9', body: '第九行不存在的异议' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('报表只有 3 行')
    const made = await b.post(`/h5/statements/${q3.json.id}/objections`, { line: '2', body: '物业分成比例与合同约定不符' })
    expect(made.status).toBe(303)
    const thread = await h.request('GET', `/api/statements/${q3.json.id}/objections`, { token: s.committee })
    expect(thread.json.objections).toEqual([expect.objectContaining({ line: 2, body: '物业分成比例与合同约定不符' })])
    expect((await b.get(`/h5/statements/${q3.json.id}`)).text).toContain('尚未答复')
    const csv = await b.get(`/h5/statements/${q3.json.id}/export.csv`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    expect(csv.text).toContain('收入,电梯广告,130.00')
    expect((await b.get(`/h5/statements/${q3.json.id}/export.xlsx`)).headers.get('content-type')).toContain('spreadsheetml')
    expect((await browserSession(h).get(`/h5/statements/${q3.json.id}/export.csv`)).status).toBe(303)

    const outsider = await ownerBrowser(await setupCommunity(h))
    expect((await outsider.get(`/h5/c/${s.community.id}/accounts`)).status).toBe(404)
    const peek = await outsider.get(`/h5/statements/${q3.json.id}`)
    expect(peek.status).toBe(404)
    expect(peek.text).not.toContain('电梯广告')
    expect((await outsider.post(`/h5/statements/${q3.json.id}/objections`, { body: '别的小区的业主来提异议' })).status).toBe(404)
    expect((await outsider.get(`/h5/statements/${q3.json.id}/export.csv`)).status).toBe(404)
  })
})

describe('security headers', () => {
  /** The directives of a Content-Security-Policy header, by name. */
  const csp = (header: string | null) => new Map((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v.join(' ')]))

  it('pages and the poster: a CSP that allows inline styles and our own forms only, no framing, nosniff, same-origin referrers; no inline script (the written-proxy form’s one: h5-proxies.test.ts)', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const n = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '停水通知', body: '明日停水。' } })
    const b = await ownerBrowser(s)
    const p = await announcedPoll(h, s.community.id, s.committee)
    const pages = ['/', `/n/${n.json.code}`, `/n/${n.json.code}/poster`, '/h5/login', `/h5/c/${s.community.id}`, `/h5/c/${s.community.id}/accounts`, `/h5/polls/${p.id}`]
    for (const path of pages) {
      const res = await b.get(path)
      expect(res.status, path).toBe(200)
      const policy = csp(res.headers.get('content-security-policy'))
      expect(Object.fromEntries(policy), path).toEqual({
        'default-src': "'none'",
        'style-src': "'unsafe-inline'",
        'form-action': "'self'",
        'base-uri': "'none'",
        'frame-ancestors': "'none'",
      })
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('same-origin')
      expect(res.headers.get('strict-transport-security'), 'no HSTS over http').toBeNull()
      // what the policy would refuse is not there to refuse: no script, no external or data: resource
      expect(res.text, path).not.toMatch(/<script|\son[a-z]+=|javascript:|<img|<link|<iframe|data:/i)
      // the stylesheet as written: a <style> is not HTML-decoded, so an escaped `>` or `"` would void its rules
      const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)![1]!
      expect(style, path).toContain('.cells > li')
      expect(style, path).not.toMatch(/&(gt|lt|quot|amp|#\d+);/)
    }
    const api = await h.request('GET', '/health')
    expect(Object.fromEntries(csp(api.headers.get('content-security-policy')))).toEqual({ 'default-src': "'none'", 'base-uri': "'none'", 'frame-ancestors': "'none'" })
    expect(api.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('HSTS when the public address is https', async () => {
    const tls = await startHarness({ database: h.database, config: { PUBLIC_BASE_URL: 'https://gongyi.example.cn' } })
    try {
      for (const path of ['/health', '/h5/login']) {
        const res = await tls.request('GET', path)
        expect(res.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains')
      }
    } finally {
      await tls.close()
    }
  })
})
