import { serve } from '@hono/node-server'
import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { chromium, devices } from 'playwright-core'
import { startHarness } from './harness'

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

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
