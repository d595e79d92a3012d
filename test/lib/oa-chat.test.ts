/**
 * `npm run oa` (scripts/oa-chat.ts), the README's way to try the chat-bot without WeChat: run as
 * its own process against the app on a real port, it signs a message as WeChat does and prints the
 * bot's reply; with the wrong token the app refuses it, and the tool says so.
 */
import { serve } from '@hono/node-server'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, TEST_OA, type Harness } from '../helpers/harness'
import { freePort } from '../helpers/server-process'

let h: Harness
let port: number
let server: ReturnType<typeof serve>
beforeAll(async () => {
  port = await freePort()
  h = await startHarness({ config: { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } })
  server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port })
})
afterAll(async () => {
  await new Promise((r) => server?.close(r))
  await h?.close()
})

const say = (text: string, token = TEST_OA.token) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/oa-chat.ts', text], {
    env: { PATH: process.env.PATH ?? '', WECHAT_OA_TOKEN: token, WECHAT_OA_APPID: TEST_OA.appId, OA_BASE: `http://127.0.0.1:${port}`, OA_OPENID: 'o-readme-newcomer', OA_NOW_MS: String(h.clock.now().getTime()) },
  })

describe('npm run oa', () => {
  it('sends a line as WeChat would and prints the reply', async () => {
    const { stdout } = await say('帮助')
    expect(stdout).toContain('共议·业主表决助手')
    expect(stdout).toContain('投票 12 同意')
    // not bound yet: the bot says how
    expect((await say('议题')).stdout).toContain('您还没有绑定业主身份')
  }, 60_000)

  it('signed with another token, the app refuses the message and the tool prints the refusal', async () => {
    const { stdout } = await say('帮助', 'not-the-token')
    expect(stdout).toMatch(/^（HTTP 4\d\d）/)
    expect(stdout).not.toContain('共议·业主表决助手')
  }, 60_000)
})
