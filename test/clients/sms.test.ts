import { createHmac } from 'node:crypto'
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../worker/lib/errors'
import { createAliyunSmsSender, type AliyunSmsOptions } from '../../worker/sms/aliyun'
import { canonicalQuery, popEncode, popSignature } from '../../worker/sms/aliyun-signature'
import { createConsoleSmsSender } from '../../worker/sms/console'
import { startFakeSms } from '../fakes/sms-server'

const KEY_ID = 'LTAI-sms-test-key'
const KEY_SECRET = 'sms-S3CRET-do-not-leak-5e1d'
const PHONE = '13812345678'

/**
 * POP percent-encoding written differently from ours (byte by byte over UTF-8, RFC 3986 unreserved
 * kept), and the signature with node:crypto's HMAC rather than WebCrypto.
 */
function referenceEncode(s: string): string {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b)
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}
function referenceSignature(params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${referenceEncode(k)}=${referenceEncode(params[k]!)}`)
    .join('&')
  return createHmac('sha1', `${secret}&`).update(`GET&${referenceEncode('/')}&${referenceEncode(canonical)}`).digest('base64')
}

describe('POP signature 1.0 (aliyun-signature.ts)', () => {
  it('popEncode: RFC 3986, space → %20, * → %2A, ~ kept, UTF-8 for Chinese', () => {
    const cases: [string, string][] = [
      [' ', '%20'],
      ['*', '%2A'],
      ['~', '~'],
      ['+', '%2B'],
      ['/', '%2F'],
      ['=', '%3D'],
      ['&', '%26'],
      ['中', '%E4%B8%AD'],
      ["!'()", '%21%27%28%29'],
      ['AZaz09-_.', 'AZaz09-_.'],
      ['{"code":"123456"}', '%7B%22code%22%3A%22123456%22%7D'],
      ['2026-11-22T08:00:00Z', '2026-11-22T08%3A00%3A00Z'],
    ]
    for (const [input, expected] of cases) {
      expect(popEncode(input)).toBe(expected)
      expect(referenceEncode(input)).toBe(expected)
    }
  })

  it('canonicalQuery sorts keys and encodes keys and values', () => {
    expect(canonicalQuery({ b: 'x y', a: '1+1=2', C: '中' })).toBe('C=%E4%B8%AD&a=1%2B1%3D2&b=x%20y')
  })

  it("matches Aliyun's published examples (DescribeRegions and SendSms)", async () => {
    // from Aliyun's "签名机制" documentation for RPC APIs and for Dysmsapi
    const ecs = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    }
    expect(await popSignature('GET', ecs, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=')
    const sms = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    }
    expect(await popSignature('GET', sms, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=')
  })

  it('agrees with an independent node:crypto computation on awkward characters', async () => {
    const params = {
      AccessKeyId: 'id with space',
      SignName: '共议 社区*~',
      TemplateParam: '{"code":"12 34","note":"a+b/c=d*e~f"}',
      'Key*Odd~': "!'()&=",
      Timestamp: '2026-11-22T08:00:00Z',
    }
    const expected = referenceSignature(params, 'sec ret+/=*~中')
    expect(await popSignature('GET', params, 'sec ret+/=*~中')).toBe(expected)
    // and a different secret gives a different signature (the key is actually used)
    expect(await popSignature('GET', params, 'other')).not.toBe(expected)
  })
})

type Fake = Awaited<ReturnType<typeof startFakeSms>>
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})
async function fakeSms(): Promise<Fake> {
  const fake = await startFakeSms({ accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET })
  open.push(fake)
  return fake
}
function senderFor(endpoint: string, opts: Partial<AliyunSmsOptions> = {}) {
  return createAliyunSmsSender({ endpoint, accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, signName: '共议', templateCode: 'SMS_000001', ...opts })
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
const exposed = (e: AppError) => JSON.stringify({ e, message: e.message, details: e.details, stack: e.stack, cause: (e as { cause?: unknown }).cause })
/** Nothing that identifies the person or authenticates us in an error. */
function expectNothingSecret(e: AppError, code: string, phone = PHONE) {
  const text = exposed(e)
  expect(text).not.toContain(code)
  expect(text).not.toContain(phone)
  expect(text).not.toContain(KEY_SECRET)
}
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

describe('Aliyun SendSms sender', () => {
  it('sends: the fake verifies the signature independently and records the message', async () => {
    const fake = await fakeSms()
    const urls: string[] = []
    const spy: typeof fetch = async (input, init) => {
      urls.push(String(input))
      return fetch(input, init)
    }
    await senderFor(fake.url, { fetch: spy }).sendOtp(PHONE, '482913')
    expect(fake.sent).toEqual([{ phone: PHONE, signName: '共议', templateCode: 'SMS_000001', params: { code: '482913' } }])
    expect(fake.lastCode(PHONE)).toBe('482913')
    const q = new URL(urls[0]!).searchParams
    expect(q.get('Action')).toBe('SendSms')
    expect(q.get('RegionId')).toBe('cn-hangzhou')
    expect(q.get('Timestamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // the Signature on the wire is what node:crypto computes over the other parameters
    const { Signature, ...rest } = Object.fromEntries(q.entries())
    expect(Signature).toBe(referenceSignature(rest, KEY_SECRET))
  })

  it('two sends use fresh nonces and both go through', async () => {
    const fake = await fakeSms()
    const sender = senderFor(fake.url)
    await sender.sendOtp(PHONE, '111111')
    await sender.sendOtp(PHONE, '222222')
    expect(fake.sent.map((s) => s.params.code)).toEqual(['111111', '222222'])
    expect(fake.lastCode(PHONE)).toBe('222222')
  })

  it('wrong secret → SMS_UNAVAILABLE (SignatureDoesNotMatch), nothing sent', async () => {
    const fake = await fakeSms()
    const e = await rejection(senderFor(fake.url, { accessKeySecret: 'wrong-secret-xyz' }).sendOtp(PHONE, '654321'))
    expect(e.code).toBe('SMS_UNAVAILABLE')
    expect(e.status).toBe(503)
    expect(e.details).toEqual({ provider: 'aliyun', providerCode: 'SignatureDoesNotMatch' })
    expect(fake.sent).toHaveLength(0)
    expectNothingSecret(e, '654321')
    expect(exposed(e)).not.toContain('wrong-secret-xyz')
  })

  it('isv.BUSINESS_LIMIT_CONTROL and Throttling.User → RATE_LIMITED', async () => {
    const fake = await fakeSms()
    const sender = senderFor(fake.url)
    for (const providerCode of ['isv.BUSINESS_LIMIT_CONTROL', 'Throttling.User']) {
      fake.failNext = providerCode
      const e = await rejection(sender.sendOtp(PHONE, '135790'))
      expect(e.code).toBe('RATE_LIMITED')
      expect(e.status).toBe(429)
      expectNothingSecret(e, '135790')
    }
    expect(fake.sent).toHaveLength(0)
  })

  it('isv.MOBILE_NUMBER_ILLEGAL → PHONE_INVALID (scripted, and for a real bad number)', async () => {
    const fake = await fakeSms()
    const sender = senderFor(fake.url)
    fake.failNext = 'isv.MOBILE_NUMBER_ILLEGAL'
    const scripted = await rejection(sender.sendOtp(PHONE, '246802'))
    expect(scripted.code).toBe('PHONE_INVALID')
    expectNothingSecret(scripted, '246802')
    const bad = '12012345678'
    const real = await rejection(sender.sendOtp(bad, '246803'))
    expect(real.code).toBe('PHONE_INVALID')
    expect(real.status).toBe(400)
    expectNothingSecret(real, '246803', bad)
    expect(fake.sent).toHaveLength(0)
  })

  it('any other provider code → SMS_UNAVAILABLE with providerCode', async () => {
    const fake = await fakeSms()
    fake.failNext = 'isv.AMOUNT_NOT_ENOUGH'
    const e = await rejection(senderFor(fake.url).sendOtp(PHONE, '975310'))
    expect(e.code).toBe('SMS_UNAVAILABLE')
    expect(e.details).toEqual({ provider: 'aliyun', providerCode: 'isv.AMOUNT_NOT_ENOUGH' })
    expectNothingSecret(e, '975310')
  })

  it('a stale timestamp is refused by the provider → SMS_UNAVAILABLE', async () => {
    const fake = await fakeSms()
    const e = await rejection(senderFor(fake.url, { now: () => new Date(Date.now() - 20 * 60_000) }).sendOtp(PHONE, '314159'))
    expect(e.details).toEqual({ provider: 'aliyun', providerCode: 'InvalidTimeStamp.Expired' })
  })

  it('network failure (closed server, unused port) → SMS_UNAVAILABLE; the URL with phone and code is not echoed', async () => {
    const fake = await startFakeSms({ accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET })
    await fake.close()
    const closed = await rejection(senderFor(fake.url).sendOtp(PHONE, '271828'))
    expect(closed.code).toBe('SMS_UNAVAILABLE')
    expect(closed.details).toEqual({ provider: 'aliyun', reason: 'network' })
    expectNothingSecret(closed, '271828')
    const unused = await rejection(senderFor(`http://127.0.0.1:${await unusedPort()}`).sendOtp(PHONE, '161803'))
    expect(unused.details).toEqual({ provider: 'aliyun', reason: 'network' })
    expectNothingSecret(unused, '161803')
  })

  it('a replayed nonce is refused by the fake (fixed nonce injected)', async () => {
    const fake = await fakeSms()
    const sender = senderFor(fake.url, { nonce: () => 'fixed-nonce-0001' })
    await sender.sendOtp(PHONE, '101010')
    const e = await rejection(sender.sendOtp(PHONE, '202020'))
    expect(e.code).toBe('SMS_UNAVAILABLE')
    expect(e.details).toEqual({ provider: 'aliyun', providerCode: 'SignatureNonceUsed' })
    expect(fake.sent.map((s) => s.params.code)).toEqual(['101010'])
    expectNothingSecret(e, '202020')
  })
})

describe('console sender (development)', () => {
  it('records the message with the code and logs the phone masked, never in full', async () => {
    const recorded: { phone: string; message: string }[] = []
    const lines: string[] = []
    const sender = createConsoleSmsSender({
      record: async (phone, message) => {
        recorded.push({ phone, message })
      },
      log: (line) => lines.push(line),
    })
    await sender.sendOtp(PHONE, '864209')
    expect(recorded).toHaveLength(1)
    expect(recorded[0]!.phone).toBe(PHONE)
    expect(recorded[0]!.message).toContain('864209')
    expect(recorded[0]!.message).toContain('【共议】')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('138****5678')
    expect(lines[0]).not.toContain(PHONE)
    expect(lines[0]).not.toContain('12345678')
  })

  it('a failing outbox propagates and nothing is logged', async () => {
    const lines: string[] = []
    const sender = createConsoleSmsSender({
      record: async () => {
        throw new Error('outbox down')
      },
      log: (line) => lines.push(line),
    })
    await expect(sender.sendOtp(PHONE, '000111')).rejects.toThrow('outbox down')
    expect(lines).toEqual([])
  })
})
