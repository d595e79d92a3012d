import { createHmac } from 'node:crypto'
import { Hono } from 'hono'
import { serveFake } from './serve'

/**
 * A fake Aliyun Dysmsapi endpoint. It checks the request the way the real one does, with its own
 * implementation of the signature (node:crypto, not ours): wrong signature, stale timestamp,
 * replayed nonce and malformed numbers are refused with Aliyun's error codes.
 */
export async function startFakeSms(opts: { accessKeyId: string; accessKeySecret: string }) {
  const sent: { phone: string; signName: string; templateCode: string; params: Record<string, string> }[] = []
  const nonces = new Set<string>()
  const state = { failNext: null as string | null }
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~').replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  const app = new Hono()
  app.get('/', (c) => {
    const q = Object.fromEntries(new URL(c.req.url).searchParams.entries())
    const reply = (Code: string, Message: string, status = 200) => c.json({ Code, Message, RequestId: crypto.randomUUID() }, status as 200)
    const { Signature, ...rest } = q
    if (q.AccessKeyId !== opts.accessKeyId) return reply('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404)
    const canonical = Object.keys(rest).sort().map((k) => `${enc(k)}=${enc(rest[k]!)}`).join('&')
    const expected = createHmac('sha1', `${opts.accessKeySecret}&`).update(`GET&%2F&${enc(canonical)}`).digest('base64')
    if (Signature !== expected) return reply('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.', 400)
    if (q.Action !== 'SendSms' || q.Version !== '2017-05-25' || q.SignatureMethod !== 'HMAC-SHA1' || q.SignatureVersion !== '1.0') return reply('InvalidParameter', 'bad request', 400)
    const skew = Math.abs(Date.now() - Date.parse(q.Timestamp ?? ''))
    if (!(skew <= 15 * 60_000)) return reply('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.', 400)
    if (!q.SignatureNonce || nonces.has(q.SignatureNonce)) return reply('SignatureNonceUsed', 'Specified signature nonce was used already.', 400)
    nonces.add(q.SignatureNonce)
    if (state.failNext) {
      const code = state.failNext
      state.failNext = null
      return reply(code, 'injected failure')
    }
    if (!/^1[3-9]\d{9}$/.test(q.PhoneNumbers ?? '')) return reply('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号')
    let params: Record<string, string>
    try {
      params = JSON.parse(q.TemplateParam ?? '{}') as Record<string, string>
    } catch {
      return reply('isv.INVALID_JSON_PARAM', 'JSON参数不合法')
    }
    sent.push({ phone: q.PhoneNumbers!, signName: q.SignName!, templateCode: q.TemplateCode!, params })
    return c.json({ Code: 'OK', Message: 'OK', RequestId: crypto.randomUUID(), BizId: `${Date.now()}^0` })
  })
  const server = await serveFake(app)
  return {
    ...server,
    sent,
    get failNext() {
      return state.failNext
    },
    set failNext(v: string | null) {
      state.failNext = v
    },
    lastCode(phone: string): string | undefined {
      for (let i = sent.length - 1; i >= 0; i--) if (sent[i]!.phone === phone) return sent[i]!.params.code
      return undefined
    },
  }
}
