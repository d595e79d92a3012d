/**
 * Areas as registered (issue 13; 《解释》第8条): a register may give 95.363 m² or 120.1234 m². The
 * count uses them exactly, the result and its exports print them as registered, and a result
 * signed before the change (areas in hundredths, `gongyi.poll-result/1`) still verifies and reads
 * as it did.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ballots, pollResults } from '../../drizzle/schema'
import { parseCenti } from '../../shared/decimal'
import { verifyReceipt } from '../../shared/verify-result'
import { signDocument, verifyDocument } from '../../worker/lib/signing'
import { MIGRATIONS_FOLDER, openPglite } from '../../worker/db/node'
import { signingKeys } from '../../worker/services/results/keys'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, bulkOwners, importRosterJson, openWindow, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

/** A community whose flats have the given registered areas; flats 1 and 2 vote agree, then the poll closes. */
async function closedPoll(areas: string[], voting = 2) {
  const s = await setupCommunity(h, { units: areas.length, area: (i) => areas[i - 1]! })
  const others = await bulkOwners(h, s.community.id, s.rows.slice(1, voting))
  const p = await announcedPoll(h, s.community.id, s.committee, openWindow(3000))
  for (const token of [s.owner, ...others.map((o) => o.token)]) {
    const b = await h.request('POST', `/api/polls/${p.id}/ballots`, { token, json: { choice: 'agree' } })
    expect(b.status).toBe(201)
  }
  h.clock.advance(3100)
  const closed = await h.request('POST', `/api/polls/${p.id}/close`, { token: s.committee })
  expect(closed.status).toBe(200)
  return { s, p, closed: closed.json as { document: Record<string, any>; jws: string; merkleRoot: string } }
}

const csvRows = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','))

describe('the count uses areas to the last registered decimal', () => {
  it('two thirds exactly (以上, inclusive) carries the quorum; one ten-thousandth more in the electorate does not', async () => {
    // flats 1 and 2 (200.0000 m²) take part; flat 3 does not. 3·200.0000 ≥ 2·300.0000, but
    // 3·200.0000 < 2·300.0001. In hundredths both electorates would read 300.00: only the fourth
    // decimal decides.
    const at = await closedPoll(['100.0000', '100.0000', '100.0000'])
    expect(at.closed.document).toMatchObject({ outcome: 'passed', areaScale: 4, tally: { quorum: true, total: { area: '300.0000', areaE4: 3_000_000, areaCenti: 30_000 } } })

    const below = await closedPoll(['100.0000', '100.0000', '100.0001'])
    expect(below.closed.document).toMatchObject({
      type: 'gongyi.poll-result/2',
      outcome: 'no_quorum',
      areaScale: 4,
      tally: { quorum: false, participated: { voters: 2, area: '200.0000', areaE4: 2_000_000 }, total: { voters: 3, area: '300.0001', areaE4: 3_000_001 } },
    })
    // heads reached 2/3; the area missed it by one ten-thousandth, and the notice says so
    expect(below.closed.document.summary).toContain('参与表决面积 200.0000/300.0001 平方米，未达三分之二，需 200.0001 平方米。')
    expect(below.closed.document.summary[0]).toBe('参与表决：2/3 人（66.67%），面积 200.0000/300.0001 平方米（66.66%）。')
    expect(below.closed.document.shortfalls).toEqual([expect.objectContaining({ measure: 'area', have: 2_000_000, of: 3_000_001, need: 2_000_001 })])
  })
})

