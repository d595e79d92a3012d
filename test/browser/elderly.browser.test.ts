import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page as PwPage } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { announcedPoll, bulkOwners, communityStaff, FIRM_PROFILE, firmServingCommunity, idNumber, newPhone, openWindow, setupCommunity, statement } from '../helpers/fixtures'
import { browserAvailable as available, phone, SCREENSHOTS, browserSuite, signInOnPhone } from '../helpers/browser'

/**
 * The elderly-first rules (适老化: MIIT 2021 rules for apps and websites, WeChat care mode), checked
 * on every H5 page a person can reach, in real Chromium at a phone's 390 px width:
 * - text at least 18 px, line height at least 1.3;
 * - every tap target at least 48×48 px, the main actions (full-width buttons) at least 60 px tall;
 * - text contrast at least 4.5:1 against the background it is drawn on;
 * - nothing wider than the screen (no sideways scrolling), in standard and in 大字 size;
 * - a 大字 switch on every page, which makes the text larger.
 * Every page is photographed to test/.artifacts/screenshots/elderly-*.png for a person to look at.
 */

const app = browserSuite()

/** The rules, measured in the page: a list of what breaks them, each naming the element and its text. */
function measure(): string[] {
  const problems: string[] = []
  const describe = (el: Element) => `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}> "${(el.textContent ?? '').trim().slice(0, 24)}"`
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect()
    const st = getComputedStyle(el)
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none' && !el.closest('[aria-hidden=true], details:not([open]) > :not(summary)')
  }
  const rgba = (s: string) => {
    const m = /rgba?\(([^)]+)\)/.exec(s)
    if (!m) return [0, 0, 0, 0]
    const [r, g, b, a = '1'] = m[1]!.split(/[,/ ]+/).filter(Boolean)
    return [Number(r), Number(g), Number(b), Number(a)]
  }
  /** The colour behind an element: its first ancestor with a background, blended over the ones behind. */
  const background = (el: Element | null): number[] => {
    const layers: number[][] = []
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor)
      if (c[3]! > 0) layers.push(c)
      if (c[3] === 1) break
    }
    let out = [255, 255, 255]
    for (const [r, g, b, a] of layers.reverse()) out = [r! * a! + out[0]! * (1 - a!), g! * a! + out[1]! * (1 - a!), b! * a! + out[2]! * (1 - a!)]
    return out
  }
  const luminance = ([r, g, b]: number[]) => {
    const ch = (v: number) => {
      const s = v / 255
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    }
    return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!)
  }
  const contrast = (a: number[], b: number[]) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (l1! + 0.05) / (l2! + 0.05)
  }

  if (document.documentElement.scrollWidth > window.innerWidth) problems.push(`page is ${document.documentElement.scrollWidth}px wide on a ${window.innerWidth}px screen`)
  if (!document.querySelector('a[href^="/h5/text-size"]')) problems.push('no 大字 switch')

  // every piece of text a person reads (charts are drawn to their own scale and named by their titles)
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  const seen = new Set<Element>()
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement
    if (!el || seen.has(el) || !n.textContent?.trim() || el.closest('svg, style, script, option') || !visible(el)) continue
    seen.add(el)
    const st = getComputedStyle(el)
    const size = parseFloat(st.fontSize)
    if (size < 18) problems.push(`${describe(el)}: text ${size}px < 18px`)
    const lh = st.lineHeight === 'normal' ? 1.2 * size : parseFloat(st.lineHeight)
    if (lh < 1.3 * size - 0.01) problems.push(`${describe(el)}: line height ${(lh / size).toFixed(2)} < 1.3`)
    const fg = rgba(st.color)
    const ratio = contrast(fg, background(el))
    if (ratio < 4.5) problems.push(`${describe(el)}: contrast ${ratio.toFixed(2)}:1 < 4.5:1`)
  }

  // every tap target; the main actions (full-width buttons) larger
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const target = el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox') ? el.closest('label') ?? el : el
    if (!visible(target)) continue
    const r = target.getBoundingClientRect()
    const main = (el.tagName === 'BUTTON' && !el.closest('.topbar')) || el.classList.contains('btn') || target.classList.contains('choice')
    const min = main ? 60 : 48
    if (r.width < min - 0.5 || r.height < min - 0.5) problems.push(`${describe(target)}: tap target ${Math.round(r.width)}×${Math.round(r.height)} < ${min}×${min}`)
  }
  return problems
}

