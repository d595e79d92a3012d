import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rosterUnits } from '../../drizzle/schema'
import { ballotNumber, dammDigit } from '../../shared/ballot-number'
import { readXlsx } from '../../worker/lib/spreadsheet'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, COUNTING_PEOPLE, idNumber, openWindow, setupCommunity, simpleRoster, type RosterRowInput } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const CSV = { 'content-type': 'text/csv' }

/**
 * A community of 10 flats with two polls; paper ballots issued for flats 1–6 of the first poll
 * and flats 1–2 of the second, then both closed and the first one's count opened.
 */
async function countingDay() {
  const s = await setupCommunity(h, { units: 10 })
  const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
  // the second opens a second later and closes with the first (its announcement runs the clock to its opening)
  const q = await announcedPoll(h, s.community.id, s.committee, openWindow(4000, 1000))
  const voters = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters as { voterId: string; units: string }[]
  const voterOf = (room: string) => voters.find((v) => v.units.endsWith(`-${room}`))!.voterId
  const rooms = ['1001', '1002', '1003', '1004', '1005', '1006']
  const issued = await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: rooms.map(voterOf) } })
  expect(issued.json).toEqual({ recorded: 6, numbered: 6 })
  // issuing again to a voter who has a ballot keeps its number; a new voter gets the next one
  expect((await h.request('POST', `/api/polls/${p.id}/paper-issued`, { token: s.committee, json: { voterIds: [voterOf('1001')] } })).json).toEqual({ recorded: 1, numbered: 0 })
  const qVoters = (await h.request('GET', `/api/polls/${q.id}/voters`, { token: s.committee })).json.voters as { voterId: string }[]
  await h.request('POST', `/api/polls/${q.id}/paper-issued`, { token: s.committee, json: { voterIds: qVoters.slice(0, 2).map((v) => v.voterId) } })
  const pNumber = (await h.request('GET', `/api/polls/${p.id}`, { token: s.committee })).json.number as number
  const qNumber = (await h.request('GET', `/api/polls/${q.id}`, { token: s.committee })).json.number as number
  h.clock.advance(5100)
  expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: COUNTING_PEOPLE })).status).toBe(201)
  return { s, p, q, pNumber, qNumber }
}

