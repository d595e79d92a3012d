import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { statements } from '../../drizzle/schema'
import { announcedPoll, bulkOwners, newPhone, openWindow, setupCommunity, statement, usccFor } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

async function serving(s: Awaited<ReturnType<typeof setupCommunity>>, seed: number) {
  const firm = await h.request('POST', '/api/firms', { token: s.admin, json: { name: `报表物业${seed}`, uscc: usccFor(200 + seed) } })
  const firmId = firm.status === 201 ? firm.json.id : firm.json.error.details.firmId
  await h.request('POST', `/api/communities/${s.community.id}/firm-contracts`, { token: s.admin, json: { firmId, startsOn: '2026-01-01' } })
  const phone = newPhone()
  await h.request('POST', '/api/role-grants', { token: s.admin, json: { role: 'firm_staff', phone, firmId } })
  return (await h.login(phone)).accessToken
}

const post = (cid: string, token: string, body: unknown) => h.request('POST', `/api/communities/${cid}/statements`, { token, json: body })

describe('quarterly statements (issue 4, second step)', () => {
  it('every arithmetic rule fails with row-level errors and stores nothing', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await serving(s, 1)
    const bad = statement('public_revenue', '2026Q2', 0, [
      { direction: 'income', category: '广告', amountFen: 50_000 },
      { direction: 'expense', category: '物业分成', amountFen: 10_000 },
      { direction: 'allocation', category: '分配', amountFen: 30_000, use: 'party' },
      { direction: 'allocation', category: '分配', amountFen: 20_000, use: 'repairs' },
    ])
    bad.content.totals.incomeFen = 49_999
    bad.content.closingFen = 1
    const res = await post(s.community.id, firm, bad)
    expect(res.status).toBe(422)
    expect(res.json.error.code).toBe('STATEMENT_INVALID')
    expect(res.json.error.details.errors.map((e: { code: string }) => e.code).sort()).toEqual(['balance_mismatch', 'income_total_mismatch', 'over_allocated', 'use_not_permitted'])
    expect(res.json.error.details.errors.find((e: { code: string }) => e.code === 'use_not_permitted').line).toBe(3)
    const decimal = await post(s.community.id, firm, statement('service_fee', '2026Q2', 0, [{ direction: 'income', category: '物业费', amountFen: 10.5 }]))
    expect(decimal.status).toBe(400)
    const [{ n } = { n: -1 }] = await h.db.select({ n: count() }).from(statements).where(eq(statements.communityId, s.community.id))
    expect(n).toBe(0)
  })

  it("only the publisher corrects a statement: the committee cannot replace the firm's public revenue (it objects instead)", async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await serving(s, 3)
    const lines = [{ direction: 'income' as const, category: '广告收入', amountFen: 360_000 }]
    const q3 = await post(s.community.id, firm, statement('public_revenue', '2026Q3', 0, lines))
    expect(q3.status, q3.text).toBe(201)
    const replaced = await post(s.community.id, s.committee, { ...statement('public_revenue', '2026Q3', 0, [{ direction: 'income', category: '广告收入', amountFen: 100_000 }]), replacesId: q3.json.id, correctionReason: '更正广告收入' })
    expect(replaced.status).toBe(403)
    expect(replaced.json.error.code).toBe('STATEMENT_NOT_YOURS')
    const list = await h.request('GET', `/api/communities/${s.community.id}/statements`, { token: s.owner })
    expect(list.json.statements.filter((x: { kind: string }) => x.kind === 'public_revenue').map((x: { version: number; discloser: string }) => [x.version, x.discloser])).toEqual([[1, 'firm']])
    // the firm's own correction still goes through
    const own = await post(s.community.id, firm, { ...statement('public_revenue', '2026Q3', 0, [{ direction: 'income', category: '广告收入', amountFen: 350_000 }]), replacesId: q3.json.id, correctionReason: '少记一笔退款' })
    expect(own.status, own.text).toBe(201)
  })

  it('rolls forward across quarters, is immutable, and a correction is a new version with its diff', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await serving(s, 2)
    const q2 = await post(s.community.id, firm, statement('service_fee', '2026Q2', 100_000, [{ direction: 'income', category: '物业费', amountFen: 500_000 }, { direction: 'expense', category: '人员', amountFen: 400_000 }]))
    expect(q2.status).toBe(201)
    expect(q2.json).toMatchObject({ version: 1, discloser: 'firm', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const wrongOpening = await post(s.community.id, firm, statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 1 }]))
    expect(wrongOpening.json.error.details.errors[0]).toMatchObject({ code: 'opening_mismatch', field: 'openingFen' })
    const q3 = await post(s.community.id, firm, statement('service_fee', '2026Q3', 200_000, [{ direction: 'income', category: '物业费', amountFen: 500_000 }, { direction: 'expense', category: '人员', amountFen: 450_000 }]))
    expect(q3.status).toBe(201)
    const again = await post(s.community.id, firm, statement('service_fee', '2026Q3', 200_000, [{ direction: 'income', category: '物业费', amountFen: 1 }]))
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('STATEMENT_EXISTS')
    const corrected = await post(s.community.id, firm, {
      ...statement('service_fee', '2026Q3', 200_000, [{ direction: 'income', category: '物业费', amountFen: 500_000 }, { direction: 'expense', category: '人员', amountFen: 440_000 }]),
      replacesId: q3.json.id,
      correctionReason: '人员支出多计一名离职员工工资',
    })
    expect(corrected.status).toBe(201)
    expect(corrected.json).toMatchObject({ version: 2, replacesId: q3.json.id })
    const detail = await h.request('GET', `/api/statements/${corrected.json.id}`, { token: s.owner })
    expect(detail.json.versions.map((v: { version: number }) => v.version)).toEqual([1, 2])
    expect(detail.json.diff).toMatchObject({ fromVersion: 1, changed: [{ line: 2, before: { amountFen: 450_000 }, after: { amountFen: 440_000 } }], closingFen: { before: 250_000, after: 260_000 } })
    const old = await h.request('GET', `/api/statements/${q3.json.id}`, { token: s.owner })
    expect(old.json.content.closingFen).toBe(250_000)
    const list = await h.request('GET', `/api/communities/${s.community.id}/statements`, { token: s.owner })
    expect(list.json.statements.map((x: { period: string; version: number }) => [x.period, x.version])).toEqual([['2026Q3', 2], ['2026Q2', 1]])
  })

  it('a maintenance-fund use must name a passed fund_use poll of this community', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const [o2] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(1500))
    await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'agree' } })
    await h.request('POST', `/api/polls/${p.id}/ballots`, { token: o2!.token, json: { choice: 'agree' } })
    const open = await announcedPoll(h, s.community.id, s.committee)
    h.clock.advance(1600)
    expect((await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })).json.document.outcome).toBe('passed')
    const use = (pollId?: string) => statement('maintenance_fund', '2026Q3', 1_000_000, [{ direction: 'expense', category: '电梯更换', amountFen: 300_000, ...(pollId ? { authorisedBy: { pollId } } : {}) }])
    const none = await post(s.community.id, s.committee, use())
    expect(none.json.error.details.errors[0].code).toBe('use_unauthorised')
    const notPassed = await post(s.community.id, s.committee, use(open.id))
    expect(notPassed.json.error.details.errors[0]).toMatchObject({ code: 'decision_not_passed', line: 1 })
    const ok = await post(s.community.id, s.committee, use(p.id))
    expect(ok.status).toBe(201)
    expect(ok.json.discloser).toBe('committee')
    // the committee cannot post the firm's kinds, nor the firm the committee's own funds
    expect((await post(s.community.id, s.committee, statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: 'x', amountFen: 1 }]))).status).toBe(403)
  })

  it('overdue: a quarter past its deadline without its statements, on the fake clock', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const firm = await serving(s, 3)
    // clock: 2026-11-20. Q1–Q3 deadlines (04-30, 07-31, 10-31) have passed; Q4 not yet.
    const before = await h.request('GET', `/api/communities/${s.community.id}/statements/overdue`, { token: s.owner })
    expect(before.json.overdue.map((o: { kind: string; period: string }) => `${o.kind}:${o.period}`).sort()).toEqual(
      ['public_revenue:2026Q1', 'public_revenue:2026Q2', 'public_revenue:2026Q3', 'service_fee:2026Q1', 'service_fee:2026Q2', 'service_fee:2026Q3'].sort(),
    )
    await post(s.community.id, firm, statement('service_fee', '2026Q3', 0, [{ direction: 'income', category: '物业费', amountFen: 1 }]))
    const after = await h.request('GET', `/api/communities/${s.community.id}/statements/overdue`, { token: s.committee })
    expect(after.json.overdue).toHaveLength(5)
    expect(after.json.overdue.find((o: { kind: string; period: string }) => o.kind === 'service_fee' && o.period === '2026Q3')).toBeUndefined()
    // one day past Q4's deadline (2027-01-31), Q4 is overdue too
    h.clock.set(new Date('2027-02-01T02:00:00Z'))
    try {
      const later = await h.request('GET', `/api/communities/${s.community.id}/statements/overdue`, { token: (await h.login(newPhone())).accessToken })
      expect(later.status).toBe(403)
      const owner = await h.request('GET', `/api/communities/${s.community.id}/statements/overdue`, { token: (await h.login(s.committeePhone)).accessToken })
      expect(owner.json.overdue.filter((o: { period: string }) => o.period === '2026Q4')).toHaveLength(2)
    } finally {
      h.clock.set(new Date('2026-11-20T02:00:00Z'))
    }
  })
})
