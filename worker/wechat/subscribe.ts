import { AppError } from '../lib/errors'
import { WeChatApiError } from './oa/client'

/**
 * Mini-program subscribe messages (订阅消息, wechat.md). WeChat refuses a value over its field's
 * limit with 47003 after the fact; we check before sending, so a bad value is recorded, not sent.
 */
const LIMITS: Record<string, { max: number; what: string }> = {
  thing: { max: 20, what: '字符' },
  phrase: { max: 5, what: '汉字' },
  number: { max: 32, what: '字符' },
  letter: { max: 32, what: '字符' },
  character_string: { max: 32, what: '字符' },
  symbol: { max: 5, what: '字符' },
  name: { max: 10, what: '汉字' },
  phone_number: { max: 17, what: '字符' },
}

/** The fields whose values break WeChat's limits (empty: fine to send). `thing1` → kind `thing`. */
export function subscribeFieldProblems(data: Record<string, { value: string }>): string[] {
  const problems: string[] = []
  for (const [key, { value }] of Object.entries(data)) {
    const kind = key.replace(/\d+$/, '')
    const limit = LIMITS[kind]
    const length = [...value].length
    if (length === 0) problems.push(`${key}: empty`)
    else if (limit && length > limit.max) problems.push(`${key}: ${length} > ${limit.max}`)
    if (kind === 'phrase' && !/^[\u4e00-\u9fff]+$/u.test(value)) problems.push(`${key}: phrase must be Chinese characters`)
    if ((kind === 'number' && !/^[\d.]+$/.test(value)) || (kind === 'character_string' && !/^[\x21-\x7e]+$/.test(value))) problems.push(`${key}: bad characters`)
  }
  return problems
}

/** Cuts a value to `max` characters (by code point), ending with … when cut. */
export const clip = (s: string, max: number) => ([...s].length <= max ? s : `${[...s].slice(0, max - 1).join('')}…`)

export async function sendSubscribeMessage(
  opts: { baseUrl: string; getAccessToken: () => Promise<string>; fetch?: typeof fetch },
  msg: { touser: string; templateId: string; page: string; data: Record<string, { value: string }> },
): Promise<void> {
  const problems = subscribeFieldProblems(msg.data)
  if (problems.length) throw new WeChatApiError(47003, `checked before sending: ${problems.join('; ')}`)
  const doFetch = opts.fetch ?? fetch
  let res: Response
  try {
    res = await doFetch(`${opts.baseUrl.replace(/\/$/, '')}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(await opts.getAccessToken())}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ touser: msg.touser, template_id: msg.templateId, page: msg.page, data: msg.data, miniprogram_state: 'formal', lang: 'zh_CN' }),
      signal: AbortSignal.timeout(5000),
    })
  } catch {
    throw new AppError('WECHAT_UNAVAILABLE', { reason: 'network' })
  }
  const body = (await res.json().catch(() => ({ errcode: -1, errmsg: 'not json' }))) as { errcode?: number; errmsg?: string }
  if (body.errcode) throw new WeChatApiError(body.errcode, body.errmsg ?? '')
}
