/**
 * A written proxy (授权委托书, 指导规则 第26条) the committee records for an owner who never signs
 * in: the person named votes online for that owner, as any proxy does; the committee records its
 * withdrawal; no binding of anyone else's ending can end it; the owner's own ballot still does.
 */
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ballots, notificationOutbox, proxies, users } from '../../drizzle/schema'
import { announcedPoll, newPhone, openWindow, setupCommunity, signedInOwner } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { browserSession } from '../helpers/browser-session'

let h: Harness
beforeAll(async () => {
  // the SMS channel for notices, so the person named is told by text
  h = await startHarness({ config: { ALIYUN_SMS_NOTICE_TEMPLATE_CODE: 'SMS_NOTICE_1' } })
})
afterAll(async () => {
  await h?.close()
})

const DOC = 'a'.repeat(64)

/** A compound of four flats, a running poll, and the voter of flat 3, whose owner has never signed in. */
async function elderlyOwner(window: Record<string, unknown> = {}) {
  const s = await setupCommunity(h, { units: 4 })
  const p = await announcedPoll(h, s.community.id, s.committee, window)
  const voters = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string; units: string }[]
  const voterId = voters.find((v) => v.units.endsWith(`-${s.rows[2]!.房号}`))!.voterId
  return { s, p, voterId }
}

