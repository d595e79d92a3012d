import { createServer } from 'node:net'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../worker/lib/errors'
import { createMiniProgramClient, type MiniProgramOptions } from '../../worker/wechat/miniprogram'
import { serveFake } from '../fakes/serve'
import { startFakeWeChat } from '../fakes/wechat-server'

// Every test talks to a fake WeChat over real HTTP (test/fakes/wechat-server.ts); nothing of ours is mocked.
const APP_ID = 'wx-fake-app'
const SECRET = 'S3CRET-wechat-do-not-leak-7f2c9a'

type Fake = Awaited<ReturnType<typeof startFakeWeChat>>
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

async function fakeWeChat(opts: { appId?: string; secret?: string } = {}): Promise<Fake> {
  const fake = await startFakeWeChat({ appId: opts.appId ?? APP_ID, secret: opts.secret ?? SECRET })
  open.push(fake)
  return fake
}
function clientFor(fake: { url: string }, opts: Partial<MiniProgramOptions> = {}) {
  return createMiniProgramClient({ baseUrl: fake.url, appId: APP_ID, secret: SECRET, retryDelayMs: 1, ...opts })
}
async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}
/** Everything an error could carry to a log or a client: own fields, message, stack, cause. */
const exposed = (e: AppError) => JSON.stringify({ e, message: e.message, details: e.details, stack: e.stack, cause: (e as { cause?: unknown }).cause })
const pathCalls = (fake: Fake, path: string) => fake.calls.filter((c) => c.path === path)

/** A port nothing listens on: bind to 0, note the port, close. */
async function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

