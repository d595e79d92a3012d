import { and, eq, exists, gt, isNull, sql } from 'drizzle-orm'
import { SignJWT, decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { otpCodes, proxies, refreshTokens, users } from '../../drizzle/schema'
import { OTP_LIMITS } from '../../worker/services/auth/otp'
import { WECHAT_LOGINS_PER_IP_PER_MINUTE } from '../../worker/services/auth/wechat-login'
import { announcedPoll, bulkOwners, newPhone, setupCommunity } from '../helpers/fixtures'
import { randomIp, startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

describe('phone one-time code', () => {
  it('signs in a new phone, creating the account once, and /api/me shows it unmasked to its owner', async () => {
    const phone = newPhone()
    const first = await h.login(phone)
    expect(first.accessToken).toMatch(/^ey/)
    expect(first.expiresIn).toBe(h.config.ACCESS_TOKEN_TTL_SECONDS)
    h.clock.advance(61_000)
    const second = await h.login(phone)
    expect(second.userId).toBe(first.userId)
    const me = await h.request('GET', '/api/me', { token: second.accessToken })
    expect(me.status).toBe(200)
    expect(me.json).toMatchObject({ id: first.userId, phone, isAdmin: false, communities: [] })
    // the code is kept only as a keyed hash
    const rows = await h.db.select().from(otpCodes).where(eq(otpCodes.phone, phone))
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(r.codeHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('sends through the SMS provider protocol with the configured sign and template', async () => {
    const phone = newPhone()
    const res = await h.request('POST', '/api/auth/otp/send', { json: { phone: `+86 ${phone}` }, ip: randomIp() })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60, challenge: expect.stringMatching(/^[\w-]{21}$/) })
    const sent = h.sms.sent.filter((m) => m.phone === phone)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ signName: '共议', templateCode: 'SMS_000001' })
    expect(sent[0]!.params.code).toMatch(/^\d{6}$/)
  })

  it('refuses a wrong code, an expired code, and a used code', async () => {
    const phone = newPhone()
    const ip = randomIp()
    const { challenge } = (await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip })).json
    const code = h.sms.lastCode(phone)!
    const wrong = code === '000000' ? '111111' : '000000'
    const bad = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code: wrong, challenge }, ip })
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('OTP_INVALID')
    expect(bad.json.error.message).toMatch(/验证码/)
    const ok = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code, challenge }, ip })
    expect(ok.status).toBe(200)
    const reused = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code, challenge }, ip })
    expect(reused.json.error.code).toBe('OTP_SPENT')

    const phone2 = newPhone()
    const sent2 = await h.request('POST', '/api/auth/otp/send', { json: { phone: phone2 }, ip })
    const code2 = h.sms.lastCode(phone2)!
    h.clock.advance(301_000)
    const late = await h.request('POST', '/api/auth/otp/verify', { json: { phone: phone2, code: code2, challenge: sent2.json.challenge }, ip })
    expect(late.json.error.code).toBe('OTP_INVALID')
  })

  it('refuses a malformed phone with a Chinese message and sends nothing', async () => {
    const before = h.sms.sent.length
    const res = await h.request('POST', '/api/auth/otp/send', { json: { phone: '12345' }, ip: randomIp() })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('PHONE_INVALID')
    expect(h.sms.sent.length).toBe(before)
  })

  it('takes a phone typed in full-width digits (a Chinese input method) as the same number', async () => {
    const phone = newPhone()
    const wide = phone.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
    const sent = await h.request('POST', '/api/auth/otp/send', { json: { phone: wide }, ip: randomIp() })
    expect(sent.status, sent.text).toBe(200)
    const code = h.sms.lastCode(phone)!
    const verified = await h.request('POST', '/api/auth/otp/verify', { json: { phone: wide, code, challenge: sent.json.challenge }, ip: randomIp() })
    expect(verified.status, verified.text).toBe(200)
    expect((await h.request('GET', '/api/me', { token: verified.json.accessToken })).json.phone).toBe(phone)
  })

  it('limits sending per phone: one a minute, five an hour', async () => {
    const phone = newPhone()
    const ip = randomIp()
    expect((await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip })).status).toBe(200)
    const again = await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip })
    expect(again.status).toBe(429)
    expect(again.json.error.code).toBe('RATE_LIMITED')
    expect(again.json.error.details.retryAfterSeconds).toBeGreaterThan(0)
    expect(again.headers.get('retry-after')).toBe(String(again.json.error.details.retryAfterSeconds))
    for (let i = 1; i < OTP_LIMITS.sendPerPhonePerHour; i++) {
      h.clock.advance(61_000)
      expect((await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip })).status).toBe(200)
    }
    h.clock.advance(61_000)
    expect((await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip })).status).toBe(429)
    h.clock.advance(3_600_000)
    expect((await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip })).status).toBe(200)
  })

  it('holds every counter under a burst: 20 parallel sends for one phone send one SMS', async () => {
    const phone = newPhone()
    const results = await Promise.all(Array.from({ length: 20 }, () => h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: randomIp() })))
    expect(results.filter((r) => r.status === 200)).toHaveLength(OTP_LIMITS.sendPerPhonePerMinute)
    expect(results.filter((r) => r.status === 429)).toHaveLength(20 - OTP_LIMITS.sendPerPhonePerMinute)
    expect(h.sms.sent.filter((m) => m.phone === phone)).toHaveLength(1)
  })

  it('limits sending per IP address', async () => {
    const ip = randomIp()
    for (let i = 0; i < OTP_LIMITS.sendPerIpPerHour; i++) {
      expect((await h.request('POST', '/api/auth/otp/send', { json: { phone: newPhone() }, ip })).status).toBe(200)
    }
    const over = await h.request('POST', '/api/auth/otp/send', { json: { phone: newPhone() }, ip })
    expect(over.status).toBe(429)
  })

  it("a stranger's wrong codes do not lock the owner out: without the owner's challenge nothing is compared", async () => {
    const phone = newPhone()
    const { challenge } = (await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: randomIp() })).json
    const code = h.sms.lastCode(phone)!
    const wrong = code === '000000' ? '111111' : '000000'
    const other = newPhone()
    const otherChallenge = (await h.request('POST', '/api/auth/otp/send', { json: { phone: other }, ip: randomIp() })).json.challenge
    // fifty tries from many addresses: made-up challenges, another phone's challenge, even the right code
    for (let i = 0; i < 50; i++) {
      const forged = i % 3 === 0 ? otherChallenge : `x${i}${challenge.slice(2)}`
      const r = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code: i % 5 === 0 ? code : wrong, challenge: forged }, ip: randomIp() })
      expect(r.status).toBe(400)
      expect(r.json.error.code).toBe('OTP_INVALID')
    }
    const [row] = await h.db.select().from(otpCodes).where(eq(otpCodes.id, challenge))
    expect(row!.attempts).toBe(0)
    const ok = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code, challenge }, ip: randomIp() })
    expect(ok.status, ok.text).toBe(200)
  })

  it('a challenge compares five codes, then is spent even with the right code; a new code brings five more', async () => {
    const phone = newPhone()
    const { challenge } = (await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: randomIp() })).json
    const code = h.sms.lastCode(phone)!
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < OTP_LIMITS.triesPerChallenge; i++) {
      const r = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code: wrong, challenge }, ip: randomIp() })
      expect(r.json.error.code).toBe('OTP_INVALID')
    }
    const spent = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code, challenge }, ip: randomIp() })
    expect(spent.status).toBe(400)
    expect(spent.json.error.code).toBe('OTP_SPENT')
    expect(spent.json.error.message).toMatch(/重新获取/)
    h.clock.advance(61_000)
    const session = await h.login(phone)
    expect(session.accessToken).toBeTruthy()
  })

  it("signs in with the newest SMS on an older send's form; the replaced code no longer works", async () => {
    const phone = newPhone()
    const first = (await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: randomIp() })).json.challenge
    const oldCode = h.sms.lastCode(phone)!
    h.clock.advance(61_000)
    expect((await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: randomIp() })).status).toBe(200)
    const newCode = h.sms.lastCode(phone)!
    if (oldCode !== newCode) {
      const replaced = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code: oldCode, challenge: first }, ip: randomIp() })
      expect(replaced.json.error.code).toBe('OTP_INVALID')
    }
    const ok = await h.request('POST', '/api/auth/otp/verify', { json: { phone, code: newCode, challenge: first }, ip: randomIp() })
    expect(ok.status, ok.text).toBe(200)
  })

  it("a stranger spending a phone's sends blocks its SMS sign-in for an hour at most", async () => {
    const phone = newPhone()
    for (let i = 0; i < OTP_LIMITS.sendPerPhonePerHour; i++) {
      expect((await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: randomIp() })).status).toBe(200)
      h.clock.advance(61_000)
    }
    const owner = randomIp()
    const blocked = await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: owner })
    expect(blocked.status).toBe(429)
    expect(blocked.json.error.details.retryAfterSeconds).toBeLessThanOrEqual(3600)
    h.clock.advance(blocked.json.error.details.retryAfterSeconds * 1000)
    const sent = await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: owner })
    expect(sent.status).toBe(200)
    expect((await h.request('POST', '/api/auth/otp/verify', { json: { phone, code: h.sms.lastCode(phone), challenge: sent.json.challenge }, ip: owner })).status).toBe(200)
  })

  it('compares at most 5 codes per challenge however many arrive at once: 200 parallel guesses with the right one last do not sign in', async () => {
    const phone = newPhone()
    const ip = randomIp()
    const { challenge } = (await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip })).json
    const code = h.sms.lastCode(phone)!
    const guesses = Array.from({ length: 200 }, (_, i) => (i === 199 ? code : String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0')))
    const results = await Promise.all(guesses.map((c) => h.request('POST', '/api/auth/otp/verify', { json: { phone, code: c, challenge }, ip })))
    const codes = results.map((r) => r.json?.error?.code ?? String(r.status))
    const compared = codes.filter((c) => c === 'OTP_INVALID').length
    expect(codes.filter((c) => c === '200')).toHaveLength(0)
    expect(compared).toBeGreaterThan(0)
    expect(compared).toBeLessThanOrEqual(OTP_LIMITS.triesPerChallenge)
    expect(codes.filter((c) => c !== 'OTP_INVALID').every((c) => c === 'OTP_SPENT')).toBe(true)
    const [row] = await h.db.select().from(otpCodes).where(eq(otpCodes.phone, phone))
    expect(row!.attempts).toBeLessThanOrEqual(OTP_LIMITS.triesPerChallenge)
  })

  it('made-up challenges compare nothing and lock nobody: 400 of them from one shared address, then an owner there signs in', async () => {
    const ip = randomIp()
    const burst = await Promise.all(Array.from({ length: 400 }, (_, i) => h.request('POST', '/api/auth/otp/verify', { json: { phone: newPhone(), code: '000000', challenge: `guessed-challenge-${i}` }, ip })))
    expect(new Set(burst.map((r) => r.json.error.code))).toEqual(new Set(['OTP_INVALID']))
    const owner = newPhone()
    const sent = await h.request('POST', '/api/auth/otp/send', { json: { phone: owner }, ip })
    const ok = await h.request('POST', '/api/auth/otp/verify', { json: { phone: owner, code: h.sms.lastCode(owner), challenge: sent.json.challenge }, ip })
    expect(ok.status, ok.text).toBe(200)
  })

  it('keeps rate-limit keys as digests, never the phone itself', async () => {
    const phone = newPhone()
    await h.request('POST', '/api/auth/otp/send', { json: { phone }, ip: randomIp() })
    const r = await h.db.execute(sql`select count(*)::int as n from rate_limits where key like ${'%' + phone + '%'}`)
    const n = (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows)[0] as { n: number }
    expect(n.n).toBe(0)
  })

  it('admin comes from the configured phone list', async () => {
    const s = await h.login(h.adminPhone)
    const me = await h.request('GET', '/api/me', { token: s.accessToken })
    expect(me.json.isAdmin).toBe(true)
  })
})