describe.skipIf(!available)('elderly first (适老化): every H5 page at 390 px', () => {
  it('meets the size, tap target, contrast and width rules on every page, in standard and 大字 size', async () => {
    const { h, browser, base } = app
    // a community with everything a page can show
    const s = await setupCommunity(h, { units: 6 })
    const firm = await firmServingCommunity(h, s, 23)
    expect((await h.request('PUT', `/api/communities/${s.community.id}/firm-profile`, { token: firm.token, json: FIRM_PROFILE })).status).toBe(200)
    await h.request('POST', `/api/communities/${s.community.id}/fee-items`, {
      token: firm.token,
      json: { item: '物业服务费（住宅）', payer: '业主', basis: 'per_m2_month', rateFen: 180, startsOn: '2026-01-01', regime: 'market' },
    })
    const st = await h.request('POST', `/api/communities/${s.community.id}/statements`, {
      token: firm.token,
      json: statement('public_revenue', '2026Q3', 0, [
        { direction: 'income', category: '电梯广告', amountFen: 3_600_000 },
        { direction: 'income', category: '地面停车', amountFen: 12_000_000 },
        { direction: 'expense', category: '物业分成', amountFen: 3_300_000 },
        { direction: 'allocation', category: '转入维修资金', amountFen: 8_000_000, use: 'fund_topup' },
      ]),
    })
    expect(st.status).toBe(201)
    const staff = await communityStaff(h, s)
    await h.request('POST', `/api/communities/${s.community.id}/notices`, {
      token: staff,
      json: { kind: 'enforcement_contacts', title: '小区执法部门联系公示', body: '遇到以下问题可直接联系相关部门。', contacts: [{ department: '城管', handles: '违章搭建、占道经营', phone: '0833-12319' }] },
    })
    const notice = await h.request('POST', `/api/communities/${s.community.id}/notices`, {
      token: s.committee,
      json: { kind: 'general', title: '关于二次供水水箱清洗的通知', body: '12月5日 9:00—17:00 清洗水箱，期间停水，请提前储水。' },
    })
    const closed = await announcedPoll(h, s.community.id, s.committee, { ...openWindow(2500), title: '关于增设非机动车棚的表决' })
    h.clock.advance(2600)
    expect((await h.request('POST', `/api/polls/${closed.id}/close`, { token: s.committee })).status).toBe(200)
    const open = await announcedPoll(h, s.community.id, s.committee)
    // two neighbours' ratings, so the ratings page shows its distribution table
    for (const [i, o] of (await bulkOwners(h, s.community.id, s.rows.slice(1, 3))).entries()) {
      const n = 5 - i * 2
      await h.request('PUT', `/api/communities/${s.community.id}/ratings/mine`, { token: o.token, json: { scores: { cleaning: n, security: n, greenery: n, repairs: n, attitude: n } } })
    }
    const me = await h.request('GET', '/api/me', { token: s.owner })
    h.clock.advance(61_000)

    const problems: string[] = []
    const check = async (page: PwPage, name: string) => {
      const found = await page.evaluate(measure)
      problems.push(...found.map((p) => `${name} (${new URL(page.url()).pathname}): ${p}`))
      writeFileSync(join(SCREENSHOTS, `elderly-${name}.png`), await page.screenshot({ fullPage: true }))
    }
    const visit = async (page: PwPage, path: string, name: string) => {
      await page.goto(`${base}${path}`)
      await check(page, name)
    }
    const signIn = (page: PwPage, phoneNo: string, next: string) => signInOnPhone(page, app, phoneNo, next)

    // a newcomer: signed out, then binds a flat that does not match the roster and waits
    const newcomer = await browser.newContext(phone())
    const np = await newcomer.newPage()
    await visit(np, '/', 'service-home')
    await visit(np, `/h5/c/${s.community.id}`, 'home-signed-out')
    await visit(np, `/h5/c/${s.community.id}/fees`, 'fees')
    await visit(np, `/h5/c/${s.community.id}/contacts`, 'contacts')
    await visit(np, `/n/${notice.json.code}`, 'notice')
    await visit(np, '/h5/login', 'login')
    await visit(np, `/h5/polls/${closed.id}/result`, 'result-public')
    await visit(np, '/h5/polls/no-such-poll/result', 'not-found')
    const newPhoneNo = newPhone()
    await signIn(np, newPhoneNo, '/h5/login/done')
    await check(np, 'signed-in')
    await visit(np, `/h5/c/${s.community.id}/bind`, 'bind-building')
    await np.getByRole('button', { name: '下一步' }).click()
    await np.waitForURL(/building=/)
    await check(np, 'bind-room')
    await np.getByLabel('业主姓名').fill('王某某')
    await np.getByLabel('身份证号码').fill(idNumber(4321))
    await np.getByRole('button', { name: '提交绑定' }).click()
    await np.waitForURL(/\/h5\/me\/bindings\//)
    await check(np, 'binding-pending')
    await visit(np, '/h5/me/bindings', 'my-bindings')
    await newcomer.close()

    // the owner: accounts, the open poll through to the vote, and the published result
    const owner = await browser.newContext(phone())
    const op = await owner.newPage()
    await signIn(op, me.json.phone, `/h5/c/${s.community.id}`)
    await check(op, 'home')
    await visit(op, `/h5/c/${s.community.id}/accounts`, 'accounts')
    await visit(op, `/h5/statements/${st.json.id}`, 'statement')
    await visit(op, `/h5/polls/${open.id}`, 'poll-open')
    await visit(op, `/h5/polls/${open.id}/result`, 'result-pending')
    await op.goto(`${base}/h5/polls/${open.id}`)
    await op.getByLabel('同意').check()
    await op.getByRole('button', { name: '下一步：确认' }).click()
    await op.waitForURL(/\/confirm$/)
    await check(op, 'vote-confirm')
    await op.getByRole('button', { name: '确认投票：同意' }).click()
    await op.waitForURL(/\/voted/)
    await check(op, 'voted')
    await visit(op, `/h5/polls/${closed.id}`, 'poll-closed')
    await visit(op, `/h5/polls/${closed.id}/result`, 'result')
    await visit(op, '/h5/me', 'me')
    // the quarterly rating: one score per dimension, then the compound's results
    await visit(op, `/h5/c/${s.community.id}/ratings`, 'ratings')
    for (const [dimension, score] of [['环境卫生', 4], ['秩序维护', 5], ['绿化养护', 4], ['维修服务', 3], ['服务态度', 5]] as const) {
      await op.getByRole('group', { name: dimension }).getByLabel(`${score} 分`).check()
    }
    await op.getByRole('button', { name: '提交评价' }).click()
    await op.waitForURL(/\/ratings\?saved=1$/)
    await check(op, 'ratings-saved')

    // 大字: the switch on the page makes the text larger, and the rules still hold
    await op.goto(`${base}/h5/polls/${open.id}`)
    const before = await op.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))
    await op.getByRole('link', { name: '大字' }).click()
    await op.waitForURL(`${base}/h5/polls/${open.id}`)
    const after = await op.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))
    expect(after).toBeGreaterThanOrEqual(23.8) // WeChat's care mode
    expect(after).toBeGreaterThan(before)
    await check(op, 'big-poll')
    await visit(op, `/h5/c/${s.community.id}/accounts`, 'big-accounts')
    await visit(op, `/h5/polls/${closed.id}/result`, 'big-result')
    await visit(op, `/h5/c/${s.community.id}/fees`, 'big-fees')
    await visit(op, `/h5/c/${s.community.id}/ratings`, 'big-ratings')
    await owner.close()

    // the committee at the desk: a written proxy (授权委托书) found by room, refused once, recorded, and its withdrawal asked
    const committee = await browser.newContext(phone())
    const cp = await committee.newPage()
    const desk = `/h5/polls/${open.id}/proxies/written`
    await signIn(cp, s.committeePhone, desk)
    await check(cp, 'proxies')
    await cp.getByLabel('第一步：委托人的房号').fill('1-1-1004')
    await cp.getByRole('button', { name: '查找这一户' }).click()
    await cp.waitForURL(/\?room=/)
    await check(cp, 'proxies-form')
    const proxyPhone = newPhone()
    await cp.getByLabel('受托人的手机号').fill(proxyPhone)
    await cp.getByLabel('再输一遍，核对号码').fill(`${proxyPhone.slice(0, 10)}${(Number(proxyPhone[10]) + 1) % 10}`)
    await cp.getByLabel('委托书照片（拍照或从相册选择）').setInputFiles({ name: '授权委托书.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('授权委托书照片') })
    await expect.poll(() => cp.locator('#photo-state').innerText()).toContain('照片已选好')
    await cp.getByRole('button', { name: '录入授权委托书' }).click()
    await cp.getByRole('alert').waitFor()
    await check(cp, 'proxies-refused')
    await cp.getByLabel('再输一遍，核对号码').fill(proxyPhone)
    await cp.getByRole('button', { name: '录入授权委托书' }).click()
    await cp.waitForURL(/\?recorded=/)
    await check(cp, 'proxies-recorded')
    await cp.getByRole('link', { name: '录错了，收回这份委托' }).click()
    await cp.waitForURL(/\/withdrawal$/)
    await check(cp, 'proxies-withdraw')
    await cp.goto(`${base}${desk}?room=1-1-1005`)
    await cp.getByRole('link', { name: '大字' }).click()
    await cp.waitForURL(/\?room=1-1-1005$/)
    await check(cp, 'big-proxies-form')
    await visit(cp, desk, 'big-proxies')
    await committee.close()

    expect(problems).toEqual([])
  }, 240_000)
})
