import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCenti } from '../../shared/decimal'
import { writeXlsx } from '../../worker/lib/spreadsheet'
import { verifyDocument } from '../../worker/lib/signing'
import { eq } from 'drizzle-orm'
import { deliveries, pollResults } from '../../drizzle/schema'
import { runDueJobs } from '../../worker/scheduler/jobs'
import { announcedPoll, bulkOwners, openWindow, pollDraft, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `候选人${i + 1}`, building: '1栋' }))
const candidatePoll = (matter: 'manager' | 'committee', seats: number, n: number) =>
  pollDraft({ title: matter === 'manager' ? '选聘物业服务企业' : '选举业主委员会委员', body: '候选人名单及简介见下，每位业主最多选应选名额。', matter, kind: 'election', seats, candidates: people(n) })

/** A community of `units` flats, one owner each, all signed in; the settings given applied first. */
async function community(units: number, settings: Record<string, unknown> = {}) {
  const s = await setupCommunity(h, { units })
  if (Object.keys(settings).length) await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: settings })
  const owners = [{ token: s.owner }, ...(await bulkOwners(h, s.community.id, s.rows.slice(1)))]
  return { s, owners }
}

/**
 * Checks an exported tally from the export alone: the 明细 rows add up to 投票权人总数, those
 * counted as participating to 参与表决, in heads and in exact area. Returns rows by item.
 */
async function checkedExport(pollId: string) {
  const csv = await h.request('GET', `/api/polls/${pollId}/tally.csv`)
  const rows = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','))
  const [head, ...body] = rows
  const col = (name: string) => head!.indexOf(name)
  const sum = (rs: string[][]) => rs.reduce((acc, r) => ({ voters: acc.voters + Number(r[col('人数')]), area: acc.area + parseCenti(r[col('专有部分面积（平方米）')]!)! }), { voters: 0, area: 0 })
  const item = (name: string) => body.find((r) => r[col('项目')] === name)!
  const weight = (r: string[]) => ({ voters: Number(r[col('人数')]), area: parseCenti(r[col('专有部分面积（平方米）')]!)! })
  const detail = body.filter((r) => r[col('类别')] === '明细')
  expect(sum(detail)).toEqual(weight(item('投票权人总数')))
  expect(sum(detail.filter((r) => r[col('计入参与表决')] === '是'))).toEqual(weight(item('参与表决')))
  return { item, col }
}

async function voterIdOf(pollId: string, token: string): Promise<string> {
  return (await h.request('GET', `/api/polls/${pollId}/ballots/mine`, { token })).json.voters[0].voterId
}