describe('counting by the printed ballot number (选票编号)', () => {
  it('the issue list prints a checkable number for every paper ballot, in the order issued', async () => {
    const { s, p, pNumber } = await countingDay()
    const list = await h.request('GET', `/api/polls/${p.id}/paper-issued`, { token: s.committee })
    expect(list.status).toBe(200)
    expect(list.json.pollNumber).toBe(pNumber)
    expect(list.json.ballots.map((b: { ballotNumber: string; units: string }) => [b.ballotNumber, b.units])).toEqual(
      ['1001', '1002', '1003', '1004', '1005', '1006'].map((room, i) => [ballotNumber(pNumber, i + 1), `1栋-1单元-${room}`]),
    )
    const xlsx = await h.app.request(`/api/polls/${p.id}/paper-issued.xlsx`, { headers: { authorization: `Bearer ${s.committee}` } })
    expect(xlsx.status).toBe(200)
    const [sheet] = await readXlsx(new Uint8Array(await xlsx.arrayBuffer()))
    expect(sheet!.rows[0]).toEqual(['选票编号', '房屋', '业主', '签收人', '签收日期'])
    expect(sheet!.rows[1]![0]).toBe(ballotNumber(pNumber, 1))
    expect((await h.request('GET', `/api/polls/${p.id}/paper-issued.csv`, { token: s.committee })).text).toContain(`${ballotNumber(pNumber, 6)},1栋-1单元-1006`)
    // the list is the committee's: an owner is refused
    expect((await h.request('GET', `/api/polls/${p.id}/paper-issued`, { token: s.owner })).status).toBe(403)
  })

  it('one by one: a number enters its voter’s ballot; a mistyped number, another poll’s, one never issued, a repeat and a mismatched room are refused in words', async () => {
    const { s, p, pNumber, qNumber } = await countingDay()
    const enter = (json: Record<string, unknown>) => h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json })
    const refusal = async (json: Record<string, unknown>) => {
      const r = await enter(json)
      expect(r.status).toBe(422)
      expect(r.json.error.code).toBe('COUNTING_INVALID')
      return r.json.error.details.errors[0] as { code: string; message: string; column: string }
    }
    const first = ballotNumber(pNumber, 1)
    const ok = await enter({ ballotNumber: first, choice: 'agree' })
    expect(ok.status).toBe(201)
    expect(ok.json).toMatchObject({ entered: 1, paperEntered: 1, ballots: [{ line: null, units: '1栋-1单元-1001', ballotNumber: first }] })
    // typed without dashes it is the same ballot: a repeat
    expect(await refusal({ ballotNumber: first.replaceAll('-', ''), choice: 'oppose' })).toMatchObject({ code: 'already_entered', column: '选票编号' })
    // …and so is its room
    expect((await refusal({ building: '1栋', unit: '1单元', room: '1001', choice: 'oppose' })).code).toBe('already_entered')

    const second = ballotNumber(pNumber, 2)
    const typo = second.slice(0, -1) + String((Number(second.at(-1)) + 1) % 10)
    expect(await refusal({ ballotNumber: typo, choice: 'agree' })).toMatchObject({ code: 'ballot_number_check', message: `选票编号“${typo}”校验位不符，可能抄错了一位或两位颠倒，请对照票面核对` })
    const foreign = ballotNumber(qNumber, 1)
    expect(await refusal({ ballotNumber: foreign, choice: 'agree' })).toMatchObject({
      code: 'other_poll_ballot',
      message: `选票编号“${foreign}”：该选票编号不属于本次表决（是第${qNumber}号表决的选票），本次是第${pNumber}号表决`,
    })
    const never = ballotNumber(pNumber, 99)
    expect(await refusal({ ballotNumber: never, choice: 'agree' })).toMatchObject({ code: 'ballot_not_issued', message: `选票编号 ${never}：本次表决没有发放这个编号的选票` })
    expect((await refusal({ ballotNumber: '3-2-501', choice: 'agree' })).code).toBe('invalid_ballot_number')
    expect(await refusal({ ballotNumber: second, building: '1栋', unit: '1单元', room: '1003', choice: 'agree' })).toMatchObject({
      code: 'number_room_mismatch',
      message: `选票编号 ${second} 发给的是 1栋-1单元-1002，与票面房号 1栋-1单元-1003 不是同一户，请核对`,
    })
    // neither a number nor a room: the body is refused before the count sees it
    expect((await enter({ choice: 'agree' })).status).toBe(400)
    // number and room agreeing is fine
    expect((await enter({ ballotNumber: second, building: '1栋', unit: '1单元', room: '1002', spoiledReason: '同时勾选同意和反对' })).json.paperEntered).toBe(2)
    const sheet = (await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json
    expect(sheet).toMatchObject({ paperEntered: 2, paperIssued: 6 })
    expect(sheet.flags.filter((f: { kind: string }) => f.kind === 'issued_not_returned')).toHaveLength(4)
    expect(sheet.flags.filter((f: { kind: string }) => f.kind === 'not_issued')).toEqual([])
    // a paper ballot from a household the issue list never handed one: entered, and put before the scrutineers
    expect((await enter({ building: '1栋', unit: '1单元', room: '1008', choice: 'agree' })).status).toBe(201)
    const after = (await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json
    expect(after.flags.filter((f: { kind: string }) => f.kind === 'not_issued')).toEqual([
      { kind: 'not_issued', units: '1栋-1单元-1008', text: '1栋-1单元-1008：收到纸质票，但发放记录中没有向该户发放过纸质票，请核对原票和发放登记' },
    ])
  })

  it('the register takes 选票编号 instead of the room: every bad row named with its sheet row and nothing stored, then the whole file', async () => {
    const { s, p, pNumber, qNumber } = await countingDay()
    const n = (seq: number) => ballotNumber(pNumber, seq)
    const upload = (rows: string[][]) =>
      h.request('POST', `/api/polls/${p.id}/counting/register`, { token: s.committee, headers: CSV, body: ['选票编号,楼栋,单元,房号,表决意见,废票原因', ...rows.map((r) => r.join(','))].join('\r\n') })
    const bad = await upload([
      [n(1), '', '', '', '同意', ''],
      [n(2).replace(/-(\d)$/, (_, d) => `-${(Number(d) + 5) % 10}`), '', '', '', '同意', ''],
      [ballotNumber(qNumber, 2), '', '', '', '反对', ''],
      ['', '1栋', '1单元', '1001', '反对', ''],
      ['', '1栋', '', '', '同意', ''],
      [`${pNumber}-0050-${dammDigit(`${pNumber}0050`)}`, '', '', '', '同意', ''],
      [n(3), '', '', '', '弃权', ''],
    ])
    expect(bad.status).toBe(422)
    expect(bad.json.error.details.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [3, 'ballot_number_check'],
      [4, 'other_poll_ballot'],
      [5, 'duplicate_in_register'],
      [6, 'required'],
      [7, 'ballot_not_issued'],
    ])
    expect(bad.json.error.details.errors.find((e: { line: number }) => e.line === 4).message).toContain('第4行 选票编号')
    expect(bad.json.error.details.errors.find((e: { line: number }) => e.line === 4).message).toContain('该选票编号不属于本次表决')
    expect(bad.json.error.details.errors.find((e: { line: number }) => e.line === 5).message).toBe(`第5行 1栋-1单元-1001：与第2行是同一投票权人的选票，一户只能登记一张`)
    expect((await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json.paperEntered).toBe(0)

    const good = await upload([
      [n(1), '', '', '', '同意', ''],
      [n(2).replaceAll('-', ''), '', '', '', '反对', ''],
      ['', '1栋', '1单元', '1003', '同意', ''],
      [n(4), '1栋', '1单元', '1004', '', '字迹无法辨认'],
      ['', '1栋', '1单元', '1009', '同意', ''],
    ])
    expect(good.status).toBe(201)
    expect(good.json.entered).toBe(5)
    expect(good.json.ballots.map((b: { line: number; ballotNumber: string | null }) => [b.line, b.ballotNumber])).toEqual([[2, n(1)], [3, n(2)], [4, n(3)], [5, n(4)], [6, null]])
    // a ballot of the register entered again, by number, is a repeat
    expect((await upload([[n(3), '', '', '', '反对', '']])).json.error.details.errors[0]).toMatchObject({ line: 2, code: 'already_entered' })
  })

  it('an entry typed wrong is withdrawn before the scrutineers confirm, stays on record, and is entered again as read', async () => {
    const { s, p, pNumber } = await countingDay()
    const wrong = await h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json: { ballotNumber: ballotNumber(pNumber, 1), choice: 'oppose' } })
    const id = wrong.json.ballots[0].ballotId as string
    const withdraw = (bid: string, token = s.committee) => h.request('POST', `/api/polls/${p.id}/counting/ballots/${bid}/withdraw`, { token, json: { reason: '意见录错' } })
    expect((await withdraw(id, s.owner)).status).toBe(403)
    const undone = await withdraw(id)
    expect(undone.status).toBe(200)
    expect(undone.json).toEqual({ withdrawn: id, units: '1栋-1单元-1001', paperEntered: 0 })
    expect((await withdraw(id)).status).toBe(409)
    expect((await withdraw('no-such-ballot')).status).toBe(404)
    const again = await h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json: { ballotNumber: ballotNumber(pNumber, 1), choice: 'agree' } })
    expect(again.status).toBe(201)
    const closed = await h.request('POST', `/api/polls/${p.id}/counting/confirm`, { token: s.committee, json: { confirmedBy: ['钱监票'] } })
    expect(closed.status).toBe(200)
    expect(closed.json.document.tally).toMatchObject({ agree: { voters: 1 }, oppose: { voters: 0 } })
    expect(closed.json.document.paperBallots).toMatchObject({ issued: 6, returned: 1, notReturned: 5 })
    // after the confirmation nothing is withdrawn
    expect((await withdraw(again.json.ballots[0].ballotId)).status).toBe(409)
    const audit = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from audit_log where action = 'poll.paper_withdrawn' and subject_id = ${id}`))
    expect(audit[0]!.n).toBe(1)
  })
})

describe('a ballot whose room leaves out the 单元', () => {
  /**
   * A roll of the rows given (each a row of simpleRoster changed), a running poll over its scope
   * (`whileOpen` done before the close), closed and its count opened.
   */
  async function countOf(rows: Partial<RosterRowInput>[], poll: Record<string, unknown> = {}, whileOpen?: (s: Awaited<ReturnType<typeof setupCommunity>>, pollId: string) => Promise<void>) {
    const base = simpleRoster(rows.length)
    const s = await setupCommunity(h, { rows: rows.map((r, i) => ({ ...base[i]!, ...r })) })
    const p = await announcedPoll(h, s.community.id, s.committee, { ...openWindow(5000), ...poll })
    await whileOpen?.(s, p.id)
    h.clock.advance(5100)
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: COUNTING_PEOPLE })).status).toBe(201)
    const enter = (json: Record<string, unknown>) => h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json: { choice: 'agree', ...json } })
    return { s, p, enter }
  }
  const refusal = async (res: { status: number; json: { error: { details: { errors: { code: string; message: string }[] } } } }) => {
    expect(res.status).toBe(422)
    return res.json.error.details.errors[0]!
  }

  it('finds the room when the whole roll has it in one unit of that building, and asks for the unit when it has it in several', async () => {
    const { enter } = await countOf([
      { 楼栋: '3号楼', 单元: '1单元', 房号: '101' },
      { 楼栋: '3号楼', 单元: '2单元', 房号: '101' },
      { 楼栋: '3号楼', 单元: '1单元', 房号: '201' },
      { 楼栋: '5号楼', 单元: '1单元', 房号: '301' },
    ])
    expect(await refusal(await enter({ building: '3号楼', unit: '', room: '101' }))).toMatchObject({ code: 'unit_missing', message: '3号楼-101：3号楼的1单元、2单元都有这个房号，请填写单元' })
    const one = await enter({ building: '3号楼', room: '201' })
    expect(one.status, one.text).toBe(201)
    expect(one.json.ballots[0].units).toBe('3号楼-1单元-201')
    // a room no unit of the building has is still not in the electorate
    expect((await refusal(await enter({ building: '3号楼', room: '301' }))).code).toBe('not_in_electorate')
  })

  it('counts a parking space, a shop without 单元 and units outside the poll among the rooms of that number', async () => {
    const { enter } = await countOf([
      { 楼栋: '3号楼', 单元: '1单元', 房号: '101' },
      // a parking space (no vote with the default settings) with the same number
      { 楼栋: '3号楼', 单元: '2单元', 房号: '101', 房屋类型: '车位' },
      // a shop without 单元, and another building whose name differs only by its suffix
      { 楼栋: '6号楼', 单元: '', 房号: '101', 房屋类型: '商业' },
      { 楼栋: '6号楼', 单元: '1单元', 房号: '101' },
      { 楼栋: '3栋', 单元: '2单元', 房号: '501' },
    ])
    expect((await refusal(await enter({ building: '3号楼', room: '101' }))).code).toBe('unit_missing')
    expect((await refusal(await enter({ building: '6号楼', room: '101' }))).message).toBe('6号楼-101：6号楼的1单元、不分单元的都有这个房号，请填写单元（不分单元的房屋，单元填“无”）')
    // 3号楼 is not 3栋
    expect((await refusal(await enter({ building: '3号楼', room: '501' }))).code).toBe('not_in_electorate')
    expect((await refusal(await enter({ building: '3号楼', unit: '2单元', room: '501' }))).code).toBe('not_in_electorate')
    // read loosely inside the building named: 3号楼 “1” 101 is 3号楼 1单元 101
    const loose = await enter({ building: '3号楼', unit: '1', room: '101' })
    expect(loose.status, loose.text).toBe(201)
    expect(loose.json.ballots[0].units).toBe('3号楼-1单元-101')
    // said in full, it is the same flat: a repeat
    expect((await refusal(await enter({ building: '3号楼', unit: '1单元', room: '101' }))).code).toBe('already_entered')
    const shop = await enter({ building: '6号楼', unit: '无', room: '101' })
    expect(shop.status, shop.text).toBe(201)
    expect(shop.json.ballots[0].units).toBe('6号楼-101')
    expect((await enter({ building: '6号楼', unit: '1单元', room: '101' })).status).toBe(201)
  })

  it('a building named as the roll names it is that building; named loosely, every building of that name counts among the rooms alike', async () => {
    const { enter } = await countOf([
      { 楼栋: '3号楼', 单元: '1单元', 房号: '101' },
      { 楼栋: '3栋', 单元: '', 房号: '101', 房屋类型: '商业' },
      { 楼栋: '3栋', 单元: '1单元', 房号: '201' },
      { 楼栋: '3栋', 单元: '2单元', 房号: '201' },
      // a shop whose 单元 the roll spells “/”
      { 楼栋: '6号楼', 单元: '/', 房号: '101', 房屋类型: '商业' },
      { 楼栋: '6号楼', 单元: '1单元', 房号: '101' },
    ])
    // 3号楼 101: the flat of 3号楼, not the shop of 3栋
    const flat = await enter({ building: '3号楼', room: '101' })
    expect(flat.status, flat.text).toBe(201)
    expect(flat.json.ballots[0].units).toBe('3号楼-1单元-101')
    // "3" is 3号楼 or 3栋: asked, with both named
    expect(await refusal(await enter({ building: '3', room: '201' }))).toMatchObject({ code: 'unit_missing', message: '3-201：3栋的1单元、2单元都有这个房号，请填写单元' })
    // a 单元 the building has not for this room (a slip of the pen): the 单元 that have it are named
    expect(await refusal(await enter({ building: '3栋', unit: '9单元', room: '201' }))).toMatchObject({ code: 'unit_not_found', message: '3栋-9单元-201：没有这个单元的这个房号；有这个房号的是 3栋1单元、3栋2单元，请对照选票核对单元' })
    expect((await refusal(await enter({ building: '3', room: '101' }))).message).toBe('3-101：3栋不分单元的、3号楼1单元都有这个房号，请填写楼栋和单元（不分单元的房屋，单元填“无”）')
    // the shop spelled “/” on the roll: asked when left out, found by “无” as by “/”
    expect((await refusal(await enter({ building: '6号楼', room: '101' }))).code).toBe('unit_missing')
    const shop = await enter({ building: '6号楼', unit: '无', room: '101' })
    expect(shop.status, shop.text).toBe(201)
    expect((await refusal(await enter({ building: '6号楼', unit: '/', room: '101' }))).code).toBe('already_entered')
    // with “无” the building and room are read as for any unit: “3栋 无 101室” and “3 - 101” are the shop of 3栋
    const read = await enter({ building: '3', unit: '-', room: '101室' })
    expect(read.status, read.text).toBe(201)
    expect(read.json.ballots[0].units).toBe('3栋-101')
    expect((await refusal(await enter({ building: '3栋', unit: '无', room: '101室' }))).code).toBe('already_entered')
  })

  it('in a poll of some buildings: a unit outside them is not the poll’s, even when its owner votes in it', async () => {
    // 业主1 owns 3号楼-1单元-201 and 5号楼-1单元-101; someone else 5号楼-2单元-101
    const { enter } = await countOf(
      [
        { 楼栋: '3号楼', 单元: '1单元', 房号: '201' },
        { 楼栋: '5号楼', 单元: '1单元', 房号: '101', 业主姓名: '业主1', 证件号码: idNumber(1) },
        { 楼栋: '5号楼', 单元: '2单元', 房号: '101' },
        { 楼栋: '3号楼', 单元: '1单元', 房号: '301' },
      ],
      { scopeBuildings: ['3号楼'] },
    )
    expect((await refusal(await enter({ building: '5号楼', room: '101' }))).code).toBe('unit_missing')
    expect((await refusal(await enter({ building: '5号楼', unit: '1单元', room: '101' }))).code).toBe('not_in_electorate')
    const inScope = await enter({ building: '3号楼', room: '201' })
    expect(inScope.status, inScope.text).toBe(201)
  })

  it('one owner’s flats with that room are that owner’s ballot; a room only a unit outside the electorate has is refused, not asked; a shop is “无” or “-” however the roll spells it', async () => {
    const { enter } = await countOf([
      { 楼栋: '3号楼', 单元: '1单元', 房号: '101', 业主姓名: '业主1', 证件号码: idNumber(1) },
      { 楼栋: '3号楼', 单元: '2单元', 房号: '101', 业主姓名: '业主1', 证件号码: idNumber(1) },
      // a parking space (no vote with the default settings), the only unit numbered 201
      { 楼栋: '3号楼', 单元: '1单元', 房号: '201', 房屋类型: '车位' },
      // a shop whose 单元 the roll spells “/”, and a flat of the same number
      { 楼栋: '3号楼', 单元: '/', 房号: '401', 房屋类型: '商业' },
      { 楼栋: '3号楼', 单元: '1单元', 房号: '401' },
    ])
    // the room read loosely too: 101室 is 101
    const owner = await enter({ building: '3号楼', room: '101室' })
    expect(owner.status, owner.text).toBe(201)
    expect(owner.json.ballots[0].units).toContain('3号楼-1单元-101')
    expect(await refusal(await enter({ building: '3号楼', room: '201' }))).toMatchObject({ code: 'not_in_electorate', message: '3号楼-201：该房屋不在本次表决的投票权人名单中' })
    // “无” says the unit has no 单元: the parking space in 1单元 is not it, and the mark is not quoted back
    expect(await refusal(await enter({ building: '3号楼', unit: '无', room: '201' }))).toMatchObject({ code: 'not_in_electorate', message: '3号楼-201：该房屋不在本次表决的投票权人名单中' })
    expect((await refusal(await enter({ building: '3号楼', room: '401' }))).message).toBe('3号楼-401：3号楼的1单元、不分单元的都有这个房号，请填写单元（不分单元的房屋，单元填“无”）')
    const shop = await enter({ building: '3号楼', unit: '-', room: '401' })
    expect(shop.status, shop.text).toBe(201)
  })

  it('in a poll of some buildings, a unit outside them is never its voter’s: not among one owner’s flats, not with “无”', async () => {
    // 业主1 owns 3号楼-1单元-101 in the poll, and 3栋-2单元-101 and the shop 5号楼-101 outside it
    const { enter } = await countOf(
      [
        { 楼栋: '3号楼', 单元: '1单元', 房号: '101', 业主姓名: '业主1', 证件号码: idNumber(1) },
        { 楼栋: '3栋', 单元: '2单元', 房号: '101', 业主姓名: '业主1', 证件号码: idNumber(1) },
        { 楼栋: '5号楼', 单元: '', 房号: '101', 房屋类型: '商业', 业主姓名: '业主1', 证件号码: idNumber(1) },
        { 楼栋: '3号楼', 单元: '1单元', 房号: '201' },
      ],
      { scopeBuildings: ['3号楼'] },
    )
    // "3" is 3号楼 or 3栋: the same owner, but 3栋 is not in the poll, so the counter is asked
    expect(await refusal(await enter({ building: '3', room: '101' }))).toMatchObject({ code: 'unit_missing', message: '3-101：3栋2单元、3号楼1单元都有这个房号，请填写楼栋和单元' })
    expect((await refusal(await enter({ building: '5号楼', unit: '无', room: '101' }))).code).toBe('not_in_electorate')
    expect((await refusal(await enter({ building: '5号楼', room: '101' }))).code).toBe('not_in_electorate')
    const inScope = await enter({ building: '3号楼', unit: '1', room: '101' })
    expect(inScope.status, inScope.text).toBe(201)
  })

  it('the printed number settles a 单元 left out when it names one of the units with that room in the poll', async () => {
    // 业主1 owns 3号楼-1单元-201 in the poll and 5号楼-1单元-101 outside it
    const numbers = new Map<string, string>()
    const { enter } = await countOf(
      [
        { 楼栋: '3号楼', 单元: '1单元', 房号: '201', 业主姓名: '业主1', 证件号码: idNumber(1) },
        { 楼栋: '3号楼', 单元: '2单元', 房号: '201' },
        { 楼栋: '5号楼', 单元: '1单元', 房号: '101', 业主姓名: '业主1', 证件号码: idNumber(1) },
        { 楼栋: '5号楼', 单元: '2单元', 房号: '101' },
      ],
      { scopeBuildings: ['3号楼'] },
      async (s, pollId) => {
        const voters = (await h.request('GET', `/api/polls/${pollId}/voters`, { token: s.committee })).json.voters as { voterId: string }[]
        expect((await h.request('POST', `/api/polls/${pollId}/paper-issued`, { token: s.committee, json: { voterIds: voters.map((v) => v.voterId) } })).status).toBe(201)
        const issued = (await h.request('GET', `/api/polls/${pollId}/paper-issued`, { token: s.committee })).json.ballots as { ballotNumber: string; units: string }[]
        for (const b of issued) numbers.set(b.units.split('、')[0]!, b.ballotNumber)
      },
    )
    const second = numbers.get('3号楼-2单元-201')!
    expect((await refusal(await enter({ building: '3号楼', room: '201' }))).code).toBe('unit_missing')
    const settled = await enter({ ballotNumber: second, building: '3号楼', room: '201' })
    expect(settled.status, settled.text).toBe(201)
    expect(settled.json.ballots[0]).toMatchObject({ units: '3号楼-2单元-201', ballotNumber: second })
    // 业主1's number names 5号楼-1单元-101 only as a unit outside the poll: still asked
    expect((await refusal(await enter({ ballotNumber: numbers.get('3号楼-1单元-201')!, building: '5号楼', room: '101' }))).code).toBe('unit_missing')
  })

  it('a roll imported before one flat could not be spelt twice: the spelling written first, a loose reading only where it names one voter', async () => {
    const { s, enter } = await countOf([
      { 楼栋: '3号楼', 单元: '1单元', 房号: '101' },
      { 楼栋: '3号楼', 单元: '1单元', 房号: '102' },
    ])
    // the second flat spelt as the first is, loosely (the roll's import refuses this now: unit_spelt_twice)
    await h.db.update(rosterUnits).set({ unitKey: '3号楼|1|101' }).where(and(eq(rosterUnits.communityId, s.community.id), eq(rosterUnits.unitKey, '3号楼|1单元|102')))
    // read loosely it is either: not entered
    expect((await enter({ building: '3号楼', unit: '第1单元', room: '101室' })).status).toBe(422)
    const first = await enter({ building: '3号楼', unit: '1单元', room: '101' })
    expect(first.status, first.text).toBe(201)
    expect(first.json.ballots[0].units).toBe('3号楼-1单元-101')
    const second = await enter({ building: '3号楼', unit: '1', room: '101' })
    expect(second.status, second.text).toBe(201)
    expect(second.json.ballots[0].units).toBe('3号楼-1单元-102')
  })
})

describe('the photos of paper ballots', () => {
  it('one photo recorded for the ballots of two households is put before the scrutineers; different photos are not', async () => {
    const s = await setupCommunity(h, { units: 5 })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
    h.clock.advance(5100)
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: COUNTING_PEOPLE })).status).toBe(201)
    const enter = (room: string, photoSha256?: string) =>
      h.request('POST', `/api/polls/${p.id}/counting/ballots`, { token: s.committee, json: { building: '1栋', unit: '1单元', room, choice: 'agree', ...(photoSha256 ? { photoSha256 } : {}) } })
    for (const [room, photo] of [['1001', 'a'.repeat(64)], ['1002', 'a'.repeat(64)], ['1003', 'b'.repeat(64)], ['1004', undefined], ['1005', undefined]] as const) expect((await enter(room, photo)).status).toBe(201)
    const flags = (await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json.flags as { kind: string; units: string; text: string }[]
    expect(flags.filter((f) => f.kind === 'same_photo')).toEqual([
      { kind: 'same_photo', units: '1栋-1单元-1001、1栋-1单元-1002', text: '1栋-1单元-1001、1栋-1单元-1002：2 户的纸质票录入的是同一张照片，每张选票应有自己的照片，请对照原票核对' },
    ])
  })
})

