// Alibaba Cloud RPC-style API signature, version 1.0 (HMAC-SHA1), as used by Dysmsapi SendSms.
const enc = new TextEncoder()

/** POP percent-encoding: RFC 3986 unreserved kept, space → %20, '*' → %2A, '~' kept. */
export function popEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/\+/g, '%20')
    .replace(/\*/g, '%2A')
    .replace(/%7E/g, '~')
    .replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${popEncode(k)}=${popEncode(params[k]!)}`)
    .join('&')
}

/** Signature = Base64(HMAC-SHA1(secret + '&', 'GET&%2F&' + popEncode(canonicalQuery))). */
export async function popSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): Promise<string> {
  const stringToSign = `${method}&${popEncode('/')}&${popEncode(canonicalQuery(params))}`
  const key = await crypto.subtle.importKey('raw', enc.encode(`${accessKeySecret}&`), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(stringToSign)))
  let bin = ''
  for (const b of sig) bin += String.fromCharCode(b)
  return btoa(bin)
}
