import { and, count, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ballots, bindings, complaints, notices, oaFollowers, proxies } from '../../drizzle/schema'
import { beijingDeadline } from '../../shared/time'
import { verifyProof, leafHash } from '../../shared/merkle'
import { shortReceipt } from '../../shared/receipt'
import { verifyDocument } from '../../worker/lib/signing'
import { announcedPoll, idNumber, importRosterJson, newPhone, openWindow, pollDraft, setupCommunity, simpleRoster, bulkOwners, type RosterRowInput } from '../helpers/fixtures'
import { browserSession } from '../helpers/browser-session'
import { startHarness, type Harness } from '../helpers/harness'
import { rowsOf } from '../../worker/services/roles/resolve'
import { runDueJobs } from '../../worker/scheduler/jobs'
import { OPEN_SPLIT_BATCH } from '../../worker/services/results/open-split'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const vote = (pid: string, token: string, choice: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  h.request('POST', `/api/polls/${pid}/ballots`, { token, json: { choice, ...extra }, headers })

describe('poll lifecycle', () => {
  it('draft → announce (15-day rule, or a recorded override) → frozen; amendments and extensions are public notices', async () => {
    const s = await setupCommunity(h, { units: 4 })
    // opening 20 days after the (fake) clock's today: enough notice
    const opens = new Date(h.clock.now().getTime() + 20 * 86_400_000)
    const ok = await h.request('POST', `/api/communities/${s.community.id}/polls`, {
      token: s.committee,
      json: pollDraft({ opensAt: opens.toISOString(), closesAt: new Date(opens.getTime() + 7 * 86_400_000).toISOString() }),
    })
    expect(ok.status).toBe(201)
    expect(ok.json).toMatchObject({ status: 'draft', matter: 'fund_use', approvalClass: 'ordinary', classifiedBy: expect.any(String), electorate: null })
    const put = await h.request('PUT', `/api/polls/${ok.json.id}`, {
      token: s.committee,
      json: pollDraft({ matter: 'rebuild', opensAt: opens.toISOString(), closesAt: new Date(opens.getTime() + 7 * 86_400_000).toISOString() }),
    })
    expect(put.json.approvalClass).toBe('special')
    const announced = await h.request('POST', `/api/polls/${ok.json.id}/announce`, { token: s.committee, json: {} })
    expect(announced.status).toBe(200)
    expect(announced.json).toMatchObject({ status: 'announced', noticeOverrideReason: null, electorate: { totalVoters: 4, totalArea: '354.00', totalAreaE4: 4 * 885000 }, textHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const frozen = await h.request('PUT', `/api/polls/${ok.json.id}`, { token: s.committee, json: pollDraft() })
    expect(frozen.status).toBe(409)
    expect(frozen.json.error.code).toBe('POLL_NOT_DRAFT')
    const amend = await h.request('POST', `/api/polls/${ok.json.id}/amendments`, { token: s.committee, json: { text: '更正：附件报价单第3页单价应为每部30万元。' } })
    expect(amend.json.events.map((e: { kind: string }) => e.kind)).toEqual(['announced', 'amended'])
    const tooLong = await h.request('POST', `/api/polls/${ok.json.id}/extend`, {
      token: s.committee,
      json: { closesAt: new Date(opens.getTime() + 130 * 86_400_000).toISOString(), reason: '参与人数不足三分之二' },
    })
    expect(tooLong.status).toBe(422)
    expect(tooLong.json.error.code).toBe('EXTENSION_TOO_LONG')
    const ext = await h.request('POST', `/api/polls/${ok.json.id}/extend`, {
      token: s.committee,
      json: { closesAt: new Date(opens.getTime() + 30 * 86_400_000).toISOString(), reason: '参与人数不足三分之二' },
    })
    expect(ext.status).toBe(200)
    expect(ext.json.events.at(-1)).toMatchObject({ kind: 'extended' })
    // the board shows one announcement of this poll, the latest version: it says what changed and
    // why, states the window as it now is, stays up until the new close, and the first one points to it
    const announcements = async () => (await h.request('GET', `/api/communities/${s.community.id}/notices`)).json.notices.filter((n: { pollId?: string }) => n.pollId === ok.json.id)
    const [shown] = await announcements()
    expect(await announcements()).toHaveLength(1)
    expect(shown).toMatchObject({ version: 3, title: expect.stringContaining('延长表决期'), endsAt: ext.json.closesAt })
    expect(shown.body).toContain('延长表决期至')
    expect(shown.body).toContain('理由：参与人数不足三分之二')
    expect(shown.body).toContain('补充说明：更正：附件报价单第3页单价应为每部30万元。')
    expect(shown.body).toContain(`至 ${beijingDeadline(ext.json.closesAt)}（北京时间）`)
    const first = await h.request('GET', `/n/${(await h.db.select().from(notices).where(and(eq(notices.pollId, ok.json.id), eq(notices.version, 1))))[0]!.code}`)
    expect(first.text).toContain('本公告已被更正，请以新版本为准')
    // later roster changes do not reach an announced poll
    await importRosterJson(h, s.admin, s.community.id, simpleRoster(9))
    const after = await h.request('GET', `/api/polls/${ok.json.id}`, { token: s.owner })
    expect(after.json.electorate.totalVoters).toBe(4)
  })

  it('short notice needs a recorded reason, shown on the poll', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const d = await h.request('POST', `/api/communities/${s.community.id}/polls`, { token: s.committee, json: pollDraft() })
    const refused = await h.request('POST', `/api/polls/${d.json.id}/announce`, { token: s.committee, json: {} })
    expect(refused.status).toBe(422)
    expect(refused.json.error.code).toBe('NOTICE_TOO_SHORT')
    const ok = await h.request('POST', `/api/polls/${d.json.id}/announce`, { token: s.committee, json: { noticeOverrideReason: '电梯停运，情况紧急' } })
    expect(ok.json.noticeOverrideReason).toBe('电梯停运，情况紧急')
  })

  it('refuses a window that closes before it opens, an unknown matter, and a draft hidden from owners', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const badMatter = await h.request('POST', `/api/communities/${s.community.id}/polls`, { token: s.committee, json: pollDraft({ matter: 'party' }) })
    expect(badMatter.status).toBe(400)
    expect(badMatter.json.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['matter'])
    const badWindow = await h.request('POST', `/api/communities/${s.community.id}/polls`, { token: s.committee, json: pollDraft({ closesAt: '2020-01-01T00:00:00+08:00' }) })
    expect(badWindow.status).toBe(400)
    expect(badWindow.json.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['closesAt'])
    const d = await h.request('POST', `/api/communities/${s.community.id}/polls`, { token: s.committee, json: pollDraft() })
    expect((await h.request('GET', `/api/polls/${d.json.id}`, { token: s.owner })).status).toBe(404)
    const list = await h.request('GET', `/api/communities/${s.community.id}/polls`, { token: s.owner })
    expect(list.json.polls).toEqual([])
  })

  it('cancellation needs a reason, and a cancelled poll takes no ballots', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const c = await h.request('POST', `/api/polls/${p.id}/cancel`, { token: s.committee, json: { reason: '议题有误，重新起草' } })
    expect(c.json).toMatchObject({ status: 'cancelled', cancelReason: '议题有误，重新起草' })
    // the board no longer shows a live announcement: it shows the cancellation, with its reason, for a week at least
    const shown = (await h.request('GET', `/api/communities/${s.community.id}/notices`)).json.notices.filter((n: { pollId?: string }) => n.pollId === p.id)
    expect(shown).toHaveLength(1)
    expect(shown[0].title).toMatch(/^取消表决公告：/)
    expect(shown[0].body).toContain('理由：议题有误，重新起草')
    expect(Date.parse(shown[0].endsAt)).toBeGreaterThanOrEqual(h.clock.now().getTime() + 7 * 86_400_000)
    const v = await vote(p.id, s.owner, 'agree')
    expect(v.status).toBe(409)
    expect(v.json.error.code).toBe('POLL_NOT_OPEN')
    // once voting has ended (paper ballots out, the count not yet opened) the ballots are counted: no cancelling then
    const q = await announcedPoll(h, s.community.id, s.committee, openWindow(10_000))
    expect((await vote(q.id, s.owner, 'oppose')).status).toBe(201)
    h.clock.advance(11_000)
    const late = await h.request('POST', `/api/polls/${q.id}/cancel`, { token: s.committee, json: { reason: '投票结束后决定取消' } })
    expect(late.status).toBe(409)
    expect(late.json.error.code).toBe('VOTING_CLOSED')
    expect((await h.request('GET', `/api/polls/${q.id}`, { token: s.owner })).json.status).not.toBe('cancelled')
    // nor extended then, and the refusal says so in words
    const extended = await h.request('POST', `/api/polls/${q.id}/extend`, { token: s.committee, json: { closesAt: new Date(h.clock.now().getTime() + 86_400_000).toISOString(), reason: '参与人数不足三分之二' } })
    expect(extended.status).toBe(409)
    expect(extended.json.error).toMatchObject({ code: 'EXTENSION_TOO_LATE', message: '投票已截止，不能再延长表决期（延期须在截止前公告）' })
  })
})