describe('code2Session', () => {
  it('returns the openid and sends appid, secret, js_code and grant_type as documented', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('code-ok', { openid: 'o-alice' })
    const result = await clientFor(fake).code2Session('code-ok')
    expect(result).toEqual({ openid: 'o-alice' })
    expect(Object.keys(result)).toEqual(['openid'])
    const [call] = pathCalls(fake, '/sns/jscode2session')
    expect(call?.query).toEqual({ appid: APP_ID, secret: SECRET, js_code: 'code-ok', grant_type: 'authorization_code' })
  })

  it('passes the unionid through when WeChat gives one', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('code-u', { openid: 'o-bob', unionid: 'u-bob' })
    expect(await clientFor(fake).code2Session('code-u')).toEqual({ openid: 'o-bob', unionid: 'u-bob' })
  })

  it('never returns session_key (the fake always sends one)', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('code-sk', { openid: 'o-carol', unionid: 'u-carol' })
    const result = await clientFor(fake).code2Session('code-sk')
    expect(result).not.toHaveProperty('session_key')
    expect(JSON.stringify(result)).not.toContain('fake-session-key')
    expect(JSON.stringify(result)).not.toContain('session_key')
  })

  it('a reused code and an unknown code are WECHAT_CODE_INVALID (40029)', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('code-once', { openid: 'o-dave' })
    const client = clientFor(fake)
    await client.code2Session('code-once')
    const reused = await rejection(client.code2Session('code-once'))
    expect(reused.code).toBe('WECHAT_CODE_INVALID')
    expect(reused.status).toBe(400)
    expect(reused.details).toEqual({ errcode: 40029 })
    const unknown = await rejection(client.code2Session('never-issued'))
    expect(unknown.code).toBe('WECHAT_CODE_INVALID')
  })

  it('maps 40226 to WECHAT_RISKY_USER and 45011 to RATE_LIMITED', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('risky', { errcode: 40226, errmsg: 'invalid user, code is blocked' })
    fake.codes.set('limited', { errcode: 45011, errmsg: 'api minute-quota reach limit' })
    const client = clientFor(fake)
    const risky = await rejection(client.code2Session('risky'))
    expect([risky.code, risky.status, risky.details]).toEqual(['WECHAT_RISKY_USER', 403, { errcode: 40226 }])
    const limited = await rejection(client.code2Session('limited'))
    expect([limited.code, limited.status, limited.details]).toEqual(['RATE_LIMITED', 429, { errcode: 45011 }])
  })

  it('an unexpected errcode is WECHAT_UNAVAILABLE carrying the errcode, not the errmsg', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('odd', { errcode: 40125, errmsg: 'invalid appsecret rid: xyz' })
    const e = await rejection(clientFor(fake).code2Session('odd'))
    expect(e.code).toBe('WECHAT_UNAVAILABLE')
    expect(e.details).toEqual({ errcode: 40125 })
    expect(exposed(e)).not.toContain('invalid appsecret')
  })

  it('busy (-1) once: retried once, then succeeds', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('code-busy', { openid: 'o-erin' })
    fake.busyTimes = 1
    expect(await clientFor(fake).code2Session('code-busy')).toEqual({ openid: 'o-erin' })
    expect(pathCalls(fake, '/sns/jscode2session')).toHaveLength(2)
    expect(fake.busyTimes).toBe(0)
  })

  it('busy twice: WECHAT_UNAVAILABLE after exactly one retry', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('code-busy2', { openid: 'o-frank' })
    fake.busyTimes = 2
    const e = await rejection(clientFor(fake).code2Session('code-busy2'))
    expect(e.code).toBe('WECHAT_UNAVAILABLE')
    expect(e.status).toBe(503)
    expect(e.details).toEqual({ errcode: -1 })
    expect(pathCalls(fake, '/sns/jscode2session')).toHaveLength(2)
    // the code was never consumed by the fake, so a later attempt can still use it
    expect(await clientFor(fake).code2Session('code-busy2')).toEqual({ openid: 'o-frank' })
  })

  it('waits retryDelayMs before the retry', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('code-wait', { openid: 'o-gina' })
    fake.busyTimes = 1
    const started = performance.now()
    await clientFor(fake, { retryDelayMs: 150 }).code2Session('code-wait')
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('network failure (a closed server, an unused port) is WECHAT_UNAVAILABLE', async () => {
    const fake = await startFakeWeChat({ appId: APP_ID, secret: SECRET })
    await fake.close()
    const closed = await rejection(clientFor(fake).code2Session('x'))
    expect(closed.code).toBe('WECHAT_UNAVAILABLE')
    expect(closed.details).toEqual({ reason: 'network' })
    const port = await unusedPort()
    const unused = await rejection(clientFor({ url: `http://127.0.0.1:${port}` }).code2Session('x'))
    expect(unused.code).toBe('WECHAT_UNAVAILABLE')
    expect(unused.details).toEqual({ reason: 'network' })
  })

  it('an HTTP error status or a non-JSON body is WECHAT_UNAVAILABLE', async () => {
    const app = new Hono()
    app.get('/sns/jscode2session', (c) => c.html('<h1>502 Bad Gateway</h1>', 502))
    app.post('/cgi-bin/stable_token', (c) => c.text('not json'))
    const broken = await serveFake(app)
    open.push(broken)
    const client = clientFor(broken)
    const http = await rejection(client.code2Session('x'))
    expect([http.code, http.details]).toEqual(['WECHAT_UNAVAILABLE', { reason: 'http', status: 502 }])
    const notJson = await rejection(client.getAccessToken())
    expect([notJson.code, notJson.details]).toEqual(['WECHAT_UNAVAILABLE', { reason: 'not_json' }])
  })
})

