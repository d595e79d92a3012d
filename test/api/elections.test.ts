import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readXlsx } from '../../worker/lib/spreadsheet'
import { verifyDocument } from '../../worker/lib/signing'
import { announcedPoll, bulkOwners, openWindow, pollDraft, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const candidates = [
  { name: '张明', building: '1栋', unitLabel: '1栋-1单元-1001', statement: '退休工程师，愿意监督维修资金使用' },
  { name: '李华', building: '1栋', statement: '在小区居住十年' },
  { name: '王强', building: '1栋' },
]
const election = (over: Record<string, unknown> = {}) =>
  pollDraft({ title: '选举第二届业主委员会委员', body: '选举业主委员会委员2名，候选人名单及简介见下。', matter: 'committee', kind: 'election', seats: 2, candidates, ...over })

describe('elections (选举业主委员会) and choosing a firm (选聘物业)', () => {
  it('refuses candidate polls for other matters, a firm choice with more than one seat, and candidates on a single matter', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const wrongMatter = await h.request('POST', `/api/communities/${s.community.id}/polls`, { token: s.committee, json: election({ matter: 'fund_use' }) })
    expect(wrongMatter.status).toBe(400)
    expect(wrongMatter.json.error.details.issues[0].path).toBe('kind')
    const twoFirms = await h.request('POST', `/api/communities/${s.community.id}/polls`, { token: s.committee, json: election({ matter: 'manager', seats: 2 }) })
    expect(twoFirms.json.error.details.issues[0].path).toBe('seats')
    const mixed = await h.request('POST', `/api/communities/${s.community.id}/polls`, { token: s.committee, json: pollDraft({ candidates }) })
    expect(mixed.status).toBe(400)
  })

  it('a full election on app, paper and proxy ballots: marks checked, spoiled and unreturned reported, seats by rank', async () => {
    const s = await setupCommunity(h, { units: 9 })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const p = await announcedPoll(h, s.community.id, s.committee, { ...election(), ...openWindow(2500) })
    const poll = await h.request('GET', `/api/polls/${p.id}`, { token: s.owner })
    expect(poll.json).toMatchObject({ kind: 'election', seats: 2, candidates: [{ name: '张明', ordinal: 1 }, { name: '李华' }, { name: '王强' }] })
    const [zhang, li, wang] = poll.json.candidates.map((c: { id: string }) => c.id) as string[]
    const mark = (token: string, marks: string[], extra: Record<string, unknown> = {}) => h.request('POST', `/api/polls/${p.id}/ballots`, { token, json: { marks, ...extra } })

    // refusals: too many marks, the same candidate twice, a stranger's id, a yes/no choice
    expect((await mark(s.owner, [zhang!, li!, wang!])).json.error.details.issues[0].code).toBe('too_many_marks')
    expect((await mark(s.owner, [zhang!, zhang!])).json.error.details.issues[0].code).toBe('duplicate_mark')
    expect((await mark(s.owner, ['nobody'])).json.error.details.issues[0].code).toBe('unknown_candidate')
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })).status).toBe(400)

    // app ballots
    expect((await mark(s.owner, [zhang!, li!])).status).toBe(201)
    await mark(owners[0]!.token, [zhang!, li!])
    await mark(owners[1]!.token, [zhang!])
    await mark(owners[2]!.token, [zhang!, wang!])
    await mark(owners[3]!.token, []) // abstains
    // a proxy votes for owner 5
    const proxyPhone = (await h.request('GET', '/api/me', { token: owners[5]!.token })).json.phone
    const proxy = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: owners[4]!.token, json: { proxyPhone } })
    expect(proxy.status).toBe(201)
    expect((await mark(owners[5]!.token, [li!], { voterId: proxy.json.voterId })).json.channel).toBe('proxy')
    // paper: owners 6 and 7 were handed paper ballots; 6 returned a spoiled one, 7 never returned it
    const voterOf = async (t: string) => (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: t })).json.voters[0].voterId as string
    const v6 = await voterOf(owners[6]!.token)
    const v7 = await voterOf(owners[7]!.token)
    expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: [v6, v7] } })).status).toBe(201)
    const noReason = await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: v6, choice: 'spoiled', photoSha256: 'd'.repeat(64) } })
    expect(noReason.status).toBe(400)
    const spoiled = await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: v6, choice: 'spoiled', spoiledReason: '所选超过应选人数', photoSha256: 'd'.repeat(64) } })
    expect(spoiled.json.choice).toBe('spoiled')

    h.clock.advance(2600)
    // paper ballots were handed out: the result waits for the public count and the scrutineers
    expect((await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })).json.error.code).toBe('COUNTING_REQUIRED')
    const people = { counters: [{ name: '赵计票', unitOrOffice: '1栋-1单元-103' }], scrutineers: [{ name: '钱监票', unitOrOffice: '幸福社区居委会' }], boxState: '封条完好' }
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: people })).status).toBe(201)
    const closed = await h.request('POST', `/api/polls/${p.id}/counting/confirm`, { token: s.committee, json: { confirmedBy: ['钱监票'] } })
    expect(closed.status).toBe(200)
    const e = closed.json.document.election
    // 9 voters; participated: 7 ballots (5 app incl. an abstention, 1 proxy, 1 spoiled): 7·3 ≥ 9·2
    expect(e).toMatchObject({ quorum: true, participated: { voters: 7 }, abstain: { voters: 1 }, spoiled: { voters: 1 }, seats: 2 })
    // 张明 4 of 7 (> half): elected; 李华 3 of 7: no majority, so a seat stays vacant
    expect(e.candidates.map((c: { name: string; votes: { voters: number }; majority: boolean; elected: boolean }) => [c.name, c.votes.voters, c.majority, c.elected])).toEqual([
      ['张明', 4, true, true],
      ['李华', 3, false, false],
      ['王强', 1, false, false],
    ])
    expect(e.vacantSeats).toBe(1)
    expect(closed.json.document.outcomeText).toBe('当选：张明。空缺 1 席，另行补选。')
    expect(closed.json.document.paperBallots).toEqual({ issued: 2, returned: 1, notReturned: 1, notReturnedAreaE4: 885000, notReturnedArea: '88.50', notReturnedAreaCenti: 8850 })
    await verifyDocument(closed.json.jws, (await h.request('GET', '/.well-known/jwks.json')).json)

    // the per-voter list shows the marks by name
    const list = await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.owner })
    expect(list.json.voters.find((v: { marks: string[] | null }) => v.marks?.length === 2 && v.marks.includes('王强')).marks).toEqual(['张明', '王强'])

    // the tally in the published column layout, as CSV and XLSX
    const csv = await h.request('GET', `/api/polls/${p.id}/tally.csv`)
    const rows = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','))
    expect(rows[0]).toEqual(['表决事项', '类别', '项目', '计入参与表决', '人数', '其中随多数人数', '专有部分面积（平方米）', '其中随多数面积（平方米）', '占投票权人总数人数比例', '占投票权人总数面积比例', '占参与表决人数比例', '占参与表决面积比例', '判定'])
    const byItem = new Map(rows.slice(1).map((r) => [r[2], r]))
    expect(byItem.get('候选人：张明')!.slice(1)).toEqual(['得票', '候选人：张明', '是', '4', '0', '354.00', '0.00', '44.44%', '44.44%', '57.14%', '57.14%', '当选（第1名）'])
    expect(byItem.get('候选人：李华')!.at(-1)).toMatch(/^未当选：李华得票人数 3\/7，未过半数，需 4 人/)
    // 5 valid ballots marking someone, 1 abstention, 1 spoiled, 2 not voted (one of them issued paper, not returned)
    expect(['有效票（选了候选人）', '弃权（未选任何候选人）', '废票', '未投票', '投票权人总数', '参与表决', '已发放未回收纸质票'].map((k) => byItem.get(k)![4])).toEqual(['5', '1', '1', '2', '9', '7', '1'])
    const xlsx = await h.app.request(`/api/polls/${p.id}/tally.xlsx`)
    expect((await readXlsx(new Uint8Array(await xlsx.arrayBuffer())))[0]!.rows.map((r) => String(r[2]))).toContain('候选人：张明')
  })

  it('a single-matter tally export reports deemed votes and spoiled paper ballots', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const owners = await bulkOwners(h, s.community.id, s.rows.slice(1))
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(1500))
    await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })
    await h.request('POST', `/api/polls/${p.id}/ballots`, { token: owners[0]!.token, json: { choice: 'oppose' } })
    const v = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: owners[1]!.token })).json.voters[0].voterId
    await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: v, choice: 'spoiled', spoiledReason: '字迹无法辨认', photoSha256: 'e'.repeat(64) } })
    h.clock.advance(1600)
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(closed.json.document.tally).toMatchObject({ spoiled: { voters: 1 }, participated: { voters: 3 }, agree: { voters: 1 } })
    expect(closed.json.document.outcome).toBe('rejected')
    const csv = await h.request('GET', `/api/polls/${p.id}/tally.csv`)
    const row = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n')[1]!.split(',')
    expect(row).toEqual(['关于更换小区电梯的表决', '明细', '同意', '是', '1', '0', '88.50', '0.00', '33.33%', '33.33%', '33.33%', '33.33%', '未通过（未形成决定）：同意人数 1/3，未过半数，需 2 人；同意面积 88.50/265.50 平方米，未过半数，需 132.76 平方米'])
    expect((await h.request('GET', `/api/polls/${p.id}/tally.csv`.replace(p.id, 'nope'))).status).toBe(409)
  })
})

describe('election receipts', () => {
  it('the Merkle leaf commits to the marks, and the receipt proves inclusion', async () => {
    const { leafHash, verifyProof } = await import('../../shared/merkle')
    const s = await setupCommunity(h, { units: 2 })
    const [o2] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const p = await announcedPoll(h, s.community.id, s.committee, { ...election({ seats: 1, candidates: candidates.slice(0, 2) }), ...openWindow(1500) })
    const ids = (await h.request('GET', `/api/polls/${p.id}`, { token: s.owner })).json.candidates.map((c: { id: string }) => c.id)
    const mine = await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { marks: [ids[1]] } })
    await h.request('POST', `/api/polls/${p.id}/ballots`, { token: o2!.token, json: { marks: [ids[1]] } })
    h.clock.advance(1600)
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    expect(closed.json.document.election.electedNames).toEqual(['李华'])
    const proof = await h.request('GET', `/api/polls/${p.id}/proof/${mine.json.receipt}`)
    expect(JSON.parse(proof.json.leaf)[4]).toBe(`marked:${ids[1]}`)
    expect(await verifyProof(await leafHash(proof.json.leaf), proof.json.proof, closed.json.merkleRoot)).toBe(true)
  })
})