describe('results print areas as registered', () => {
  it('95.363 stays 95.363: in the signed result, the result page, the tally export, the per-voter list and my ballots', async () => {
    const { s, p, closed } = await closedPoll(['95.363', '88.50', '120'])
    const d = closed.document
    expect(d).toMatchObject({
      areaScale: 3,
      tally: { agree: { voters: 2, area: '183.863', areaE4: 1_838_630 }, total: { voters: 3, area: '303.863', areaE4: 3_038_630 } },
    })
    expect(d.summary[0]).toBe('参与表决：2/3 人（66.67%），面积 183.863/303.863 平方米（60.51%）。')
    expect((await verifyDocument(closed.jws, (await h.request('GET', '/.well-known/jwks.json')).json)).payload).toEqual(d)

    const page = await h.request('GET', `/h5/polls/${p.id}/result`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('签名有效')
    expect(page.text).toContain('183.863 / 303.863 ㎡')
    expect(page.text).toContain('303.863')

    const csv = csvRows((await h.request('GET', `/api/polls/${p.id}/tally.csv`)).text)
    const col = csv[0]!.indexOf('专有部分面积（平方米）')
    const item = (name: string) => csv.find((r) => r[2] === name)!
    expect(item('同意')[col]).toBe('183.863')
    expect(item('未投票')[col]).toBe('120.000')
    expect(item('投票权人总数')[col]).toBe('303.863')
    const xlsx = await h.request('GET', `/api/polls/${p.id}/tally.xlsx`)
    expect(xlsx.status).toBe(200)

    const voters = await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })
    expect(voters.json.voters.map((v: { area: string }) => v.area).sort()).toEqual(['120', '88.50', '95.363'])
    // the hundredths replies gave before (areaCenti) stay where they are exact, and only there
    expect(voters.json.voters.map((v: { area: string; areaCenti?: number }) => [v.area, v.areaCenti]).sort()).toEqual([
      ['120', 12_000],
      ['88.50', 8_850],
      ['95.363', undefined],
    ])
    expect(d.tally.agree).not.toHaveProperty('areaCenti')
    expect(d.tally.total).not.toHaveProperty('areaCenti')
    expect(d.tally.oppose).toMatchObject({ areaE4: 0, areaCenti: 0 })
    const votersCsv = (await h.request('GET', `/api/polls/${p.id}/voters.csv`, { token: s.committee })).text
    expect(votersCsv).toContain(',95.363,')
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    expect(mine.json.voters[0]).toMatchObject({ area: '95.363', areaE4: 953_630 })
    const poll = await h.request('GET', `/api/polls/${p.id}`, { token: s.owner })
    expect(poll.json.electorate).toMatchObject({ totalArea: '303.863', totalAreaE4: 3_038_630 })
    expect(poll.json.electorate).not.toHaveProperty('totalAreaCenti')
    const turnout = await h.request('GET', `/api/polls/${p.id}/turnout`, { token: s.owner })
    // 2/3 of 303.863 is 202.575333…: the least registered-precision area reaching it is 202.576
    expect(turnout.json).toMatchObject({ participated: { area: '183.863' }, quorumNeeds: { area: '202.576', areaE4: 2_025_760 } })
  })
})

/** What the same result looked like when signed before areas were kept as registered. */
function asVersion1(doc: Record<string, unknown>): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk)
    if (v === null || typeof v !== 'object') return v
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      const m = /^(.*[aA]rea)E4$/.exec(k)
      if (m) out[`${m[1]}Centi`] = (x as number) / 100
      else if (/[aA]rea$/.test(k) && typeof x === 'string') continue
      else out[k] = walk(x)
    }
    return out
  }
  const { areaScale: _, ...rest } = walk(doc) as Record<string, unknown>
  return { ...rest, type: 'gongyi.poll-result/1' }
}

