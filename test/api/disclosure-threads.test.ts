import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emergencyUses, statementObjections, statements } from '../../drizzle/schema'
import { displayEndsAt } from '../../shared/statements'
import { bulkOwners, communityStaff, FIRM_PROFILE, firmServingCommunity, setupCommunity, statement } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const post = (cid: string, token: string, body: unknown) => h.request('POST', `/api/communities/${cid}/statements`, { token, json: body })

describe('objections to a statement, answered on record', () => {
  it('an owner objects to a line during the display period; the discloser answers once; the thread is public to the community', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const firm = await firmServingCommunity(h, s, 61)
    const published = await post(s.community.id, firm.token, statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 500_000 }, { direction: 'expense', category: '绿化', amountFen: 120_000 }]))
    expect(published.status).toBe(201)
    const sid = published.json.id
    const obj = (token: string, json: unknown) => h.request('POST', `/api/statements/${sid}/objections`, { token, json })

    const bad = await obj(s.owner, { line: 3, body: '没有第三行的内容' })
    expect(bad.status).toBe(400)
    expect(bad.json.error.details.issues[0].code).toBe('no_such_line')
    const made = await obj(s.owner, { line: 2, body: '绿化支出12万元，但本季度未见补种' })
    expect(made.status).toBe(201)
    expect(made.json).toMatchObject({ line: 2, authorLabel: '1栋-1单元-1001 业主', answer: null })
    expect(made.json.authorLabel).not.toContain('业主1') // never the owner's name
    expect((await obj(s.committee, { line: 1, body: '业委会不是业主身份' })).status).toBe(403)

    const [o2] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const seen = await h.request('GET', `/api/statements/${sid}/objections`, { token: o2!.token })
    expect(seen.json.objections).toHaveLength(1)

    const answer = (token: string) => h.request('POST', `/api/objections/${made.json.id}/answer`, { token, json: { answer: '本季度更换了草坪灌溉系统，发票已在物业服务中心公示。' } })
    expect((await answer(s.committee)).status).toBe(403) // a firm statement is answered by the firm
    expect((await answer(s.owner)).status).toBe(403)
    const answered = await answer(firm.token)
    expect(answered.status).toBe(200)
    expect(answered.json).toMatchObject({ answererLabel: '物业服务企业', answer: expect.stringContaining('灌溉') })
    const twice = await answer(firm.token)
    expect(twice.status).toBe(409)
    const [row] = await h.db.select().from(statementObjections).where(eq(statementObjections.id, made.json.id))
    expect(row!.answer).toContain('灌溉')
    // the statement itself cannot be edited, even by the application's own connection
    await expect(h.db.update(statements).set({ closingFen: 0 }).where(eq(statements.id, sid))).rejects.toThrow()
    await expect(h.db.delete(statements).where(eq(statements.id, sid))).rejects.toThrow()

    // after the display period (30 working days, longer where it runs into a year not yet scheduled), no new objections
    const [shown] = await h.db.select({ at: statements.publishedAt }).from(statements).where(eq(statements.id, sid))
    const past = displayEndsAt(shown!.at).getTime() - h.clock.now().getTime() + 60_000
    h.clock.advance(past)
    try {
      const [late3] = await bulkOwners(h, s.community.id, [s.rows[2]!]) // signed in now, after the period
      const late = await obj(late3!.token, { line: 1, body: '公示期已过仍想提出异议' })
      expect(late.status).toBe(409)
      expect(late.json.error.details.reason).toBe('display_period_over')
    } finally {
      h.clock.advance(-past)
    }
    const [{ n } = { n: -1 }] = await h.db.select({ n: count() }).from(statementObjections).where(eq(statementObjections.statementId, sid))
    expect(n).toBe(1)
  })

  it('publishing a statement puts a disclosure notice on the board that links to it', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 62)
    const published = await post(s.community.id, firm.token, statement('public_revenue', '2026Q3', 0, [{ direction: 'income', category: '广告', amountFen: 80_000 }, { direction: 'allocation', category: '补充维修资金', amountFen: 80_000, use: 'fund_topup' }]))
    expect(published.status).toBe(201)
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    const notice = board.json.notices.find((n: { kind: string }) => n.kind === 'disclosure')
    expect(notice).toMatchObject({ statementId: published.json.id, title: '2026年第3季度 公共收益收支' })
    expect(notice.body).toContain(published.json.contentHash)
    expect(notice.body).toContain('800.00')
    const page = await h.request('GET', `/n/${notice.code}`)
    expect(page.text).toContain(`/h5/statements/${published.json.id}`)
  })
})

