import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { XLSX_TYPE } from '../../worker/lib/download'
import { adminToken, createCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { badRowsCsv, declaredSize, emptySharedStrings, patchEntry, rosterXlsx, unclosedRows, zipBomb } from '../helpers/hostile-files'

let h: Harness
let admin: string
let cid: string
beforeAll(async () => {
  h = await startHarness()
  admin = await adminToken(h)
  cid = (await createCommunity(h, admin)).id
})
afterAll(async () => {
  await h?.close()
})

/**
 * Uploads a file and, while it is being read, asks /health again and again: the slowest answer
 * says how long the upload held other requests.
 */
async function uploadWatchingHealth(body: Uint8Array, type: string) {
  const started = performance.now()
  let done = false
  const upload = h.request('POST', `/api/communities/${cid}/roster`, { token: admin, body, headers: { 'content-type': type } }).finally(() => {
    done = true
  })
  let slowest = 0
  let probes = 0
  while (!done) {
    // a request arrives by I/O, after the upload's pending turn (in-process requests would
    // otherwise run on microtasks alone and never let the upload go on)
    await new Promise((resolve) => setImmediate(resolve))
    const t = performance.now()
    const res = await h.request('GET', '/health')
    expect(res.status).toBe(200)
    slowest = Math.max(slowest, performance.now() - t)
    probes++
  }
  const res = await upload
  return { res, ms: performance.now() - started, slowest, probes }
}

// The reader yields after every 64 KB of work (a few ms); this bound is generous because the test
// machine is shared (an idle event loop there already sees 90 ms gaps). npm run bench reports the real numbers.
const HEALTH_MS = 1000

describe('hostile uploads are refused with a reason, quickly, without holding other requests', () => {
  it('a zip bomb declaring 10 KB that inflates to 200 MB: refused as damaged at the 10,001st byte', async () => {
    const { res, ms, slowest } = await uploadWatchingHealth(zipBomb(200, 10_000), XLSX_TYPE)
    expect(res.status).toBe(422)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_UNREADABLE', details: { reason: 'unreadable' } })
    expect(res.json.error.message).toContain('文件已损坏')
    expect(ms).toBeLessThan(5000)
    expect(slowest).toBeLessThan(HEALTH_MS)
  })

  it('a zip bomb declaring its true 200 MB: refused before inflating, as too large (413)', async () => {
    const { res, ms } = await uploadWatchingHealth(zipBomb(200), XLSX_TYPE)
    expect(res.status).toBe(413)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_TOO_LARGE', details: { reason: 'too_large' } })
    expect(res.json.error.message).toMatch(/解压后过大/)
    expect(ms).toBeLessThan(5000)
  })

  it('a zip bomb declaring 60 MB (inside the limit): read in slices, stopped by the row limit long before', async () => {
    const { res, slowest, probes } = await uploadWatchingHealth(zipBomb(200, 60 * 1024 * 1024), XLSX_TYPE)
    expect(res.status).toBe(413)
    expect(res.json.error.message).toContain('表格超过 50000 行')
    // it took long enough to be watched, and /health kept answering
    expect(probes).toBeGreaterThan(1)
    expect(slowest).toBeLessThan(HEALTH_MS)
  })

  it('a real roll whose sheet declares half its size (which once read 2 of 50 rows) is refused, not shortened', async () => {
    const bytes = rosterXlsx(50)
    const sheet = 'xl/worksheets/sheet1.xml'
    const res = await h.request('POST', `/api/communities/${cid}/roster`, { token: admin, body: patchEntry(bytes, sheet, { size: Math.floor(declaredSize(bytes, sheet) / 2) }), headers: { 'content-type': XLSX_TYPE } })
    expect(res.status).toBe(422)
    expect(res.json.error.message).toContain('文件已损坏')
    // the unpatched file imports
    const ok = await h.request('POST', `/api/communities/${cid}/roster`, { token: admin, body: bytes, headers: { 'content-type': XLSX_TYPE } })
    expect(ok.status).toBe(201)
    expect(ok.json.unitCount).toBe(50)
  })

  it('a CRC-32 mismatch is refused', async () => {
    const res = await h.request('POST', `/api/communities/${cid}/roster`, { token: admin, body: patchEntry(rosterXlsx(5), 'xl/worksheets/sheet1.xml', { crc: 0x12345678 }), headers: { 'content-type': XLSX_TYPE } })
    expect(res.status).toBe(422)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_UNREADABLE', message: expect.stringContaining('校验失败') })
  })

  it('40,000 unclosed <row> tags read in one linear pass (an empty table)', async () => {
    const { res, ms } = await uploadWatchingHealth(unclosedRows(), XLSX_TYPE)
    expect(res.status).toBe(422)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_UNREADABLE', details: { reason: 'empty' }, message: '表格是空的' })
    expect(ms).toBeLessThan(3000)
  })

  it('3 million empty shared strings: refused at the limit', async () => {
    const { res, ms, slowest } = await uploadWatchingHealth(emptySharedStrings(), XLSX_TYPE)
    expect(res.status).toBe(413)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_TOO_LARGE', message: expect.stringContaining('共享字符串') })
    expect(ms).toBeLessThan(8000)
    expect(slowest).toBeLessThan(HEALTH_MS)
  })

  it('a CSV of 10⁶ bad rows: refused at the row limit, with a small answer', async () => {
    const { res, ms, slowest } = await uploadWatchingHealth(badRowsCsv(), 'text/csv')
    expect(res.status).toBe(413)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_TOO_LARGE', message: expect.stringContaining('50000 行') })
    expect(res.text.length).toBeLessThan(2000)
    expect(ms).toBeLessThan(8000)
    expect(slowest).toBeLessThan(HEALTH_MS)
  })

  it('a legacy .xls (OLE2) is asked to be saved as .xlsx, whatever type it is sent as', async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)])
    for (const type of ['application/vnd.ms-excel', XLSX_TYPE, 'text/csv']) {
      const res = await h.request('POST', `/api/communities/${cid}/roster`, { token: admin, body: ole, headers: { 'content-type': type } })
      expect(res.status).toBe(422)
      expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_UNREADABLE', details: { reason: 'legacy_xls' } })
      expect(res.json.error.message).toContain('另存为” .xlsx')
    }
  })
})
