import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ballots } from '../../drizzle/schema'
import { announcedPoll, openWindow, setupCommunity } from '../helpers/fixtures'
import { browserAvailable as available, browserSuite, phone, SCREENSHOTS, signInOnPhone } from '../helpers/browser'

const app = browserSuite()

describe.skipIf(!available)('counting on a phone in a real browser', () => {
  it('a committee member types the room, the opinion key, presses Enter, and is back in the room field for the next ballot', async () => {
    const { h, browser } = app
    const s = await setupCommunity(h, { units: 5 })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(5000))
    h.clock.advance(61_000) // past the close and the SMS resend interval
    const people = { counters: [{ name: '赵计票', unitOrOffice: '1栋-1单元-1005' }], scrutineers: [{ name: '钱监票', unitOrOffice: '测试社区居委会' }], boxState: '封条完好' }
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: people })).status).toBe(201)

    const mobile = await browser.newContext(phone())
    const page = await mobile.newPage()
    await signInOnPhone(page, app, s.committeePhone, `/h5/polls/${p.id}/counting`)

    // the cursor starts in the room field: type, Tab, one key, Enter
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('where')
    await page.keyboard.type('1-1-1001')
    await page.keyboard.press('Tab')
    await page.keyboard.type('1')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/counting\?by=room&last=/)
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('1栋-1单元-1001 同意 已录入，第 1 张')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('where')

    await page.keyboard.type('1-1-1002')
    await page.keyboard.press('Tab')
    await page.keyboard.type('2')
    await page.keyboard.press('Enter')
    await page.waitForURL(/&n=2$/)
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('1栋-1单元-1002 反对 已录入，第 2 张')
    // large type, no sideways scrolling on the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.big-outcome')!).fontSize))).toBeGreaterThanOrEqual(32)
    writeFileSync(join(SCREENSHOTS, 'counting-phone.png'), await page.screenshot({ fullPage: true }))
    await mobile.close()

    const rows = await h.db.select().from(ballots).where(and(eq(ballots.pollId, p.id), eq(ballots.kind, 'paper')))
    expect(rows.map((r) => r.choice).sort()).toEqual(['agree', 'oppose'])
  })
})
