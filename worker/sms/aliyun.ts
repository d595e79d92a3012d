import { AppError } from '../lib/errors'
import { canonicalQuery, popSignature } from './aliyun-signature'
import type { SmsSender } from './sender'

export interface AliyunSmsOptions {
  endpoint: string
  accessKeyId: string
  accessKeySecret: string
  signName: string
  templateCode: string
  /** the notification template (params: title, link) */
  noticeTemplateCode?: string
  fetch?: typeof fetch
  now?: () => Date
  nonce?: () => string
  /** give up after this long (default 5 s) */
  timeoutMs?: number
}

/** ISO 8601 UTC without milliseconds, as the POP API wants it: 2026-11-22T12:00:00Z */
const popTimestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * Aliyun Dysmsapi SendSms (RPC style, version 2017-05-25, signature 1.0). Provider errors map to
 * our codes; the code and the full phone never appear in an error.
 */
export function createAliyunSmsSender(opts: AliyunSmsOptions): SmsSender {
  const doFetch = opts.fetch ?? fetch
  const now = opts.now ?? (() => new Date())
  const nonce = opts.nonce ?? (() => crypto.randomUUID())
  async function send(phone: string, templateCode: string, templateParam: Record<string, string>) {
    const params: Record<string, string> = {
      AccessKeyId: opts.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      PhoneNumbers: phone,
      RegionId: 'cn-hangzhou',
      SignName: opts.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: nonce(),
      SignatureVersion: '1.0',
      TemplateCode: templateCode,
      TemplateParam: JSON.stringify(templateParam),
      Timestamp: popTimestamp(now()),
      Version: '2017-05-25',
    }
    const Signature = await popSignature('GET', params, opts.accessKeySecret)
    const url = `${opts.endpoint.replace(/\/$/, '')}/?${canonicalQuery({ ...params, Signature })}`
    let body: { Code?: string; Message?: string }
    try {
      const res = await doFetch(url, { method: 'GET', signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) })
      body = (await res.json()) as { Code?: string }
    } catch {
      throw new AppError('SMS_UNAVAILABLE', { provider: 'aliyun', reason: 'network' })
    }
    if (body.Code === 'OK') return
    if (body.Code === 'isv.BUSINESS_LIMIT_CONTROL' || body.Code === 'Throttling.User') throw new AppError('RATE_LIMITED', { provider: 'aliyun' })
    if (body.Code === 'isv.MOBILE_NUMBER_ILLEGAL') throw new AppError('PHONE_INVALID')
    throw new AppError('SMS_UNAVAILABLE', { provider: 'aliyun', providerCode: body.Code ?? 'unknown' })
  }
  const noticeTemplate = opts.noticeTemplateCode
  return {
    sendOtp: (phone, code) => send(phone, opts.templateCode, { code }),
    ...(noticeTemplate ? { sendNotice: (phone: string, params: { title: string; link: string }) => send(phone, noticeTemplate, params) } : {}),
  }
}
