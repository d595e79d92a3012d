import { createApp } from '../../worker/app'
import { parseConfig, type Config } from '../../worker/config'
import type { Database } from '../../worker/db/node'
import type { Clock } from '../../worker/env'
import { startSession } from '../../worker/services/auth/sessions'
import { buildServices } from '../../worker/services-factory'
import { startFakeSms } from '../fakes/sms-server'
import { startFakeWeChat } from '../fakes/wechat-server'
import { createFakeOa, type Inbound } from '../fakes/wechat-oa'
import { generateSigningJwk } from '../../worker/lib/signing'
import { afterAll, beforeAll } from 'vitest'
import { openPrivateTestDatabase, openTestDatabase } from './db'

let signingJwk: Promise<string> | null = null
/** One result-signing key per test process. */
export const testSigningJwk = () => (signingJwk ??= generateSigningJwk())

/**
 * The tests' one clock: the app, the fixtures and the assertions read it, and it decides the
 * voting window in the database too (`authoritative`, worker/db/clock.ts), so the suite gives the
 * same result whatever the calendar says. It starts at TEST_EPOCH and moves only when a test moves it.
 */
export class FakeClock implements Clock {
  readonly authoritative = true
  constructor(private t: Date) {}
  now() {
    return new Date(this.t)
  }
  set(t: Date) {
    this.t = new Date(t)
  }
  advance(ms: number) {
    this.t = new Date(this.t.getTime() + ms)
  }
}

/** Where every harness's clock starts (TEST_NOW moves it, to show that no test depends on the date). */
export const TEST_EPOCH = new Date(process.env.TEST_NOW ?? '2026-11-20T02:00:00Z')
if (Number.isNaN(TEST_EPOCH.getTime())) throw new Error(`TEST_NOW is not a date: ${process.env.TEST_NOW}`)

let activeClock: FakeClock | null = null
/** The clock of this test file's harness (one harness per file), for fixtures that build times. */
export function testClock(): FakeClock {
  if (!activeClock) throw new Error('no harness started in this test file: testClock() needs startHarness() first')
  return activeClock
}

export const TEST_WECHAT = { appId: 'wx0123456789abcdef', secret: 'test-wechat-secret-0123456789' }
export const TEST_OA = { appId: 'wxoa0123456789abcd', secret: 'test-oa-secret-0123456789', token: 'gongyitesttoken' }
export const TEST_SMS = { accessKeyId: 'LTAI-test-key', accessKeySecret: 'test-aliyun-secret-0123456789' }

export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({
    APP_ENV: 'test',
    JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnop',
    ID_HASH_SECRET: 'test-id-hash-secret-0123456789abcdefghijkl',
    ADMIN_PHONES: '13900000000',
    WECHAT_APPID: TEST_WECHAT.appId,
    WECHAT_SECRET: TEST_WECHAT.secret,
    WECHAT_OA_APPID: TEST_OA.appId,
    WECHAT_OA_SECRET: TEST_OA.secret,
    WECHAT_OA_TOKEN: TEST_OA.token,
    SMS_PROVIDER: 'aliyun',
    ALIYUN_ACCESS_KEY_ID: TEST_SMS.accessKeyId,
    ALIYUN_ACCESS_KEY_SECRET: TEST_SMS.accessKeySecret,
    ALIYUN_SMS_SIGN_NAME: '共议',
    ALIYUN_SMS_TEMPLATE_CODE: 'SMS_000001',
    ...overrides,
  })
}

export interface RequestOptions {
  token?: string
  json?: unknown
  body?: BodyInit | Uint8Array
  headers?: Record<string, string>
  ip?: string
}

/**
 * The real app on the run's database, with a fake clock and fake WeChat and SMS servers
 * (real HTTP, real protocols) started here. One per test file.
 */