describe('refresh tokens', () => {
  it('rotate: each works once, and reusing a rotated one revokes the whole family', async () => {
    const s = await h.login(newPhone())
    const r1 = await h.request('POST', '/api/auth/refresh', { json: { refreshToken: s.refreshToken } })
    expect(r1.status).toBe(200)
    expect(r1.json.refreshToken).not.toBe(s.refreshToken)
    const reuse = await h.request('POST', '/api/auth/refresh', { json: { refreshToken: s.refreshToken } })
    expect(reuse.status).toBe(401)
    expect(reuse.json.error.code).toBe('REFRESH_TOKEN_REUSED')
    // the thief's replay also killed the legitimate newer token
    const after = await h.request('POST', '/api/auth/refresh', { json: { refreshToken: r1.json.refreshToken } })
    expect(after.status).toBe(401)
    const stored = await h.db.select().from(refreshTokens).where(eq(refreshTokens.userId, s.userId))
    expect(stored.every((t) => t.revokedAt !== null)).toBe(true)
    expect(stored.every((t) => t.tokenHash !== s.refreshToken && /^[0-9a-f]{64}$/.test(t.tokenHash))).toBe(true)
  })

  it('parallel refreshes with one token: exactly one succeeds', async () => {
    const s = await h.login(newPhone())
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.request('POST', '/api/auth/refresh', { json: { refreshToken: s.refreshToken } })),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
  })

  it('expire after their lifetime', async () => {
    const s = await h.login(newPhone())
    h.clock.advance(h.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000 + 1000)
    const r = await h.request('POST', '/api/auth/refresh', { json: { refreshToken: s.refreshToken } })
    expect(r.status).toBe(401)
    expect(r.json.error.code).toBe('TOKEN_EXPIRED')
  })

  it('logout ends the session family; unknown tokens are ignored without a hint', async () => {
    const s = await h.login(newPhone())
    expect((await h.request('POST', '/api/auth/logout', { json: { refreshToken: s.refreshToken } })).status).toBe(204)
    expect((await h.request('POST', '/api/auth/refresh', { json: { refreshToken: s.refreshToken } })).status).toBe(401)
    expect((await h.request('POST', '/api/auth/logout', { json: { refreshToken: 'x'.repeat(43) } })).status).toBe(204)
  })
})

