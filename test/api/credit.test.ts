import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nanoid } from 'nanoid'
import { eq } from 'drizzle-orm'
import { creditLists, districtCreditSchemes } from '../../drizzle/schema'
import { displayEndsAt } from '../../shared/statements'
import { shanghaiDate } from '../../shared/time'
import { runComplaintDeadlines } from '../../worker/services/oversight/complaints'
import { bulkOwners, createCommunity, firmServingCommunity, importRosterJson, newPhone, setupCommunity, simpleRoster, renewToken, statement } from '../helpers/fixtures'
import { rankNumbers } from '../helpers/credit'
import { startHarness, type Harness } from '../helpers/harness'
import { allScores as all } from '../helpers/ratings'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const renew = (token: string) => renewToken(h, token)
const evidence = [{ name: '处罚决定书.pdf', sha256: 'c'.repeat(64) }]

/** A district of its own (so other tests' firms never join its list), with its housing department. */
async function district(tag: string) {
  const name = `信用区${tag}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`
  const phone = newPhone()
  const g = await h.request('POST', '/api/role-grants', { token: await h.adminToken(), json: { role: 'department_staff', phone, district: name, department: 'housing' } })
  expect(g.status).toBe(201)
  return { name, housing: (await h.login(phone)).accessToken, path: `/api/districts/${encodeURIComponent(name)}` }
}

/** A compound in the district, served by a new firm, with owners bound. */
async function compound(districtName: string, seed: number, owners = 3) {
  const admin = await h.adminToken()
  const base = await createCommunity(h, admin)
  const moved = await h.request('POST', '/api/communities', {
    token: admin,
    json: { name: `${base.name}-${seed}`, district: districtName, street: base.street, residentsCommittee: base.residentsCommittee },
  })
  expect(moved.status).toBe(201)
  const community = moved.json
  const rows = simpleRoster(owners, { start: seed * 10 })
  expect((await importRosterJson(h, admin, community.id, rows)).status).toBe(201)
  const firm = await firmServingCommunity(h, { admin, community }, seed)
  const people = await bulkOwners(h, community.id, rows)
  return { community, firm, owners: people }
}

describe('credit files', () => {
  it('the department enters records with evidence; the system generates them from its own data, once; the firm sees its file and appeals; the decision is on record', async () => {
    h.clock.set(new Date('2026-11-20T02:00:00Z'))
    const d = await district('a')
    const x = await compound(d.name, 501)
    // a complaint to the firm that misses its first contact, and owners' ratings below 90%
    const filed = await h.request('POST', `/api/communities/${x.community.id}/complaints`, { token: x.owners[0]!.token, json: { category: 'cleaning', body: '楼道垃圾无人清理', place: '1栋' } })
    expect(filed.status).toBe(201)
    for (const [i, o] of x.owners.entries()) await h.request('PUT', `/api/communities/${x.community.id}/ratings/mine`, { token: o.token, json: { scores: all(i === 0 ? 2 : 4) } })
    h.clock.set(new Date('2026-11-24T02:00:00Z'))
    await runComplaintDeadlines(h.services)
    const housing = await renew(d.housing)

    const entered = await h.request('POST', `${d.path}/credit-records`, {
      token: housing,
      json: { firmId: x.firm.firmId, category: 'bad', item: '未按规定退出项目（一票否决）', pointsCenti: 2000, occurredOn: '2026-11-01', seriousDishonesty: true, evidence },
    })
    expect(entered.status).toBe(201)
    expect(entered.json).toMatchObject({ source: 'department', status: 'in_force', seriousDishonesty: true })
    const noEvidence = await h.request('POST', `${d.path}/credit-records`, { token: housing, json: { firmId: x.firm.firmId, category: 'good', item: '表彰', pointsCenti: 100, occurredOn: '2026-11-01', evidence: [] } })
    expect(noEvidence.status).toBe(400)
    const elsewhere = await firmServingCommunity(h, await setupCommunity(h, { units: 1 }), 599)
    expect((await h.request('POST', `${d.path}/credit-records`, { token: housing, json: { firmId: elsewhere.firmId, category: 'good', item: '表彰', pointsCenti: 100, occurredOn: '2026-11-01', evidence } })).status).toBe(404)

    const gen = await h.request('POST', `${d.path}/credit-records/generate`, { token: housing, json: { quarter: '2026Q4' } })
    expect(gen.status).toBe(200)
    const items = gen.json.created.map((r: { item: string; category: string; pointsCenti: number }) => [r.category, r.pointsCenti, r.item])
    expect(items).toContainEqual(['bad', 100, '投诉超过先行联系时限'])
    // 10 of 15 scores at 4–5: 66.67% → 67%, below 90%
    expect(items.find((i: string[]) => String(i[2]).includes('业主满意率 67%'))).toEqual(['bad', 200, expect.stringContaining('未达90%，3份')])
    const again = await h.request('POST', `${d.path}/credit-records/generate`, { token: housing, json: { quarter: '2026Q4' } })
    expect(again.json.created).toHaveLength(0)

    const firmToken = await renew(x.firm.token)
    const file = await h.request('GET', `/api/firms/${x.firm.firmId}/credit-file`, { token: firmToken })
    expect(file.status).toBe(200)
    expect(file.json.records).toHaveLength(1 + gen.json.created.length)
    expect((await h.request('GET', `/api/firms/${elsewhere.firmId}/credit-file`, { token: firmToken })).status).toBe(403)

    const appealed = await h.request('POST', `/api/credit-records/${entered.json.id}/appeal`, { token: firmToken, json: { reason: '已按合同约定提前三个月书面告知并办理交接', evidence: [{ name: '交接确认书.pdf' }] } })
    expect(appealed.json).toMatchObject({ status: 'appealed' })
    expect((await h.request('POST', `/api/credit-records/${entered.json.id}/appeal`, { token: firmToken, json: { reason: '再次提出异议' } })).status).toBe(409)
    expect((await h.request('POST', `/api/credit-records/${entered.json.id}/decide`, { token: firmToken, json: { upheld: false, note: '自己决定' } })).status).toBe(403)
    const decided = await h.request('POST', `/api/credit-records/${entered.json.id}/decide`, { token: housing, json: { upheld: false, note: '经核实交接手续完备，撤销该记录' } })
    expect(decided.json).toMatchObject({ status: 'withdrawn', decision: 'withdrawn', decisionNote: '经核实交接手续完备，撤销该记录' })
    expect(decided.json.appeal).toContain('交接确认书.pdf')
    const deptView = await h.request('GET', `${d.path}/firms/${x.firm.firmId}/credit-file`, { token: housing })
    expect(deptView.json.records.find((r: { id: string }) => r.id === entered.json.id).status).toBe('withdrawn')

    // another district's housing department sees nothing here
    const other = await district('b')
    expect((await h.request('GET', `${d.path}/firms/${x.firm.firmId}/credit-file`, { token: other.housing })).status).toBe(403)
    expect((await h.request('POST', `/api/credit-records/${entered.json.id}/decide`, { token: other.housing, json: { upheld: true, note: 'x' } })).status).toBe(403)
  })
})

