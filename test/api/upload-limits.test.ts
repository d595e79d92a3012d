import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { XLSX_TYPE } from '../../worker/lib/download'
import { adminToken, createCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { watchEventLoop } from '../helpers/loop-watch'
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
 * Uploads a file while a client asks /health/live (no database) every 5 ms: each answer's latency
 * counts from when it was due, so time the loop was held before the probe could even be sent is
 * counted too. The loop watch gives the longest hold in wall time and in this thread's CPU time.
 */
async function uploadWatchingHealth(body: Uint8Array | string, type: string, path = `/api/communities/${cid}/roster`) {
  const started = performance.now()
  let done = false
  const loop = watchEventLoop()
  const upload = h.request('POST', path, { token: admin, body, headers: { 'content-type': type } }).finally(() => {
    done = true
  })
  let slowest = 0
  let probes = 0
  while (!done) {
    const due = performance.now() + 5
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (done) break
    const res = await h.request('GET', '/health/live')
    expect(res.status).toBe(200)
    slowest = Math.max(slowest, performance.now() - due)
    probes++
  }
  const res = await upload
  const held = loop.stop()
  return { res, ms: performance.now() - started, slowest, probes, held }
}

/**
 * The goal is at most about 100 ms at a time (issue 12): the work goes in slices of a few ms
 * (worker/lib/pace.ts; 200-row INSERTs, as PGlite runs each statement on this thread). Bounds for
 * a loaded 2-core CI machine: 250 ms of this thread's CPU time in any one hold (what the code
 * controls), and 1.5 s of wall time for /health/live (on this machine at load ~15 the OS alone
 * stretches a 30 ms slice to 0.5–1 s; the code before this bound held it 2–25 s).
 * test/bench/upload.bench.ts prints the figures over real HTTP (test/bench/RESULTS.md).
 */
const HELD_CPU_MS = 250
const HEALTH_WALL_MS = 1500
const heldBriefly = (r: { slowest: number; held: { wallMs: number; cpuMs: number } }) => {
  console.info(`/health/live slowest ${r.slowest.toFixed(0)} ms; loop held at most ${r.held.wallMs.toFixed(0)} ms wall, ${r.held.cpuMs.toFixed(0)} ms CPU`)
  expect(r.held.cpuMs).toBeLessThan(HELD_CPU_MS)
  expect(r.slowest).toBeLessThan(HEALTH_WALL_MS)
}

describe('hostile uploads are refused with a reason, quickly, without holding other requests', () => {
  it('a zip bomb declaring 10 KB that inflates to 200 MB: refused as damaged at the 10,001st byte', async () => {
    const r = await uploadWatchingHealth(zipBomb(200, 10_000), XLSX_TYPE)
    const { res, ms } = r
    expect(res.status).toBe(422)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_UNREADABLE', details: { reason: 'unreadable' } })
    expect(res.json.error.message).toContain('文件已损坏')
    expect(ms).toBeLessThan(5000)
    heldBriefly(r)
  })

  it('a zip bomb declaring its true 200 MB: refused before inflating, as too large (413)', async () => {
    const r = await uploadWatchingHealth(zipBomb(200), XLSX_TYPE)
    const { res, ms } = r
    heldBriefly(r)
    expect(res.status).toBe(413)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_TOO_LARGE', details: { reason: 'too_large' } })
    expect(res.json.error.message).toMatch(/解压后过大/)
    expect(ms).toBeLessThan(5000)
  })

  it('a zip bomb declaring 60 MB (inside the limit): read in slices, stopped by the row limit long before', async () => {
    const r = await uploadWatchingHealth(zipBomb(200, 60 * 1024 * 1024), XLSX_TYPE)
    const { res, probes } = r
    expect(res.status).toBe(413)
    expect(res.json.error.message).toContain('表格超过 50000 行')
    // it took long enough to be watched, and /health kept answering
    expect(probes).toBeGreaterThan(1)
    heldBriefly(r)
  })

  it('a 3,000-unit roll imports while other requests are answered: validation and the INSERTs go in slices', async () => {
    const own = (await createCommunity(h, admin)).id
    const r = await uploadWatchingHealth(rosterXlsx(3_000), XLSX_TYPE, `/api/communities/${own}/roster`)
    expect(r.res.status).toBe(201)
    expect(r.res.json.unitCount).toBe(3_000)
    expect(r.probes).toBeGreaterThan(5)
    heldBriefly(r)
    console.info(`3,000-unit import: ${r.ms.toFixed(0)} ms`)
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
    const r = await uploadWatchingHealth(unclosedRows(), XLSX_TYPE)
    const { res, ms } = r
    heldBriefly(r)
    expect(res.status).toBe(422)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_UNREADABLE', details: { reason: 'empty' }, message: '表格是空的' })
    expect(ms).toBeLessThan(3000)
  })

  it('3 million empty shared strings: refused at the limit', async () => {
    const r = await uploadWatchingHealth(emptySharedStrings(), XLSX_TYPE)
    const { res, ms } = r
    expect(res.status).toBe(413)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_TOO_LARGE', message: expect.stringContaining('共享字符串') })
    expect(ms).toBeLessThan(8000)
    heldBriefly(r)
  })

  it('a CSV of 10⁶ bad rows: refused at the row limit, with a small answer', async () => {
    const r = await uploadWatchingHealth(badRowsCsv(), 'text/csv')
    const { res, ms } = r
    expect(res.status).toBe(413)
    expect(res.json.error).toMatchObject({ code: 'SPREADSHEET_TOO_LARGE', message: expect.stringContaining('50000 行') })
    expect(res.text.length).toBeLessThan(2000)
    expect(ms).toBeLessThan(8000)
    heldBriefly(r)
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
