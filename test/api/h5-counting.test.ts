import { NON_VOTER_RULE_TEXT } from '../../shared/community'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ballots } from '../../drizzle/schema'
import { ballotNumber } from '../../shared/ballot-number'
import { browserSession, formField } from '../helpers/browser-session'
import { announcedPoll, openWindow, pollDraft, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const people = { counters: [{ name: '赵计票', unitOrOffice: '1栋-1单元-1009' }], scrutineers: [{ name: '钱监票', unitOrOffice: '测试社区居委会' }], boxState: '封条完好' }

/** A closed poll with paper issued to flats 1001–1006, the committee signed in on H5. */
async function closedPoll(over: Record<string, unknown> = {}) {
  const s = await setupCommunity(h, { units: 10 })
  const p = await announcedPoll(h, s.community.id, s.committee, { ...over, ...openWindow(5000) })
  const voters = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string; units: string }[]
  const issue = ['1001', '1002', '1003', '1004', '1005', '1006'].map((room) => voters.find((v) => v.units.endsWith(`-${room}`))!.voterId)
  expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: issue } })).status).toBe(201)
  const pollNumber = (await h.request('GET', `/api/polls/${p.id}`, { token: s.committee })).json.number as number
  h.clock.advance(61_000) // past the close, and past the SMS resend interval of the committee's API sign-in
  const b = browserSession(h)
  await b.login(s.committeePhone)
  return { s, p, b, pollNumber }
}

const standing = async (pollId: string) => (await h.db.select().from(ballots).where(and(eq(ballots.pollId, pollId), eq(ballots.kind, 'paper'), eq(ballots.current, true)))).length