describe('the quarterly good/bad list', () => {
  it('computed from data built through the API, reviewed and published as a notice on every board; a firm on the bad list two quarters running is flagged and named', async () => {
    h.clock.set(new Date('2026-11-25T02:00:00Z')) // Wednesday; never back in time (sign-in limits count on the clock)
    const d = await district('list')
    const [a, b, c] = [await compound(d.name, 511, 1), await compound(d.name, 512, 1), await compound(d.name, 513, 1)]
    const enter = async (firmId: string, category: string, pointsCenti: number, item: string) => {
      const r = await h.request('POST', `${d.path}/credit-records`, { token: d.housing, json: { firmId, category, item, pointsCenti, occurredOn: '2026-10-15', evidence } })
      expect(r.status).toBe(201)
    }
    await enter(a!.firm.firmId, 'base', 8000, '资质、人员、制度齐全')
    await enter(a!.firm.firmId, 'good', 1000, '获评市级优秀物业服务项目')
    await enter(b!.firm.firmId, 'base', 6500, '基础信息')
    await enter(c!.firm.firmId, 'base', 5000, '基础信息')
    await h.request('POST', `/api/communities/${c!.community.id}/complaints`, { token: c!.owners[0]!.token, json: { category: 'common_repair', body: '单元门禁坏了一周', place: '1栋' } })
    h.clock.set(new Date('2026-11-27T02:00:00Z')) // first contact was due by the end of Thursday
    await runComplaintDeadlines(h.services)
    const housing = await renew(d.housing)
    expect((await h.request('POST', `${d.path}/credit-records/generate`, { token: housing, json: { quarter: '2026Q4' } })).json.created).toHaveLength(1)
    // the quarter's rates per firm across the district, and the firm's own
    const rates = await h.request('GET', `${d.path}/complaint-rates?quarter=2026Q4`, { token: housing })
    expect(rates.json.desks).toEqual([expect.objectContaining({ desk: 'firm', firmId: c!.firm.firmId, deskLabel: '物业公司513', filed: 1, response: { hits: 0, of: 1, percent: 0 } })])
    const own = await h.request('GET', `/api/firms/${c!.firm.firmId}/complaint-rates?quarter=2026Q4`, { token: await renew(c!.firm.token) })
    expect(own.json.desks[0]).toMatchObject({ firmId: c!.firm.firmId, filed: 1 })
    expect((await h.request('GET', `/api/firms/${c!.firm.firmId}/complaint-rates?quarter=2026Q4`, { token: await renew(a!.firm.token) })).status).toBe(403)

    const computed = await h.request('POST', `${d.path}/credit-lists`, { token: housing, json: { quarter: '2026Q4', scheme: 'yantai-2022' } })
    expect(computed.status).toBe(200)
    expect(computed.json.entries.map((e: { firmId: string; scoreCenti: number; grade: string; list: string | null; rank: number }) => [e.firmId, e.scoreCenti, e.grade, e.list, e.rank])).toEqual([
      [a!.firm.firmId, 9000, 'AAA', 'good', 1],
      [b!.firm.firmId, 6500, 'B', null, 2],
      [c!.firm.firmId, 4900, 'C', 'bad', 3],
    ])
    const cEntry = computed.json.entries[2]
    expect(cEntry.parts.map((p: { part: string; pointsCenti: number }) => [p.part, p.pointsCenti])).toEqual([
      ['base', 5000],
      ['good', 0],
      ['bad', -100],
    ])
    expect(cEntry.counted.map((r: { item: string }) => r.item)).toContain('投诉超过先行联系时限')
    expect(cEntry.badTwoQuartersRunning).toBe(false)

    const published = await h.request('POST', `${d.path}/credit-lists/2026Q4/publish`, { token: housing })
    expect(published.json).toMatchObject({ status: 'published' })
    expect(published.json.noticeCodes).toHaveLength(3)
    const board = await h.request('GET', `/api/communities/${a!.community.id}/notices`)
    const notice = board.json.notices.find((n: { title: string }) => n.title === `${d.name}物业服务企业2026Q4好差榜`)
    expect(notice.body).toContain('好榜：物业公司511')
    expect(notice.body).toContain('差榜：物业公司513')
    expect(notice.body).toContain('物业公司513：49分，C（基础信息50，良好行为0，不良行为-1）')
    expect((await h.request('GET', `/n/${notice.code}/poster`)).status).toBe(200)
    expect((await h.request('GET', `/api/notices/${notice.code}/qr.svg`)).status).toBe(200)
    expect((await h.request('POST', `${d.path}/credit-lists`, { token: housing, json: { quarter: '2026Q4', scheme: 'yantai-2022' } })).status).toBe(409)

    // next quarter: the district tries Beijing's half-year scheme, then settles on Yantai again
    h.clock.set(new Date('2027-01-11T02:00:00Z'))
    const h2 = await renew(d.housing)
    // Beijing evaluates fixed half years: no half year ends with Q1, so there is no Beijing list for it
    const q1 = await h.request('POST', `${d.path}/credit-lists`, { token: h2, json: { quarter: '2027Q1', scheme: 'beijing-2026' } })
    expect(q1.status).toBe(400)
    expect(q1.json.error.details).toMatchObject({ issues: [{ path: 'quarter', code: 'not_a_period_end', message: expect.stringContaining('请选择 2027Q2（2027年上半年）或 2027Q4（2027年下半年）') }], allowed: ['2027Q2', '2027Q4'] })
    expect((await h.request('GET', `${d.path}/credit-lists/2027Q1`, { token: h2 })).status).toBe(404)
    const beijing = await h.request('POST', `${d.path}/credit-lists`, { token: h2, json: { quarter: '2027Q2', scheme: 'beijing-2026' } })
    expect(beijing.json).toMatchObject({ quarter: '2027Q2', periodLabel: '2027年上半年', periodStart: '2027-01-01', asOf: '2027-06-30' })
    // the preset's proportions and weights are placeholders, and every list computed under it says so
    expect(beijing.json.schemeProvisional).toContain('暂定参数')
    expect(beijing.json.schemeSource).toContain('北京市住宅项目物业服务企业综合评价管理办法（试行）')
    // 3 firms: rank 1 is 33% (> A's 20%), ranks 1–2 within B's 80%, rank 3 beyond 95% → D;
    // c's complaint of 2026Q4 is not in the first half of 2027: nothing to fail, full marks
    expect(beijing.json.entries.map((e: { grade: string; scoreCenti: number }) => [e.grade, e.scoreCenti])).toEqual([
      ['B', 9000],
      ['B', 8000],
      ['D', 4000 - 100 + 1000 + 1500 + 1500],
    ])
    expect(beijing.json.entries[2].parts.find((p: { part: string }) => p.part === 'complaint_response')).toMatchObject({ rate: { hits: 0, of: 0 }, weightCenti: 1000, pointsCenti: 1000 })
    // c was on Yantai's bad list of 2026Q4, a quarter, not the half year before: not two periods of this scheme
    expect(beijing.json.entries[2].badTwoQuartersRunning).toBe(false)
    const yantai = await h.request('POST', `${d.path}/credit-lists`, { token: h2, json: { quarter: '2027Q1', scheme: 'yantai-2022' } })
    expect(yantai.json.schemeProvisional).toBeNull()
    expect(yantai.json.entries.filter((e: { badTwoQuartersRunning: boolean }) => e.badTwoQuartersRunning).map((e: { firmId: string }) => e.firmId)).toEqual([c!.firm.firmId])
    await h.request('POST', `${d.path}/credit-lists/2027Q1/publish`, { token: h2 })
    const board2 = await h.request('GET', `/api/communities/${b!.community.id}/notices`)
    expect(board2.json.notices.find((n: { title: string }) => n.title.includes('2027Q1')).body).toContain('连续两个季度列入差榜，予以通报：物业公司513')
    // another district's department cannot read or publish it
    const other = await district('list-other')
    expect((await h.request('GET', `${d.path}/credit-lists/2027Q1`, { token: other.housing })).status).toBe(403)
  })
})