describe('follow_majority in candidate polls (指导规则 第26条)', () => {
  it('one seat: the notified non-voter adds to the leader, and the signed result states what the rule did', async () => {
    const { s, owners } = await community(7, { nonVoterRule: 'follow_majority' })
    const p = await announcedPoll(h, s.community.id, s.committee, { ...candidatePoll('manager', 1, 2), ...openWindow(5000) })
    const [a, b] = (await h.request('GET', `/api/polls/${p.id}`, { token: s.owner })).json.candidates.map((c: { id: string }) => c.id)
    const marks = [[a], [a], [b], [b], [b]]
    for (const [i, m] of marks.entries()) expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: owners[i]!.token, json: { marks: m } })).status).toBe(201)
    // one of the two who did not vote was notified
    const notified = await voterIdOf(p.id, owners[5]!.token)
    expect((await h.request('POST', `/api/polls/${p.id}/deliveries`, { token: s.committee, json: { voterIds: [notified], method: 'paper_signed' } })).status).toBe(201)
    // the other was reached only by an automatic SMS (title and link), as the outbox records it: told nothing of the rule
    const committeeId = (await h.request('GET', '/api/me', { token: s.committee })).json.id as string
    const texted = await voterIdOf(p.id, owners[6]!.token)
    await h.db.insert(deliveries).values({ id: `nt-test-${p.id}`, pollId: p.id, communityId: s.community.id, voterId: texted, method: 'sms', tellsNonVoterRule: false, recordedBy: committeeId, recordedAt: h.clock.now() })
    h.clock.advance(5100)
    // voting has closed: a delivery now could still tip the count, so it is refused
    const late = await h.request('POST', `/api/polls/${p.id}/deliveries`, { token: s.committee, json: { voterIds: [await voterIdOf(p.id, owners[6]!.token)], method: 'paper_signed' } })
    expect(late.status).toBe(409)
    expect(late.json.error.code).toBe('VOTING_CLOSED')
    const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
    const e = closed.json.document.election
    expect(e.participated.voters).toBe(6)
    expect(e.deemed.voters).toBe(1)
    expect(e.followMajority).toEqual({ to: [b], reason: 'added' })
    expect(e.candidates[1]).toMatchObject({ votes: { voters: 4 }, deemed: { voters: 1 }, elected: true })
    expect(closed.json.document.rules.nonVoters).toBe('follow_majority')
    // the notice and the signed summary say where follow-majority came in, with areas beside heads
    const summary: string[] = closed.json.document.summary
    expect(summary).toContain('候选人2：4 人（66.67%），面积 354.00 平方米（66.67%），其中随多数 1 人、面积 88.50 平方米，当选（第1名）。')
    expect(summary.some((l) => l.includes('本次 1 人（面积 88.50 平方米）随多数计入候选人2'))).toBe(true)
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    const notice = board.json.notices.find((n: { kind: string }) => n.kind === 'result')
    expect(notice.body).toContain('其中随多数 1 人')
    // the per-voter list marks the one counted with the majority, and only that one
    const list = await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.owner })
    expect(list.json.voters.filter((v: { followedMajority: string[] | null }) => v.followedMajority)).toEqual([expect.objectContaining({ voterId: notified, voted: false, followedMajority: ['候选人2'] })])
    const csv = await h.request('GET', `/api/polls/${p.id}/voters.csv`, { token: s.owner })
    expect(csv.text).toContain('随多数：候选人2')
    // the evidence file says which deliveries the count could rest on
    const evidence = await h.request('GET', `/api/polls/${p.id}/evidence`, { token: s.committee })
    const told = new Map(evidence.json.deliveries.filter((d: { voterId: string }) => d.voterId === notified || d.voterId === texted).map((d: { voterId: string; tellsNonVoterRule: boolean }) => [d.voterId, d.tellsNonVoterRule]))
    expect(Object.fromEntries(told)).toEqual({ [notified]: true, [texted]: false })
    // the export: the counts add up to the electorate and to the participants; the deemed voter on its own row
    const x = await checkedExport(p.id)
    expect(x.item('随多数（未投票，按议事规则计入）')[x.col('人数')]).toBe('1')
    expect(x.item('候选人：候选人2').slice(x.col('人数'), x.col('人数') + 2)).toEqual(['4', '1'])
    expect(x.item('未投票')[x.col('人数')]).toBe('1')
  })

  it('three seats: the candidates the actual ballots elect each receive the non-voters; a tie for a seat adds to no one', async () => {
    const { s, owners } = await community(9, { nonVoterRule: 'follow_majority' })
    const p = await announcedPoll(h, s.community.id, s.committee, { ...candidatePoll('committee', 3, 4), ...openWindow(5000) })
    const [w, x, y, z] = (await h.request('GET', `/api/polls/${p.id}`, { token: s.owner })).json.candidates.map((c: { id: string }) => c.id)
    const marks = [[x, y, z], [x, y, z], [x, y, w], [w], []]
    for (const [i, m] of marks.entries()) await h.request('POST', `/api/polls/${p.id}/ballots`, { token: owners[i]!.token, json: { marks: m } })
    const notified = await Promise.all(owners.slice(5, 8).map((o) => voterIdOf(p.id, o.token)))
    // a message to each, its screenshot on record (without it, or a board posting, deems no one: polls.test.ts)
    await h.request('POST', `/api/polls/${p.id}/deliveries`, { token: s.committee, json: { voterIds: notified, method: 'app_message', evidenceSha256: 'd'.repeat(64) } })
    // a second poll with a tie for the second of two seats among the actual ballots
    const q = await announcedPoll(h, s.community.id, s.committee, { ...candidatePoll('committee', 2, 3), ...openWindow(5000) })
    const [qa, qb, qc] = (await h.request('GET', `/api/polls/${q.id}`, { token: s.owner })).json.candidates.map((c: { id: string }) => c.id)
    const tie = [[qa, qb], [qa, qc], [qb, qc], [qa, qb], [qa, qc]]
    for (const [i, m] of tie.entries()) await h.request('POST', `/api/polls/${q.id}/ballots`, { token: owners[i]!.token, json: { marks: m } })
    h.clock.advance(5100)

    const e = (await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })).json.document.election
    expect(e.followMajority).toEqual({ to: [x, y], reason: 'added' })
    expect(e).toMatchObject({ quorum: true, participated: { voters: 8 }, deemed: { voters: 3 } })
    expect(e.elected).toEqual([x, y])
    const t = (await h.request('POST', `/api/polls/${q.id}/close`, { token: s.committee })).json.document
    expect(t.election.followMajority).toEqual({ to: [], reason: 'tie_for_seat' })
    expect(t.election.participated.voters).toBe(5)
  })
})

