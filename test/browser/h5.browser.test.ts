import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { ballots } from '../../drizzle/schema'
import { announcedPoll, firmServingCommunity, setupCommunity, statement } from '../helpers/fixtures'
import { browserAvailable as available, phone, SCREENSHOTS, browserSuite, signInOnPhone } from '../helpers/browser'
import { shortReceipt } from '../../shared/receipt'

/**
 * Real Chromium (Debian's package, driven by playwright-core) against the real app on a real
 * port. Screenshots go to test/.artifacts/screenshots/ for a person to look at.
 *
 * Without Chromium on the machine these tests are skipped, loudly; `.ci/run` installs Chromium
 * and sets REQUIRE_BROWSER=1, so in CI a missing browser is a failure, not a skip.
 */

const app = browserSuite()

describe.skipIf(!available)('H5 pages in a real browser', () => {
  it('prints a poster, reads its QR code back from the image, and opens the notice on a phone', async () => {
    const { h, browser, base } = app
    const s = await setupCommunity(h)
    const posted = await h.request('POST', `/api/communities/${s.community.id}/notices`, {
      token: s.committee,
      json: { kind: 'general', title: '关于二次供水水箱清洗的通知', body: '12月5日 9:00—17:00 清洗水箱，期间停水，请提前储水。' },
    })
    expect(posted.status).toBe(201)
    const code: string = posted.json.code

    const desk = await browser.newContext({ viewport: { width: 794, height: 1123 }, deviceScaleFactor: 2 }) // A4 at 96 dpi
    const poster = await desk.newPage()
    await poster.goto(`${base}/n/${code}/poster`)
    await expect(poster.getByRole('heading', { name: '关于二次供水水箱清洗的通知' }).isVisible()).resolves.toBe(true)
    const shot = await poster.screenshot({ fullPage: true })
    writeFileSync(join(SCREENSHOTS, 'notice-poster.png'), shot)
    await poster.pdf?.({ path: join(SCREENSHOTS, 'notice-poster.pdf'), format: 'A4' }).catch(() => undefined)
    await desk.close()

    const img = PNG.sync.read(shot)
    const decoded = jsQR(new Uint8ClampedArray(img.data), img.width, img.height)
    expect(decoded?.data).toBe(`${base}/n/${code}`)

    const mobile = await browser.newContext(phone())
    const page = await mobile.newPage()
    const res = await page.goto(decoded!.data)
    expect(res?.status()).toBe(200)
    await expect(page.getByRole('heading', { name: '关于二次供水水箱清洗的通知' }).isVisible()).resolves.toBe(true)
    expect(await page.locator('.body').innerText()).toContain('请提前储水')
    // readable on a phone: no sideways scrolling, large type
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(18)
    writeFileSync(join(SCREENSHOTS, 'notice-phone.png'), await page.screenshot({ fullPage: true }))
    await mobile.close()

    const scans = await h.request('GET', `/api/notices/${posted.json.id}/scans`, { token: s.committee })
    expect(scans.json.scans.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(1)
  })

  it('an owner with no mini-program signs in by SMS code and votes through the H5 pages', async () => {
    const { h, browser, base } = app
    const s = await setupCommunity(h)
    const poll = await announcedPoll(h, s.community.id, s.committee)
    const me = await h.request('GET', '/api/me', { token: s.owner })
    h.clock.advance(61_000) // setupCommunity signed this phone in a moment ago: the resend interval

    const mobile = await browser.newContext(phone())
    const page = await mobile.newPage()
    await page.goto(`${base}/h5/polls/${poll.id}`)
    expect(new URL(page.url()).pathname).toBe('/h5/login') // signed out: to the login page, and back after
    await page.getByLabel('手机号').fill(me.json.phone)
    await page.getByRole('button', { name: '获取验证码' }).click()
    await page.getByLabel('短信验证码').fill(h.sms.lastCode(me.json.phone)!)
    writeFileSync(join(SCREENSHOTS, 'login-code.png'), await page.screenshot({ fullPage: true }))
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL(`${base}/h5/polls/${poll.id}`)
    await expect(page.getByRole('heading', { name: '关于更换小区电梯的表决' }).isVisible()).resolves.toBe(true)
    writeFileSync(join(SCREENSHOTS, 'poll-phone.png'), await page.screenshot({ fullPage: true }))

    await page.getByLabel('同意').check()
    await page.getByRole('button', { name: '下一步：确认' }).click()
    await page.waitForURL(`${base}/h5/polls/${poll.id}/confirm`)
    await page.getByRole('button', { name: '确认投票：同意' }).click()
    await page.waitForURL(`${base}/h5/polls/${poll.id}/voted?**`)
    await expect(page.getByRole('heading', { name: '您的票已计入' }).isVisible()).resolves.toBe(true)
    expect(new URL(page.url()).pathname).toBe(`/h5/polls/${poll.id}/voted`) // POST → redirect → GET
    const receipt = (await page.locator('dd.mono').innerText()).trim()
    writeFileSync(join(SCREENSHOTS, 'voted-phone.png'), await page.screenshot({ fullPage: true }))
    await mobile.close()

    const rows = await h.db.select().from(ballots).where(eq(ballots.pollId, poll.id))
    expect(rows).toHaveLength(1)
    expect(shortReceipt(rows[0]!.receipt)).toBe(receipt)
    expect(rows[0]).toMatchObject({ choice: 'agree', channel: 'h5' })
  })

  it('an owner reads the quarter’s accounts with their charts on a phone', async () => {
    const { h, browser } = app
    const s = await setupCommunity(h)
    const firm = await firmServingCommunity(h, s, 91)
    const posted = await h.request('POST', `/api/communities/${s.community.id}/statements`, {
      token: firm.token,
      json: statement('public_revenue', '2026Q3', 0, [
        { direction: 'income', category: '电梯广告', amountFen: 360_000 },
        { direction: 'income', category: '地面停车', amountFen: 1_200_000 },
        { direction: 'expense', category: '物业分成', amountFen: 330_000 },
        { direction: 'allocation', category: '转入维修资金', amountFen: 800_000, use: 'fund_topup' },
        { direction: 'allocation', category: '业委会经费', amountFen: 100_000, use: 'assembly_costs' },
      ]),
    })
    expect(posted.status).toBe(201)
    const me = await h.request('GET', '/api/me', { token: s.owner })
    h.clock.advance(61_000)
    const mobile = await browser.newContext(phone())
    const page = await mobile.newPage()
    await signInOnPhone(page, app, me.json.phone, `/h5/c/${s.community.id}/accounts`)
    await expect(page.getByRole('heading', { name: '2026年第3季度 账目公开' }).isVisible()).resolves.toBe(true)
    // the charts are drawn: each SVG has a real size on the phone's screen
    const boxes = await page.locator('svg[role=img]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width))
    expect(boxes.length).toBeGreaterThanOrEqual(3)
    for (const w of boxes) expect(w).toBeGreaterThan(250)
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    writeFileSync(join(SCREENSHOTS, 'accounts-phone.png'), await page.screenshot({ fullPage: true }))
    await mobile.close()
  })
})