describe('access token', () => {
  it('asks stable_token with the documented body and caches the token over several calls', async () => {
    const fake = await fakeWeChat()
    fake.phoneCodes.set('p1', '13812345678')
    fake.phoneCodes.set('p2', '13912345678')
    const client = clientFor(fake)
    const t1 = await client.getAccessToken()
    expect(t1).toMatch(/^token-1-/)
    expect(await client.getAccessToken()).toBe(t1)
    await client.getPhoneNumber('p1')
    await client.getPhoneNumber('p2')
    expect(await client.getAccessToken()).toBe(t1)
    expect(fake.tokenIssued).toBe(1)
    const tokenCalls = pathCalls(fake, '/cgi-bin/stable_token')
    expect(tokenCalls).toHaveLength(1)
    expect(tokenCalls[0]?.body).toEqual({ grant_type: 'client_credential', appid: APP_ID, secret: SECRET, force_refresh: false })
    // the phone calls carried the cached token
    expect(pathCalls(fake, '/wxa/business/getuserphonenumber').map((c) => c.query.access_token)).toEqual([t1, t1])
  })

  it('concurrent callers share one token request', async () => {
    const fake = await fakeWeChat()
    const client = clientFor(fake)
    const tokens = await Promise.all(Array.from({ length: 8 }, () => client.getAccessToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(fake.tokenIssued).toBe(1)
    expect(pathCalls(fake, '/cgi-bin/stable_token')).toHaveLength(1)
  })

  it('a failed token request is not cached: the next call asks again', async () => {
    const fake = await fakeWeChat()
    fake.busyTimes = 2
    const client = clientFor(fake)
    const e = await rejection(client.getAccessToken())
    expect(e.code).toBe('WECHAT_UNAVAILABLE')
    expect(fake.tokenIssued).toBe(0)
    expect(await client.getAccessToken()).toMatch(/^token-1-/)
    expect(fake.tokenIssued).toBe(1)
  })

  it('refreshes once the injected clock passes expiry minus the 5-minute margin', async () => {
    const fake = await fakeWeChat()
    let t = Date.parse('2026-11-22T08:00:00Z')
    const client = clientFor(fake, { now: () => t })
    const first = await client.getAccessToken()
    // the fake says expires_in 7200 s; we renew 300 s early
    t += 7200_000 - 300_000 - 1
    expect(await client.getAccessToken()).toBe(first)
    expect(fake.tokenIssued).toBe(1)
    t += 1
    const second = await client.getAccessToken()
    expect(second).not.toBe(first)
    expect(second).toMatch(/^token-2-/)
    expect(fake.tokenIssued).toBe(2)
    // and the new one is cached from its own issue time
    t += 60_000
    expect(await client.getAccessToken()).toBe(second)
    expect(fake.tokenIssued).toBe(2)
  })

  it('wrong secret: WECHAT_UNAVAILABLE with the errcode', async () => {
    const fake = await fakeWeChat()
    const e = await rejection(clientFor(fake, { secret: 'wrong-secret-abc' }).getAccessToken())
    expect(e.code).toBe('WECHAT_UNAVAILABLE')
    expect(e.details).toEqual({ errcode: 40125 })
  })
})

describe('getPhoneNumber', () => {
  it('returns the phone WeChat vouches for, and posts {code} with the access token', async () => {
    const fake = await fakeWeChat()
    fake.phoneCodes.set('pc-1', '13812345678')
    const client = clientFor(fake)
    expect(await client.getPhoneNumber('pc-1')).toEqual({ phoneNumber: '13812345678', purePhoneNumber: '13812345678', countryCode: '86' })
    const [call] = pathCalls(fake, '/wxa/business/getuserphonenumber')
    expect(call?.body).toEqual({ code: 'pc-1' })
    expect(call?.query.access_token).toBe(await client.getAccessToken())
  })

  it('a used or unknown phone code is WECHAT_CODE_INVALID; scripted errors map like code2Session', async () => {
    const fake = await fakeWeChat()
    fake.phoneCodes.set('pc-once', '13812345678')
    fake.phoneCodes.set('pc-limited', { errcode: 45011, errmsg: 'api minute-quota reach limit' })
    const client = clientFor(fake)
    await client.getPhoneNumber('pc-once')
    expect((await rejection(client.getPhoneNumber('pc-once'))).code).toBe('WECHAT_CODE_INVALID')
    expect((await rejection(client.getPhoneNumber('nope'))).code).toBe('WECHAT_CODE_INVALID')
    expect((await rejection(client.getPhoneNumber('pc-limited'))).code).toBe('RATE_LIMITED')
  })

  it('busy once on the phone call: retried with the same token and succeeds', async () => {
    const fake = await fakeWeChat()
    fake.phoneCodes.set('pc-busy', '13812345678')
    const client = clientFor(fake)
    await client.getAccessToken()
    fake.busyTimes = 1
    expect((await client.getPhoneNumber('pc-busy')).phoneNumber).toBe('13812345678')
    expect(pathCalls(fake, '/wxa/business/getuserphonenumber')).toHaveLength(2)
    expect(fake.tokenIssued).toBe(1)
  })

  it('tokens invalidated early (expireTokens): refreshes once and succeeds', async () => {
    const fake = await fakeWeChat()
    fake.phoneCodes.set('pc-a', '13812345678')
    fake.phoneCodes.set('pc-b', '13987654321')
    const client = clientFor(fake)
    await client.getPhoneNumber('pc-a')
    const before = await client.getAccessToken()
    fake.expireTokens()
    expect((await client.getPhoneNumber('pc-b')).phoneNumber).toBe('13987654321')
    expect(fake.tokenIssued).toBe(2)
    const phoneCalls = pathCalls(fake, '/wxa/business/getuserphonenumber')
    // pc-a; pc-b refused with 40001 on the old token; pc-b again on the new one
    expect(phoneCalls.map((c) => c.query.access_token === before)).toEqual([true, true, false])
    expect(await client.getAccessToken()).toBe(phoneCalls[2]?.query.access_token)
  })

  it('a token refused twice in a row fails instead of looping', async () => {
    const fake = await fakeWeChat()
    fake.phoneCodes.set('pc-loop', '13812345678')
    // a relay that makes WeChat forget every token just before each phone request
    const relay: typeof fetch = async (input, init) => {
      if (String(input).includes('/wxa/business/getuserphonenumber')) fake.expireTokens()
      return fetch(input, init)
    }
    const e = await rejection(clientFor(fake, { fetch: relay }).getPhoneNumber('pc-loop'))
    expect(e.code).toBe('WECHAT_UNAVAILABLE')
    expect(e.details).toEqual({ errcode: 40001 })
    expect(fake.tokenIssued).toBe(2)
    expect(pathCalls(fake, '/wxa/business/getuserphonenumber')).toHaveLength(2)
  })

  it('a phone released to another app (watermark appid mismatch) is refused', async () => {
    // A second WeChat whose app is 'wx-other-app'. A relay swaps in that app's credentials for the
    // token (a misrouted gateway), so the phone WeChat answers carries the other app's watermark.
    const other = await fakeWeChat({ appId: 'wx-other-app' })
    other.phoneCodes.set('pc-other', '13812345678')
    other.phoneCodes.set('pc-other-2', '13812345678')
    const relay: typeof fetch = async (input, init) => {
      if (String(input).includes('/cgi-bin/stable_token') && typeof init?.body === 'string') {
        init = { ...init, body: JSON.stringify({ ...(JSON.parse(init.body) as object), appid: 'wx-other-app' }) }
      }
      return fetch(input, init)
    }
    const e = await rejection(clientFor(other, { fetch: relay }).getPhoneNumber('pc-other'))
    expect(e.code).toBe('WECHAT_UNAVAILABLE')
    expect(e.details).toEqual({ reason: 'watermark_appid' })
    expect(exposed(e)).not.toContain('13812345678')
    // control: the same wiring for the app that owns the watermark succeeds
    const owner = createMiniProgramClient({ baseUrl: other.url, appId: 'wx-other-app', secret: SECRET, fetch: relay, retryDelayMs: 1 })
    expect((await owner.getPhoneNumber('pc-other-2')).phoneNumber).toBe('13812345678')
  })
})

describe('the app secret never leaks into errors', () => {
  it('holds for every failure path', async () => {
    const fake = await fakeWeChat()
    fake.codes.set('risky', { errcode: 40226, errmsg: `blocked ${SECRET}` })
    fake.codes.set('busy', { openid: 'o' })
    const client = clientFor(fake)
    const errors: AppError[] = []
    errors.push(await rejection(client.code2Session('unknown')))
    errors.push(await rejection(client.code2Session('risky')))
    fake.busyTimes = 2
    errors.push(await rejection(client.code2Session('busy')))
    fake.busyTimes = 2
    errors.push(await rejection(client.getAccessToken()))
    errors.push(await rejection(client.getPhoneNumber('unknown')))
    const wrongSecret = 'another-secret-that-is-wrong-42'
    const wrong = await rejection(clientFor(fake, { secret: wrongSecret }).getPhoneNumber('x'))
    expect(exposed(wrong)).not.toContain(wrongSecret)
    errors.push(wrong)
    // the secret is in the jscode2session URL: a network failure must not echo that URL
    const port = await unusedPort()
    errors.push(await rejection(clientFor({ url: `http://127.0.0.1:${port}` }).code2Session('c')))
    errors.push(await rejection(clientFor({ url: `http://127.0.0.1:${port}` }).getAccessToken()))
    expect(errors).toHaveLength(8)
    for (const e of errors) {
      const text = exposed(e)
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain(encodeURIComponent(SECRET))
    }
  })
})
