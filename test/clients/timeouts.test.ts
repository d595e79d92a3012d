import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../worker/lib/errors'
import { createAliyunSmsSender } from '../../worker/sms/aliyun'
import { createMiniProgramClient } from '../../worker/wechat/miniprogram'

// A provider that accepts the connection and never answers.
let server: Server
let url: string
beforeAll(async () => {
  server = createServer(() => {})
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e)

describe('a hung provider does not hold the request', () => {
  it('WeChat: gives up after the timeout with WECHAT_UNAVAILABLE', async () => {
    const client = createMiniProgramClient({ baseUrl: url, appId: 'wx1', secret: 's', timeoutMs: 300 })
    const started = Date.now()
    const e = await failure(client.code2Session('code'))
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).code).toBe('WECHAT_UNAVAILABLE')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('SMS: gives up after the timeout with SMS_UNAVAILABLE', async () => {
    const sms = createAliyunSmsSender({ endpoint: url, accessKeyId: 'k', accessKeySecret: 's', signName: '共议', templateCode: 'T', timeoutMs: 300 })
    const started = Date.now()
    const e = await failure(sms.sendOtp('13812345678', '123456'))
    expect((e as AppError).code).toBe('SMS_UNAVAILABLE')
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