describe('credit records from statements that failed after publication', () => {
  it('public revenue corrected in its amounts, an objection left unanswered through the display period, and a statement published late each make one record; wording-only corrections and answered objections make none', async () => {
    h.clock.set(new Date('2027-01-12T02:00:00Z')) // after the list test's clock; 2026Q4 has ended
    const d = await district('fund')
    const x = await compound(d.name, 521, 2)
    const y = await compound(d.name, 522, 1)
    const post = (cid: string, token: string, body: unknown) => h.request('POST', `/api/communities/${cid}/statements`, { token, json: body })
    const revenue = (adsFen: number) => statement('public_revenue', '2026Q4', 0, [{ direction: 'income', category: '广告', amountFen: adsFen }, { direction: 'allocation', category: '补充维修资金', amountFen: adsFen, use: 'fund_topup' }])

    // x: two objections; the firm answers one of them on time and never the other
    const onX = await post(x.community.id, x.firm.token, revenue(100_000))
    expect(onX.status).toBe(201)
    const object = (token: string, line: number, body: string) => h.request('POST', `/api/statements/${onX.json.id}/objections`, { token, json: { line, body } })
    const ignored = await object(x.owners[0]!.token, 2, '补充维修资金的钱转到哪个账户了？')
    const answeredObj = await object(x.owners[1]!.token, 1, '广告收入是哪几块广告牌的？')
    expect((await h.request('POST', `/api/objections/${answeredObj.json.id}/answer`, { token: x.firm.token, json: { answer: '电梯轿厢广告12块，合同已在物业服务中心公示。' } })).status).toBe(200)
    // x: last quarter's service-fee statement, three months late (due by 2026-10-31)
    expect((await post(x.community.id, x.firm.token, statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 300_000 }]))).status).toBe(201)

    // y: corrected once in wording only, then in its amounts
    const v1 = await post(y.community.id, y.firm.token, revenue(80_000))
    const wording = revenue(80_000)
    const v2 = await post(y.community.id, y.firm.token, { ...wording, content: { ...wording.content, lines: wording.content.lines.map((l, i) => (i === 0 ? { ...l, note: '电梯轿厢广告' } : l)) }, replacesId: v1.json.id, correctionReason: '补充说明广告来源' })
    expect(v2.status).toBe(201)
    const v3 = await post(y.community.id, y.firm.token, { ...revenue(60_000), replacesId: v2.json.id, correctionReason: '一份广告合同提前解除，收入多列了200元' })
    expect(v3.status).toBe(201)

    // the display period (30 working days, on the official calendar) is over by late March
    const closes = displayEndsAt(new Date(onX.json.publishedAt))
    h.clock.set(new Date('2027-03-25T02:00:00Z'))
    expect(closes.getTime()).toBeLessThan(h.clock.now().getTime())
    const housing = await renew(d.housing)
    const generate = async (quarter: string) => {
      const r = await h.request('POST', `${d.path}/credit-records/generate`, { token: housing, json: { quarter } })
      expect(r.status).toBe(200)
      return r.json.created as { firmId: string; category: string; pointsCenti: number; item: string; occurredOn: string; sourceRef: string; evidence: { name: string; sha256?: string; note?: string }[] }[]
    }
    const q1 = await generate('2027Q1')
    const fund = q1.filter((r) => r.sourceRef.startsWith('fund-'))
    expect(fund.map((r) => [r.firmId, r.sourceRef, r.category, r.pointsCenti, r.occurredOn])).toEqual(
      expect.arrayContaining([
        [x.firm.firmId, `fund-objection:${ignored.json.id}`, 'bad', 100, shanghaiDate(new Date(closes.getTime() - 1))],
        [y.firm.firmId, `fund-correction:${v2.json.id}`, 'bad', 200, '2027-01-12'],
      ]),
    )
    expect(fund).toHaveLength(2) // not the answered objection, not the wording-only correction
    const corrected = fund.find((r) => r.sourceRef.startsWith('fund-correction'))!
    expect(corrected.item).toContain('公共收益收支公示后更正金额或用途（第2版）')
    // the evidence names both versions by their published digests and links their pages
    expect(corrected.evidence).toEqual([
      { name: '更正前 第2版', sha256: v2.json.contentHash, note: `公示页 /h5/statements/${v2.json.id}` },
      { name: '更正后 第3版', sha256: v3.json.contentHash, note: expect.stringContaining('一份广告合同提前解除') },
    ])
    const q3 = await generate('2026Q3')
    // late (published, after its deadline) and missing (public revenue of 2026Q3, never published): one record each
    expect(q3.filter((r) => r.firmId === x.firm.firmId).map((r) => [r.sourceRef, r.item, r.occurredOn, r.evidence[0]!.note])).toEqual(
      expect.arrayContaining([
        [`statement:${x.community.id}:service_fee:2026Q3`, expect.stringContaining('物业服务费收支 2026年第3季度 逾期公示'), '2026-10-31', expect.stringContaining('应于 2026年10月31日前公示，2027年1月12日公示')],
        [`statement:${x.community.id}:public_revenue:2026Q3`, expect.stringContaining('公共收益收支 2026年第3季度 逾期未公示'), '2026-10-31', '应于 2026年10月31日前公示'],
      ]),
    )
    expect(q3.filter((r) => r.firmId === x.firm.firmId)).toHaveLength(2)
    // once per fact: a second run adds nothing, and the firm sees them in its file
    expect(await generate('2027Q1')).toHaveLength(0)
    expect(await generate('2026Q3')).toHaveLength(0)
    const file = await h.request('GET', `/api/firms/${y.firm.firmId}/credit-file`, { token: await renew(y.firm.token) })
    expect(file.json.records.map((r: { sourceRef: string }) => r.sourceRef)).toContain(`fund-correction:${v2.json.id}`)
  })
})

