/**
 * Read paths with caching (issue 17): what never changes once it exists — a published result and
 * what is derived from it, a notice's QR image — has a strong ETag and Cache-Control immutable; a
 * hit or a 304 does no database work (proved by closing the database and still being answered);
 * what changes (a notice corrected) is visible at once, because nothing mutable is cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IMMUTABLE, immutableCacheStats } from '../../worker/lib/http-cache'
import { announcedPoll, setupCommunity } from '../helpers/fixtures'
import { openPrivateTestDatabase } from '../helpers/db'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  // a database of its own: the last test closes it to show that hits never reach it
  h = await startHarness({ database: await openPrivateTestDatabase() })
}, 120_000)
afterAll(async () => {
  await h?.close()
  await h?.database.close().catch(() => {})
})

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

  it('a hit and a 304 do no database work: they are answered with the database closed', async () => {
    await h.database.close()
    const hit = await h.request('GET', `/api/polls/${pid}/result`)
    expect(hit.status).toBe(200)
    expect(hit.text).toBe(resultBody)
    expect((await h.request('GET', `/api/polls/${pid}/result`, { headers: { 'if-none-match': resultEtag, authorization: 'Bearer not-checked-on-a-hit' } })).status).toBe(304)
    expect((await h.request('GET', `/api/notices/${code}/qr.png`)).status).toBe(200)
  })
})
