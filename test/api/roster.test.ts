import { and, count, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, bindings, rosterOwners, rosterUnits, rosterVersions, rosterVoters } from '../../drizzle/schema'
import { toCsv, writeXlsx } from '../../worker/lib/spreadsheet'
import { XLSX_TYPE } from '../../worker/lib/download'
import { adminToken, createCommunity, idNumber, importRosterJson, newPhone, setupCommunity, simpleRoster, type RosterRowInput } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
let admin: string
beforeAll(async () => {
  h = await startHarness()
  admin = await adminToken(h)
})
afterAll(async () => {
  await h?.close()
})

const HEADERS = ['楼栋', '单元', '房号', '房屋类型', '专有部分面积', '面积来源', '业主姓名', '证件号码', '手机号', '是否代表人', '开发商持有'] as const
const asTable = (rows: RosterRowInput[]) => [[...HEADERS], ...rows.map((r) => HEADERS.map((k) => (r as unknown as Record<string, string>)[k] ?? ''))]

async function rowCounts(cid: string) {
  const [v] = await h.db.select({ n: count() }).from(rosterVersions).where(eq(rosterVersions.communityId, cid))
  const [u] = await h.db.select({ n: count() }).from(rosterUnits).where(eq(rosterUnits.communityId, cid))
  const [a] = await h.db.select({ n: count() }).from(auditLog).where(eq(auditLog.communityId, cid))
  return { versions: v!.n, units: u!.n, audit: a!.n }
}