describe('the half-year list under the Beijing scheme', () => {
  it('is computed only for the quarter that closes a half year, from that half year’s complaints, and flags a firm on the bad list of the previous half year, not of the previous quarter', async () => {
    h.clock.set(new Date('2027-04-07T02:00:00Z')) // after the earlier tests' clocks; a Wednesday in 2027Q2
    const d = await district('half')
    const [x, y] = [await compound(d.name, 531, 1), await compound(d.name, 532, 1)]
    const enter = async (token: string, firmId: string, category: string, pointsCenti: number, occurredOn: string, expiresOn: string) => {
      const r = await h.request('POST', `${d.path}/credit-records`, { token, json: { firmId, category, item: `${category}-${pointsCenti}`, pointsCenti, occurredOn, expiresOn, evidence } })
      expect(r.status).toBe(201)
    }
    // x always below y: on Yantai's bad list (below 60 with a bad record: C) and Beijing's (2 firms: rank 2 is beyond 95% → D)
    await enter(d.housing, y!.firm.firmId, 'base', 4000, '2027-04-01', '2029-12-31')
    await enter(d.housing, x!.firm.firmId, 'base', 2000, '2027-04-01', '2029-12-31')
    await enter(d.housing, x!.firm.firmId, 'bad', 100, '2027-04-01', '2029-12-31')
    const compute = async (quarter: string, scheme: string) => h.request('POST', `${d.path}/credit-lists`, { token: await renew(d.housing), json: { quarter, scheme } })
    const publish = async (quarter: string) => {
      const r = await h.request('POST', `${d.path}/credit-lists/${quarter}/publish`, { token: await renew(d.housing) })
      expect(r.status).toBe(200)
      return r.json
    }
    type Entry = { firmId: string; grade: string; list: string; badTwoQuartersRunning: boolean; parts: { part: string; rate?: { hits: number; of: number } }[]; counted: { item: string }[]; expired: { item: string }[] }
    const xEntry = (list: { entries: Entry[] }) => list.entries.find((e) => e.firmId === x!.firm.firmId)!
    // in the quarter of `at`: x's owner files a complaint and rates the firm `score` on every dimension
    const complain = async (at: string, score: number) => {
      h.clock.set(new Date(at))
      const owner = await renew(x!.owners[0]!.token)
      const r = await h.request('POST', `/api/communities/${x!.community.id}/complaints`, { token: owner, json: { category: 'cleaning', body: `楼道垃圾无人清理（${at.slice(0, 10)}）`, place: '1栋' } })
      expect(r.status).toBe(201)
      expect((await h.request('PUT', `/api/communities/${x!.community.id}/ratings/mine`, { token: owner, json: { scores: all(score) } })).status).toBeLessThan(300)
      // five days on, the first contact (1 working day) is missed: the complaint is measured
      h.clock.set(new Date(Date.parse(at) + 5 * 86_400_000))
      await runComplaintDeadlines(h.services)
    }
    // a Beijing list: its period, and x's entry with its complaint-response and owner-satisfaction rates
    const halfYear = async (quarter: string, periodLabel: string, periodStart: string, asOf: string) => {
      const r = await compute(quarter, 'beijing-2026')
      expect(r.status).toBe(200)
      expect(r.json).toMatchObject({ quarter, periodLabel, periodStart, asOf })
      const e = xEntry(r.json)
      const rate = (part: string) => e.parts.find((p) => p.part === part)!.rate
      return { entries: r.json.entries as Entry[], x: e, rates: [rate('complaint_response'), rate('owner_satisfaction')] }
    }
    const board = async (title: string) => (await h.request('GET', `/api/communities/${y!.community.id}/notices`)).json.notices.find((n: { title: string }) => n.title === title) as { body: string } | undefined

    // Q1 and Q3 close no half year: refused with the reason and the quarters to pick, nothing stored
    for (const quarter of ['2027Q1', '2027Q3']) {
      const r = await compute(quarter, 'beijing-2026')
      expect(r.status).toBe(400)
      expect(r.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ path: 'quarter', code: 'not_a_period_end' }], allowed: ['2027Q2', '2027Q4'] } })
      expect(r.json.error.details.issues[0].message).toMatch(/^北京市住宅项目物业服务企业综合评价.*每半年评价一次（上半年1月1日至6月30日，下半年7月1日至12月31日）.*请选择 2027Q2（2027年上半年）或 2027Q4（2027年下半年）$/)
      expect((await h.request('GET', `${d.path}/credit-lists/${quarter}`, { token: await renew(d.housing) })).status).toBe(404)
    }

    // the district runs Yantai quarterly lists for 2027Q2 and Q3, x on the bad list of both (unchanged: flagged, titled by the quarter)
    expect(xEntry((await compute('2027Q2', 'yantai-2022')).json)).toMatchObject({ grade: 'C', list: 'bad', badTwoQuartersRunning: false })
    expect((await publish('2027Q2')).periodLabel).toBe('2027Q2')
    h.clock.set(new Date('2027-07-14T02:00:00Z'))
    const yq3 = await compute('2027Q3', 'yantai-2022')
    expect(yq3.json).toMatchObject({ periodLabel: '2027Q3', periodStart: '2027-07-01', asOf: '2027-09-30' })
    expect(xEntry(yq3.json)).toMatchObject({ list: 'bad', badTwoQuartersRunning: true })
    await publish('2027Q3')
    expect((await board(`${d.name}物业服务企业2027Q3好差榜`))!.body).toContain('连续两个季度列入差榜，予以通报：物业公司531')

    // then it moves to Beijing: the second half of 2027 (Q3 + Q4)
    await complain('2027-11-10T02:00:00Z', 5)
    h.clock.set(new Date('2028-01-12T02:00:00Z'))
    const h2 = await halfYear('2027Q4', '2027年下半年', '2027-07-01', '2027-12-31')
    expect(h2.rates).toEqual([{ hits: 0, of: 1 }, { hits: 5, of: 5 }])
    // on the bad list now and on Yantai's lists of 2027Q3 (the quarter before) and 2027Q2 (two quarters
    // back): neither is the previous half year of this scheme's cycle, so not two periods running
    expect(h2.x).toMatchObject({ grade: 'D', list: 'bad', badTwoQuartersRunning: false })
    await publish('2027Q4')
    const h2Notice = await board(`${d.name}物业服务企业2027年下半年好差榜`)
    expect(h2Notice!.body).toContain('评价期 2027-07-01 至 2027-12-31（2027年下半年），评价日 2027-12-31。')
    expect(h2Notice!.body).toContain('差榜：物业公司531')
    expect(h2Notice!.body).not.toContain('连续两个')

    // the first half of 2028: complaints and ratings of Q1 and Q2 count; those of 2027Q4 and 2028Q3 do not
    await complain('2028-03-08T02:00:00Z', 4)
    await complain('2028-05-10T02:00:00Z', 2)
    await complain('2028-07-12T02:00:00Z', 5)
    // records in force on 30 June count, whatever happened after
    await enter(await renew(d.housing), y!.firm.firmId, 'good', 300, '2028-01-10', '2028-06-30')
    await enter(await renew(d.housing), x!.firm.firmId, 'good', 300, '2028-01-10', '2028-06-29')
    const h1 = await halfYear('2028Q2', '2028年上半年', '2028-01-01', '2028-06-30')
    // two complaints (Q1, Q2); 5 dimensions rated 4 in Q1 and 2 in Q2: 5 of 10 scores at 4–5
    expect(h1.rates).toEqual([{ hits: 0, of: 2 }, { hits: 5, of: 10 }])
    expect(h1.x.expired.map((r) => r.item)).toContain('good-300')
    expect(h1.entries.find((e) => e.firmId === y!.firm.firmId)!.counted.map((r) => r.item)).toContain('good-300')
    // on the bad list of the second half of 2027 (published) and again now: two half years running
    expect(h1.x).toMatchObject({ grade: 'D', list: 'bad', badTwoQuartersRunning: true })
    await publish('2028Q2')
    const h1Notice = await board(`${d.name}物业服务企业2028年上半年好差榜`)
    expect(h1Notice!.body).toContain('连续两个半年度列入差榜，予以通报：物业公司531')
    expect(h1Notice!.body).toContain('评价期 2028-01-01 至 2028-06-30（2028年上半年）')
  })

  it('a half-year draft left on Q1 or Q3 by the earlier rolling window is not published: it is not a period of the document', async () => {
    const d = await district('rolling')
    await compound(d.name, 541, 1)
    const staff = JSON.parse(Buffer.from(d.housing.split('.')[1]!, 'base64url').toString()).sub as string
    await h.db.insert(creditLists).values({ id: nanoid(), district: d.name, quarter: '2028Q3', schemeId: 'beijing-2026', asOf: '2028-09-30', entries: [], status: 'draft', computedBy: staff, computedAt: h.clock.now() })
    const r = await h.request('POST', `${d.path}/credit-lists/2028Q3/publish`, { token: await renew(d.housing) })
    expect(r.status).toBe(409)
    expect(r.json.error).toMatchObject({ code: 'RESOURCE_STATE', details: { reason: 'not_a_period_end', allowed: ['2028Q2', '2028Q4'] }, message: expect.stringContaining('请选择 2028Q2（2028年上半年）或 2028Q4（2028年下半年）') })
    expect((await h.request('GET', `${d.path}/credit-lists/2028Q3`, { token: await renew(d.housing) })).json).toMatchObject({ status: 'draft', noticeCodes: [] })
  })
})