describe('a written proxy the committee records', () => {
  it('lets the person named vote online for an owner who never signs in, and is withdrawn by the committee', async () => {
    const { s, p, voterId } = await elderlyOwner()
    const phone = newPhone()
    const record = (token: string, json: Record<string, unknown>) => h.request('POST', `/api/polls/${p.id}/proxies/written`, { token, json })
    // the committee only, with the signed document's photo, the number typed twice alike
    expect((await record(s.owner, { voterId, proxyPhone: phone, documentSha256: DOC })).status).toBe(403)
    expect((await record(s.committee, { voterId, proxyPhone: phone })).status).toBe(400)
    expect((await record(s.committee, { voterId, proxyPhone: phone, proxyPhoneAgain: `${phone.slice(0, 10)}${(Number(phone[10]) + 1) % 10}`, documentSha256: DOC })).json.error.code).toBe('PROXY_PHONE_MISMATCH')
    expect((await record(s.committee, { voterId: 'no-such-voter', proxyPhone: phone, documentSha256: DOC })).json.error.code).toBe('NOT_IN_ELECTORATE')
    expect(await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))).toEqual([])

    const recorded = await record(s.committee, { voterId, proxyPhone: phone, proxyPhoneAgain: phone, documentSha256: DOC })
    expect(recorded.status, recorded.text).toBe(201)
    expect(recorded.json).toMatchObject({ voterId, status: 'active', written: true })
    const [row] = await h.db.select().from(proxies).where(eq(proxies.id, recorded.json.id))
    expect(row).toMatchObject({ grantorUserId: null, writtenDocumentSha256: DOC })
    // one proxy per flat, however named
    expect((await record(s.committee, { voterId, proxyPhone: newPhone(), documentSha256: DOC })).json.error.code).toBe('PROXY_EXISTS')
    // the daughter is told, with the link, and has an account waiting for her first sign-in
    const [daughterAccount] = await h.db.select().from(users).where(eq(users.phone, phone))
    const told = await h.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.userId, daughterAccount!.id), eq(notificationOutbox.kind, 'proxy_named')))
    expect(told).toHaveLength(1)
    expect(told[0]!).toMatchObject({ channel: 'sms', voterId: null })
    expect(told[0]!.payload.text).toMatch(/的业主委托您代为投票，.+截止$/)

    // she signs in by code and votes: a proxy's ballot, counted for the owner's flat
    const daughter = await h.login(phone)
    const cast = await h.request('POST', `/api/polls/${p.id}/ballots`, { token: daughter.accessToken, json: { choice: 'agree' } })
    expect(cast.status, cast.text).toBe(201)
    expect(cast.json).toMatchObject({ voterId, channel: 'proxy' })

    // another owner cannot end it, nor read the list (flat 3's own owner, once bound, may end it:
    // "the owner who comes online later" below)
    expect((await h.request('DELETE', `/api/polls/${p.id}/proxies/${recorded.json.id}`, { token: s.owner })).status).toBe(404)
    expect((await h.request('GET', `/api/polls/${p.id}/proxies`, { token: s.owner })).status).toBe(403)
    // no binding of anyone's ending ends it: it stands on the signed document, not on a binding
    const [mine] = (await h.request('GET', '/api/me/bindings', { token: s.owner })).json.bindings
    expect((await h.request('DELETE', `/api/me/bindings/${mine.id}`, { token: s.owner })).status).toBe(200)
    const listed = await h.request('GET', `/api/polls/${p.id}/proxies`, { token: s.committee })
    expect(listed.json.proxies).toEqual([
      expect.objectContaining({ id: recorded.json.id, voterId, status: 'used', written: true, proxyPhone: `${phone.slice(0, 3)}****${phone.slice(7)}`, endedAt: expect.any(String) }),
    ])

    // the owner takes it back at the desk: recorded by the committee; she casts nothing more
    const withdrawn = await h.request('POST', `/api/polls/${p.id}/proxies/${recorded.json.id}/withdrawal`, { token: s.committee })
    expect(withdrawn.status, withdrawn.text).toBe(200)
    expect(withdrawn.json).toMatchObject({ status: 'revoked', written: true })
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: daughter.accessToken, json: { choice: 'oppose' } })).status).toBeGreaterThanOrEqual(400)
    // the ballot she cast stands (the owner's will when cast), as with any proxy
    const standing = await h.db.select().from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.voterId, voterId), eq(ballots.current, true)))
    expect(standing.map((b) => [b.choice, b.channel])).toEqual([['agree', 'proxy']])
  })

  it('the committee withdraws only written proxies; one the owner named in the app stays the owner’s to end', async () => {
    const { s, p } = await elderlyOwner()
    const named = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: newPhone() } })
    expect(named.status).toBe(201)
    expect(named.json.written).toBe(false)
    expect((await h.request('POST', `/api/polls/${p.id}/proxies/${named.json.id}/withdrawal`, { token: s.committee })).status).toBe(404)
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, named.json.id))
    expect(px!.status).toBe('active')
  })

  it('the owner who comes online later sees it on the poll page and may end it; another owner may not', async () => {
    const { s, p, voterId } = await elderlyOwner()
    const recorded = await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId, proxyPhone: newPhone(), documentSha256: DOC } })
    expect(recorded.status).toBe(201)
    // another owner of the compound: not theirs
    const foreign = await h.request('DELETE', `/api/polls/${p.id}/proxies/${recorded.json.id}`, { token: s.owner })
    expect(foreign.status).toBe(404)
    const owner = await signedInOwner(h, s.community.id, s.rows[2]!)
    const b = browserSession(h)
    const me = await h.request('GET', '/api/me', { token: owner.accessToken })
    h.clock.advance(61_000)
    await b.login(me.json.phone)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.text).toContain('这是业委会按您签字的书面委托书登记的委托')
    expect(page.text).toContain(`/h5/polls/${p.id}/proxies/${recorded.json.id}/revoke`)
    const ended = await h.request('DELETE', `/api/polls/${p.id}/proxies/${recorded.json.id}`, { token: owner.accessToken })
    expect(ended.status, ended.text).toBe(200)
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, recorded.json.id))
    expect(px!.status).toBe('revoked')
  })

  it('the owner who later votes in person ends it, as any proxy', async () => {
    const { s, p, voterId } = await elderlyOwner()
    const recorded = await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId, proxyPhone: newPhone(), documentSha256: DOC } })
    expect(recorded.status).toBe(201)
    // the owner of flat 3 comes round to the app after all, binds and votes
    const owner = await signedInOwner(h, s.community.id, s.rows[2]!)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: owner.accessToken, json: { choice: 'oppose' } })).status).toBe(201)
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, recorded.json.id))
    expect(px!.status).toBe('revoked')
  })

  it('is refused for an owner who is online (they name their own), and for a document photo already used for another household', async () => {
    const { s, p, voterId } = await elderlyOwner()
    const flat1 = ((await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters as { voterId: string }[])[0]!.voterId
    const online = await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId: flat1, proxyPhone: newPhone(), documentSha256: DOC } })
    expect(online.status).toBe(409)
    expect(online.json.error).toMatchObject({ code: 'WRITTEN_PROXY_OWNER_ONLINE', message: '这一户的业主已在本服务绑定，请业主本人在网上委托代投，业委会不代为录入' })
    expect((await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId, proxyPhone: newPhone(), documentSha256: DOC } })).status).toBe(201)
    const voters = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string; units: string }[]
    const flat4 = voters.find((v) => v.units.endsWith(`-${s.rows[3]!.房号}`))!.voterId
    const reused = await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId: flat4, proxyPhone: newPhone(), documentSha256: DOC } })
    expect(reused.status).toBe(400)
    expect(reused.json.error.details.issues[0]).toMatchObject({ path: 'documentSha256', code: 'document_reused' })
    expect(await h.db.select().from(proxies).where(and(eq(proxies.pollId, p.id), eq(proxies.voterId, flat4)))).toEqual([])
    // the member recording it cannot be the person it names: another member records that sheet
    const self = await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId: flat4, proxyPhone: s.committeePhone, documentSha256: 'b'.repeat(64) } })
    expect(self.status).toBe(400)
    expect(self.json.error.details.issues[0]).toMatchObject({ path: 'proxyPhone', code: 'recorder_is_proxy' })
    expect(await h.db.select().from(proxies).where(and(eq(proxies.pollId, p.id), eq(proxies.voterId, flat4)))).toEqual([])
  })

  it('the owner’s own paper ballot, entered by the committee, ends it; and counts before a ballot the proxy cast first', async () => {
    const { s, p, voterId } = await elderlyOwner(openWindow(60_000))
    const phone = newPhone()
    const recorded = await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId, proxyPhone: phone, documentSha256: DOC } })
    expect(recorded.status).toBe(201)
    const daughter = await h.login(phone)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: daughter.accessToken, json: { choice: 'agree' } })).status).toBe(201)
    // the owner comes to the desk after all and signs a paper ballot: oppose
    const paper = await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice: 'oppose', photoSha256: 'c'.repeat(64) } })
    expect(paper.status, paper.text).toBe(201)
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, recorded.json.id))
    expect(px!.status).toBe('revoked')
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: daughter.accessToken, json: { choice: 'agree' } })).status).toBeGreaterThanOrEqual(400)
    // and no new proxy for that flat
    expect((await h.request('POST', `/api/polls/${p.id}/proxies/written`, { token: s.committee, json: { voterId, proxyPhone: newPhone(), documentSha256: 'd'.repeat(64) } })).json.error.code).toBe('OWNER_ALREADY_VOTED')
    // the count: the owner's paper ballot, not the proxy's online one (the community prefers online)
    h.clock.advance(61_000)
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(closed.status, closed.text).toBe(200)
    expect(closed.json.document.tally).toMatchObject({ agree: { voters: 0 }, oppose: { voters: 1 } })
  })
})