describe('roster import', () => {
  it('imports JSON, derives voters per 《解释》第9条, and keeps no ID number in the clear', async () => {
    const c = await createCommunity(h, admin)
    const rows: RosterRowInput[] = [
      // one buyer, two flats: one voter, areas added
      { 楼栋: '1栋', 单元: '1单元', 房号: '101', 专有部分面积: '89.50', 面积来源: '不动产登记', 业主姓名: '甲', 证件号码: idNumber(1), 手机号: '13912345678' },
      { 楼栋: '1栋', 单元: '1单元', 房号: '102', 专有部分面积: '100.01', 面积来源: '实测', 业主姓名: '甲', 证件号码: idNumber(1) },
      // a co-owned flat: one voter, represented by 乙
      { 楼栋: '1栋', 单元: '1单元', 房号: '201', 专有部分面积: '120', 面积来源: '合同', 业主姓名: '乙', 证件号码: idNumber(2), 是否代表人: '是' },
      { 楼栋: '1栋', 单元: '1单元', 房号: '201', 专有部分面积: '120', 面积来源: '合同', 业主姓名: '丙', 证件号码: idNumber(3), 是否代表人: '否' },
      // developer-held units: all one voter
      { 楼栋: '2栋', 房号: '101', 专有部分面积: '70.00', 面积来源: '不动产登记', 业主姓名: '某开发公司', 开发商持有: '是' },
      { 楼栋: '2栋', 房号: '102', 专有部分面积: '70.00', 面积来源: '不动产登记', 业主姓名: '某开发公司', 开发商持有: '是' },
    ]
    const res = await importRosterJson(h, admin, c.id, rows)
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({ version: 1, source: 'json', unitCount: 5, voterCount: 3, totalArea: '449.51', totalAreaE4: (8950 + 10001 + 12000 + 7000 + 7000) * 100, diff: null })
    const voters = await h.db.select().from(rosterVoters).where(eq(rosterVoters.rosterVersionId, res.json.id))
    expect(voters.map((v) => v.areaE4).sort((a, b) => a - b)).toEqual([1200000, 1400000, 1895100])
    expect(voters.filter((v) => v.kind === 'developer')).toHaveLength(1)
    const owners = await h.db.select().from(rosterOwners).where(eq(rosterOwners.rosterVersionId, res.json.id))
    const dump = JSON.stringify(owners)
    for (const id of [idNumber(1), idNumber(2), idNumber(3)]) {
      expect(dump).not.toContain(id)
      expect(dump).toContain(id.slice(-4))
    }
    expect(owners.find((o) => o.name === '乙')!.idHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('imports CSV (UTF-8 with BOM) and XLSX the same way', async () => {
    const rows = simpleRoster(25)
    const c1 = await createCommunity(h, admin)
    const csv = await h.request('POST', `/api/communities/${c1.id}/roster`, { token: admin, body: toCsv(asTable(rows)), headers: { 'content-type': 'text/csv; charset=utf-8' } })
    expect(csv.status).toBe(201)
    expect(csv.json).toMatchObject({ source: 'csv', unitCount: 25, voterCount: 25, totalArea: '2212.50', totalAreaE4: 25 * 885000 })
    const c2 = await createCommunity(h, admin)
    const xlsx = await h.request('POST', `/api/communities/${c2.id}/roster`, {
      token: admin,
      body: writeXlsx([{ name: '业主名册', rows: asTable(rows) }]),
      headers: { 'content-type': XLSX_TYPE },
    })
    expect(xlsx.status).toBe(201)
    expect(xlsx.json).toMatchObject({ source: 'xlsx', unitCount: 25, voterCount: 25, totalArea: '2212.50', totalAreaE4: 25 * 885000 })
  })

  it('reads a roll as offices export it: a title row above the header, a CSV labelled as Excel, UTF-16, wrapped and padded cells', async () => {
    const rows = simpleRoster(3)
    const table = asTable(rows)
    // a title row, merged across the columns in Excel, and a grouping row above the header; an ID
    // forced to text with ="…", one with Excel's apostrophe and one with a zero-width space copied from a web page
    table[1]![7] = `="${table[1]![7]}"`
    table[2]![7] = `'${table[2]![7]}`
    table[3]![7] = `${table[3]![7]!.slice(0, 6)}\u200b${table[3]![7]!.slice(6)}`
    const titled = [['阳光花园小区业主名册'], ['房屋信息', '', '', '', '', '', '业主信息'], ...table]
    // saved by Excel on Windows as “Unicode 文本” would be UTF-16 with a BOM; sent labelled as Excel
    const text = toCsv(titled)
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(new Uint16Array([...text].map((ch) => ch.charCodeAt(0))).buffer)])
    const c = await createCommunity(h, admin)
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: utf16, headers: { 'content-type': 'application/vnd.ms-excel' } })
    expect(res.status, res.text).toBe(201)
    expect(res.json).toMatchObject({ source: 'csv', unitCount: 3 })
    // a header that is not there is reported on the row read as the header
    const c2 = await createCommunity(h, admin)
    const noHeader = await h.request('POST', `/api/communities/${c2.id}/roster`, { token: admin, body: toCsv([['阳光花园小区业主名册'], ['楼号', '房间']]), headers: { 'content-type': 'text/csv' } })
    expect(noHeader.status).toBe(422)
    expect(noHeader.json.error.details.errors[0].message).toBe('第1行 缺少必填列“楼栋”')
  })

  it('an ID column Excel cut to 15 digits is refused whole, the one that passes its check digit by chance included', async () => {
    const rows = simpleRoster(12)
    // what Excel leaves of 18-digit numbers in a Number cell, saved as CSV: the last three digits 000
    for (const r of rows) r.证件号码 = `${r.证件号码!.slice(0, 15)}000`
    const c = await createCommunity(h, admin)
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: toCsv(asTable(rows)), headers: { 'content-type': 'text/csv' } })
    expect(res.status).toBe(422)
    const errors = res.json.error.details.errors as { line: number; code: string; message: string }[]
    // every row, whether its check digit happened to fit or not
    expect(new Set(errors.map((e) => e.line))).toEqual(new Set(rows.map((_, i) => i + 2)))
    expect(errors.some((e) => e.code === 'id_checksum' && e.message.includes('Excel 把号码当数字保存'))).toBe(true)
    expect(errors.filter((e) => e.code === 'id_truncated').length + errors.filter((e) => e.code === 'id_checksum').length).toBe(12)
  })

  it('a file with bad rows imports nothing and names every bad row, with its line and a Chinese reason', async () => {
    const c = await createCommunity(h, admin)
    const rows = simpleRoster(8)
    rows[2]!.证件号码 = rows[2]!.证件号码!.slice(0, 17) + (rows[2]!.证件号码!.endsWith('1') ? '2' : '1') // checksum broken
    rows[4]!.专有部分面积 = '89.55555' // five decimals: no register gives them
    rows[6]!.手机号 = '2345' // not a phone
    const before = await rowCounts(c.id)
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: toCsv(asTable(rows)), headers: { 'content-type': 'text/csv' } })
    expect(res.status).toBe(422)
    expect(res.json.error.code).toBe('ROSTER_INVALID')
    const lines = res.json.error.details.errors.map((e: { line: number }) => e.line)
    // CSV line numbers as Excel shows them: header is line 1, rows[i] is line i + 2
    expect(lines).toEqual(expect.arrayContaining([4, 6, 8]))
    expect(res.json.error.details.errorCount).toBe(3)
    for (const e of res.json.error.details.errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]/)
    expect(await rowCounts(c.id)).toEqual(before)
  })

  it('refuses a missing required column, an empty file, an unknown type and an unreadable XLSX, storing nothing', async () => {
    const c = await createCommunity(h, admin)
    const before = await rowCounts(c.id)
    const noArea = toCsv([['楼栋', '房号', '面积来源', '业主姓名', '证件号码'], ['1栋', '101', '合同', '甲', idNumber(1)]])
    const r1 = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: noArea, headers: { 'content-type': 'text/csv' } })
    expect(r1.status).toBe(422)
    expect(r1.json.error.details.errors[0]).toMatchObject({ line: 1, column: '专有部分面积', code: 'missing_column' })
    const r2 = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: toCsv([[...HEADERS]]), headers: { 'content-type': 'text/csv' } })
    expect(r2.status).toBe(422)
    expect(r2.json.error.code).toBe('ROSTER_EMPTY')
    const r3 = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: 'hello', headers: { 'content-type': 'text/plain' } })
    expect(r3.status).toBe(415)
    expect(r3.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    const r4 = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: new Uint8Array([1, 2, 3, 4]), headers: { 'content-type': XLSX_TYPE } })
    expect(r4.status).toBe(422)
    expect(r4.json.error.code).toBe('SPREADSHEET_UNREADABLE')
    const r5 = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, json: { rows: 'nope' } })
    expect(r5.status).toBe(400)
    expect(r5.json.error.code).toBe('VALIDATION_FAILED')
    expect(await rowCounts(c.id)).toEqual(before)
  })

  it('re-import makes a new version, reports the difference, and ends bindings to owners no longer listed', async () => {
    const s = await setupCommunity(h, { units: 6 })
    const rows = simpleRoster(6)
    // flat 1 (the bound owner's) is sold to someone else; flat 2 re-measured; flat 6 removed; flat 7 added
    rows[0] = { ...rows[0]!, 业主姓名: '新业主', 证件号码: idNumber(777) }
    rows[1] = { ...rows[1]!, 专有部分面积: '90.00' }
    rows.pop()
    rows.push(...simpleRoster(1, { start: 7 }))
    const res = await importRosterJson(h, s.admin, s.community.id, rows)
    expect(res.status).toBe(201)
    expect(res.json.version).toBe(2)
    expect(res.json.diff).toMatchObject({
      previousVersion: 1,
      unitsAdded: [expect.stringContaining('1007')],
      unitsRemoved: [expect.stringContaining('1006')],
      areaChanged: [{ unitKey: expect.stringContaining('1002'), from: '88.50', to: '90.00', fromE4: 885000, toE4: 900000 }],
      ownersChanged: [expect.stringContaining('1001')],
    })
    expect(res.json.bindingsEnded).toBe(1)
    const mine = await h.request('GET', '/api/me/bindings', { token: s.owner })
    expect(mine.json.bindings[0]).toMatchObject({ status: 'ended' })
    const me = await h.request('GET', '/api/me', { token: s.owner })
    expect(me.json.communities).toEqual([])
    const versions = await h.request('GET', `/api/communities/${s.community.id}/roster/versions`, { token: s.committee })
    expect(versions.json.versions.map((v: { version: number }) => v.version)).toEqual([2, 1])
  })

  it('lists units with owners, phones masked even for the committee', async () => {
    const c = await createCommunity(h, admin)
    const rows = simpleRoster(3)
    rows[0]!.手机号 = '13912345678'
    await importRosterJson(h, admin, c.id, rows)
    const res = await h.request('GET', `/api/communities/${c.id}/roster/units?pageSize=2`, { token: admin })
    expect(res.status).toBe(200)
    expect(res.json.total).toBe(3)
    expect(res.json.units).toHaveLength(2)
    expect(res.json.units[0].owners[0]).toMatchObject({ name: '业主1', phoneMasked: '139****5678' })
    expect(res.text).not.toContain('13912345678')
    const bad = await h.request('GET', `/api/communities/${c.id}/roster/units?pageSize=100000`, { token: admin })
    expect(bad.status).toBe(400)
  })

  it('publishes the template as CSV and XLSX, and the template itself is refused as a real roster', async () => {
    const csv = await h.request('GET', '/api/roster/template.csv')
    expect(csv.status).toBe(200)
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(HEADERS.join(','))
    const xlsx = await h.app.request('/api/roster/template.xlsx')
    expect(xlsx.headers.get('content-type')).toBe(XLSX_TYPE)
    const c = await createCommunity(h, admin)
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: new Uint8Array(await xlsx.arrayBuffer()), headers: { 'content-type': XLSX_TYPE } })
    expect(res.status).toBe(422)
    expect(JSON.stringify(res.json.error.details.errors)).toContain('example_row')
  })

  it('refuses an oversized upload with 413', async () => {
    const c = await createCommunity(h, admin)
    const big = 'x'.repeat(26 * 1024 * 1024)
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: big, headers: { 'content-type': 'text/csv' } })
    expect(res.status).toBe(413)
    expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('a 20,000-unit XLSX imports in one transaction; the same file with one bad row imports nothing and names it', async () => {
    const c = await createCommunity(h, admin)
    // areas as registers give them, up to four decimals: 60.0000 … 149.9999
    const rows = simpleRoster(20_000, { area: (i) => `${60 + (i % 90)}.${String(i % 10_000).padStart(4, '0')}` })
    const bad = rows.map((r) => ({ ...r }))
    bad[15_000]!.专有部分面积 = '-3'
    const badRes = await h.request('POST', `/api/communities/${c.id}/roster`, {
      token: admin,
      body: writeXlsx([{ name: '业主名册', rows: asTable(bad) }]),
      headers: { 'content-type': XLSX_TYPE },
    })
    expect(badRes.status).toBe(422)
    expect(badRes.json.error.details.errors).toEqual([expect.objectContaining({ line: 15_002, column: '专有部分面积' })])
    const [{ n: none } = { n: -1 }] = await h.db.select({ n: count() }).from(rosterUnits).where(eq(rosterUnits.communityId, c.id))
    expect(none).toBe(0)

    const started = Date.now()
    const res = await h.request('POST', `/api/communities/${c.id}/roster`, {
      token: admin,
      body: writeXlsx([{ name: '业主名册', rows: asTable(rows) }]),
      headers: { 'content-type': XLSX_TYPE },
    })
    const ms = Date.now() - started
    expect(res.status).toBe(201)
    // exact, by strings: the whole metres and the ten-thousandths added separately
    const expectedE4 = rows.reduce((s, r) => s + Number(r.专有部分面积!.replace('.', '')), 0)
    expect(res.json).toMatchObject({ unitCount: 20_000, voterCount: 20_000, totalAreaE4: expectedE4, totalArea: `${Math.floor(expectedE4 / 10_000)}.${String(expectedE4 % 10_000).padStart(4, '0')}` })
    const [{ n } = { n: 0 }] = await h.db.select({ n: count() }).from(rosterUnits).where(eq(rosterUnits.communityId, c.id))
    expect(n).toBe(20_000)
    console.log(`[roster] 20,000-unit XLSX import: ${ms} ms`)
  }, 180_000)
})

