import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ballots, communities, polls } from '../../drizzle/schema'
import { DEMO_COMMUNITY, DEMO_PHONES, seedDemo } from '../../worker/seed/demo'
import { browserSession, formField } from '../helpers/browser-session'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

describe('the demo community `npm start` seeds', () => {
  it('is seeded once, and a newcomer can walk every page with it: board, fees, accounts, contacts, and vote as the demo owner', async () => {
    const first = await seedDemo(h.services)
    const again = await seedDemo(h.services)
    expect(again).toMatchObject({ communityId: first.communityId, pollId: first.pollId })
    // the demo poll opens a second after the seed
    h.clock.advance(1_000)
    expect(await h.db.select().from(communities).where(eq(communities.name, DEMO_COMMUNITY))).toHaveLength(1)
    const cid = first.communityId

    const anyone = browserSession(h)
    const home = await anyone.get(`/h5/c/${cid}`)
    expect(home.text).toContain('关于二次供水水箱清洗的通知')
    expect(home.text).toContain('表决公告')
    expect((await anyone.get(`/h5/c/${cid}/fees`)).text).toContain('示例物业服务有限公司')
    expect((await anyone.get(`/h5/c/${cid}/contacts`)).text).toContain('物业乱收费、明码标价')

    const owner = browserSession(h)
    await owner.login(DEMO_PHONES.owner)
    const accounts = await owner.get(`/h5/c/${cid}/accounts`)
    expect(accounts.text).toContain('公共收益收支')
    expect(accounts.text).toContain('<svg')
    const poll = await owner.get(`/h5/polls/${first.pollId}`)
    expect(poll.text).toContain('关于使用公共收益增设电动车充电桩的表决')
    // 王建国 owns 101 and 102: one voter (《解释》第9条), so one ballot form for both flats
    const voterId = formField(poll.text, 'voterId')!
    const voted = await owner.post(`/h5/polls/${first.pollId}/ballot`, { key: formField(poll.text, 'key')!, voterId, choice: 'agree' })
    expect(voted.status).toBe(303)
    expect((await owner.get(voted.headers.get('location')!)).text).toContain('您的票已计入')
    expect(await h.db.select().from(ballots).where(eq(ballots.pollId, first.pollId!))).toHaveLength(1)
  })
  it('has a poll open for voting whenever it starts, however old the data is', async () => {
    const first = await seedDemo(h.services)
    const poll = await h.db.select().from(polls).where(eq(polls.id, first.pollId!))
    // a month later the demo's poll has closed: starting again seeds a fresh one, open a second later
    h.clock.set(new Date(poll[0]!.closesAt.getTime() + 30 * 86_400_000))
    const later = await seedDemo(h.services)
    expect(later.pollId).not.toBe(first.pollId)
    h.clock.advance(1_000)
    const owner = browserSession(h)
    await owner.login(DEMO_PHONES.owner)
    const page = await owner.get(`/h5/polls/${later.pollId}`)
    const voted = await owner.post(`/h5/polls/${later.pollId}/ballot`, { key: formField(page.text, 'key')!, voterId: formField(page.text, 'voterId')!, choice: 'oppose' })
    expect((await owner.get(voted.headers.get('location')!)).text).toMatch(/您的票已计入[\s\S]*反对/)
    // and starting once more keeps that poll
    expect((await seedDemo(h.services)).pollId).toBe(later.pollId)
  })
})