describe('the district’s own scheme', () => {
  it('the department publishes its numbers with their document; anyone reads them; bad numbers are refused with the field and nothing is stored; a list computed with them grades by them, names the version and shows no placeholder; a new version keeps the old list’s', async () => {
    h.clock.set(new Date('2029-01-10T02:00:00Z')) // after the earlier tests' clocks; a Wednesday
    const d = await district('scheme')
    const firmsIn = [await compound(d.name, 551, 1), await compound(d.name, 552, 1), await compound(d.name, 553, 1), await compound(d.name, 554, 1)]
    // base information 40, 35, 30, 25 points, in force through 2030
    for (const [i, x] of firmsIn.entries()) {
      const r = await h.request('POST', `${d.path}/credit-records`, { token: d.housing, json: { firmId: x.firm.firmId, category: 'base', item: '基础信息', pointsCenti: 4000 - i * 500, occurredOn: '2028-10-15', evidence } })
      expect(r.status).toBe(201)
    }
    const stored = async () => (await h.db.select().from(districtCreditSchemes).where(eq(districtCreditSchemes.district, d.name))).length
    const rest = { baseCapCenti: 5000, goodCapCenti: 1000, complaintWeightsCenti: { response: 500, resolution: 500, satisfaction: 500 }, ownerSatisfactionWeightCenti: 1000, validityMonths: 24 }
    const numbers = rankNumbers([25, 50, 75, 100], rest)
    const body = { basedOn: 'beijing-2026', source: '某区住房城乡建设委员会关于物业服务企业综合评价的通知（某建发〔2028〕15号）', params: numbers }
    const put = (token: string | undefined, json: unknown) => h.request('PUT', `${d.path}/credit-scheme`, { token, json })

    // nothing published yet: the public is told so
    expect((await h.request('GET', `${d.path}/credit-scheme`)).status).toBe(404)
    // only this district's housing department (or an admin) publishes
    expect((await put(undefined, body)).status).toBe(401)
    expect((await put(await renew(firmsIn[0]!.firm.token), body)).status).toBe(403)
    const other = await district('scheme-other')
    expect((await put(other.housing, body)).status).toBe(403)
    expect((await put(await renew(firmsIn[0]!.owners[0]!.token), body)).status).toBe(403)

    // numbers that do not fit the preset: 400 with the field and a Chinese message, nothing stored
    const housing = await renew(d.housing)
    const refused = async (json: unknown, path: string, message: string | RegExp) => {
      const r = await put(housing, json)
      expect(r.status).toBe(400)
      expect(r.json.error.code).toBe('VALIDATION_FAILED')
      expect(r.json.error.details.issues).toContainEqual(expect.objectContaining({ path, message: typeof message === 'string' ? message : expect.stringMatching(message) }))
    }
    const withShares = (...ps: number[]) => ({ ...body, params: rankNumbers(ps, rest) })
    await refused(withShares(25, 50, 50, 100), 'params.shares.2.cumulativePercent', '累计比例须逐级递增：C 须大于 B 的 50%')
    await refused(withShares(25, 50, 75, 90), 'params.shares.3.cumulativePercent', '最后一个等级的累计比例须为 100（全部企业）')
    await refused(withShares(25, 50, 100), 'params.shares', '须为 4 个等级：A、B、C、D（等级名称与方案相同，不能增减）')
    await refused(withShares(20, 40, 60, 80, 100), 'params.shares', '须为 4 个等级：A、B、C、D（等级名称与方案相同，不能增减）')
    await refused({ ...body, params: { ...numbers, complaintWeightsCenti: { ...numbers.complaintWeightsCenti, response: -500 } } }, 'params.complaintWeightsCenti.response', '投诉响应率分值不能为负数')
    await refused({ ...body, params: { ...numbers, validityMonths: 1.5 } }, 'params.validityMonths', '记录有效期须为整数（月）')
    await refused({ basedOn: body.basedOn, params: numbers }, 'source', /^须填写方案依据的文件/)
    await refused({ ...body, basedOn: 'shanghai-2030' }, 'basedOn', '须以本系统的预设方案之一为基础：yantai-2022、beijing-2026')
    // Yantai's numbers are floors, not shares
    await refused({ ...body, basedOn: 'yantai-2022' }, 'params.thresholds', /^须按从好到差的顺序给出各等级的最低分/)
    expect(await stored()).toBe(0)
    expect((await h.request('GET', `${d.path}/credit-scheme`)).status).toBe(404)

    const v1 = await put(housing, body)
    expect(v1.status).toBe(200)
    expect(v1.json).toMatchObject({ version: 1, source: body.source, numbers, basedOn: { id: 'beijing-2026', period: 'half_year', grading: 'rank' } })
    // read by anyone, signed in or not
    const read = await h.request('GET', `${d.path}/credit-scheme`)
    expect(read.status).toBe(200)
    expect(read.json).toEqual(v1.json)
    expect(read.json).toMatchObject({
      district: d.name,
      name: `${d.name}物业服务企业信用评价方案（第1版）`,
      publishedAt: '2029-01-10T02:00:00.000Z',
      history: [{ version: 1, basedOn: 'beijing-2026', source: body.source, publishedAt: '2029-01-10T02:00:00.000Z' }],
      description: '按得分排名比例评级：A 25%，B 25%，C 25%，D 25%；基础信息上限50分，良好行为上限10分，记录有效期24个月；投诉响应率5分，投诉按时办结率5分，投诉满意率5分，业主满意率10分。',
    })
    // the preset's own numbers beside them, for comparison
    expect(read.json.basedOn.numbers.shares.map((s: { cumulativePercent: number }) => s.cumulativePercent)).toEqual([20, 80, 95, 100])
    // another district has published nothing: its lists cannot use this one's scheme
    const noScheme = await h.request('POST', `${other.path}/credit-lists`, { token: await renew(other.housing), json: { quarter: '2028Q4', scheme: 'district' } })
    expect(noScheme.status).toBe(400)
    expect(noScheme.json.error.details.issues[0]).toMatchObject({ path: 'scheme', code: 'no_district_scheme' })

    // the same data, two schemes. The preset (20/80/95/100, 4 firms): r·100 ≤ 80 for no one, ranks 1–3
    // within 320 → B, rank 4 → D; base capped at 40, complaints (none) 10 + 15 + 15, no ratings.
    const compute = async (quarter: string, scheme: string) => h.request('POST', `${d.path}/credit-lists`, { token: await renew(d.housing), json: { quarter, scheme } })
    const grades = (list: { entries: { firmId: string; scoreCenti: number; grade: string }[] }) => list.entries.map((e) => [firmsIn.findIndex((x) => x.firm.firmId === e.firmId), e.scoreCenti, e.grade])
    const preset = await compute('2028Q4', 'beijing-2026')
    expect(grades(preset.json)).toEqual([
      [0, 8000, 'B'],
      [1, 7500, 'B'],
      [2, 7000, 'B'],
      [3, 6500, 'D'],
    ])
    expect(preset.json).toMatchObject({ schemeId: 'beijing-2026', schemeBasedOn: 'beijing-2026', districtSchemeVersion: null, schemeProvisional: expect.stringContaining('暂定参数') })
    // the district's (25/50/75/100): one grade each; base capped at 50, complaints 5 + 5 + 5
    const mine = await compute('2028Q4', 'district')
    expect(mine.status).toBe(200)
    expect(grades(mine.json)).toEqual([
      [0, 5500, 'A'],
      [1, 5000, 'B'],
      [2, 4500, 'C'],
      [3, 4000, 'D'],
    ])
    expect(mine.json).toMatchObject({
      schemeId: 'district',
      schemeBasedOn: 'beijing-2026',
      districtSchemeVersion: 1,
      schemeName: `${d.name}物业服务企业信用评价方案（第1版）`,
      schemeSource: body.source,
      schemeProvisional: null,
      periodLabel: '2028年下半年',
    })
    // the period is still the preset's: no half year ends with Q1
    expect((await compute('2029Q1', 'district')).json.error.details.issues[0]).toMatchObject({ path: 'quarter', code: 'not_a_period_end' })

    const published = await h.request('POST', `${d.path}/credit-lists/2028Q4/publish`, { token: await renew(d.housing) })
    expect(published.json).toMatchObject({ status: 'published', districtSchemeVersion: 1, schemeProvisional: null })
    const notice = (await h.request('GET', `/api/communities/${firmsIn[3]!.community.id}/notices`)).json.notices.find((n: { title: string }) => n.title === `${d.name}物业服务企业2028年下半年好差榜`)
    expect(notice.body).toContain(`评价方案：${d.name}物业服务企业信用评价方案（第1版）（${body.source}），评价期 2028-07-01 至 2028-12-31（2028年下半年）`)
    expect(notice.body).toContain(`本区县住房城乡建设部门公布的方案（第1版，2029年1月10日公布）：${read.json.description}`)
    expect(notice.body).toContain('好榜：物业公司551')
    expect(notice.body).toContain('差榜：物业公司554')
    expect(notice.body).not.toContain('暂定')

    // a second version: kept in history; the list computed under the first keeps naming the first
    h.clock.set(new Date('2029-02-14T02:00:00Z'))
    const v2 = await put(await renew(d.housing), { ...body, source: '某建发〔2029〕3号（修订）', params: { ...numbers, shares: withShares(50, 60, 70, 100).params.shares } })
    expect(v2.json).toMatchObject({ version: 2, source: '某建发〔2029〕3号（修订）' })
    const now = await h.request('GET', `${d.path}/credit-scheme`)
    expect(now.json.history.map((v: { version: number; source: string; publishedAt: string }) => [v.version, v.source, v.publishedAt])).toEqual([
      [2, '某建发〔2029〕3号（修订）', '2029-02-14T02:00:00.000Z'],
      [1, body.source, '2029-01-10T02:00:00.000Z'],
    ])
    expect(await stored()).toBe(2)
    // a published version is never rewritten, not even by the application
    await expect(h.db.update(districtCreditSchemes).set({ source: '改写' }).where(eq(districtCreditSchemes.district, d.name))).rejects.toThrow()
    await expect(h.db.delete(districtCreditSchemes).where(eq(districtCreditSchemes.district, d.name))).rejects.toThrow()
    const kept = await h.request('GET', `${d.path}/credit-lists/2028Q4`, { token: await renew(d.housing) })
    expect(kept.json).toMatchObject({ districtSchemeVersion: 1, schemeName: `${d.name}物业服务企业信用评价方案（第1版）`, schemeSource: body.source })
    expect(grades(kept.json)).toEqual(grades(mine.json))
    // the next half year under the second (50/60/70/100): ranks 1–2 A; r·100 ≤ 240, ≤ 280 for no one more; ranks 3–4 D
    const next = await compute('2029Q2', 'district')
    expect(next.json).toMatchObject({ districtSchemeVersion: 2, schemeSource: '某建发〔2029〕3号（修订）' })
    expect(grades(next.json).map((g) => g[2])).toEqual(['A', 'A', 'D', 'D'])
  })
})
