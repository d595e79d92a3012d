import type { Harness } from './harness'
import { randomIp } from './harness'

/**
 * A phone's browser against the H5 pages, without a browser: it keeps cookies, sends forms with
 * the Origin a browser sends, and does not follow redirects (tests look at them).
 */
export function browserSession(h: Harness, opts: { origin?: string; headers?: Record<string, string> } = {}) {
  const jar = new Map<string, string>()
  const ip = randomIp()
  const origin = opts.origin ?? new URL(h.config.PUBLIC_BASE_URL).origin

  function keep(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (expired) jar.delete(name)
      else jar.set(name, value)
    }
  }
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

  async function get(path: string) {
    const res = await h.request('GET', path, { headers: { ...opts.headers, ...(jar.size ? { cookie: cookieHeader() } : {}) }, ip })
    keep(res.headers)
    return res
  }
  async function post(path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x)
    const res = await h.request('POST', path, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...opts.headers, ...(jar.size ? { cookie: cookieHeader() } : {}), ...headers },
      body: body.toString(),
      ip,
    })
    keep(res.headers)
    return res
  }
  /** A form with a file, as a browser sends `enctype="multipart/form-data"` (the boundary is fetch's). */
  async function upload(path: string, form: FormData, headers: Record<string, string> = {}) {
    const res = await h.request('POST', path, { headers: { origin, ...(jar.size ? { cookie: cookieHeader() } : {}), ...headers }, body: form, ip })
    keep(res.headers)
    return res
  }
  /** Signs in through the H5 login forms, reading the code from the fake SMS server. */
  async function login(phone: string, next = '/h5/login/done') {
    const sent = await post('/h5/login', { step: 'send', phone, next })
    if (sent.status !== 200) throw new Error(`h5 send failed: ${sent.status} ${sent.text.slice(0, 300)}`)
    const verified = await post('/h5/login', { step: 'verify', phone, code: h.sms.lastCode(phone)!, challenge: formField(sent.text, 'challenge') ?? '', next })
    if (verified.status !== 303) throw new Error(`h5 verify failed: ${verified.status} ${verified.text.slice(0, 300)}`)
    return verified
  }
  return { jar, get, post, upload, login }
}

/** The value of a hidden or named form field in a page. */
export function formField(html: string, name: string): string | null {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`value="([^"]*)"[^>]*name="${name}"`).exec(html)
  return m ? m[1]! : null
}