describe('the audit log', () => {
  it('records imports in the same transaction and refuses UPDATE and DELETE', async () => {
    const c = await createCommunity(h, admin)
    await importRosterJson(h, admin, c.id, simpleRoster(2))
    const res = await h.request('GET', `/api/communities/${c.id}/audit`, { token: admin })
    expect(res.json.entries.map((e: { action: string }) => e.action)).toEqual(['roster.imported', 'community.created'])
    const refusal = async (q: Promise<unknown>) => {
      const e = await q.then(() => null, (err: Error & { cause?: Error }) => err)
      return String(e?.cause?.message ?? e?.message)
    }
    expect(await refusal(h.db.execute(sql`update audit_log set action = 'x' where community_id = ${c.id}`))).toMatch(/append-only/)
    expect(await refusal(h.db.execute(sql`delete from audit_log where community_id = ${c.id}`))).toMatch(/append-only/)
    const still = await h.request('GET', `/api/communities/${c.id}/audit`, { token: admin })
    expect(still.json.entries).toHaveLength(2)
  })
})

describe('bindings', () => {
  it('a mismatch waits for review; approval names the roster owner; rejection gives a reason', async () => {
    const s = await setupCommunity(h, { units: 4 })
    const applicant = await h.login(newPhone())
    const row = s.rows[1]!
    const claim = { name: '业主2的女儿', idNumber: idNumber(4242), building: row.楼栋, unit: row.单元, room: row.房号 }
    const pending = await h.request('POST', `/api/communities/${s.community.id}/bindings`, { token: applicant.accessToken, json: claim })
    expect(pending.status).toBe(201)
    expect(pending.json.status).toBe('pending')
    const dup = await h.request('POST', `/api/communities/${s.community.id}/bindings`, { token: applicant.accessToken, json: claim })
    expect(dup.status).toBe(409)
    expect(dup.json.error.code).toBe('BINDING_DUPLICATE')
    const list = await h.request('GET', `/api/communities/${s.community.id}/bindings?status=pending`, { token: s.committee })
    const item = list.json.bindings.find((b: { id: string }) => b.id === pending.json.id)
    expect(item).toMatchObject({ claimedName: '业主2的女儿', claimedIdLast4: idNumber(4242).slice(-4), rosterOwners: [expect.objectContaining({ name: '业主2' })] })
    const wrongOwner = await h.request('POST', `/api/bindings/${pending.json.id}/approve`, { token: s.committee, json: { ownerId: 'nope' } })
    expect(wrongOwner.status).toBe(422)
    const approved = await h.request('POST', `/api/bindings/${pending.json.id}/approve`, { token: s.committee, json: { ownerId: item.rosterOwners[0].id } })
    expect(approved.json.status).toBe('verified')
    const twice = await h.request('POST', `/api/bindings/${pending.json.id}/reject`, { token: s.committee, json: { reason: '重复处理' } })
    expect(twice.status).toBe(409)
    const me = await h.request('GET', '/api/me', { token: applicant.accessToken })
    expect(me.json.communities).toEqual([expect.objectContaining({ communityId: s.community.id, roles: ['owner'] })])

    const other = await h.login(newPhone())
    const p2 = await h.request('POST', `/api/communities/${s.community.id}/bindings`, { token: other.accessToken, json: { ...claim, name: '路人' } })
    const rejected = await h.request('POST', `/api/bindings/${p2.json.id}/reject`, { token: s.committee, json: { reason: '与名册不符，请携带房产证到物业核验' } })
    expect(rejected.json).toMatchObject({ status: 'rejected', reason: '与名册不符，请携带房产证到物业核验' })
  })

  it('refuses a unit not on the roster, an invalid ID, and a community without a roster', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const u = await h.login(newPhone())
    const nowhere = await h.request('POST', `/api/communities/${s.community.id}/bindings`, { token: u.accessToken, json: { name: '甲', idNumber: idNumber(1), building: '99栋', room: '9999' } })
    expect(nowhere.status).toBe(422)
    expect(nowhere.json.error.code).toBe('UNIT_NOT_IN_ROSTER')
    const badId = await h.request('POST', `/api/communities/${s.community.id}/bindings`, { token: u.accessToken, json: { name: '甲', idNumber: '110101199001011234', building: '1栋', room: '1001' } })
    expect(badId.status).toBe(400)
    const empty = await createCommunity(h, s.admin)
    const noRoster = await h.request('POST', `/api/communities/${empty.id}/bindings`, { token: u.accessToken, json: { name: '甲', idNumber: idNumber(1), building: '1栋', room: '1001' } })
    expect(noRoster.status).toBe(409)
    expect(noRoster.json.error.code).toBe('ROSTER_NOT_IMPORTED')
    const stored = await h.db.select({ n: count() }).from(bindings).where(and(eq(bindings.userId, u.userId)))
    expect(stored[0]!.n).toBe(0)
  })

  it('an owner revokes their own binding; someone else cannot, and learns nothing', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const mine = await h.request('GET', '/api/me/bindings', { token: s.owner })
    const bid = mine.json.bindings[0].id
    const stranger = await h.login(newPhone())
    const theirs = await h.request('DELETE', `/api/me/bindings/${bid}`, { token: stranger.accessToken })
    expect(theirs.status).toBe(404)
    const revoked = await h.request('DELETE', `/api/me/bindings/${bid}`, { token: s.owner })
    expect(revoked.json.status).toBe('revoked')
    const me = await h.request('GET', '/api/me', { token: s.owner })
    expect(me.json.communities).toEqual([])
  })

  it('limits binding attempts per account (each is a guess at an ID number)', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const guesser = await h.login(newPhone())
    let last = 0
    for (let i = 0; i < 11; i++) {
      const r = await h.request('POST', `/api/communities/${s.community.id}/bindings`, {
        token: guesser.accessToken,
        json: { name: '业主2', idNumber: idNumber(6000 + i), building: '1栋', unit: '1单元', room: String(1002 + (i % 2 === 0 ? 0 : 99)) },
      })
      last = r.status
    }
    expect(last).toBe(429)
  })

  it('keeps areas as registered (95.363, 120.1234), sums them exactly, and refuses a fifth decimal naming the row', async () => {
    const c = await createCommunity(h, admin)
    const rows = simpleRoster(3)
    rows[0] = { ...rows[0]!, 专有部分面积: '95.363' }
    rows[1] = { ...rows[1]!, 专有部分面积: '120.1234' }
    // 88.50 (the third) stays as written, two decimals
    const csv = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: toCsv(asTable(rows)), headers: { 'content-type': 'text/csv; charset=utf-8' } })
    expect(csv.status).toBe(201)
    expect(csv.json).toMatchObject({ unitCount: 3, totalArea: '303.9864', totalAreaE4: 953630 + 1201234 + 885000 })
    const units = await h.request('GET', `/api/communities/${c.id}/roster/units`, { token: admin })
    expect(units.json.units.map((u: { area: string; areaE4: number }) => [u.area, u.areaE4])).toEqual([
      ['95.363', 953630],
      ['120.1234', 1201234],
      ['88.50', 885000],
    ])
    const [stored] = await h.db.select({ e4: rosterUnits.areaE4, scale: rosterUnits.areaScale }).from(rosterUnits).where(and(eq(rosterUnits.communityId, c.id), eq(rosterUnits.areaE4, 953630)))
    expect(stored).toEqual({ e4: 953630, scale: 3 })

    // the same through XLSX, and a re-import reports a change at the third decimal
    const changed = rows.map((r) => ({ ...r }))
    changed[0]!.专有部分面积 = '95.364'
    const xlsx = await h.request('POST', `/api/communities/${c.id}/roster`, { token: admin, body: writeXlsx([{ name: '业主名册', rows: asTable(changed) }]), headers: { 'content-type': XLSX_TYPE } })
    expect(xlsx.status).toBe(201)
    expect(xlsx.json).toMatchObject({ totalArea: '303.9874', diff: { areaChanged: [{ from: '95.363', to: '95.364', fromE4: 953630, toE4: 953640 }] } })

    const before = await rowCounts(c.id)
    const bad = rows.map((r) => ({ ...r }))
    bad[2]!.专有部分面积 = '88.12345'
    const refused = await importRosterJson(h, admin, c.id, bad)
    expect(refused.status).toBe(422)
    expect(refused.json.error.details.errors).toEqual([
      { line: 3, column: '专有部分面积', code: 'area_precision', message: '第3行 专有部分面积“88.12345”有5位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）' },
    ])
    expect(await rowCounts(c.id)).toEqual(before)
  })
})
