/**
 * Paper ballots signed by someone other than the owner (指导规则 第26条: anyone but a guardian or a
 * legal representative signs for an owner only with a written proxy, recorded in the system). The
 * committee records who signed and the photo of the 授权委托书 with the ballot, while voting is
 * open and on counting day; the owner sees it and can dispute it; the public voter list says which
 * kind of signer, never the name; an excess of one proxy's ballots is flagged for the scrutineers.
 */
import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, ballots, oaFollowers } from '../../drizzle/schema'
import { writeXlsx } from '../../worker/lib/spreadsheet'
import { browserSession } from '../helpers/browser-session'
import { announcedPoll, COUNTING_PEOPLE, openWindow, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const DOC = 'a'.repeat(64)

async function votersOf(pollId: string, committee: string) {
  const list = (await h.request('GET', `/api/polls/${pollId}/voters`, { token: committee })).json.voters as { voterId: string; units: string }[]
  return new Map(list.map((v) => [v.units.split('-').at(-1)!, v.voterId]))
}

async function paperCount(pollId: string) {
  const [{ n } = { n: 0 }] = await h.db.select({ n: count() }).from(ballots).where(and(eq(ballots.pollId, pollId), eq(ballots.kind, 'paper')))
  return n
}

describe('paper ballots signed for the owner (指导规则 第26条)', () => {
  it('while voting is open: the proxy and the 委托书 are recorded with the ballot, the owner sees who signed, a retry is bound to the signer', async () => {
    const s = await setupCommunity(h, { units: 4 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const voterOfRoom = await votersOf(p.id, s.committee)
    const ownerVoter = voterOfRoom.get(s.rows[0]!.房号)!
    const enter = (json: Record<string, unknown>, key?: string) =>
      h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: ownerVoter, choice: 'agree', photoSha256: 'b'.repeat(64), ...json }, headers: key ? { 'idempotency-key': key } : {} })

    // a proxy without the photo of the 委托书, or without a name: refused in words, nothing written
    const noDocument = await enter({ signedBy: { as: 'proxy', name: '王小明' } })
    expect(noDocument.status).toBe(400)
    expect(noDocument.json.error.code).toBe('VALIDATION_FAILED')
    expect(JSON.stringify(noDocument.json.error)).toContain('须附授权委托书、监护关系证明或法定代表人身份证明的照片')
    // a legal representative shows their 法定代表人身份证明 too: nothing else says the owner is a company
    const bareRepresentative = await enter({ signedBy: { as: 'legal_representative', name: '赵五' } })
    expect(bareRepresentative.status).toBe(400)
    const noName = await enter({ signedBy: { as: 'guardian', name: ' ', documentSha256: DOC } })
    expect(noName.status).toBe(400)
    expect(JSON.stringify(noName.json.error)).toContain('请填写签署人姓名')
    expect(await paperCount(p.id)).toBe(0)

    const entered = await enter({ signedBy: { as: 'proxy', name: '王小明', documentSha256: DOC } }, 'paper-proxy-0001')
    expect(entered.status).toBe(201)
    // the same key and the same ballot: the ballot back; the same key with another signer: refused
    const again = await enter({ signedBy: { as: 'proxy', name: '王小明', documentSha256: DOC } }, 'paper-proxy-0001')
    expect(again.status).toBe(200)
    expect(again.json.receipt).toBe(entered.json.receipt)
    const otherSigner = await enter({ signedBy: { as: 'proxy', name: '李大力', documentSha256: DOC } }, 'paper-proxy-0001')
    expect(otherSigner.json.error.code).toBe('IDEMPOTENCY_CONFLICT')
    expect(await paperCount(p.id)).toBe(1)

    // the owner sees who signed in their name, in the API and on the poll page, and can dispute it
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    expect(mine.json.voters[0].ballots[0]).toMatchObject({ receipt: entered.json.receipt, kind: 'paper', signedBy: { as: 'proxy', name: '王小明' } })
    const me = await h.request('GET', '/api/me', { token: s.owner })
    const b = browserSession(h)
    h.clock.advance(61_000) // the same phone signed in through the API a moment ago: wait out the resend interval
    await b.login(me.json.phone)
    const page = await b.get(`/h5/polls/${p.id}`)
    expect(page.text).toContain('由委托代理人 王小明 代为签署（业委会已留存授权委托书照片）')
    expect(page.text).toContain('提出异议')
    // and in the chat-bot's 我的投票 (bound to the same account)
    const openid = `oSigner${process.pid}${Math.random().toString(36).slice(2, 8)}`
    await h.db.insert(oaFollowers).values({ openid, userId: s.ownerUserId, subscribed: true, linkedAt: h.clock.now() })
    expect((await h.oa.send({ from: openid, content: '我的投票' })).reply).toContain('纸质票（委托代理人王小明代签）')
    // that someone else signed is on record in the audit log, as what, without the name
    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.communityId, s.community.id), eq(auditLog.action, 'ballot.signed_by_other')))
    expect(audit.map((a) => a.details)).toEqual([{ as: 'proxy' }])

    // the owner's own paper ballot, entered again without a signer, stands in its place and says nothing of a signer
    const own = await enter({ choice: 'oppose' })
    expect(own.status).toBe(201)
    const after = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].ballots
    expect(after.find((b: { receipt: string }) => b.receipt === own.json.receipt).signedBy).toBeNull()
  })

  it('on counting day: the register’s signer columns, their faults by line, the flag for one name over the proxy limit, and what the public list shows', async () => {
    const s = await setupCommunity(h, { units: 8 })
    await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { proxyLimit: 2 } })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(60_000))
    const voterOfRoom = await votersOf(p.id, s.committee)
    const issued = s.rows.map((r) => voterOfRoom.get(r.房号)!)
    expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: issued } })).status).toBe(201)
    h.clock.advance(60_100)
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: COUNTING_PEOPLE })).status).toBe(201)

    const head = ['楼栋', '单元', '房号', '表决意见', '签署人', '签署人姓名', '委托书照片SHA256']
    const row = (i: number, opinion: string, signer: [string, string, string] = ['', '', '']) => [s.rows[i]!.楼栋, s.rows[i]!.单元 ?? '', s.rows[i]!.房号, opinion, ...signer]
    const upload = (rows: string[][]) =>
      h.request('POST', `/api/polls/${p.id}/counting/register`, {
        token: s.committee,
        body: writeXlsx([{ name: '计票登记表', rows: [head, ...rows] }]),
        headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      })

    // faults: a signer the rules do not know, a proxy without the 委托书, a name without saying who, a bad hash; nothing stored
    const faulty = await upload([row(0, '同意', ['邻居', '张三', DOC]), row(1, '同意', ['委托代理人', '张三', '']), row(2, '反对', ['', '张三', '']), row(3, '同意'), row(4, '同意', ['监护人', '李四', 'xyz'])])
    expect(faulty.status).toBe(422)
    expect(faulty.json.error.details.errors.map((e: { line: number; column: string; code: string }) => [e.line, e.column, e.code])).toEqual([
      [2, '签署人', 'invalid_signer'],
      [3, '委托书照片SHA256', 'required'],
      [4, '签署人', 'required'],
      [6, '委托书照片SHA256', 'invalid_hash'],
    ])
    expect(faulty.json.error.details.errors[1].message).toBe('第3行 他人代签的表决票，须附授权委托书、监护关系证明或法定代表人身份证明的照片')
    expect(await paperCount(p.id)).toBe(0)

    // three flats signed by one proxy name (the limit is two), a guardian, a legal representative, two owners
    const entered = await upload([
      row(0, '同意', ['委托代理人', '张三', DOC]),
      row(1, '同意', ['委托代理人', '张三', DOC]),
      row(2, '反对', ['受托人', '张三', DOC]),
      row(3, '同意', ['监护人', '李四', 'c'.repeat(64)]),
      row(4, '同意', ['法定代表人', '赵五', 'd'.repeat(64)]),
      row(5, '弃权', ['本人', '', '']),
      row(6, '同意'),
    ])
    expect(entered.status).toBe(201)
    expect(entered.json.entered).toBe(7)
    // one by one at the count, through the API, with the signer
    const one = await h.request('POST', `/api/polls/${p.id}/counting/ballots`, {
      token: s.committee,
      json: { building: s.rows[7]!.楼栋, unit: s.rows[7]!.单元 ?? '', room: s.rows[7]!.房号, choice: 'oppose', signedBy: { as: 'guardian', name: '钱六', documentSha256: 'e'.repeat(64) } },
    })
    expect(one.status).toBe(201)
    const sheet = (await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json
    const over = sheet.flags.filter((f: { kind: string }) => f.kind === 'signer_over_limit')
    expect(over).toHaveLength(1)
    expect(over[0].text).toContain('共 3 户，超过本小区每人最多受托 2 户的规定')
    // the counting record is published with the result: the flag names rooms, never the signer
    expect(over[0].text).not.toContain('张三')

    const closed = await h.request('POST', `/api/polls/${p.id}/counting/confirm`, { token: s.committee, json: { confirmedBy: ['钱监票'], settlement: '三户由同一委托代理人代签，已核对授权委托书，属实' } })
    expect(closed.status).toBe(200)
    // no signer's name anywhere in the signed public result, its notice or its tally
    const published = JSON.stringify(closed.json.document) + JSON.stringify((await h.request('GET', `/api/communities/${s.community.id}/notices`)).json) + (await h.request('GET', `/api/polls/${p.id}/tally.csv`)).text
    for (const name of ['张三', '李四', '赵五', '钱六']) expect(published).not.toContain(name)

    // the per-voter list every owner reads: that someone else signed, not who nor as what (监护人
    // would tell the neighbours the owner lacks capacity)
    const list = await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.owner })
    const byRoom = new Map(list.json.voters.map((v: { units: string; signedByOther: boolean }) => [v.units.split('-').at(-1)!, v.signedByOther]))
    expect([0, 3, 4, 5, 6, 7].map((i) => byRoom.get(s.rows[i]!.房号))).toEqual([true, true, true, false, false, true])
    const csv = await h.request('GET', `/api/polls/${p.id}/voters.csv`, { token: s.owner })
    expect(csv.text.match(/纸质票（他人代签）/g)).toHaveLength(6)
    for (const word of ['张三', '李四', '监护人', '法定代表人']) {
      expect(list.text).not.toContain(word)
      expect(csv.text).not.toContain(word)
    }
    // the committee's evidence file keeps the name and the document's photo for a dispute
    const evidence = await h.request('GET', `/api/polls/${p.id}/evidence`, { token: s.committee })
    const signed = evidence.json.ballots.filter((b: { signedBy: unknown }) => b.signedBy)
    expect(signed).toHaveLength(6)
    expect(signed).toContainEqual(expect.objectContaining({ signedBy: { as: 'guardian', name: '李四', documentSha256: 'c'.repeat(64) } }))
    expect(signed).toContainEqual(expect.objectContaining({ signedBy: { as: 'legal_representative', name: '赵五', documentSha256: 'd'.repeat(64) } }))
    expect(signed).toContainEqual(expect.objectContaining({ signedBy: { as: 'guardian', name: '钱六', documentSha256: 'e'.repeat(64) } }))
  })
})
