/**
 * The Node entry stops cleanly on SIGTERM and SIGINT (issue 10): it stops listening, lets requests
 * in flight finish for a few seconds, closes the database and exits; a request that never ends
 * cannot keep it alive. The real `worker/node.ts`, in its own process, on the run's database.
 */
import { spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { describe, expect, it } from 'vitest'
import { onPostgres } from '../helpers/db'
import { testConfig } from '../helpers/harness'
import { exited, stopWithRequestInFlight } from '../helpers/server-process'

/** `embedded`: on the embedded database whatever the run's (as two `npm start` in one folder are). */
function spawnServer(overrides: Record<string, string> = {}, embedded = false) {
  const config = testConfig()
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    // the kernel picks the port when the server listens, and the banner says which
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gongyi-shutdown-')),
    SEED_DEMO: '0',
    APP_ENV: 'development',
  }
  if (onPostgres() && !embedded) Object.assign(env, { DATABASE_URL: inject('testDatabaseUrl'), JWT_SECRET: config.JWT_SECRET, ID_HASH_SECRET: config.ID_HASH_SECRET })
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/node.ts'], { env: { ...env, ...overrides }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (b) => (out += b))
  child.stderr!.on('data', (b) => (out += b))
  return { child, output: () => out }
}

async function startServer() {
  const { child, output } = spawnServer()
  let out = ''
  const deadline = performance.now() + 60_000
  while (!(out = output()).includes('listening on')) {
    if (child.exitCode !== null || performance.now() > deadline) throw new Error(`server did not start: ${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1])
  expect(port).toBeGreaterThan(0)
  return { child, port, output }
}

describe('the Node server on a signal', () => {
  it('SIGTERM with an idle keep-alive connection: exits at once, cleanly', async () => {
    const { child, port } = await startServer()
    const health = await fetch(`http://127.0.0.1:${port}/health`, { headers: { connection: 'keep-alive' } })
    expect(health.status).toBe(200)
    const started = performance.now()
    child.kill('SIGTERM')
    expect(await exited(child)).toBe(0)
    expect(performance.now() - started).toBeLessThan(4_000)
  }, 90_000)

  it('SIGINT with a request that never finishes: the server still exits after the grace period', async () => {
    const { child, port, output } = await startServer()
    const { code, took } = await stopWithRequestInFlight(child, port, () => child.kill('SIGINT'))
    expect(code).toBe(0)
    expect(took).toBeGreaterThan(4_000)
    expect(took).toBeLessThan(9_000)
    expect(output()).toContain('SIGINT')
    // and nothing listens any more
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow()
  }, 90_000)

  it('a port another program holds: says so in words and exits 1, no stack', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as AddressInfo).port
    try {
      // the embedded database, whatever the run's: the case of two `npm start` in one folder
      const dataDir = mkdtempSync(join(tmpdir(), 'gongyi-port-'))
      const { child, output } = spawnServer({ PORT: String(port), DATA_DIR: dataDir }, true)
      expect(await exited(child)).toBe(1)
      expect(output()).toContain(`无法在 127.0.0.1:${port} 上提供服务：端口已被其他程序占用`)
      expect(output()).toContain('用 PORT 换一个端口')
      expect(output()).not.toContain("Unhandled 'error' event")
      // said before the database is opened: a second start never touches the running one's data
      expect(existsSync(join(dataDir, 'pglite'))).toBe(false)
    } finally {
      await new Promise((r) => holder.close(r))
    }
  }, 90_000)
})