describe('the tally export', () => {
  it('a single matter with deemed voters and spoiled ballots that do not participate: every total adds up', async () => {
    const { s, owners } = await community(8, { nonVoterRule: 'follow_majority', spoiledParticipate: false })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
    for (const [i, choice] of (['agree', 'agree', 'agree', 'oppose', 'abstain'] as const).entries()) await h.request('POST', `/api/polls/${p.id}/ballots`, { token: owners[i]!.token, json: { choice } })
    const spoiledVoter = await voterIdOf(p.id, owners[5]!.token)
    await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: spoiledVoter, choice: 'spoiled', spoiledReason: '同时勾选同意和反对', photoSha256: 'f'.repeat(64) } })
    await h.request('POST', `/api/polls/${p.id}/deliveries`, { token: s.committee, json: { voterIds: [await voterIdOf(p.id, owners[6]!.token)], method: 'paper_signed' } })
    h.clock.advance(5100)
    const doc = (await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })).json.document
    expect(doc.tally).toMatchObject({ agree: { voters: 4 }, deemed: { voters: 1 }, participated: { voters: 6 } })
    const x = await checkedExport(p.id)
    expect(x.item('同意').slice(x.col('人数'), x.col('人数') + 2)).toEqual(['4', '1'])
    expect(x.item('废票')[x.col('计入参与表决')]).toBe('否')
    expect(x.item('未投票')[x.col('人数')]).toBe('1')
    expect(x.item('参与表决')[x.col('判定')]).toBe('达到三分之二')
    expect(x.item('同意')[x.col('判定')]).toBe('通过')
  })
})

