import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { Page as PwPage } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { proxies } from '../../drizzle/schema'
import { announcedPoll, newPhone, setupCommunity } from '../helpers/fixtures'
import { browserAvailable as available, browserSuite, phone, SCREENSHOTS, signInOnPhone } from '../helpers/browser'

const app = browserSuite()

/** A photo of a signed sheet, as far as the page can tell: bytes from the phone's camera. */
const sheet = (seed: number) => Buffer.from(Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31 + seed) % 253))
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** The committee member at the desk: the room, Enter, both phones, the photo, record. What the browser posted comes back. */
async function recordOnPage(page: PwPage, room: string, proxyPhone: string, photo: Buffer, waitForHash: boolean) {
  await page.getByLabel('第一步：委托人的房号').fill(room)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\?room=/)
  await page.getByLabel('受托人的手机号').fill(proxyPhone)
  await page.getByLabel('再输一遍，核对号码').fill(proxyPhone)
  await page.getByLabel('委托书照片（拍照或从相册选择）').setInputFiles({ name: '授权委托书.jpg', mimeType: 'image/jpeg', buffer: photo })
  if (waitForHash) await expect.poll(() => page.locator('#photo-state').innerText()).toContain('照片已选好')
  const posted = page.waitForRequest((r) => r.method() === 'POST')
  await page.getByRole('button', { name: '录入授权委托书' }).click()
  const request = await posted
  await page.waitForURL(/\?recorded=/)
  return request.postDataBuffer() ?? Buffer.alloc(0)
}

describe.skipIf(!available)('written proxies at the committee’s desk in a real browser', () => {
  it('hashes the photo on the phone and sends only the hash; without script the photo goes up and the server hashes it alike', async () => {
    const { h, browser } = app
    const s = await setupCommunity(h, { units: 5 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    h.clock.advance(61_000) // past the SMS resend interval of the committee's API sign-in
    const desk = `/h5/polls/${p.id}/proxies/written`

    const mobile = await browser.newContext(phone())
    const page = await mobile.newPage()
    const refusedByPolicy: string[] = []
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) refusedByPolicy.push(m.text())
    })
    await signInOnPhone(page, app, s.committeePhone, desk)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('room')
    const photo = sheet(1)
    const body = await recordOnPage(page, '1-1-1003', newPhone(), photo, true)
    // the hash the phone computed went; the photo stayed on the phone
    expect(body.toString('latin1')).toContain(sha256(photo))
    expect(body.length).toBeLessThan(10_000)
    expect(body.includes(photo.subarray(0, 64))).toBe(false)
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('1栋-1单元-1003 书面委托已录入')
    expect(refusedByPolicy).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    writeFileSync(join(SCREENSHOTS, 'proxies-recorded-phone.png'), await page.screenshot({ fullPage: true }))
    const [first] = await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))
    expect(first!.writtenDocumentSha256).toBe(sha256(photo))

    // withdrawn at the owner's word: the button asks first, then it is done
    await page.getByRole('link', { name: '收回这份委托' }).first().click()
    await page.waitForURL(/\/withdrawal$/)
    writeFileSync(join(SCREENSHOTS, 'proxies-withdraw-confirm.png'), await page.screenshot({ fullPage: true }))
    await page.getByRole('button', { name: '确认收回' }).click()
    await page.waitForURL(/\?withdrawn=/)
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('已收回 1栋-1单元-1003 的书面委托')
    await mobile.close()

    // a browser that runs no script: the photo goes up with the form, the server hashes it
    h.clock.advance(61_000) // the SMS resend interval, for the second sign-in
    const plain = await browser.newContext({ ...phone(), javaScriptEnabled: false })
    const noScript = await plain.newPage()
    await signInOnPhone(noScript, app, s.committeePhone, desk)
    const other = sheet(2)
    // (no script ran, so the hash recorded below can only come from the photo's own bytes)
    await recordOnPage(noScript, '1-1-1004', newPhone(), other, false)
    await expect(noScript.getByRole('status').first().innerText()).resolves.toContain('1栋-1单元-1004 书面委托已录入')
    await plain.close()
    const rows = await h.db.select().from(proxies).where(eq(proxies.pollId, p.id))
    expect(rows.map((r) => [r.status, r.writtenDocumentSha256]).sort()).toEqual([['active', sha256(other)], ['revoked', sha256(photo)]].sort())
  }, 90_000)
})
