import { expect } from 'vitest'
import type { Role } from '../../worker/env'
import { adminToken, announcedPoll, createCommunity, usccFor, idNumber, importRosterJson, newPhone, setupCommunity, simpleRoster } from './fixtures'
import type { Harness } from './harness'

/**
 * A community A with someone in every role and one of everything a route can name (a pending
 * binding, a grant, an announced poll, a statement with an objection, an emergency use, a notice),
 * and a community B where one person holds every role: what the suites that run against every
 * route (security, fuzzing) need to fill each path parameter and reach each handler.
 */
export async function everyRouteWorld(h: Harness) {
  /** tokens of people holding exactly one role in community A */
  const inA: Partial<Record<Role, string>> = {}
  const a = await setupCommunity(h)
  const admin = await adminToken(h)
  inA.owner = a.owner
  inA.committee = a.committee
  // a pending binding and a committee grant in A, for routes that act on them
  const claimant = await h.login(newPhone())
  const pending = await h.request('POST', `/api/communities/${a.community.id}/bindings`, {
    token: claimant.accessToken,
    json: { name: '冒名者', idNumber: idNumber(9999), building: a.rows[1]!.楼栋, unit: a.rows[1]!.单元, room: a.rows[1]!.房号 },
  })
  expect(pending.json.status).toBe('pending')
  const grants = await h.request('GET', `/api/communities/${a.community.id}/role-grants`, { token: admin })
  const poll = await announcedPoll(h, a.community.id, a.committee)
  // cmid and xid are reached through the poll's community: access is decided before they are looked up
  const fill: Record<string, string> = { cid: a.community.id, bid: pending.json.id, gid: grants.json.grants[0].id, pid: poll.id, cmid: 'any-comment', xid: 'any-proxy', receipt: 'any-receipt-0001' }

  const firm = await h.request('POST', '/api/firms', { token: admin, json: { name: '安全测试物业', uscc: usccFor(1) } })
  const firmId = firm.status === 201 ? firm.json.id : firm.json.error.details.firmId
  await h.request('POST', `/api/communities/${a.community.id}/firm-contracts`, { token: admin, json: { firmId, startsOn: '2026-01-01' } })
  const firmPhone = newPhone()
  await h.request('POST', '/api/role-grants', { token: admin, json: { role: 'firm_staff', phone: firmPhone, firmId } })
  inA.firm_staff = (await h.login(firmPhone)).accessToken
  const statement = await h.request('POST', `/api/communities/${a.community.id}/statements`, {
    token: inA.firm_staff,
    json: { kind: 'service_fee', period: '2026Q1', content: { openingFen: 0, lines: [{ direction: 'income', category: '物业费', amountFen: 100 }], totals: { incomeFen: 100, expenseFen: 0 }, closingFen: 100 } },
  })
  expect(statement.status).toBe(201)
  fill.sid = statement.json.id
  const objection = await h.request('POST', `/api/statements/${fill.sid}/objections`, { token: a.owner, json: { line: 1, body: '物业费收入与实际缴费不符' } })
  expect(objection.status).toBe(201)
  fill.oid = objection.json.id
  const emergency = await h.request('POST', `/api/communities/${a.community.id}/emergency-uses`, {
    token: a.committee,
    json: { hazard: '3栋外墙瓷砖大面积空鼓，有坠落危险', works: '拆除空鼓瓷砖并重做外墙涂料', estimatedFen: 5_000_000 },
  })
  expect(emergency.status).toBe(201)
  fill.eid = emergency.json.id
  const notice = await h.request('POST', `/api/communities/${a.community.id}/notices`, { token: a.committee, json: { kind: 'general', title: '停水通知', body: '明日停水。' } })
  expect(notice.status).toBe(201)
  fill.nid = notice.json.id
  fill.code = notice.json.code
  const staffPhone = newPhone()
  const c = a.community as { district: string; street: string; residentsCommittee: string }
  await h.request('POST', '/api/role-grants', { token: admin, json: { role: 'community_staff', phone: staffPhone, district: c.district, street: c.street, residentsCommittee: c.residentsCommittee } })
  inA.community_staff = (await h.login(staffPhone)).accessToken
  const complaint = await h.request('POST', `/api/communities/${a.community.id}/complaints`, { token: a.owner, json: { category: 'cleaning', body: '垃圾三天未清运', place: '3栋' } })
  expect(complaint.status).toBe(201)
  fill.complaintId = complaint.json.id
  // the district's housing department, its credit file of A's firm, and one record in it
  const housingPhone = newPhone()
  await h.request('POST', '/api/role-grants', { token: admin, json: { role: 'department_staff', phone: housingPhone, district: c.district, department: 'housing' } })
  const housing = (await h.login(housingPhone)).accessToken
  const record = await h.request('POST', `/api/districts/${encodeURIComponent(c.district)}/credit-records`, {
    token: housing,
    json: { firmId, category: 'good', item: '市级优秀物业项目', pointsCenti: 500, occurredOn: '2026-06-01', evidence: [{ name: '表彰文件.pdf', sha256: 'b'.repeat(64) }] },
  })
  expect(record.status).toBe(201)
  Object.assign(fill, { district: encodeURIComponent(c.district), firmId, recordId: record.json.id, quarter: '2026Q4' })


  // Community B, in another street, with one person holding every role there.
  const b = await createCommunity(h, admin)
  const rowsB = simpleRoster(3, { start: 5000 })
  expect((await importRosterJson(h, admin, b.id, rowsB)).status).toBe(201)
  const outsiderPhone = newPhone()
  await h.request('POST', `/api/communities/${b.id}/committee-members`, { token: admin, json: { phone: outsiderPhone } })
  await h.request('POST', '/api/role-grants', { token: admin, json: { role: 'community_staff', phone: outsiderPhone, district: b.district, street: b.street } })
  const firmB = await h.request('POST', '/api/firms', { token: admin, json: { name: '另一家物业', uscc: usccFor(2) } })
  const firmBId = firmB.status === 201 ? firmB.json.id : firmB.json.error.details.firmId
  await h.request('POST', `/api/communities/${b.id}/firm-contracts`, { token: admin, json: { firmId: firmBId, startsOn: '2026-01-01' } })
  await h.request('POST', '/api/role-grants', { token: admin, json: { role: 'firm_staff', phone: outsiderPhone, firmId: firmBId } })
  const outsider = (await h.login(outsiderPhone)).accessToken
  const row = rowsB[0]!
  const bound = await h.request('POST', `/api/communities/${b.id}/bindings`, {
    token: outsider,
    json: { name: row.业主姓名, idNumber: row.证件号码, building: row.楼栋, unit: row.单元, room: row.房号 },
  })
  expect(bound.json.status).toBe('verified')
  return { a, admin, fill, inA, outsider, b }
}
