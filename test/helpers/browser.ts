import { serve } from '@hono/node-server'
import { existsSync, mkdirSync } from 'node:fs'
import { freePort } from './server-process'
import { join } from 'node:path'
import { chromium, devices, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { startHarness, type Harness } from './harness'

/**
 * Real Chromium (Debian's package, driven by playwright-core) against the real app on a real
 * port, for test/browser/. Without Chromium on the machine those tests are skipped, loudly;
 * `.ci/run` installs Chromium and sets REQUIRE_BROWSER=1, so in CI a missing browser is a failure.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const browserAvailable = existsSync(CHROMIUM)
if (!browserAvailable) {
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM} (apt-get install -y chromium)`)
  console.warn(`[browser tests] skipped: no Chromium at ${CHROMIUM}; install it with apt-get install -y chromium`)
}

/** Screenshots for a person to look at. */
export const SCREENSHOTS = join(process.cwd(), 'test/.artifacts/screenshots')

/** iPhone 13: 390 × 844 CSS px. */
export const phone = () => ({ ...devices['iPhone 13'], defaultBrowserType: undefined })

/** The harness's app served on a free local port (its public base URL), and a headless Chromium. */
export async function startBrowserApp() {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const h = await startHarness({ config: { PUBLIC_BASE_URL: base } })
  const server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  })
  mkdirSync(SCREENSHOTS, { recursive: true })
  return {
    h,
    base,
    browser,
    async close() {
      await browser.close()
      await new Promise((r) => server.close(r))
      await h.close()
    },
  }
}

/**
 * The app and Chromium for one test file: started before its tests (when Chromium is there) and
 * closed after them. Read the fields inside the tests, once started.
 */
export function browserSuite() {
  const s = {} as Awaited<ReturnType<typeof startBrowserApp>>
  beforeAll(async () => {
    if (browserAvailable) Object.assign(s, await startBrowserApp())
  })
  afterAll(async () => {
    await s.close?.()
  })
  return s
}

/** Signs a phone in through the H5 login page with the code from the fake SMS server, landing on `next`. */
export async function signInOnPhone(page: Page, app: { base: string; h: Harness }, phoneNumber: string, next: string) {
  await page.goto(`${app.base}/h5/login?next=${encodeURIComponent(next)}`)
  await page.getByLabel('手机号').fill(phoneNumber)
  await page.getByRole('button', { name: '获取验证码' }).click()
  await page.getByLabel('短信验证码').fill(app.h.sms.lastCode(phoneNumber)!)
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL(`${app.base}${next}`)
}