export async function startHarness(opts: { database?: Database; config?: Record<string, string> } = {}) {
  // each harness has its own admin, so files sharing one PostgreSQL never share a rate-limited phone
  const adminPhone = uniquePhone()
  const database = opts.database ?? (await openTestDatabase())
  const clock = new FakeClock(TEST_EPOCH)
  activeClock = clock
  // the official account's side of WeChat: safe mode when the test configures an EncodingAESKey
  const oaFake = createFakeOa({ ...TEST_OA, encodingAesKey: opts.config?.WECHAT_OA_ENCODING_AES_KEY, now: () => clock.now().getTime() })
  const wechat = await startFakeWeChat({ ...TEST_WECHAT, officialAccount: Object.assign(oaFake, { appId: TEST_OA.appId, secret: TEST_OA.secret }) })
  const sms = await startFakeSms(TEST_SMS)
  const config = testConfig({ ADMIN_PHONES: adminPhone, RESULT_SIGNING_JWK: await testSigningJwk(), WECHAT_API_BASE: wechat.url, WECHAT_OA_AUTHORIZE_BASE: wechat.url, ALIYUN_SMS_ENDPOINT: sms.url, ...opts.config })
  const services = buildServices(config, database.db, { clock })
  const app = createApp({ services: () => services, clientIp: (c) => c.req.header('x-test-client-ip') ?? '127.0.0.1' })

  async function request(method: string, path: string, o: RequestOptions = {}) {
    const headers: Record<string, string> = { ...o.headers }
    if (o.token) headers.authorization = `Bearer ${o.token}`
    if (o.ip) headers['x-test-client-ip'] = o.ip
    let body = o.body as BodyInit | undefined
    if (o.json !== undefined) {
      headers['content-type'] ??= 'application/json'
      body = JSON.stringify(o.json)
    }
    const res = await app.request(path, { method, headers, body })
    const text = await res.text()
    let json: any = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    return { status: res.status, json, text, headers: res.headers }
  }

  /** Signs in by SMS code, reading the code from the fake SMS server like a phone would. */
  async function login(phone: string, ip = randomIp()) {
    const sent = await request('POST', '/api/auth/otp/send', { json: { phone }, ip })
    if (sent.status !== 200) throw new Error(`otp send failed: ${sent.status} ${sent.text}`)
    const code = sms.lastCode(phone)
    const verified = await request('POST', '/api/auth/otp/verify', { json: { phone, code, challenge: sent.json.challenge }, ip })
    if (verified.status !== 200) throw new Error(`otp verify failed: ${verified.status} ${verified.text}`)
    return verified.json as { accessToken: string; refreshToken: string; userId: string; expiresIn: number }
  }

  let admin: { token: string; at: number; userId: string } | null = null
  /**
   * The admin's access token: signed in by SMS code once, then, when the fake clock has moved on,
   * a new session for that account. Not a new SMS code each time: the codes a phone may ask for
   * are limited per hour, and a file whose tests move the clock often ran out of them.
   */
  async function adminToken() {
    const now = clock.now().getTime()
    if (!admin) {
      const first = await login(adminPhone)
      admin = { token: first.accessToken, at: now, userId: first.userId }
    } else if (Math.abs(now - admin.at) > 5 * 60_000) {
      admin = { token: (await startSession(services, admin.userId)).accessToken, at: now, userId: admin.userId }
    }
    return admin.token
  }

  return {
    adminPhone,
    adminToken,
    app,
    db: database.db,
    database,
    clock,
    wechat,
    sms,
    /** WeChat delivering to this app's official-account callback, and the account's API state */
    oa: { ...oaFake, send: (m: Inbound, o?: Parameters<typeof oaFake.deliver>[2]) => oaFake.deliver((p, init) => app.request(p, init), m, o) },
    config,
    services,
    request,
    login,
    async close() {
      await wechat.close()
      await sms.close()
      if (!opts.database) await database.close()
    },
  }
}

export type Harness = Awaited<ReturnType<typeof startHarness>>

// A random start per process, then a step coprime to 10^9: within a process no number repeats, and
// across the run's processes (on PostgreSQL they share one database, and users.phone is unique) two
// collide only by chance among 2×10^9 numbers. Among 10^8 (137 and 8 digits) two files once drew
// the same phone (session 11, users_phone_uq).
let phoneSeq = Math.floor(Math.random() * 1e9)
/** A fresh mainland mobile number (no two tests, files or processes share a person). */
export function uniquePhone(): string {
  phoneSeq = (phoneSeq + 104_729) % 1_000_000_000
  const second = (phoneSeq + process.pid) % 2 === 0 ? '6' : '7'
  return `1${second}${String(phoneSeq).padStart(9, '0')}`
}

// A random start per process: on PostgreSQL every test file of a run shares the rate-limit table
// and the same fake hour, and a start taken from the process id let two workers whose ids agree
// modulo 200 hand out the same addresses (seen once: an IP over its limit before its test began).
let ipSeq = Math.floor(Math.random() * 2 ** 24)
/** Each login from its own address, so per-IP limits only bite in the tests about them. */
export const randomIp = () => {
  const n = ++ipSeq % 2 ** 24
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
}

/**
 * A harness on a database of its own (openPrivateTestDatabase), for a file that kills its
 * database's connections, closes it, or counts its rows: started before the file's tests and
 * closed after them; `use` receives it.
 */
export function onPrivateDatabase(use: (h: Harness) => void) {
  let h: Harness | undefined
  beforeAll(async () => {
    h = await startHarness({ database: await openPrivateTestDatabase() })
    use(h)
  }, 120_000)
  afterAll(async () => {
    await h?.close()
    await h?.database.close().catch(() => {})
  })
}
