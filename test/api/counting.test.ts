import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCenti } from '../../shared/decimal'
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
    await h.request('POST', `/api/polls/${p.id}/deliveries`, { token: s.committee, json: { voterIds: notified, method: 'app_message' } })
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