describe('emergency use of the maintenance fund (民法典 第281条第2款)', () => {
  it('approved by the committee, confirmed by the community, announced, then reviewed; only a confirmed record authorises a fund line', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const staff = await communityStaff(h, s)
    const made = await h.request('POST', `/api/communities/${s.community.id}/emergency-uses`, {
      token: s.committee,
      json: { hazard: '2栋电梯钢丝绳断股，随时可能坠梯', works: '更换2栋1号电梯全部钢丝绳', contractor: '某电梯维保公司', estimatedFen: 4_800_000 },
    })
    expect(made.status).toBe(201)
    expect(made.json.status).toBe('approved')
    expect((await h.request('POST', `/api/communities/${s.community.id}/emergency-uses`, { token: s.owner, json: { hazard: '业主不能批准应急使用', works: '任意工程内容', estimatedFen: 1 } })).status).toBe(403)
    const use = (emergencyId: string) => statement('maintenance_fund', '2026Q3', 2_000_000, [{ direction: 'expense', category: '电梯钢丝绳更换', amountFen: 4_700_000, authorisedBy: { emergencyId } }])

    const early = await post(s.community.id, s.committee, use(made.json.id))
    expect(early.status).toBe(422)
    expect(early.json.error.details.errors[0]).toMatchObject({ code: 'emergency_not_confirmed', line: 1 })

    expect((await h.request('POST', `/api/emergency-uses/${made.json.id}/confirm`, { token: s.committee })).status).toBe(403) // the community confirms, not the committee
    const confirmed = await h.request('POST', `/api/emergency-uses/${made.json.id}/confirm`, { token: staff })
    expect(confirmed.status).toBe(200)
    expect(confirmed.json.status).toBe('confirmed')
    expect((await h.request('POST', `/api/emergency-uses/${made.json.id}/confirm`, { token: staff })).status).toBe(409)
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    const works = board.json.notices.find((n: { title: string }) => n.title === '专项维修资金应急使用公告')
    expect(works).toMatchObject({ pinned: true, endsAt: null })
    expect(works.body).toContain('48000.00')

    // a record of another community authorises nothing here
    const other = await setupCommunity(h, { units: 1 })
    const foreign = await post(other.community.id, other.committee, statement('maintenance_fund', '2026Q3', 0, [{ direction: 'expense', category: 'x', amountFen: 1, authorisedBy: { emergencyId: made.json.id } }]))
    expect(foreign.json.error.details.errors[0].code).toBe('emergency_not_confirmed')

    const ok = await post(s.community.id, s.committee, { ...use(made.json.id), content: { ...use(made.json.id).content, openingFen: 5_000_000, closingFen: 300_000 } })
    expect(ok.status).toBe(201)

    const reviewed = await h.request('POST', `/api/emergency-uses/${made.json.id}/review`, { token: s.committee, json: { actualFen: 4_700_000, review: '已更换钢丝绳6根，经特检院复检合格；费用按2栋业主专有面积分摊。' } })
    expect(reviewed.status).toBe(200)
    expect(reviewed.json).toMatchObject({ status: 'reviewed', actualFen: 4_700_000 })
    const after = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    expect(after.json.notices.map((n: { title: string }) => n.title)).toContain('专项维修资金应急使用完工审核公示')
    expect(after.json.notices.map((n: { title: string }) => n.title)).not.toContain('专项维修资金应急使用公告')
    const list = await h.request('GET', `/api/communities/${s.community.id}/emergency-uses`, { token: s.owner })
    expect(list.json.emergencyUses).toHaveLength(1)
    const bad = await h.request('POST', `/api/communities/${s.community.id}/emergency-uses`, { token: s.committee, json: { hazard: '短', works: '维修', estimatedFen: 10.5 } })
    expect(bad.status).toBe(400)
    const [{ n } = { n: -1 }] = await h.db.select({ n: count() }).from(emergencyUses).where(eq(emergencyUses.communityId, s.community.id))
    expect(n).toBe(1)
  })
})