describe('ballots', () => {
  it('one voter, one standing ballot; every version kept; the owner sees them', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const first = await vote(p.id, s.owner, 'agree')
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({ version: 1, choice: 'agree', channel: 'app', receipt: expect.any(String) })
    const second = await vote(p.id, s.owner, 'oppose')
    expect(second.json.version).toBe(2)
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    expect(mine.json.voters).toHaveLength(1)
    expect(mine.json.voters[0].ballots.map((b: { version: number; current: boolean }) => [b.version, b.current])).toEqual([[2, true], [1, false]])
  })

  it('first-ballot-final communities refuse a change', async () => {
    const s = await setupCommunity(h, { units: 2 })
    await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { revotePolicy: 'first_final' } })
    const p = await announcedPoll(h, s.community.id, s.committee)
    expect((await vote(p.id, s.owner, 'agree')).status).toBe(201)
    const again = await vote(p.id, s.owner, 'oppose')
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('BALLOT_FINAL')
  })

  it('Idempotency-Key: a retry returns the same ballot; the same key with another choice is refused', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const key = { 'idempotency-key': 'phone-retry-0001' }
    const a = await vote(p.id, s.owner, 'agree', key)
    const b = await vote(p.id, s.owner, 'agree', key)
    expect(a.status).toBe(201)
    expect(b.status).toBe(200)
    expect(b.json).toMatchObject({ receipt: a.json.receipt, replayed: true })
    const c = await vote(p.id, s.owner, 'oppose', key)
    expect(c.status).toBe(409)
    expect(c.json.error.code).toBe('IDEMPOTENCY_CONFLICT')
    const [{ n } = { n: 0 }] = await h.db.select({ n: count() }).from(ballots).where(eq(ballots.pollId, p.id))
    expect(n).toBe(1)
    // a key too short or with a space is said in words, whatever the spelling of the header's name
    for (const bad of ['k1', 'has a space', 'x'.repeat(101)]) {
      const refused = await vote(p.id, s.owner, 'oppose', { 'IDEMPOTENCY-KEY': bad })
      expect(refused.status, bad).toBe(400)
      expect(refused.json.error.details.issues[0]).toMatchObject({ path: 'Idempotency-Key', message: 'Idempotency-Key 须为8至100个可见 ASCII 字符' })
    }
    const [{ m } = { m: 0 }] = await h.db.select({ m: count() }).from(ballots).where(eq(ballots.pollId, p.id))
    expect(m).toBe(1)
    // and /openapi.json says the vote takes it
    const op = (await h.request('GET', '/openapi.json')).json.paths['/api/polls/{pid}/ballots'].post
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }))
  })

  it('refuses before opening, outside the electorate, and a co-owner who is not the representative', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const future = await announcedPoll(h, s.community.id, s.committee, openWindow(3_600_000, 3_600_000))
    const early = await vote(future.id, s.owner, 'agree')
    expect(early.json.error.code).toBe('POLL_NOT_OPEN')

    const rows: RosterRowInput[] = [
      ...simpleRoster(2),
      { 楼栋: '9栋', 单元: '1单元', 房号: '101', 专有部分面积: '100', 面积来源: '合同', 业主姓名: '甲方', 证件号码: idNumber(901), 是否代表人: '是' },
      { 楼栋: '9栋', 单元: '1单元', 房号: '101', 专有部分面积: '100', 面积来源: '合同', 业主姓名: '乙方', 证件号码: idNumber(902), 是否代表人: '否' },
    ]
    expect((await importRosterJson(h, s.admin, s.community.id, rows)).status).toBe(201)
    const [coOwner] = await bulkOwners(h, s.community.id, [rows[3]!])
    const scoped = await announcedPoll(h, s.community.id, s.committee, { scopeBuildings: ['9栋'] })
    expect(scoped.electorate.totalVoters).toBe(1)
    const notRep = await vote(scoped.id, coOwner!.token, 'agree')
    expect(notRep.status).toBe(403)
    expect(notRep.json.error.code).toBe('NOT_REPRESENTATIVE')
    const outside = await vote(scoped.id, s.owner, 'agree')
    expect(outside.status).toBe(403)
    expect(outside.json.error.code).toBe('NOT_IN_ELECTORATE')
    // its result notice hangs on the whole compound's board: it says whose figures they are
    h.clock.advance(2 * 3_600_000)
    const closed = await h.request('POST', `/api/polls/${scoped.id}/close`, { token: (await h.login(s.committeePhone)).accessToken })
    expect(closed.status, closed.text).toBe(200)
    const result = (await h.request('GET', `/api/communities/${s.community.id}/notices`)).json.notices.find((n: { pollId?: string; kind: string }) => n.pollId === scoped.id && n.kind === 'result')
    expect(result.body).toContain('表决范围：9栋（以下人数和面积只计这一范围内的业主）')
  })

  it('paper ballots: entered with a photo hash, seen by the owner; the electronic one stands by default', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const mine0 = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    const voterId = mine0.json.voters[0].voterId
    const paper = await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice: 'oppose', photoSha256: 'b'.repeat(64) } })
    expect(paper.status).toBe(201)
    expect(paper.json.channel).toBe('paper')
    const noHash = await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice: 'oppose' } })
    expect(noHash.status).toBe(400)
    await vote(p.id, s.owner, 'agree')
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    expect(mine.json.voters[0].ballots.map((b: { kind: string; current: boolean }) => [b.kind, b.current]).sort()).toEqual([['electronic', true], ['paper', true]])
    const t = await h.request('GET', `/api/polls/${p.id}/turnout`, { token: s.owner })
    expect(t.json.participated.voters).toBe(1)
  })

  it('owners share a turnout summed at most 5 s before, with its time; the committee sees it live; the deadline and the close sum afresh; the community’s paper rule decides which ballot counts', async () => {
    const s = await setupCommunity(h, { units: 4 })
    const settings = await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { paperVsElectronic: 'paper' } })
    expect(settings.status).toBe(200)
    // open now (announcedPoll moves the clock to the opening), for 8 s
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(8_000))
    const closesAt = h.clock.now().getTime() + 8_000
    const [second, third, fourth] = await bulkOwners(h, s.community.id, [s.rows[1]!, s.rows[2]!, s.rows[3]!])
    // the first owner votes on the phone and on paper: with this community's rule the paper one counts
    expect((await vote(p.id, s.owner, 'agree')).status).toBe(201)
    const voterId = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].voterId
    expect((await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice: 'oppose', photoSha256: 'c'.repeat(64) } })).status).toBe(201)
    const read = async (token: string) => (await h.request('GET', `/api/polls/${p.id}/turnout`, { token })).json
    const takenAt = h.clock.now().toISOString()
    expect(await read(second!.token)).toMatchObject({ asOf: takenAt, participated: { voters: 1 } })
    h.clock.advance(1_000)
    expect((await vote(p.id, second!.token, 'agree')).status).toBe(201)
    // another owner a second later: the same sum, with the time it was taken
    expect(await read(third!.token)).toMatchObject({ asOf: takenAt, participated: { voters: 1 } })
    // the committee: summed now, and owners share that newer sum from then on
    const committeeAt = h.clock.now().toISOString()
    expect(await read(s.committee)).toMatchObject({ asOf: committeeAt, participated: { voters: 2 } })
    h.clock.advance(4_999)
    expect(await read(third!.token)).toMatchObject({ asOf: committeeAt, participated: { voters: 2 } })
    // 5 s old: summed again
    h.clock.advance(1)
    const sixth = h.clock.now().toISOString()
    expect(await read(third!.token)).toMatchObject({ asOf: sixth, participated: { voters: 2 } })
    // a ballot in the last second, then the deadline passes: owners are not shown the sum from
    // before it, though that sum is under 5 s old
    h.clock.set(new Date(closesAt - 1_000))
    expect((await vote(p.id, fourth!.token, 'agree')).status).toBe(201)
    expect(await read(third!.token)).toMatchObject({ asOf: sixth, participated: { voters: 2 } })
    h.clock.set(new Date(closesAt))
    expect(await read(third!.token)).toMatchObject({ status: 'voting_ended', asOf: new Date(closesAt).toISOString(), participated: { voters: 3 } })
    // closed: summed afresh at once, and the split counts the first owner's paper ballot
    h.clock.advance(500)
    expect((await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })).status).toBe(200)
    const closed = await read(third!.token)
    expect(closed).toMatchObject({ status: 'closed', asOf: h.clock.now().toISOString(), participated: { voters: 3 } })
    expect(closed.split).toMatchObject({ agree: { voters: 2 }, oppose: { voters: 1 } })
    // the poll's H5 page says when the sum was taken, to the second, in Beijing time (UTC+8)
    const [u] = rowsOf<{ phone: string }>(await h.db.execute(sql`select phone from users where id = ${third!.userId}`))
    const browser = browserSession(h)
    await browser.login(u!.phone)
    const page = await browser.get(`/h5/polls/${p.id}`)
    expect(page.status).toBe(200)
    const bj = new Date(h.clock.now().getTime() + 8 * 3600_000)
    const two = (n: number) => String(n).padStart(2, '0')
    expect(page.text).toContain(`统计时间：${bj.getUTCFullYear()}年${bj.getUTCMonth() + 1}月${bj.getUTCDate()}日 ${two(bj.getUTCHours())}:${two(bj.getUTCMinutes())}:${two(bj.getUTCSeconds())}`)
  })

  it('proxies: named by the owner, used by the proxy, limited per proxy, revocable at any time', async () => {
    const s = await setupCommunity(h, { units: 4 })
    await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { proxyLimit: 1 } })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const [proxyOwner, thirdOwner] = await bulkOwners(h, s.community.id, [s.rows[1]!, s.rows[2]!])
    const mistyped = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: '1380013800' } })
    expect(mistyped.status).toBe(400)
    expect(mistyped.json.error.code).toBe('PHONE_INVALID')
    const me = await h.request('GET', '/api/me', { token: proxyOwner!.token })
    // a client that asks for the number twice sends both: two different numbers name nobody
    const phone: string = me.json.phone
    const twoNumbers = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone, proxyPhoneAgain: `${phone.slice(0, 10)}${(Number(phone[10]) + 1) % 10}` } })
    expect(twoNumbers.status).toBe(400)
    expect(twoNumbers.json.error.code).toBe('PROXY_PHONE_MISMATCH')
    expect(twoNumbers.json.error.message).toBe('两次输入的受托人手机号不一致，请核对后重新填写')
    expect(await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))).toEqual([])
    const granted = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone, proxyPhoneAgain: `+86 ${phone}` } })
    expect(granted.status).toBe(201)
    const overLimit = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: thirdOwner!.token, json: { proxyPhone: me.json.phone } })
    expect(overLimit.json.error?.code, overLimit.text).toBe('PROXY_LIMIT')
    // the proxy owns a flat too: without naming a voter it votes for its own flat
    const own = await vote(p.id, proxyOwner!.token, 'oppose')
    expect(own.json.channel).toBe('app')
    expect(own.json.voterId).not.toBe(granted.json.voterId)
    const asProxy = await vote(p.id, proxyOwner!.token, 'agree', {}, { voterId: granted.json.voterId })
    expect(asProxy.status).toBe(201)
    expect(asProxy.json.channel).toBe('proxy')
    // a used proxy is ended by its owner too: its ballot stands, and it casts nothing more
    const revoke = await h.request('DELETE', `/api/polls/${p.id}/proxies/${granted.json.id}`, { token: s.owner })
    expect(revoke.json.status).toBe('revoked')
    const again = await vote(p.id, proxyOwner!.token, 'oppose', {}, { voterId: granted.json.voterId })
    expect(again.json.error.code).toBe('NOT_IN_ELECTORATE')
    expect((await h.request('DELETE', `/api/polls/${p.id}/proxies/${granted.json.id}`, { token: s.owner })).json.error.code).toBe('PROXY_NOT_ACTIVE')
    // an unused proxy is revocable, by its grantor, through its own poll only
    const other = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: thirdOwner!.token, json: { proxyPhone: (await h.request('GET', '/api/me', { token: s.owner })).json.phone } })
    expect(other.status).toBe(201)
    const q = await announcedPoll(h, s.community.id, s.committee)
    expect((await h.request('DELETE', `/api/polls/${q.id}/proxies/${other.json.id}`, { token: thirdOwner!.token })).status).toBe(404)
    expect((await h.request('DELETE', `/api/polls/${p.id}/proxies/${other.json.id}`, { token: s.owner })).status).toBe(404)
    const revoked = await h.request('DELETE', `/api/polls/${p.id}/proxies/${other.json.id}`, { token: thirdOwner!.token })
    expect(revoked.json.status).toBe('revoked')
  })

  it('an owner names at most 10 proxies an hour, refused ones counted: the grant cannot send messages without end, and a refused one makes no account', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const tries = []
    const phones = Array.from({ length: 11 }, () => newPhone())
    for (const proxyPhone of phones) tries.push(await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone } }))
    // the first, to a phone never signed in, is named (its account made); the flat has its proxy, so the next nine are refused
    expect(tries[0]!.status).toBe(201)
    expect(tries.slice(1, 10).map((t) => t.json.error.code)).toEqual(Array(9).fill('PROXY_EXISTS'))
    const accounts = rowsOf<{ phone: string }>(await h.db.execute(sql`select phone from users where phone in (${sql.join(phones.map((x) => sql`${x}`), sql`, `)})`))
    expect(accounts.map((a) => a.phone)).toEqual([phones[0]])
    expect(tries[10]!.status).toBe(429)
    expect(tries[10]!.json.error.code).toBe('RATE_LIMITED')
    expect(tries[10]!.headers.get('retry-after')).toMatch(/^\d+$/)
  })

  it('a phone nobody has signed in to is named at most 3 times a day, whoever names it; once its holder signs in, the limit is gone', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const ps = []
    for (let i = 0; i < 5; i++) ps.push(await announcedPoll(h, s.community.id, s.committee))
    const phone = newPhone()
    const grant = (pid: string) => h.request('POST', `/api/polls/${pid}/proxies`, { token: s.owner, json: { proxyPhone: phone } })
    for (const p of ps.slice(0, 3)) expect((await grant(p.id)).status).toBe(201)
    const fourth = await grant(ps[3]!.id)
    expect(fourth.status).toBe(429)
    expect(fourth.json.error.code).toBe('RATE_LIMITED')
    expect(await h.db.select().from(proxies).where(eq(proxies.pollId, ps[3]!.id))).toEqual([])
    await h.login(phone)
    expect((await grant(ps[4]!.id)).status).toBe(201)
  })

  it('a proxy who owns no flat here (a daughter living elsewhere) reads and votes in that one poll, and loses it when the proxy ends', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const q = await announcedPoll(h, s.community.id, s.committee)
    const daughter = await h.login(newPhone())
    const token = daughter.accessToken
    // before she is named, the poll is not hers to read or vote in
    expect((await h.request('GET', `/api/polls/${p.id}`, { token })).status).toBe(403)
    expect((await vote(p.id, token, 'agree')).status).toBe(403)
    const me = await h.request('GET', '/api/me', { token })
    const granted = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: me.json.phone } })
    expect(granted.status).toBe(201)
    // named: she reads this poll and votes for her mother's flat; nothing else of the community opens
    expect((await h.request('GET', `/api/polls/${p.id}`, { token })).json.id).toBe(p.id)
    expect((await h.request('GET', `/api/polls/${q.id}`, { token })).status).toBe(403)
    expect((await h.request('GET', `/api/communities/${s.community.id}/polls`, { token })).status).toBe(403)
    expect((await h.request('GET', `/api/polls/${p.id}/voters`, { token })).status).toBe(403)
    // the link she was sent opens the poll's page in a browser, with her mother's flat to vote for
    const browser = browserSession(h)
    h.clock.advance(61_000) // the same phone signed in through the API a moment ago: wait out the resend interval
    await browser.login(me.json.phone)
    // she starts from 我的, where the poll is listed (she has no compound of her own to start from)
    expect((await h.request('GET', '/api/me', { token })).json.proxyPolls).toEqual([expect.objectContaining({ pollId: p.id, title: expect.any(String), communityName: expect.any(String) })])
    const home = await browser.get('/h5/me')
    expect(home.text).toContain('受托代为投票')
    expect(home.text).toContain(`/h5/polls/${p.id}`)
    const page = await browser.get(`/h5/polls/${p.id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('受托人的名义投票')
    // the poll and the ballot, not the compound's turnout and discussion (nor in the API)
    expect(page.text).not.toContain('参与情况')
    expect(page.text).not.toContain('id="discussion"')
    expect((await h.request('GET', `/api/polls/${p.id}/turnout`, { token })).status).toBe(403)
    expect((await h.request('GET', `/api/polls/${p.id}/comments`, { token })).status).toBe(403)
    expect((await browser.get(`/h5/polls/${q.id}`)).status).toBe(404)
    const cast = await vote(p.id, token, 'agree')
    expect(cast.status).toBe(201)
    expect(cast.json).toMatchObject({ channel: 'proxy', voterId: granted.json.voterId })
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token })
    expect(mine.json.voters).toEqual([expect.objectContaining({ voterId: granted.json.voterId, via: 'proxy', ballots: [expect.objectContaining({ receipt: cast.json.receipt, channel: 'proxy' })] })])
    // the mother sees the ballot cast in her name
    const hers = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    expect(hers.json.voters[0].ballots[0]).toMatchObject({ receipt: cast.json.receipt, channel: 'proxy' })
    // the official account's chat-bot, bound to her account, sends her to the poll's page (she has no compound of her own here)
    const openid = `oDaughter${process.pid}${Math.random().toString(36).slice(2, 8)}`
    await h.db.insert(oaFollowers).values({ openid, userId: daughter.userId, subscribed: true, linkedAt: h.clock.now() })
    const said = (await h.oa.send({ from: openid, content: '议题' })).reply
    expect(said).toContain('您受业主委托代为投票的议题')
    expect(said).toContain(`/h5/polls/${p.id}`)
    expect(said).not.toContain(`/h5/polls/${q.id}`)
    // her page lists the ballot she cast, without the owner's dispute form
    const after = await browser.get(`/h5/polls/${p.id}`)
    expect(after.text).toContain('我代投的票')
    expect(after.text).not.toContain('提出异议')

    // ended by the mother: the poll closes to the daughter again, her ballot stands
    expect((await h.request('DELETE', `/api/polls/${p.id}/proxies/${granted.json.id}`, { token: s.owner })).json.status).toBe('revoked')
    expect((await h.request('GET', `/api/polls/${p.id}`, { token })).status).toBe(403)
    expect((await vote(p.id, token, 'oppose')).status).toBe(403)
    expect((await browser.get(`/h5/polls/${p.id}`)).status).toBe(404)
    expect((await h.request('GET', '/api/me', { token })).json.proxyPolls).toEqual([])
    expect((await h.oa.send({ from: openid, content: '议题' })).reply).toContain('还没有通过业主身份核验')
    const [standing] = await h.db.select().from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.current, true)))
    expect(standing!.receipt).toBe(cast.json.receipt)
  })

  it('a proxy who owns no flat here votes by messaging the official account too, for that poll only, and not once the proxy ends', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const q = await announcedPoll(h, s.community.id, s.committee)
    const phone = newPhone()
    const granted = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone } })
    expect(granted.status).toBe(201)
    const daughter = await h.login(phone)
    const openid = `oProxyChat${process.pid}${Math.random().toString(36).slice(2, 8)}`
    await h.db.insert(oaFollowers).values({ openid, userId: daughter.userId, subscribed: true, linkedAt: h.clock.now() })
    const say = async (content: string) => (await h.oa.send({ from: openid, content })).reply
    const [{ number } = { number: 0 }] = rowsOf<{ number: number }>(await h.db.execute(sql`select number from polls where id = ${p.id}`))
    const [{ number: other } = { number: 0 }] = rowsOf<{ number: number }>(await h.db.execute(sql`select number from polls where id = ${q.id}`))
    // the list says she may vote here, by the poll's number
    const listed = await say('议题')
    expect(listed).toContain(`第${number}号`)
    expect(listed).toContain(`投票 ${number} 同意`)
    expect(await say(`查看 ${number}`)).toContain('投票请回复')
    // the compound's other poll, its accounts and its complaints are not hers
    expect(await say(`投票 ${other} 同意`)).toContain(`没有找到第${other}号议题`)
    // anything else shows the polls she is named for, and does nothing: a complaint is filed by the compound's owners, not her
    expect(await say('账目')).toBe(listed)
    expect(await say('投诉 楼道的灯坏了三天了')).toBe(listed)
    expect(await h.db.select().from(complaints).where(eq(complaints.communityId, s.community.id))).toEqual([])
    // asked, confirmed, cast for her mother's flat as the proxy
    const asked = await say(`投票 ${number} 反对`)
    expect(asked).toContain('请确认')
    expect(asked).toContain(`受托代 ${s.community.name} `)
    const done = await say('确认')
    expect(done).toContain('已投票')
    const [cast] = await h.db.select().from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.current, true)))
    expect(cast).toMatchObject({ voterId: granted.json.voterId, channel: 'proxy', choice: 'oppose' })
    expect(done).toContain(shortReceipt(cast!.receipt))
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, q.id))).toEqual([])
    // a vote asked for, then the proxy ended before 确认: nothing more is cast
    expect(await say(`投票 ${number} 同意`)).toContain('请确认')
    expect((await h.request('DELETE', `/api/polls/${p.id}/proxies/${granted.json.id}`, { token: s.owner })).json.status).toBe('revoked')
    expect(await say('确认')).not.toContain('已投票')
    const after = await h.db.select().from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.current, true)))
    expect(after.map((b) => b.receipt)).toEqual([cast!.receipt])
    expect(await say(`投票 ${number} 同意`)).toContain('还没有通过业主身份核验')
  })

  it('in chat a poll number means the caller’s own compound first; two polls they are proxy for with one number are sent as links, and nothing is cast', async () => {
    // an owner in A, named proxy in B and in C: every compound numbers its polls from 1
    const a = await setupCommunity(h, { units: 2 })
    const b = await setupCommunity(h, { units: 2 })
    const c = await setupCommunity(h, { units: 2 })
    const pa = await announcedPoll(h, a.community.id, a.committee)
    const pb = await announcedPoll(h, b.community.id, b.committee)
    const pc = await announcedPoll(h, c.community.id, c.committee)
    const numberOf = async (pid: string) => rowsOf<{ number: number }>(await h.db.execute(sql`select number from polls where id = ${pid}`))[0]!.number
    const n = await numberOf(pa.id)
    expect([await numberOf(pb.id), await numberOf(pc.id)]).toEqual([n, n])
    const me = await h.request('GET', '/api/me', { token: a.owner })
    const grant = (owner: string, pid: string) => h.request('POST', `/api/polls/${pid}/proxies`, { token: owner, json: { proxyPhone: me.json.phone } })
    expect((await grant(b.owner, pb.id)).status).toBe(201)
    const openid = `oTwoHats${process.pid}${Math.random().toString(36).slice(2, 8)}`
    await h.db.insert(oaFollowers).values({ openid, userId: me.json.id, subscribed: true, linkedAt: h.clock.now() })
    const say = async (content: string) => (await h.oa.send({ from: openid, content })).reply
    // the list names both, the one elsewhere as a proxy's, with its link as its number is taken here
    const listed = await say('议题')
    expect(listed).toContain(`第${n}号`)
    expect(listed).toContain('（受托代投）')
    expect(listed).toContain(`/h5/polls/${pb.id}`)
    // the number means her own compound's poll
    const asked = await say(`投票 ${n} 同意`)
    expect(asked).toContain('投票权人：')
    expect(await say('确认')).toContain('已投票')
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, pa.id))).toHaveLength(1)
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, pb.id))).toEqual([])
    // a proxy only (her own flat sold): with B and C both numbered n, neither is picked
    expect((await grant(c.owner, pc.id)).status).toBe(201)
    await h.db.update(bindings).set({ status: 'ended' }).where(and(eq(bindings.userId, me.json.id), eq(bindings.communityId, a.community.id)))
    const both = await say(`投票 ${n} 反对`)
    expect(both).toContain(`有2个第${n}号`)
    expect(both).toContain(`/h5/polls/${pb.id}`)
    expect(both).toContain(`/h5/polls/${pc.id}`)
    expect(await say('确认')).not.toContain('已投票')
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, pb.id))).toEqual([])
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, pc.id))).toEqual([])
  })
})

describe('proxies give way to the owner', () => {
  /** An owner (flat 1), a proxy who owns flat 2, and a proxy named for this poll. */
  async function proxied() {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const [proxyOwner] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const phone = (await h.request('GET', '/api/me', { token: proxyOwner!.token })).json.phone
    const granted = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone } })
    expect(granted.status).toBe(201)
    return { s, p, proxy: proxyOwner!.token, voterId: granted.json.voterId as string, proxyId: granted.json.id as string }
  }
  const standing = async (pid: string, token: string) =>
    (await h.request('GET', `/api/polls/${pid}/ballots/mine`, { token })).json.voters[0].ballots.find((b: { current: boolean }) => b.current)

  it('after the close a proxy is neither named nor ended: the closed poll\'s record of who voted for whom stays', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(60_000))
    const [neighbour, third] = await bulkOwners(h, s.community.id, [s.rows[1]!, s.rows[2]!])
    const phone = (await h.request('GET', '/api/me', { token: neighbour!.token })).json.phone
    const granted = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone } })
    expect(granted.status).toBe(201)
    h.clock.advance(60_100)
    const late = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: third!.token, json: { proxyPhone: phone } })
    expect(late.json.error.code).toBe('VOTING_CLOSED')
    const revoke = await h.request('DELETE', `/api/polls/${p.id}/proxies/${granted.json.id}`, { token: s.owner })
    expect(revoke.json.error.code).toBe('VOTING_CLOSED')
    expect(revoke.json.error.message).toContain('不能再委托或撤销委托')
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, granted.json.id))
    expect(px!.status).toBe('active')
  })

  it('a proxy cannot be named once the owner has voted in person: it would be the one ballot that replaces the owner\'s', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const [neighbour] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const phone = (await h.request('GET', '/api/me', { token: neighbour!.token })).json.phone
    expect((await vote(p.id, s.owner, 'agree')).status).toBe(201)
    const late = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone } })
    expect(late.status).toBe(409)
    expect(late.json.error.code).toBe('OWNER_ALREADY_VOTED')
    expect(late.json.error.message).toContain('您已经亲自投票')
    expect(await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))).toEqual([])
  })

  it('naming a proxy while a ballot for the same flat is being entered never deadlocks: both are answered', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const [neighbour] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const phone = (await h.request('GET', '/api/me', { token: neighbour!.token })).json.phone
    const voterId = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].voterId
    // a paper ballot a guardian signed: it ends no proxy, so both must succeed each time (one the
    // owner signed would end the proxy, and refuse a new one, as voting in person does)
    const signedBy = { as: 'guardian', name: '王监护', documentSha256: 'e'.repeat(64) }
    for (let i = 0; i < 5; i++) {
      const [grant, paper] = await Promise.all([
        h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone } }),
        h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice: i % 2 ? 'agree' : 'oppose', photoSha256: 'c'.repeat(64), signedBy } }),
      ])
      expect(paper.status, paper.text).toBe(201)
      expect(grant.status, grant.text).toBe(201)
      expect((await h.request('DELETE', `/api/polls/${p.id}/proxies/${grant.json.id}`, { token: s.owner })).status).toBe(200)
    }
  })

  it('once the owner votes in person the proxy ends, used or not, and can never replace the owner\'s ballot', async () => {
    const { s, p, proxy, voterId, proxyId } = await proxied()
    expect((await vote(p.id, proxy, 'agree', {}, { voterId })).json.channel).toBe('proxy')
    const own = await vote(p.id, s.owner, 'oppose')
    expect(own.status).toBe(201)
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, proxyId))
    expect(px!.status).toBe('revoked')
    const replace = await vote(p.id, proxy, 'agree', {}, { voterId })
    expect(replace.status).toBeGreaterThanOrEqual(400)
    expect(await standing(p.id, s.owner)).toMatchObject({ choice: 'oppose', channel: 'app' })
    // the proxy no longer sees the owner's ballots (only the voter sees their choice)
    const theirs = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: proxy })
    expect(theirs.text).not.toContain('oppose')
  })

  it("ending the grantor's binding ends the proxies it granted (the owner's own, a roster re-import)", async () => {
    const { s, p, proxy, voterId, proxyId } = await proxied()
    const [mine] = (await h.request('GET', '/api/me/bindings', { token: s.owner })).json.bindings
    expect((await h.request('DELETE', `/api/me/bindings/${mine.id}`, { token: s.owner })).status).toBe(200)
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, proxyId))
    expect(px!.status).toBe('revoked')
    expect((await vote(p.id, proxy, 'agree', {}, { voterId })).status).toBeGreaterThanOrEqual(400)

    const t = await proxied()
    // the re-imported roster lists someone else as the owner of flat 1
    const rows = t.s.rows.map((r, i) => (i === 0 ? { ...r, 业主姓名: '新业主', 证件号码: idNumber(777) } : r))
    expect((await importRosterJson(h, t.s.admin, t.s.community.id, rows)).status).toBe(201)
    expect((await vote(t.p.id, t.proxy, 'agree', {}, { voterId: t.voterId })).status).toBeGreaterThanOrEqual(400)
    const [px2] = await h.db.select().from(proxies).where(eq(proxies.id, t.proxyId))
    expect(px2!.status).toBe('revoked')
  })

  it('a proxy ballot needs the grantor to be a verified owner at that moment', async () => {
    const { s, p, proxy, voterId } = await proxied()
    // however the binding ended (here behind the services' back), the ballot itself checks the grantor
    await h.db.update(bindings).set({ status: 'ended' }).where(eq(bindings.userId, s.ownerUserId))
    const res = await vote(p.id, proxy, 'agree', {}, { voterId })
    expect(res.status).toBe(409)
    expect(res.json.error).toMatchObject({ code: 'PROXY_NOT_ACTIVE', details: { reason: 'grantor_not_verified' } })
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))).toHaveLength(0)
  })

  it('a proxy revoked after the route let the proxy in is refused by the ballot’s own statement, which writes nothing', async () => {
    const { s, p, proxyId, voterId } = await proxied()
    const proxyUserId = (await h.db.select().from(proxies).where(eq(proxies.id, proxyId)))[0]!.proxyUserId
    // the owner's revocation lands between the route's check (who may vote) and the ballot's statement
    await h.db.update(proxies).set({ status: 'revoked' }).where(eq(proxies.id, proxyId))
    const auditBefore = rowsOf<{ n: number | string }>(await h.db.execute(sql`select count(*) as n from audit_log where community_id = ${s.community.id}`))[0]!.n
    const [row] = rowsOf<{ o_outcome: string; o_detail: string | null }>(
      await h.db.execute(sql`
        select * from cast_ballot(${p.id}, ${s.community.id}, ${voterId}, 'electronic', ${proxyUserId}, null, 'h', ${h.clock.now().toISOString()}::timestamptz,
          'b-race', 'r-race', 'agree', null::jsonb, null, 'proxy', ${proxyId}, false, null, ${proxyUserId}, null)`),
    )
    expect(row).toMatchObject({ o_outcome: 'PROXY_NOT_ACTIVE', o_detail: 'revoked' })
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))).toHaveLength(0)
    const auditAfter = rowsOf<{ n: number | string }>(await h.db.execute(sql`select count(*) as n from audit_log where community_id = ${s.community.id}`))[0]!.n
    expect(Number(auditAfter)).toBe(Number(auditBefore))
    // the same statement with the proxy standing casts, so the refusal above was the revocation's
    await h.db.update(proxies).set({ status: 'active' }).where(eq(proxies.id, proxyId))
    const [ok] = rowsOf<{ o_outcome: string; o_version: number }>(
      await h.db.execute(sql`
        select * from cast_ballot(${p.id}, ${s.community.id}, ${voterId}, 'electronic', ${proxyUserId}, null, 'h', ${h.clock.now().toISOString()}::timestamptz,
          'b-race', 'r-race', 'agree', null::jsonb, null, 'proxy', ${proxyId}, false, null, ${proxyUserId}, null)`),
    )
    expect(ok).toMatchObject({ o_outcome: 'cast', o_version: 1 })
    expect((await h.db.select().from(proxies).where(eq(proxies.id, proxyId)))[0]!.status).toBe('used')
  })
})

describe('discussion', () => {
  it('owners and the committee post; a hidden post stays on record with its reason', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const post = await h.request('POST', `/api/polls/${p.id}/comments`, { token: s.owner, json: { body: '报价是否含拆除旧电梯的费用？' } })
    expect(post.status).toBe(201)
    expect(post.json.authorLabel).toMatch(/业主$/)
    const answer = await h.request('POST', `/api/polls/${p.id}/comments`, { token: s.committee, json: { body: '含拆除与运输。', parentId: post.json.id } })
    expect(answer.json).toMatchObject({ authorRole: 'committee', parentId: post.json.id })
    const hidden = await h.request('POST', `/api/polls/${p.id}/comments/${post.json.id}/hide`, { token: s.committee, json: { reason: '含他人电话号码' } })
    expect(hidden.json).toMatchObject({ body: null, hidden: { reason: '含他人电话号码' } })
    const list = await h.request('GET', `/api/polls/${p.id}/comments`, { token: s.owner })
    expect(list.json.comments).toHaveLength(2)
    const audit = await h.request('GET', `/api/communities/${s.community.id}/audit`, { token: s.committee })
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toContain('comment.hidden')
  })
})

describe('close, result, receipts', () => {
  it('a community that shows the split while voting runs is shown household counts in batches of OPEN_SPLIT_BATCH first-time online voters, never one ballot', async () => {
    const s = await setupCommunity(h, { units: 3 * OPEN_SPLIT_BATCH + 2 })
    const patched = await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { showSplitWhileOpen: true } })
    expect(patched.status, patched.text).toBe(200)
    const owners = [{ token: s.owner }, ...(await bulkOwners(h, s.community.id, s.rows.slice(1, 2 * OPEN_SPLIT_BATCH + 2)))]
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(3_600_000))
    const read = async (token: string) => (await h.request('GET', `/api/polls/${p.id}/turnout`, { token })).json
    let ranAt = ''
    // past the owners' shared turnout (TURNOUT_SNAPSHOT_MS), so the participation they see is current
    const step = async () => {
      h.clock.advance(6000)
      ranAt = h.clock.now().toISOString()
      const taken = (await runDueJobs(h.services)).open_splits
      h.clock.advance(1)
      return taken
    }
    // one household voted: neither an owner nor the committee (given live sums) sees how
    expect((await vote(p.id, owners[0]!.token, 'agree')).status).toBe(201)
    expect(await step()).toBe(0)
    for (const token of [s.owner, s.committee]) expect(await read(token)).toMatchObject({ participated: { voters: 1 }, split: null, splitWhileOpen: null })
    // a household changing its ballot again and again, and the committee entering paper ballots
    // (whose choices it typed), fill no batch
    for (const c of ['oppose', 'agree', 'oppose', 'agree', 'oppose', 'agree', 'oppose', 'agree', 'oppose', 'agree']) await vote(p.id, owners[0]!.token, c)
    const online = new Set(owners.slice(1).map((o) => (o as { unitKey: string }).unitKey.replaceAll('|', '-')))
    online.add(`${s.rows[0]!.楼栋}-${s.rows[0]!.单元}-${s.rows[0]!.房号}`)
    const paper = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters.filter((v: { units: string }) => !online.has(v.units))
    expect(paper).toHaveLength(OPEN_SPLIT_BATCH)
    for (const v of paper) expect((await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: v.voterId, choice: 'oppose', photoSha256: 'c'.repeat(64) } })).status).toBe(201)
    expect(await step()).toBe(0)
    expect((await read(s.committee)).splitWhileOpen).toBeNull()
    // the batch: OPEN_SPLIT_BATCH households voting online for the first time; then households, no areas
    for (let i = 1; i < OPEN_SPLIT_BATCH; i++) expect((await vote(p.id, owners[i]!.token, i % 3 === 0 ? 'oppose' : 'agree')).status).toBe(201)
    expect(await step()).toBe(1)
    const first = await read(s.owner)
    const agreeing = 1 + Array.from({ length: OPEN_SPLIT_BATCH - 1 }, (_, k) => k + 1).filter((i) => i % 3 !== 0).length
    expect(first.split).toBeNull()
    expect(first.splitWhileOpen).toEqual({ agree: agreeing, oppose: OPEN_SPLIT_BATCH - agreeing + OPEN_SPLIT_BATCH, abstain: 0, asOf: ranAt })
    // one more household: the turnout moves at once, the split does not, for anyone, however often asked
    expect((await vote(p.id, owners[OPEN_SPLIT_BATCH]!.token, 'oppose')).status).toBe(201)
    expect(await step()).toBe(0)
    for (const token of [s.owner, s.committee]) {
      const now = await read(token)
      expect(now.participated.voters).toBe(2 * OPEN_SPLIT_BATCH + 1)
      expect(now.splitWhileOpen).toEqual(first.splitWhileOpen)
    }
    // the next batch counts from the last ballot the split before it included
    for (let i = OPEN_SPLIT_BATCH + 1; i < 2 * OPEN_SPLIT_BATCH; i++) await vote(p.id, owners[i]!.token, 'abstain')
    expect(await step()).toBe(1)
    expect((await read(s.owner)).splitWhileOpen).toMatchObject({ abstain: OPEN_SPLIT_BATCH - 1, oppose: OPEN_SPLIT_BATCH - agreeing + OPEN_SPLIT_BATCH + 1 })
    // a community that does not show it: nothing taken, nothing shown
    const quiet = await setupCommunity(h, { units: OPEN_SPLIT_BATCH + 1 })
    const quietOwners = await bulkOwners(h, quiet.community.id, quiet.rows.slice(1))
    const q = await announcedPoll(h, quiet.community.id, quiet.committee, openWindow(3_600_000))
    for (const o of quietOwners) await vote(q.id, o.token, 'agree')
    await step()
    expect((await h.request('GET', `/api/polls/${q.id}/turnout`, { token: quiet.committee })).json).toMatchObject({ participated: { voters: OPEN_SPLIT_BATCH }, split: null, splitWhileOpen: null })
  })

  it('cannot close early; after close: tally, signed result, Merkle proof for each standing receipt', async () => {
    const s = await setupCommunity(h, { units: 5 })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(2500))
    const receipts: string[] = []
    receipts.push((await vote(p.id, s.owner, 'abstain')).json.receipt)
    const superseded = (await vote(p.id, s.owner, 'agree')).json.receipt
    receipts.push(superseded)
    for (const [i, o] of owners.slice(0, 3).entries()) receipts.push((await vote(p.id, o.token, i < 2 ? 'agree' : 'oppose')).json.receipt)
    const open = await h.request('GET', `/api/polls/${p.id}/turnout`, { token: s.owner })
    expect(open.json).toMatchObject({ participated: { voters: 4, area: '354.00', areaE4: 4 * 885000 }, quorumNeeds: { voters: 4, area: '295.00', areaE4: (2 * 5 * 885000) / 3 }, quorumReached: true, split: null })
    const early = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(early.status).toBe(409)
    expect(early.json.error.code).toBe('POLL_NOT_CLOSABLE')
    expect((await h.request('GET', `/api/polls/${p.id}/result`)).json.error.code).toBe('RESULT_NOT_PUBLISHED')
    h.clock.advance(2600)
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(closed.status).toBe(200)
    expect(closed.json.document).toMatchObject({
      outcome: 'passed',
      tally: { total: { voters: 5, area: '442.50', areaE4: 4425000 }, participated: { voters: 4 }, agree: { voters: 3 }, oppose: { voters: 1 }, abstain: { voters: 0 }, quorum: true, passed: true },
      noticeOverrideReason: '测试：电梯故障需尽快处理',
    })
    // the signed document verifies against the published keys, and says what was counted
    const jwks = await h.request('GET', '/.well-known/jwks.json')
    expect(JSON.stringify(jwks.json)).not.toContain('"d"')
    const verified = await verifyDocument(closed.json.jws, jwks.json)
    expect(verified.payload).toEqual(closed.json.document)
    // each standing receipt proves inclusion; the superseded one says it does not stand
    for (const r of receipts) {
      const proof = await h.request('GET', `/api/polls/${p.id}/proof/${r}`)
      expect(proof.status).toBe(200)
      if (r === superseded || r === receipts[0]) {
        expect(proof.json.standing).toBe(r === superseded)
      }
      if (proof.json.standing) {
        expect(proof.json.merkleRoot).toBe(closed.json.merkleRoot)
        expect(await leafHash(proof.json.leaf)).toBe(proof.json.leafHash)
        expect(await verifyProof(proof.json.leafHash, proof.json.proof, closed.json.merkleRoot)).toBe(true)
      }
    }
    expect((await h.request('GET', `/api/polls/${p.id}/proof/nonexistent-receipt`)).status).toBe(404)
    // no such poll: not found, not "not yet published"
    for (const path of ['/api/polls/no-such-poll/result', `/api/polls/no-such-poll/proof/${receipts[0]}`]) {
      expect((await h.request('GET', path)).json.error.code).toBe('NOT_FOUND')
    }
    // the short code people copy onto paper (and the chat-bot gives) proves the same ballot; another
    // spelling of it is told the printed form (one address per answer: it is cached as immutable);
    // a short code that is no ballot's is not found
    const standing = receipts.find((r) => r !== superseded && r !== receipts[0])!
    // the owner is given the short code with the receipt (to copy onto paper)
    const mineNow = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].ballots
    expect(mineNow.every((b: { receipt: string; shortReceipt: string }) => b.shortReceipt === shortReceipt(b.receipt))).toBe(true)
    const byShort = await h.request('GET', `/api/polls/${p.id}/proof/${shortReceipt(standing)}`)
    expect(byShort.status).toBe(200)
    expect(byShort.headers.get('cache-control')).toContain('immutable')
    const typed = await h.request('GET', `/api/polls/${p.id}/proof/${encodeURIComponent(shortReceipt(standing).toLowerCase().replace('-', ' '))}`)
    expect(typed.status).toBe(400)
    expect(typed.json.error.details.issues[0].message).toBe(`短回执号请按票上的写法填写：${shortReceipt(standing)}`)
    expect(byShort.json).toMatchObject({ receipt: standing, standing: true, merkleRoot: closed.json.merkleRoot })
    expect(await verifyProof(byShort.json.leafHash, byShort.json.proof, closed.json.merkleRoot)).toBe(true)
    const otherShort = shortReceipt(standing).startsWith('0') ? '11111-11111' : '00000-00000'
    expect((await h.request('GET', `/api/polls/${p.id}/proof/${otherShort}`)).json.error.code).toBe('RECEIPT_NOT_FOUND')
    const after = await h.request('GET', `/api/polls/${p.id}/turnout`, { token: s.owner })
    expect(after.json.split).toMatchObject({ agree: { voters: 3 }, oppose: { voters: 1 } })
    const late = await vote(p.id, s.owner, 'oppose')
    expect(late.json.error.code).toBe('POLL_NOT_OPEN')
    const twice = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(twice.status).toBe(409)
  })

  it('a rejected motion is no decision, and without quorum the vote does not stand', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(1500))
    await vote(p.id, s.owner, 'agree')
    await vote(p.id, owners[0]!.token, 'oppose')
    await vote(p.id, owners[1]!.token, 'abstain')
    const q = await announcedPoll(h, s.community.id, s.committee, openWindow(1500))
    await vote(q.id, s.owner, 'agree')
    h.clock.advance(1600)
    const rejected = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(rejected.json.document.outcome).toBe('rejected')
    expect(rejected.json.document.outcomeText).toMatch(/未形成决定/)
    const noQuorum = await h.request('POST', `/api/polls/${q.id}/close`, { token: s.committee })
    expect(noQuorum.json.document.outcome).toBe('no_quorum')
  })

  it('follow_majority deems only non-voters with delivery on record (指导规则 第26条)', async () => {
    const s = await setupCommunity(h, { units: 6 })
    await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { nonVoterRule: 'follow_majority' } })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(1500))
    await vote(p.id, s.owner, 'agree')
    await vote(p.id, owners[0]!.token, 'agree')
    await vote(p.id, owners[1]!.token, 'oppose')
    // delivery on record for two of the three who did not vote
    const mine = await Promise.all(owners.slice(2, 5).map((o) => h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: o.token })))
    const [a, b, c] = mine.map((m) => m.json.voters[0].voterId as string)
    expect((await h.request('POST', `/api/polls/${p.id}/deliveries`, { token: s.committee, json: { voterIds: [a, b], method: 'paper_signed' } })).status).toBe(201)
    // the third: posted on the board and messaged without evidence, which prove no delivery to that owner
    for (const method of ['notice_board', 'app_message', 'chatbot']) {
      expect((await h.request('POST', `/api/polls/${p.id}/deliveries`, { token: s.committee, json: { voterIds: [c], method } })).status).toBe(201)
    }
    h.clock.advance(1600)
    const r = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(r.json.document.tally).toMatchObject({ deemed: { voters: 2 }, agree: { voters: 4 }, participated: { voters: 5 }, quorum: true })
    expect(r.json.document.outcome).toBe('passed')
  })
})

describe('concurrency (real database)', () => {
  it('50 parallel submissions from one voter leave exactly one standing ballot', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => vote(p.id, s.owner, i % 2 ? 'agree' : 'oppose')))
    expect(results.every((r) => r.status === 201)).toBe(true)
    const rows = await h.db.select().from(ballots).where(eq(ballots.pollId, p.id))
    expect(rows.filter((b) => b.current)).toHaveLength(1)
    expect(rows.map((b) => b.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const same = await Promise.all(Array.from({ length: 20 }, () => vote(p.id, s.owner, 'agree', { 'idempotency-key': 'same-key-12345' })))
    expect(new Set(same.map((r) => r.json.receipt)).size).toBe(1)
  })

  it('500 parallel ballots from distinct voters are all counted', async () => {
    const s = await setupCommunity(h, { units: 501 })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(60_000))
    const results = await Promise.all(owners.map((o, i) => vote(p.id, o.token, i % 3 === 0 ? 'oppose' : 'agree')))
    expect(results.filter((r) => r.status === 201)).toHaveLength(500)
    const t = await h.request('GET', `/api/polls/${p.id}/turnout`, { token: s.owner })
    expect(t.json.participated.voters).toBe(500)
  }, 120_000)

  it('a ballot racing the close is either counted or refused, never half-written', async () => {
    const s = await setupCommunity(h, { units: 41 })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(1200))
    h.clock.advance(1000)
    // ballots keep arriving while the clock passes the close and the committee closes the poll
    const racing = owners.map((o, i) => sleep(i * 10).then(() => vote(p.id, o.token, 'agree')))
    await sleep(200)
    expect((await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })).json.error.code).toBe('POLL_NOT_CLOSABLE')
    h.clock.advance(250)
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(closed.status).toBe(200)
    const outcomes = await Promise.all(racing)
    const accepted = outcomes.filter((r) => r.status === 201)
    const refused = outcomes.filter((r) => r.status === 409)
    expect(accepted.length + refused.length).toBe(40)
    for (const r of refused) expect(r.json.error.code).toBe('POLL_NOT_OPEN')
    // every accepted ballot is in the published count, and nothing else is
    expect(closed.json.document.tally.participated.voters).toBe(accepted.length)
    const stored = await h.db.select({ n: count() }).from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.current, true)))
    expect(stored[0]!.n).toBe(accepted.length)
  }, 60_000)
})

describe('per-voter list, exports, evidence, disputes', () => {
  it('owners see who voted; choices only after close; CSV and XLSX carry the same rows', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const [o2] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(1500))
    await vote(p.id, s.owner, 'agree')
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: o2!.token })
    const paper = await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: mine.json.voters[0].voterId, choice: 'oppose', photoSha256: 'c'.repeat(64) } })
    const open = await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.owner })
    expect(open.json.showChoice).toBe(false)
    expect(open.json.voters.filter((v: { voted: boolean }) => v.voted)).toHaveLength(2)
    expect(open.json.voters.every((v: { choice: unknown }) => v.choice === null)).toBe(true)
    expect(open.json.voters[0].name).toMatch(/^业\*+$/)
    // the owner disputes the paper entry made in their name; a stranger cannot
    expect((await h.request('POST', `/api/polls/${p.id}/ballots/${paper.json.receipt}/dispute`, { token: s.owner, json: { reason: '不是我的签名' } })).status).toBe(404)
    const d = await h.request('POST', `/api/polls/${p.id}/ballots/${paper.json.receipt}/dispute`, { token: o2!.token, json: { reason: '纸质票不是本人签字' } })
    expect(d.json).toEqual({ receipt: paper.json.receipt, disputed: true })
    h.clock.advance(1600)
    await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    const closed = await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.owner })
    expect(closed.json.voters.map((v: { choice: string | null }) => v.choice).sort()).toEqual(['agree', 'oppose', null].sort())
    const csv = await h.request('GET', `/api/polls/${p.id}/voters.csv`, { token: s.owner })
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines[0]).toBe('房屋,业主,专有部分面积（平方米）,是否投票,表决意见,投票方式')
    expect(lines).toHaveLength(4)
    expect(csv.text).toContain('纸质票')
    const xlsx = await h.app.request(`/api/polls/${p.id}/voters.xlsx`, { headers: { authorization: `Bearer ${s.owner}` } })
    const { readXlsx } = await import('../../worker/lib/spreadsheet')
    const sheet = (await readXlsx(new Uint8Array(await xlsx.arrayBuffer())))[0]!
    // (XLSX stores no empty trailing cells)
    expect(sheet.rows.map((r) => r.join(','))).toEqual(lines.map((l) => l.replace(/,+$/, '')))
    const evidence = await h.request('GET', `/api/polls/${p.id}/evidence`, { token: s.committee })
    expect(evidence.json).toMatchObject({ type: 'gongyi.poll-evidence/1', electorate: expect.any(Array), result: { jws: expect.any(String) } })
    expect(evidence.json.ballots.find((b: { receipt: string }) => b.receipt === paper.json.receipt)).toMatchObject({ channel: 'paper', paperPhotoSha256: 'c'.repeat(64), dispute: { reason: '纸质票不是本人签字' } })
    expect((await h.request('GET', `/api/polls/${p.id}/evidence`, { token: s.owner })).status).toBe(403)
  })
})

describe('a 20,000-unit community', () => {
  it('from announcement to a verified receipt', async () => {
    const admin = await h.adminToken()
    const { createCommunity } = await import('../helpers/fixtures')
    const c = await createCommunity(h, admin)
    const rows = simpleRoster(20_000)
    expect((await importRosterJson(h, admin, c.id, rows)).status).toBe(201)
    const committeePhone = newPhone()
    await h.request('POST', `/api/communities/${c.id}/committee-members`, { token: admin, json: { phone: committeePhone } })
    const committee = (await h.login(committeePhone)).accessToken
    const voters = await bulkOwners(h, c.id, rows.slice(0, 30))
    const t0 = Date.now()
    const window = openWindow(25_000)
    const p = await announcedPoll(h, c.id, committee, window)
    const announceMs = Date.now() - t0
    expect(p.electorate).toMatchObject({ totalVoters: 20_000, totalArea: '1770000.00', totalAreaE4: 20_000 * 885000 })
    const cast = await Promise.all(voters.map((v, i) => vote(p.id, v.token, i % 4 ? 'agree' : 'oppose')))
    expect(cast.filter((r) => r.status !== 201).map((r) => r.text)).toEqual([])
    h.clock.set(new Date(Date.parse(window.closesAt) + 200))
    const t1 = Date.now()
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: committee })
    const closeMs = Date.now() - t1
    expect(closed.status).toBe(200)
    expect(closed.json.document).toMatchObject({ outcome: 'no_quorum', tally: { total: { voters: 20_000 }, participated: { voters: 30 } } })
    const proof = await h.request('GET', `/api/polls/${p.id}/proof/${cast[7]!.json.receipt}`)
    expect(await verifyProof(proof.json.leafHash, proof.json.proof, closed.json.merkleRoot)).toBe(true)
    const verified = await verifyDocument(closed.json.jws, (await h.request('GET', '/.well-known/jwks.json')).json)
    expect((verified.payload as { ballots: { merkleRoot: string } }).ballots.merkleRoot).toBe(proof.json.merkleRoot)
    console.log(`[polls] 20,000-unit community: announce ${announceMs} ms, close ${closeMs} ms`)
  }, 240_000)
})

describe('notices a poll puts on the board', () => {
  it('announcement and result notices are published automatically, readable by anyone by their code', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(1500))
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    expect(board.status).toBe(200)
    const announcement = board.json.notices.find((n: { pollId: string; kind: string }) => n.pollId === p.id && n.kind === 'poll_announcement')
    expect(announcement).toMatchObject({ title: '表决公告：关于更换小区电梯的表决', pinned: true, url: expect.stringMatching(/\/n\/[a-z0-9]{8}$/) })
    expect(announcement.body).toContain('测试：电梯故障需尽快处理')
    await vote(p.id, s.owner, 'agree')
    h.clock.advance(1600)
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    const after = await h.request('GET', `/api/communities/${s.community.id}/notices?all=1`)
    const result = after.json.notices.find((n: { kind: string }) => n.kind === 'result')
    expect(result.body).toContain(closed.json.document.outcomeText)
    expect(result.body).toContain(closed.json.merkleRoot)
    // 指导规则 第39条 allows 3 days: it is published at the close itself (the database's clock)
    expect(result.publishedAt).toBe(closed.json.document.closedAt)
    const byCode = await h.request('GET', `/api/notices/${result.code}`)
    expect(byCode.json).toMatchObject({ kind: 'result', pollId: p.id })
    expect((await h.request('GET', '/api/notices/zzzzzzzz')).status).toBe(404)
    // a scanned code that is gone or mistyped: a page in words for the person holding the phone
    const gone = await h.request('GET', '/n/zzzzzzzz')
    expect(gone.status).toBe(404)
    expect(gone.headers.get('content-type')).toMatch(/text\/html/)
    expect(gone.text).toContain('找不到这份公告')
    expect(gone.text).not.toContain('"error"')
  })
})