describe('a result signed before the change (areas in hundredths)', () => {
  it('still verifies, and its page, export and receipts read as they did', async () => {
    const { p, closed } = await closedPoll(['88.50', '88.50', '88.50'])
    const old = asVersion1(closed.document)
    expect(JSON.stringify(old)).not.toContain('areaE4')
    expect(old.tally).toMatchObject({ total: { areaCenti: 26550, voters: 3 }, agree: { areaCenti: 17700, voters: 2 } })
    // stored as it was published then: the row is immutable to the application, so the test
    // writes it the way the 0016 migration did, with triggers off for this transaction only
    const jws = await signDocument(await signingKeys(h.config), old, { issuer: h.config.PUBLIC_BASE_URL, issuedAt: new Date(String(old.closedAt)) })
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`)
      await tx.update(pollResults).set({ document: old, jws }).where(eq(pollResults.pollId, p.id))
    })

    const served = await h.request('GET', `/api/polls/${p.id}/result`)
    expect(served.json.document.type).toBe('gongyi.poll-result/1')
    expect((await verifyDocument(served.json.jws, (await h.request('GET', '/.well-known/jwks.json')).json)).payload).toEqual(old)

    const page = await h.request('GET', `/h5/polls/${p.id}/result`)
    expect(page.text).toContain('签名有效')
    expect(page.text).toContain('177.00 / 265.50 ㎡')
    expect(page.text).not.toContain('签名无效')

    const csv = csvRows((await h.request('GET', `/api/polls/${p.id}/tally.csv`)).text)
    const col = csv[0]!.indexOf('专有部分面积（平方米）')
    expect(csv.find((r) => r[2] === '同意')![col]).toBe('177.00')
    expect(csv.find((r) => r[2] === '投票权人总数')![col]).toBe('265.50')
    // the export alone still adds up: the 明细 rows make the electorate
    const detail = csv.filter((r) => r[1] === '明细')
    expect(detail.reduce((s, r) => s + parseCenti(r[col]!)!, 0)).toBe(26550)

    // a receipt checks against the old document's root, on the server and offline
    const [{ receipt } = { receipt: '' }] = await h.db.select({ receipt: ballots.receipt }).from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.current, true)))
    const proof = await h.request('GET', `/api/polls/${p.id}/proof/${receipt}`)
    const signed = old.ballots as { merkleRoot: string; treeSize: number }
    expect(await verifyReceipt({ leaf: proof.json.leaf, proof: proof.json.proof, root: signed.merkleRoot, treeSize: signed.treeSize })).toBe(true)
    expect((await h.request('GET', `/h5/polls/${p.id}/result?receipt=${receipt}`)).text).toContain('核验通过')
  })
})

describe('migration 0019_areas_as_registered', () => {
  it('converts areas held in hundredths (units, voters, versions, their diffs, frozen poll electorates) to ten-thousandths with two decimals', async () => {
    const d = await openPglite()
    await d.migrate()
    const h2 = await startHarness({ database: d })
    const s = await setupCommunity(h2, { units: 3 })
    const rows = s.rows.map((r) => ({ ...r }))
    rows[1]!.专有部分面积 = '90.00'
    expect((await importRosterJson(h2, s.admin, s.community.id, rows)).status).toBe(201)
    const p = await announcedPoll(h2, s.community.id, s.committee)
    // as the release before left them: areas in hundredths, no scale, diffs in hundredths
    const tables = [['roster_units', 'area'], ['roster_voters', 'area'], ['poll_voters', 'area'], ['roster_versions', 'total_area'], ['polls', 'total_area']] as const
    await d.client.exec(
      tables
        .map(([t, c]) => `alter table ${t} add column ${c}_centi bigint; update ${t} set ${c}_centi = ${c}_e4 / 100; alter table ${t} drop column ${c}_e4, drop column area_scale;`)
        .join('\n') +
        `update roster_versions set diff = jsonb_set(diff, '{areaChanged}', '[{"unitKey":"1栋|1单元|1002","fromCenti":8850,"toCenti":9000}]') where diff is not null;`,
    )
    for (const q of readFileSync(join(MIGRATIONS_FOLDER, '0019_areas_as_registered.sql'), 'utf8').split('--> statement-breakpoint')) await d.client.exec(q)

    const units = rowsOf<{ area_e4: string | number; area_scale: number }>(await d.db.execute(sql`select area_e4, area_scale from roster_units where community_id = ${s.community.id} order by unit_key, roster_version_id`))
    expect(units.map((u) => [Number(u.area_e4), u.area_scale]).sort()).toEqual([[885000, 2], [885000, 2], [885000, 2], [885000, 2], [885000, 2], [900000, 2]].sort())
    const versions = await h2.request('GET', `/api/communities/${s.community.id}/roster/versions`, { token: s.admin })
    expect(versions.json.versions[0]).toMatchObject({ totalArea: '267.00', totalAreaE4: 2_670_000, diff: { areaChanged: [{ unitKey: '1栋|1单元|1002', from: '88.50', to: '90.00', fromE4: 885000, toE4: 900000 }] } })
    const poll = await h2.request('GET', `/api/polls/${p.id}`, { token: s.owner })
    expect(poll.json.electorate).toMatchObject({ totalArea: '267.00', totalAreaE4: 2_670_000 })
    const mine = await h2.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })
    expect(mine.json.voters[0]).toMatchObject({ area: '88.50', areaE4: 885000 })
    await h2.close()
    await d.close()
  }, 180_000)
})