describe('per-community statement deadline', () => {
  it('service-fee statements fall due by the community setting; public revenue always by the end of the next month', async () => {
    const s = await setupCommunity(h, { units: 2 })
    await firmServingCommunity(h, s, 63)
    const overdue = async (token = s.owner) => {
      const res = await h.request('GET', `/api/communities/${s.community.id}/statements/overdue`, { token })
      if (res.status !== 200) throw new Error(`overdue: ${res.status} ${res.text}`)
      return res.json.overdue.filter((o: { period: string }) => o.period === '2026Q3')
    }
    // default: both 2026Q3 statements were due 2026-10-31; the clock says 2026-11-20
    expect((await overdue()).map((o: { kind: string }) => o.kind).sort()).toEqual(['public_revenue', 'service_fee'])
    const patched = await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { statementDeadlineMonths: 2 } })
    expect(patched.status).toBe(200)
    const now = await overdue()
    expect(now).toEqual([{ kind: 'public_revenue', period: '2026Q3', deadline: '2026-10-31' }])
    h.clock.set(new Date('2026-12-01T02:00:00Z'))
    try {
      const later = (await h.login(s.committeePhone)).accessToken // signed in on the new date
      expect((await overdue(later)).find((o: { kind: string }) => o.kind === 'service_fee')).toEqual({ kind: 'service_fee', period: '2026Q3', deadline: '2026-11-30' })
    } finally {
      h.clock.set(new Date('2026-11-20T02:00:00Z'))
    }
    expect((await h.request('PATCH', `/api/communities/${s.community.id}/settings`, { token: s.committee, json: { statementDeadlineMonths: 0 } })).status).toBe(400)
  })
})

describe('the community staff’s oversight view', () => {
  it('lists the communities their street covers, with overdue statements, flagged fees, open objections and emergency uses awaiting them', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 64)
    const staff = await communityStaff(h, s)
    await h.request('POST', '/api/reference-prices', {
      token: staff,
      json: { district: s.community.district, serviceGrade: '二级', item: '物业服务费（监督测试）', basis: 'per_m2_month', baseFen: 150, minFen: 120, maxFen: 180, effectiveFrom: '2026-01-01' },
    })
    await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: firm.token, json: { ...FIRM_PROFILE, serviceGrade: '二级' } })
    await h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token: firm.token, json: { item: '物业服务费（监督测试）', payer: '业主', basis: 'per_m2_month', rateFen: 200, startsOn: '2026-01-01', regime: 'guided' } })
    const st = await post(s.community.id, firm.token, statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 100 }]))
    await h.request('POST', `/api/statements/${st.json.id}/objections`, { token: s.owner, json: { line: 1, body: '物业费收入明显偏低' } })
    await h.request('POST', `/api/communities/${s.community.id}/emergency-uses`, { token: s.committee, json: { hazard: '地下车库顶板渗水漏电', works: '防水与线路改造', estimatedFen: 100_000 } })

    const view = await h.request('GET', '/api/oversight', { token: staff })
    expect(view.status).toBe(200)
    expect(view.json.communities).toHaveLength(1) // only this street's community
    expect(view.json.communities[0]).toMatchObject({
      communityId: s.community.id,
      flaggedFees: [{ item: '物业服务费（监督测试）', rateFen: 200, maxFen: 180 }],
      unansweredObjections: 1,
      emergencyUsesAwaitingConfirmation: 1,
    })
    expect(view.json.communities[0].overdue.map((o: { kind: string; period: string }) => `${o.kind}:${o.period}`)).toContain('public_revenue:2026Q3')
    expect(view.json.communities[0].overdue.map((o: { kind: string; period: string }) => `${o.kind}:${o.period}`)).not.toContain('service_fee:2026Q3')
    expect((await h.request('GET', '/api/oversight', { token: s.owner })).status).toBe(403)
    expect((await h.request('GET', '/api/oversight', { token: s.committee })).status).toBe(403)
  })
})