describe('counting on H5 (唱票录入, committee)', () => {
  it('under the follow-majority rule each printed ballot tells its owner what not voting means (指导规则 第26条)', async () => {
    const s = await setupCommunity(h, { units: 3 })
    await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { nonVoterRule: 'follow_majority' } })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(3_600_000))
    const voters = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string }[]
    expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: [voters[0]!.voterId] } })).status).toBe(201)
    h.clock.advance(61_000)
    const b = browserSession(h)
    await b.login(s.committeePhone)
    const printed = await b.get(`/h5/polls/${p.id}/paper-ballots`)
    expect(printed.text.match(/class="ballot"/g)).toHaveLength(1)
    expect(printed.text).toContain(NON_VOTER_RULE_TEXT)
  })

  it('enters ballots one by one by room and by number, shows each back large, refuses bad ones storing nothing, and undoes a wrong one', async () => {
    const { s, p, b, pollNumber } = await closedPoll()
    const form = `/h5/polls/${p.id}/counting`
    // the ballots to print carry each flat's number
    const printed = await b.get(`/h5/polls/${p.id}/paper-ballots`)
    expect(printed.status).toBe(200)
    expect(printed.text).toContain(`选票编号 ${ballotNumber(pollNumber, 6)}`)
    expect(printed.text).toContain('房屋：1栋-1单元-1006')
    expect(printed.text.match(/class="ballot"/g)).toHaveLength(6)
    // the community counts non-voters as nobody here, so the ballot says nothing about silence
    expect(printed.text).not.toContain(NON_VOTER_RULE_TEXT)
    // voting has ended but no count is open yet: the page says what to do first
    expect((await b.get(form)).text).toContain('还没有开始计票')
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: people })).status).toBe(201)

    // the poll's own page leads a committee member to the form
    expect((await b.get(`/h5/polls/${p.id}`)).text).toContain(`href="${form}"`)
    const empty = await b.get(form)
    expect(empty.status).toBe(200)
    expect(empty.text).toContain('已录入纸质票 0 张 / 已发放 6 张')
    expect(empty.text).toMatch(/<input id="where" name="where" required="" autofocus=""/)
    expect(empty.text).toContain('1 同意　2 反对　3 弃权')

    // room typed short, opinion as one key: POST → redirect → GET with the entry read back
    const first = await b.post(form, { by: 'room', where: '1-1-1001', choice: '1', reason: '' })
    expect(first.status).toBe(303)
    const shown = await b.get(first.headers.get('location')!)
    expect(shown.text).toContain('1栋-1单元-1001（' + ballotNumber(pollNumber, 1) + '） 同意 已录入，第 1 张')
    expect(shown.text).toContain('已录入纸质票 1 张 / 已发放 6 张')
    expect((await b.get((await b.post(form, { by: 'room', where: '1栋1单元1002室', choice: '2' })).headers.get('location')!)).text).toContain('反对 已录入，第 2 张')

    // refusals: the page comes back (422) with the reason in words and the typed values; nothing stored
    const outsider = await b.post(form, { by: 'room', where: '9-9-9999', choice: '1' })
    expect(outsider.status).toBe(422)
    expect(outsider.text).toContain('9-9-9999：该房屋不在本次表决的投票权人名单中')
    expect(formField(outsider.text, 'where')).toBe('9-9-9999')
    expect((await b.post(form, { by: 'room', where: '1-1-1003', choice: '7' })).text).toContain('意见请填 1（同意）、2（反对）或 3（弃权）')
    expect((await b.post(form, { by: 'room', where: '1-1-1001', choice: '3' })).text).toContain('该投票权人已登记过纸质票')
    expect((await b.post(form, { by: 'room', where: '一号楼', choice: '1' })).text).toContain('房号“一号楼”看不懂')
    const typo = ballotNumber(pollNumber, 3).replace(/\d$/, (d) => String((Number(d) + 1) % 10))
    expect((await b.post(form, { by: 'number', where: typo, choice: '3' })).text).toContain('校验位不符')
    expect(await standing(p.id)).toBe(2)

    // by the printed number, typed without dashes; then a spoiled ballot
    const byNumber = await b.post(form, { by: 'number', where: ballotNumber(pollNumber, 3).replaceAll('-', ''), choice: '3' })
    const numberPage = await b.get(byNumber.headers.get('location')!)
    expect(numberPage.text).toContain(`1栋-1单元-1003（${ballotNumber(pollNumber, 3)}） 弃权 已录入，第 3 张`)
    expect(numberPage.text).toContain('改为按房号录入') // the mode is kept for the next ballot
    const spoiled = await b.get((await b.post(form, { by: 'room', where: '1-1-1004', choice: '', reason: '字迹无法辨认' })).headers.get('location')!)
    expect(spoiled.text).toContain('废票（字迹无法辨认） 已录入，第 4 张')

    // that one was read wrong: undo, and enter it again as read
    const ballotId = formField(spoiled.text, 'ballotId')!
    const undone = await b.post(`${form}/undo`, { ballotId, by: 'room' })
    expect(undone.status).toBe(303)
    const after = await b.get(undone.headers.get('location')!)
    expect(after.text).toContain('已撤销 1栋-1单元-1004 的录入，请按票面重新录入。')
    expect(after.text).toContain('已录入纸质票 3 张')
    expect((await b.post(form, { by: 'room', where: '1-1-1004', choice: '1' })).status).toBe(303)

    // a form from another site is refused
    expect((await b.post(form, { by: 'room', where: '1-1-1005', choice: '1' }, { origin: 'https://evil.example' })).status).toBe(403)
    expect(await standing(p.id)).toBe(4)

    // the counting sheet: counts and what must be settled
    const sheet = await b.get(`${form}/sheet`)
    expect(sheet.text).toContain('赵计票（1栋-1单元-1009）')
    expect(sheet.text).toContain('1栋-1单元-1005：已发放纸质票未收回，未投票')
    expect(sheet.text).toContain('公布前须处理的问题（2）')

    const closed = await h.request('POST', `/api/polls/${p.id}/counting/confirm`, { token: s.committee, json: { confirmedBy: ['钱监票'] } })
    expect(closed.json.document.tally).toMatchObject({ agree: { voters: 2 }, oppose: { voters: 1 }, abstain: { voters: 1 }, spoiled: { voters: 0 } })
    expect((await b.get(form)).text).toContain('计票已结束，结果已公布。')
  })

  it('a candidate poll takes the candidates’ numbers; only the committee may count', async () => {
    const candidates = [{ name: '张明', building: '1栋' }, { name: '李华', building: '1栋' }, { name: '王芳', building: '1栋' }]
    const { s, p, b } = await closedPoll(pollDraft({ title: '选举业主委员会委员', body: '候选人名单及简介见下，每位业主最多选应选名额。', matter: 'committee', kind: 'election', seats: 2, candidates }))
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: people })).status).toBe(201)
    const form = `/h5/polls/${p.id}/counting`
    const page = await b.get(form)
    expect(page.text).toContain('应选 2 人')
    expect(page.text).toContain('王芳')
    expect((await b.get((await b.post(form, { by: 'room', where: '1-1-1001', choice: '1 3' })).headers.get('location')!)).text).toContain('选 张明、王芳 已录入，第 1 张')
    expect((await b.get((await b.post(form, { by: 'room', where: '1-1-1002', choice: '0' })).headers.get('location')!)).text).toContain('弃权（未选任何人） 已录入，第 2 张')
    expect((await b.post(form, { by: 'room', where: '1-1-1003', choice: '1 2 3' })).text).toContain('所选 3 人超过应选 2 人，应登记为废票')
    expect((await b.post(form, { by: 'room', where: '1-1-1003', choice: '4' })).text).toContain('没有序号为 4 的候选人')

    // an owner who is not on the committee, and a visitor who is not signed in
    const owner = browserSession(h)
    await owner.login((await h.request('GET', '/api/me', { token: s.owner })).json.phone)
    const refused = await owner.get(form)
    expect(refused.status).toBe(403)
    expect(refused.text).toContain('只有本小区业主委员会成员可以录入计票')
    expect((await owner.post(form, { by: 'room', where: '1-1-1003', choice: '1' })).status).toBe(403)
    expect((await owner.get(`/h5/polls/${p.id}/paper-ballots`)).status).toBe(403)
    expect((await browserSession(h).get(form)).status).toBe(303)
    expect(await standing(p.id)).toBe(2)
  })
})