describe('counting day (计票): paper ballots counted after the close', () => {
  const people = {
    counters: [{ name: '赵计票', unitOrOffice: '2栋-1单元-1105' }, { name: '孙计票', unitOrOffice: '3栋-1单元-1210' }],
    scrutineers: [{ name: '钱监票', unitOrOffice: '4栋-1单元-1301' }, { name: '李干事', unitOrOffice: '测试街道办事处' }],
    boxState: '封条完好，无破损',
  }
  const csvOf = (rows: string[][]) => ['楼栋,单元,房号,表决意见,废票原因,收到时间', ...rows.map((r) => r.join(','))].join('\r\n')

  it('a 600-ballot register, the flags, the scrutineers’ confirmation and the signed result', async () => {
    const s = await setupCommunity(h, { units: 620 })
    const owners = [{ token: s.owner }, ...(await bulkOwners(h, s.community.id, s.rows.slice(1, 3)))]
    // the owner of row 605 is handed a paper ballot too, keeps it, and votes online instead
    const [online] = await bulkOwners(h, s.community.id, [s.rows[605]!])
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(60_000))
    const closesAt = (await h.request('GET', `/api/polls/${p.id}`, { token: s.committee })).json.closesAt as string
    for (const [i, choice] of (['agree', 'oppose', 'agree'] as const).entries()) expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: owners[i]!.token, json: { choice } })).status).toBe(201)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: online!.token, json: { choice: 'agree' } })).status).toBe(201)
    // paper ballots handed out to the first 610 flats
    const list = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string; units: string }[]
    const voterOfRoom = new Map(list.map((v) => [v.units.split('-').at(-1)!, v.voterId]))
    const issued = s.rows.slice(0, 610).map((r) => voterOfRoom.get(r.房号)!)
    expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: issued } })).status).toBe(201)

    // counting starts only after the close; then the electronic channels and deliveries are shut
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: people })).json.error.code).toBe('POLL_NOT_CLOSABLE')
    h.clock.advance(60_100)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: owners[0]!.token, json: { choice: 'oppose' } })).json.error.code).toBe('POLL_NOT_OPEN')
    const reopen = await h.request('POST', `/api/polls/${p.id}/extend`, { token: s.committee, json: { closesAt: new Date(Date.parse(closesAt) + 86_400_000).toISOString(), reason: '参与人数不足三分之二' } })
    expect(reopen.json.error.code).toBe('EXTENSION_TOO_LATE')
    expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: [voterOfRoom.get(s.rows[615]!.房号)!] } })).json.error.code).toBe('VOTING_CLOSED')
    // paper was issued: no result until the count
    expect((await h.request('GET', `/api/polls/${p.id}/result`)).json.error.code).toBe('RESULT_NOT_PUBLISHED')
    // the register's template, in both formats, has the columns the upload reads
    expect((await h.request('GET', '/api/counting/register-template.csv')).text).toContain('选票编号,楼栋,单元,房号,表决意见,废票原因,收到时间,照片SHA256')
    expect((await h.request('GET', '/api/counting/register-template.xlsx')).status).toBe(200)
    const opened = await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: people })
    expect(opened.status).toBe(201)
    expect(opened.json.status).toBe('counting')
    expect((await h.request('GET', `/api/polls/${p.id}`, { token: s.owner })).json.status).toBe('counting')

    // a register with faults: every bad row named, nothing stored
    const before = new Date(Date.parse(closesAt) - 3_600_000)
    const bj = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
    const row = (i: number, opinion: string, extra: Partial<{ reason: string; at: string }> = {}) => {
      const r = s.rows[i]!
      return [r.楼栋, r.单元 ?? '', r.房号, opinion, extra.reason ?? '', extra.at ?? bj(before)]
    }
    const faulty = csvOf([row(0, '同意'), ['99栋', '1单元', '9999', '同意', '', ''], row(0, '反对'), row(5, '随便'), row(6, '同意', { at: bj(new Date(Date.parse(closesAt) + 60_000)) }), ['1栋', '3月12日', '1001', '同意', '', '']])
    const refused = await h.request('POST', `/api/polls/${p.id}/counting/register`, { token: s.committee, body: faulty, headers: { 'content-type': 'text/csv' } })
    expect(refused.status).toBe(422)
    expect(refused.json.error.code).toBe('COUNTING_INVALID')
    expect(refused.json.error.details.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([[3, 'not_in_electorate'], [4, 'duplicate_in_register'], [5, 'invalid_choice'], [6, 'received_after_close'], [7, 'unit_looks_like_date']])
    expect(refused.json.error.details.errors[4].message).toBe('第7行 单元“3月12日”像是被 Excel 识别成的日期，请把该列设为文本后重新输入')
    expect(refused.json.error.details.errors[0].message).toBe('第3行 99栋-1单元-9999：该房屋不在本次表决的投票权人名单中')
    expect((await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json.paperEntered).toBe(0)

    // the register of 600 ballots (flats 0–599): 400 agree, 150 oppose, 40 abstain, 10 spoiled; as XLSX
    const opinion = (i: number) => (i < 400 ? '同意' : i < 550 ? '反对' : i < 590 ? '弃权' : '')
    const rows600 = Array.from({ length: 600 }, (_, i) => row(i, opinion(i), i >= 590 ? { reason: '同时勾选同意和反对' } : {}))
    const xlsx = writeXlsx([{ name: '计票登记表', rows: [['楼栋', '单元', '房号', '表决意见', '废票原因', '收到时间'], ...rows600] }])
    const started = performance.now()
    const entered = await h.request('POST', `/api/polls/${p.id}/counting/register`, { token: s.committee, body: xlsx, headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } })
    const ms = performance.now() - started
    expect(entered.status).toBe(201)
    expect(entered.json.entered).toBe(600)
    expect(ms).toBeLessThan(5000)
    console.log(`[counting] 600-ballot register entered in ${Math.round(ms)} ms`)

    // one by one, by the room on the ballot: received in time, and one received after the close
    expect((await h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json: { building: s.rows[600]!.楼栋, unit: '1单元', room: s.rows[600]!.房号, choice: 'agree', receivedAt: before.toISOString() } })).status).toBe(201)
    const late = await h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json: { building: s.rows[601]!.楼栋, unit: '1单元', room: s.rows[601]!.房号, choice: 'agree', receivedAt: new Date(Date.parse(closesAt) + 1000).toISOString() } })
    expect(late.status).toBe(422)
    expect(late.json.error.details.errors[0].code).toBe('received_after_close')
    // a second after the close, in the same minute: both times with their seconds, in Beijing time
    const closedAt = Date.parse(closesAt)
    expect(Math.floor(closedAt / 60_000)).toBe(Math.floor((closedAt + 1000) / 60_000))
    const beijingSeconds = (ms: number) => {
      const d = new Date(ms + 8 * 3600_000)
      const two = (n: number) => String(n).padStart(2, '0')
      return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
    }
    expect(late.json.error.details.errors[0].message).toContain(`收到时间 ${beijingSeconds(closedAt + 1000)} 晚于表决截止时间 ${beijingSeconds(closedAt)}，该票不计入`)
    const outsider = await h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json: { building: '1栋', room: '0000', choice: 'agree' } })
    expect(outsider.json.error.details.errors[0].message).toBe('1栋-0000：该房屋不在本次表决的投票权人名单中')

    // the sheet: three voters with paper and electronic ballots (electronic stands), nine issued and not returned
    const sheet = (await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json
    expect(sheet.paperEntered).toBe(601)
    expect(sheet.flags.filter((f: { kind: string }) => f.kind === 'paper_and_electronic')).toHaveLength(3)
    expect(sheet.flags.find((f: { kind: string }) => f.kind === 'paper_and_electronic').text).toContain('以电子票为准')
    const notReturned = sheet.flags.filter((f: { kind: string }) => f.kind === 'issued_not_returned')
    expect(notReturned).toHaveLength(9)
    // the household that voted online is not read as left out; the others have not voted
    expect(notReturned.filter((f: { text: string }) => f.text.endsWith('已发放纸质票未收回；该户已在网上投票（或由受托人代投），该票已计入'))).toHaveLength(1)
    expect(notReturned.filter((f: { text: string }) => f.text.endsWith('已发放纸质票未收回，未投票'))).toHaveLength(8)

    // the scrutineers confirm; the result is computed, signed and published with the counting record
    expect((await h.request('POST', `/api/polls/${p.id}/counting/confirm`, { token: s.committee, json: { confirmedBy: ['路人甲'] } })).status).toBe(400)
    const closed = await h.request('POST', `/api/polls/${p.id}/counting/confirm`, { token: s.committee, json: { confirmedBy: ['钱监票', '李干事'], settlement: '三户纸质票与电子票并存，按议事规则以电子票为准' } })
    expect(closed.status).toBe(200)
    const doc = closed.json.document
    // 601 paper + 4 electronic, the three with both count once (electronic): 602 voters of 620
    // agree: paper 0–399 less flats 1 (electronic oppose) → 399 + flat 600 + flat 605 online = 401; oppose 150 + 1
    expect(doc.tally).toMatchObject({ participated: { voters: 602 }, agree: { voters: 401 }, oppose: { voters: 151 }, abstain: { voters: 40 }, spoiled: { voters: 10 } })
    expect(doc.outcome).toBe('passed')
    expect(doc.counting).toMatchObject({ boxState: '封条完好，无破损', confirmedBy: ['钱监票', '李干事'], paperEntered: 601 })
    expect(doc.counting.flags).toHaveLength(12)
    expect(doc.paperBallots).toMatchObject({ issued: 610, returned: 601, notReturned: 9 })
    await verifyDocument(closed.json.jws, (await h.request('GET', '/.well-known/jwks.json')).json)
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    const resultNotice = board.json.notices.find((n: { kind: string }) => n.kind === 'result').body
    expect(resultNotice).toContain('监票人 钱监票（4栋-1单元-1301）、李干事（测试街道办事处），已由 钱监票、李干事 确认')
    expect(resultNotice).toContain('纸质表决票：发放 610 张，收回 601 张，已发放未回收 9 张（其中 1 户已在网上投票或由受托人代投，其票已计入）。')
    const evidence = await h.request('GET', `/api/polls/${p.id}/evidence`, { token: s.committee })
    expect(evidence.json.counting.counters).toHaveLength(2)
    expect(evidence.json.ballots.filter((b: { receivedAt: string | null }) => b.receivedAt).length).toBe(601)
    await checkedExport(p.id)
  })

  it('with no paper ballots issued, the result publishes by itself on the first read after the close', async () => {
    const { s, owners } = await community(3)
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
    for (const o of owners) await h.request('POST', `/api/polls/${p.id}/ballots`, { token: o.token, json: { choice: 'agree' } })
    expect((await h.request('GET', `/api/polls/${p.id}/result`)).json.error.code).toBe('RESULT_NOT_PUBLISHED')
    h.clock.advance(5100)
    const r = await h.request('GET', `/api/polls/${p.id}/result`)
    expect(r.status).toBe(200)
    expect(r.json.document.outcome).toBe('passed')
    expect((await h.request('GET', `/api/polls/${p.id}`, { token: s.owner })).json.status).toBe('closed')
    // a second read serves the same signed result
    expect((await h.request('GET', `/api/polls/${p.id}/result`)).json.jws).toBe(r.json.jws)
  })

  it('with no paper ballots issued, the scheduled job publishes the result at the close, read or not; a poll with paper waits for the count', async () => {
    const { s, owners } = await community(3)
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
    const q = await announcedPoll(h, s.community.id, s.committee, openWindow(4000, 1000))
    for (const o of owners) await h.request('POST', `/api/polls/${p.id}/ballots`, { token: o.token, json: { choice: 'agree' } })
    const voterId = (await h.request('GET', `/api/polls/${q.id}/ballots/mine`, { token: owners[0]!.token })).json.voters[0].voterId
    expect((await h.request('POST', `/api/polls/${q.id}/paper-issued`, { token: s.committee, json: { voterIds: [voterId] } })).status).toBe(201)
    await runDueJobs(h.services)
    expect(await h.db.select().from(pollResults).where(eq(pollResults.pollId, p.id))).toHaveLength(0)
    h.clock.advance(5100)
    const ran = await runDueJobs(h.services)
    expect(ran.results_due).toBeGreaterThanOrEqual(1)
    expect(await h.db.select().from(pollResults).where(eq(pollResults.pollId, p.id))).toHaveLength(1)
    // paper was handed out for q: its result waits for the public count
    expect(await h.db.select().from(pollResults).where(eq(pollResults.pollId, q.id))).toHaveLength(0)
    // running again publishes nothing twice
    await runDueJobs(h.services)
    expect(await h.db.select().from(pollResults).where(eq(pollResults.pollId, p.id))).toHaveLength(1)
  })
})

