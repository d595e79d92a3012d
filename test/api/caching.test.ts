/**
 * Read paths with caching (issue 17): what never changes once it exists — a published result and
 * what is derived from it, a notice's QR image — has a strong ETag and Cache-Control immutable; a
 * hit or a 304 does no database work (proved by closing the database and still being answered);
 * what changes (a notice corrected) is visible at once, because nothing mutable is cached.
 *
 * Public pages that can change (the notice page, the fees page, the board, a result page) are kept
 * for anonymous visitors until a write to their compound answers (worker/lib/page-cache.ts): a
 * repeat view does no database work, a change shows on the next view, a browser revalidates to 304.
 */
import { describe, expect, it } from 'vitest'
import { IMMUTABLE, immutableCacheStats } from '../../worker/lib/http-cache'
import { PAGE_CACHE_CONTROL, PAGE_TTL_MS, pageCacheStats } from '../../worker/lib/page-cache'
import { announcedPoll, firmServingCommunity, setupCommunity } from '../helpers/fixtures'
import { eq } from 'drizzle-orm'
import { notices } from '../../drizzle/schema'
import { onPrivateDatabase, type Harness } from '../helpers/harness'

let h: Harness
// a database of its own: the last test closes it to show that hits never reach it
onPrivateDatabase((x) => (h = x))

const STRONG_ETAG = /^"[0-9a-f]{32}"$/