describe('statement periods by kind', () => {
  it('shared utilities may be monthly and roll forward month to month; a fund’s annual statement is a year; other kinds are quarterly', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await firmServingCommunity(h, s, 65)
    const sep = await post(s.community.id, firm.token, statement('shared_utility', '2026-09', 0, [{ direction: 'income', category: '公共水电分摊收入', amountFen: 12_000 }, { direction: 'expense', category: '公共照明电费', amountFen: 10_000 }]))
    expect(sep.status).toBe(201)
    const wrong = await post(s.community.id, firm.token, statement('shared_utility', '2026-10', 0, [{ direction: 'expense', category: '公共照明电费', amountFen: 1 }]))
    expect(wrong.json.error.details.errors[0]).toMatchObject({ code: 'opening_mismatch', message: expect.stringContaining('2026-09') })
    const oct = await post(s.community.id, firm.token, statement('shared_utility', '2026-10', 2_000, [{ direction: 'expense', category: '公共照明电费', amountFen: 1_500 }]))
    expect(oct.status).toBe(201)
    const future = await post(s.community.id, firm.token, statement('shared_utility', '2026-12', 500, [{ direction: 'expense', category: '公共照明电费', amountFen: 1 }]))
    expect(future.json.error.details.errors[0].code).toBe('future_period')
    const monthlyFee = await post(s.community.id, firm.token, statement('service_fee', '2026-10', 0, [{ direction: 'income', category: '物业费', amountFen: 1 }]))
    expect(monthlyFee.status).toBe(400)
    expect(monthlyFee.json.error.details.issues[0].path).toBe('period')
    const annual = await post(s.community.id, s.committee, statement('maintenance_fund', '2025', 10_000_000, [{ direction: 'income', category: '利息', amountFen: 150_000 }]))
    expect(annual.status).toBe(201)
    expect(annual.json.period).toBe('2025')
  })
})

describe('who may publish', () => {
  it('firm staff cannot post a statement, by JSON or by file, for a community their firm does not serve', async () => {
    const s = await setupCommunity(h, { units: 2 })
    await firmServingCommunity(h, s, 66)
    const elsewhere = await setupCommunity(h, { units: 1 })
    const otherFirm = await firmServingCommunity(h, elsewhere, 67)
    const body = statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 100 }])
    const json = await post(s.community.id, otherFirm.token, body)
    expect(json.status).toBe(403)
    const file = await h.request('POST', `/api/communities/${s.community.id}/statements/upload?kind=service_fee&period=2026Q3`, {
      token: otherFirm.token,
      body: '项目,科目,金额（元）\n期初余额,,0\n收入,物业费,1.00\n收入合计,,1.00\n支出合计,,0\n期末余额,,1.00\n',
      headers: { 'content-type': 'text/csv' },
    })
    expect(file.status).toBe(403)
    const [{ n } = { n: -1 }] = await h.db.select({ n: count() }).from(statements).where(eq(statements.communityId, s.community.id))
    expect(n).toBe(0)
    // and where it does serve, the same file is published
    const own = await h.request('POST', `/api/communities/${elsewhere.community.id}/statements/upload?kind=service_fee&period=2026Q3`, {
      token: otherFirm.token,
      body: '项目,科目,金额（元）\n期初余额,,0\n收入,物业费,1.00\n收入合计,,1.00\n支出合计,,0\n期末余额,,1.00\n',
      headers: { 'content-type': 'text/csv' },
    })
    expect(own.status).toBe(201)
  })
})