describe('access tokens', () => {
  it('an access token already verified is refused once its lifetime ends, and an altered copy of it is never taken for it', async () => {
    const s = await h.login(newPhone())
    expect((await h.request('GET', '/api/me', { token: s.accessToken })).status).toBe(200)
    // a copy with its signature's last character changed is refused, though the original was just accepted
    const last = s.accessToken.at(-1)!
    const altered = s.accessToken.slice(0, -1) + (last === 'A' ? 'Q' : 'A')
    expect((await h.request('GET', '/api/me', { token: altered })).json.error.code).toBe('TOKEN_INVALID')
    h.clock.advance(h.config.ACCESS_TOKEN_TTL_SECONDS * 1000)
    const expired = await h.request('GET', '/api/me', { token: s.accessToken })
    expect(expired.status).toBe(401)
    expect(expired.json.error.code).toBe('TOKEN_EXPIRED')
  })

  it('end at once when their sign-in ends: logout, and a family revoked for reuse; other sign-ins stay', async () => {
    const phone = newPhone()
    const a = await h.login(phone)
    h.clock.advance(61_000)
    const b = await h.login(phone)
    expect((await h.request('GET', '/api/me', { token: a.accessToken })).status).toBe(200)
    expect((await h.request('POST', '/api/auth/logout', { json: { refreshToken: a.refreshToken } })).status).toBe(204)
    const after = await h.request('GET', '/api/me', { token: a.accessToken })
    expect(after.status).toBe(401)
    expect(after.json.error.code).toBe('TOKEN_INVALID')
    expect((await h.request('GET', '/api/me', { token: b.accessToken })).status).toBe(200)
    // a thief replays b's rotated refresh token: the family, and every access token it issued, ends
    const rotated = await h.request('POST', '/api/auth/refresh', { json: { refreshToken: b.refreshToken } })
    expect((await h.request('GET', '/api/me', { token: rotated.json.accessToken })).status).toBe(200)
    expect((await h.request('POST', '/api/auth/refresh', { json: { refreshToken: b.refreshToken } })).json.error.code).toBe('REFRESH_TOKEN_REUSED')
    expect((await h.request('GET', '/api/me', { token: rotated.json.accessToken })).status).toBe(401)
    expect((await h.request('GET', '/api/me', { token: b.accessToken })).status).toBe(401)
  })

  it('are refused without exp, iat, sub or sid, with another alg, typ, issuer or audience', async () => {
    const s = await h.login(newPhone())
    const { sub, sid } = decodeJwt(s.accessToken) as { sub: string; sid: string }
    const key = new TextEncoder().encode(h.config.JWT_SECRET)
    const iat = Math.floor(h.clock.now().getTime() / 1000)
    const make = (o: { alg?: string; typ?: string | null; iss?: string; aud?: string; exp?: number | null; iat?: number | null; sub?: string | null; sid?: string | null } = {}) => {
      const claims: Record<string, unknown> = { sid: o.sid === undefined ? sid : o.sid ?? undefined }
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'HS256', ...(o.typ === null ? {} : { typ: o.typ ?? 'JWT' }) })
      jwt.setIssuer(o.iss ?? 'gongyi').setAudience(o.aud ?? 'gongyi-api')
      if (o.sub !== null) jwt.setSubject(o.sub ?? sub)
      if (o.iat !== null) jwt.setIssuedAt(o.iat ?? iat)
      if (o.exp !== null) jwt.setExpirationTime(o.exp ?? iat + 600)
      return jwt.sign(key)
    }
    // the control: the same construction is accepted
    expect((await h.request('GET', '/api/me', { token: await make() })).status).toBe(200)
    const bad = {
      'no exp': { exp: null },
      'no iat': { iat: null },
      'no sub': { sub: null },
      'no sid': { sid: null },
      'HS512 under the same key': { alg: 'HS512' },
      'HS384 under the same key': { alg: 'HS384' },
      'typ other than JWT': { typ: 'at+jwt' },
      'no typ': { typ: null },
      'another issuer': { iss: 'someone-else' },
      'another audience': { aud: 'gongyi-admin' },
      'issued in the future': { iat: iat + 3600, exp: iat + 7200 },
      'exp far beyond the lifetime': { iat: iat - 3 * h.config.ACCESS_TOKEN_TTL_SECONDS, exp: iat + 86_400 },
    } as const
    for (const [what, o] of Object.entries(bad)) {
      const res = await h.request('GET', '/api/me', { token: await make(o) })
      expect(res.status, what).toBe(401)
    }
    const [head, body] = s.accessToken.split('.')
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`
    expect((await h.request('GET', '/api/me', { token: none })).status).toBe(401)
    expect(head).toBeTruthy()
  })

  it('measures what the per-request session check adds to loading the caller', async () => {
    const s = await h.login(newPhone())
    const { sub, sid } = decodeJwt(s.accessToken) as { sub: string; sid: string }
    const before = () => h.db.select({ id: users.id, phone: users.phone }).from(users).where(eq(users.id, sub))
    const live = () =>
      h.db
        .select({ one: refreshTokens.id })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.familyId, sid), eq(refreshTokens.userId, users.id), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, h.clock.now())))
    const after = () => h.db.select({ id: users.id, phone: users.phone }).from(users).where(and(eq(users.id, sub), exists(live())))
    // interleaved, so that the load of the machine (shared by many) falls on both alike
    let base = 0
    let checked = 0
    for (let i = 0; i < 50; i++) await Promise.all([before(), after()]) // warm up
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now()
      await before()
      const t1 = performance.now()
      await after()
      base += t1 - t0
      checked += performance.now() - t1
    }
    base /= 500
    checked /= 500
    expect(await after()).toHaveLength(1)
    console.log(`[access] caller lookup: ${(base * 1000).toFixed(0)} µs without the session check, ${(checked * 1000).toFixed(0)} µs with it (+${((checked - base) * 1000).toFixed(0)} µs per request, one query either way)`)
    expect(checked).toBeLessThan(base * 3 + 1)
  })
})

describe('WeChat mini-program sign-in', () => {
  it('code2Session creates the account once per openid and never returns session_key', async () => {
    h.wechat.codes.set('code-a1', { openid: 'openid-a' })
    h.wechat.codes.set('code-a2', { openid: 'openid-a' })
    const a = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-a1' } })
    expect(a.status).toBe(200)
    expect(a.text).not.toMatch(/session_key/)
    const b = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-a2' } })
    expect(b.json.userId).toBe(a.json.userId)
    const [u] = await h.db.select().from(users).where(eq(users.id, a.json.userId))
    expect(u!.wechatOpenid).toBe('openid-a')
  })

  it('maps WeChat errors: a used code, a risky user', async () => {
    h.wechat.codes.set('code-once', { openid: 'openid-once' })
    expect((await h.request('POST', '/api/auth/wechat', { json: { code: 'code-once' } })).status).toBe(200)
    const reused = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-once' } })
    expect(reused.status).toBe(400)
    expect(reused.json.error.code).toBe('WECHAT_CODE_INVALID')
    h.wechat.codes.set('code-risky', { errcode: 40226, errmsg: 'risky user' })
    const risky = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-risky' } })
    expect(risky.status).toBe(403)
    expect(risky.json.error.code).toBe('WECHAT_RISKY_USER')
  })

  it('limits sign-in attempts per IP address', async () => {
    const ip = randomIp()
    const statuses: number[] = []
    for (let i = 0; i <= WECHAT_LOGINS_PER_IP_PER_MINUTE; i++) {
      statuses.push((await h.request('POST', '/api/auth/wechat', { json: { code: `unknown-${i}` }, ip })).status)
    }
    expect(statuses.slice(0, -1).every((s) => s === 400)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
  })

  it('attaches the WeChat-vouched phone, merging with an account that signed in by SMS first', async () => {
    const phone = newPhone()
    const bySms = await h.login(phone)
    h.wechat.codes.set('code-m', { openid: 'openid-merge' })
    const byWeChat = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-m' } })
    expect(byWeChat.json.userId).not.toBe(bySms.userId)
    h.wechat.phoneCodes.set('phone-code-m', phone)
    const merged = await h.request('POST', '/api/auth/wechat/phone', { token: byWeChat.json.accessToken, json: { code: 'phone-code-m' } })
    expect(merged.status).toBe(200)
    expect(merged.json.userId).toBe(bySms.userId)
    h.wechat.codes.set('code-m2', { openid: 'openid-merge' })
    const again = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-m2' } })
    expect(again.json.userId).toBe(bySms.userId)
  })

  it('an owner in WeChat attaches their phone though another owner named it as proxy first: the account made for it gives its proxies up and goes', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    // an owner who uses the mini-program only: verified, a WeChat account, no phone on it
    const [neighbour] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const phone = newPhone()
    const openid = `openid-owner-${Math.random().toString(36).slice(2, 8)}`
    await h.db.update(users).set({ phone: null, wechatOpenid: openid }).where(eq(users.id, neighbour!.userId))
    // the first owner names that phone as proxy: an account is made for it, a placeholder
    const granted = await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone } })
    expect(granted.status).toBe(201)
    const [made] = await h.db.select().from(users).where(eq(users.phone, phone))
    expect(made).toMatchObject({ id: granted.json.proxyUserId, placeholder: true })
    // the neighbour signs in by WeChat and attaches the phone WeChat vouches for
    h.wechat.codes.set('code-owner', { openid })
    const signedIn = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-owner' } })
    expect(signedIn.json.userId).toBe(neighbour!.userId)
    h.wechat.phoneCodes.set('phone-code-owner', phone)
    const attached = await h.request('POST', '/api/auth/wechat/phone', { token: signedIn.json.accessToken, json: { code: 'phone-code-owner' } })
    expect(attached.status).toBe(200)
    expect(attached.json.userId).toBe(neighbour!.userId)
    const [after] = await h.db.select().from(users).where(eq(users.phone, phone))
    expect(after).toMatchObject({ id: neighbour!.userId, placeholder: false })
    expect(await h.db.select().from(users).where(eq(users.id, made!.id))).toEqual([])
    const [px] = await h.db.select().from(proxies).where(eq(proxies.id, granted.json.id))
    expect(px!.proxyUserId).toBe(neighbour!.userId)
    // and votes for the first owner's flat as the proxy
    const cast = await h.request('POST', `/api/polls/${p.id}/ballots`, { token: attached.json.accessToken, json: { choice: 'agree', voterId: granted.json.voterId } })
    expect(cast.status).toBe(201)
    expect(cast.json.channel).toBe('proxy')
  })

  it('a phone that signed in by code is no placeholder: such an account is never merged away', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const phone = newPhone()
    expect((await h.request('POST', `/api/polls/${p.id}/proxies`, { token: s.owner, json: { proxyPhone: phone } })).status).toBe(201)
    const signed = await h.login(phone)
    const [u] = await h.db.select().from(users).where(eq(users.phone, phone))
    expect(u).toMatchObject({ id: signed.userId, placeholder: false })
    // a WeChat owner who shows the same phone now meets the account of someone who signed in: refused as before
    const [other] = await bulkOwners(h, s.community.id, [s.rows[1]!])
    const openid = `openid-late-${Math.random().toString(36).slice(2, 8)}`
    await h.db.update(users).set({ phone: null, wechatOpenid: openid }).where(eq(users.id, other!.userId))
    h.wechat.codes.set('code-late', { openid })
    const w = await h.request('POST', '/api/auth/wechat', { json: { code: 'code-late' } })
    h.wechat.phoneCodes.set('phone-code-late', phone)
    const refused = await h.request('POST', '/api/auth/wechat/phone', { token: w.json.accessToken, json: { code: 'phone-code-late' } })
    expect(refused.status).toBe(409)
    expect(refused.json.error.details).toMatchObject({ reason: 'phone_in_use' })
  })
})