describe('immutable answers', () => {
  let pid: string
  let code: string
  let resultBody: string
  let resultEtag: string

  it('a result is not cached before it is published, and is the moment it is: strong ETag, immutable, 304 on revalidation', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    pid = p.id
    const early = await h.request('GET', `/api/polls/${pid}/result`)
    expect(early.status).toBe(409)
    expect(early.json.error.code).toBe('RESULT_NOT_PUBLISHED')
    expect((await h.request('POST', `/api/polls/${pid}/ballots`, { token: s.owner, json: { choice: 'agree' } })).status).toBe(201)
    h.clock.advance(2 * 3_600_000)
    const committee = (await h.login(s.committeePhone)).accessToken
    expect((await h.request('POST', `/api/polls/${pid}/close`, { token: committee })).status).toBe(200)

    const first = await h.request('GET', `/api/polls/${pid}/result`)
    expect(first.status).toBe(200)
    resultEtag = first.headers.get('etag')!
    resultBody = first.text
    expect(resultEtag).toMatch(STRONG_ETAG)
    expect(first.headers.get('cache-control')).toBe(IMMUTABLE)

    const before = { ...immutableCacheStats }
    const revalidated = await h.request('GET', `/api/polls/${pid}/result`, { headers: { 'if-none-match': `"other", ${resultEtag}` } })
    expect(revalidated.status).toBe(304)
    expect(revalidated.text).toBe('')
    expect(revalidated.headers.get('etag')).toBe(resultEtag)
    const again = await h.request('GET', `/api/polls/${pid}/result`, { headers: { 'if-none-match': '"stale"' } })
    expect(again.status).toBe(200)
    expect(again.text).toBe(resultBody)
    expect(again.headers.get('content-type')).toMatch(/application\/json/)
    expect(immutableCacheStats.misses).toBe(before.misses)
    expect(immutableCacheStats.notModified).toBe(before.notModified + 1)

    const csv = await h.request('GET', `/api/polls/${pid}/tally.csv`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('etag')).toMatch(STRONG_ETAG)
    expect(csv.headers.get('content-disposition')).toMatch(/attachment/)
    expect((await h.request('GET', `/api/polls/${pid}/tally.csv`)).headers.get('content-disposition')).toMatch(/attachment/)
  })

  it('a notice’s QR images are immutable; a correction is visible at once (the board and the old page show the new version)', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '停水通知', body: '11月25日停水。' } })
    expect(posted.status).toBe(201)
    code = posted.json.code
    for (const kind of ['svg', 'png']) {
      const qr = await h.request('GET', `/api/notices/${code}/qr.${kind}`)
      expect(qr.status).toBe(200)
      expect(qr.headers.get('etag')).toMatch(STRONG_ETAG)
      expect(qr.headers.get('cache-control')).toBe(IMMUTABLE)
      const again = await h.request('GET', `/api/notices/${code}/qr.${kind}`, { headers: { 'if-none-match': qr.headers.get('etag')! } })
      expect(again.status).toBe(304)
    }
    const fixed = await h.request('POST', `/api/notices/${posted.json.id}/corrections`, { token: s.committee, json: { title: '停水通知（更正）', body: '11月26日停水。' } })
    expect(fixed.status).toBe(201)
    const board = await h.request('GET', `/api/communities/${s.community.id}/notices`)
    expect(board.json.notices.map((n: { id: string }) => n.id)).toEqual([fixed.json.id])
    const oldPage = await h.request('GET', `/n/${code}`)
    expect(oldPage.text).toContain(`/n/${fixed.json.code}`)
    expect((await h.request('GET', `/api/notices/${fixed.json.code}`)).json.title).toBe('停水通知（更正）')
    const newQr = await h.request('GET', `/api/notices/${fixed.json.code}/qr.svg`)
    expect(newQr.status).toBe(200)
  })

  let feesPath: string
  let noticePath: string
  let resultPagePath: string
  it('a public page is kept for visitors: the repeat is a hit with the same body and a strong ETag, 304 on revalidation; signed-in visitors are never served from it', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '电梯检修', body: '12月1日检修。' } })
    noticePath = `/n/${posted.json.code}`
    const first = await h.request('GET', noticePath)
    expect(first.status).toBe(200)
    expect(first.headers.get('etag')).toMatch(STRONG_ETAG)
    expect(first.headers.get('cache-control')).toBe(PAGE_CACHE_CONTROL)
    const before = { ...pageCacheStats }
    const second = await h.request('GET', noticePath)
    expect(second.text).toBe(first.text)
    expect(second.headers.get('content-type')).toMatch(/text\/html/)
    expect(pageCacheStats.hits).toBe(before.hits + 1)
    const revalidated = await h.request('GET', noticePath, { headers: { 'if-none-match': first.headers.get('etag')! } })
    expect(revalidated.status).toBe(304)
    expect(revalidated.text).toBe('')
    const signedIn = await h.request('GET', noticePath, { headers: { cookie: 'gy_at=whatever' } })
    expect(signedIn.status).toBe(200)
    expect(pageCacheStats.hits).toBe(before.hits + 2)
    // the 大字 switch is part of what a visitor sees, so part of the key
    const big = await h.request('GET', noticePath, { headers: { cookie: 'gy_big=1' } })
    expect(big.text).not.toBe(first.text)
    expect(pageCacheStats.misses).toBe(before.misses + 1)
  })

  it('a kept page or result is sent from memory before the rest of the app, with the headers the whole app gave it and its own request id', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '绿化修剪', body: '周六修剪。' } })
    const path = `/n/${posted.json.code}`
    const first = await h.request('GET', path)
    expect(first.status).toBe(200)
    const before = { ...pageCacheStats }
    const again = await h.request('GET', path, { headers: { 'x-request-id': 'kept-page-check' } })
    expect(pageCacheStats.early).toBe(before.early + 1)
    expect(again.text).toBe(first.text)
    expect(again.headers.get('x-request-id')).toBe('kept-page-check')
    const perRequest = new Set(['x-request-id', 'date', 'content-length', 'connection', 'keep-alive'])
    const headersOf = (r: { headers: Headers }) => [...r.headers].filter(([k]) => !perRequest.has(k)).sort()
    expect(headersOf(again)).toEqual(headersOf(first))
    expect(again.headers.get('content-security-policy')).toContain("default-src 'none'")
    const notModified = await h.request('GET', path, { headers: { 'if-none-match': first.headers.get('etag')! } })
    expect(notModified.status).toBe(304)
    expect(notModified.headers.get('x-frame-options')).toBe(first.headers.get('x-frame-options'))
    expect(pageCacheStats.early).toBe(before.early + 2)
    // a published result (immutable) likewise
    const result = `/api/polls/${pid}/result`
    const firstResult = await h.request('GET', result)
    const early = immutableCacheStats.early
    const againResult = await h.request('GET', result)
    expect(immutableCacheStats.early).toBe(early + 1)
    expect(againResult.text).toBe(firstResult.text)
    expect(headersOf(againResult)).toEqual(headersOf(firstResult))
  })

  it('a view never updates a shared row: each device is counted once a day by an insert, and a view served from memory still counts a new device', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '停车新规', body: '自12月起施行。' } })
    const path = `/n/${posted.json.code}`
    const rowsBefore = await h.db.select().from(notices).where(eq(notices.id, posted.json.id))
    for (const ip of ['10.9.0.1', '10.9.0.1', '10.9.0.2', '10.9.0.3', '10.9.0.3']) expect((await h.request('GET', path, { ip })).status).toBe(200)
    const scans = await h.request('GET', `/api/notices/${posted.json.id}/scans`, { token: s.committee })
    expect(scans.json.scans.map((d: { count: number }) => d.count)).toEqual([3])
    // the notice row itself is untouched by views (no counter on it)
    expect(await h.db.select().from(notices).where(eq(notices.id, posted.json.id))).toEqual(rowsBefore)
  })

  it('a change shows on the next view: a notice corrected, fees changed; a write elsewhere leaves the page kept; the time bound ends a page no write touched', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const other = await setupCommunity(h, { units: 2 })
    const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, { token: s.committee, json: { kind: 'general', title: '绿化修剪', body: '本周六修剪。' } })
    const path = `/n/${posted.json.code}`
    const board = `/h5/c/${s.community.id}`
    expect((await h.request('GET', path)).text).not.toContain('本公告已被更正')
    expect((await h.request('GET', board)).text).toContain('绿化修剪')
    // a write to another compound: still a hit
    const hits = pageCacheStats.hits
    expect((await h.request('POST', `/api/communities/${other.community.id}/notices`, { token: other.committee, json: { kind: 'general', title: '别处通知', body: '无关。' } })).status).toBe(201)
    expect((await h.request('GET', path)).status).toBe(200)
    expect(pageCacheStats.hits).toBe(hits + 1)

    const fixed = await h.request('POST', `/api/notices/${posted.json.id}/corrections`, { token: s.committee, json: { title: '绿化修剪（改期）', body: '改为周日修剪。' } })
    expect(fixed.status).toBe(201)
    expect((await h.request('GET', path)).text).toContain(`/n/${fixed.json.code}`)
    expect((await h.request('GET', board)).text).toContain('绿化修剪（改期）')

    feesPath = `/h5/c/${s.community.id}/fees`
    expect((await h.request('GET', feesPath)).text).toContain('没有在合同期内的物业服务企业')
    const firm = await firmServingCommunity(h, s, 71)
    const fee = { item: '物业服务费', payer: '业主', basis: 'per_m2_month', rateFen: 180, startsOn: '2026-01-01', regime: 'market' }
    expect((await h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token: firm.token, json: fee })).status).toBe(201)
    expect((await h.request('GET', feesPath)).text).toContain('1.80 元/㎡·月')
    expect((await h.request('POST', `/api/communities/${s.community.id}/fee-items`, { token: firm.token, json: { ...fee, item: '车位管理费', basis: 'per_vehicle_month', rateFen: 8000 } })).status).toBe(201)
    const changed = await h.request('GET', feesPath)
    expect(changed.text).toContain('车位管理费')

    // nothing written, but the page is older than the bound another instance's write could hide behind
    const misses = pageCacheStats.misses
    expect((await h.request('GET', feesPath)).status).toBe(200)
    expect(pageCacheStats.misses).toBe(misses)
    h.clock.advance(PAGE_TTL_MS)
    expect((await h.request('GET', feesPath)).text).toBe(changed.text)
    expect(pageCacheStats.misses).toBe(misses + 1)
  })

  it('the result page is kept once published', async () => {
    resultPagePath = `/h5/polls/${pid}/result`
    const page = await h.request('GET', resultPagePath)
    expect(page.status).toBe(200)
    const hits = pageCacheStats.hits
    expect((await h.request('GET', resultPagePath)).text).toBe(page.text)
    expect(pageCacheStats.hits).toBe(hits + 1)
  })

  it('a hit and a 304 do no database work: they are answered with the database closed', async () => {
    // the pages are kept for a bounded time on the app's clock, which the tests above moved on
    for (const path of [noticePath, feesPath, resultPagePath]) expect((await h.request('GET', path)).status).toBe(200)
    await h.database.close()
    const hit = await h.request('GET', `/api/polls/${pid}/result`)
    expect(hit.status).toBe(200)
    expect(hit.text).toBe(resultBody)
    expect((await h.request('GET', `/api/polls/${pid}/result`, { headers: { 'if-none-match': resultEtag, authorization: 'Bearer not-checked-on-a-hit' } })).status).toBe(304)
    expect((await h.request('GET', `/api/notices/${code}/qr.png`)).status).toBe(200)
    for (const path of [noticePath, feesPath, resultPagePath]) {
      const page = await h.request('GET', path)
      expect(page.status, path).toBe(200)
      expect((await h.request('GET', path, { headers: { 'if-none-match': page.headers.get('etag')! } })).status, path).toBe(304)
    }
  })
})
