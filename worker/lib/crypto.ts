// Digests through node:crypto, which Workers provide under the nodejs_compat flag (wrangler.toml):
// one short synchronous call. WebCrypto's digest and sign go through a job queue and a promise:
// in a CPU profile of the vote benchmark (issue 17) the ballot's request digest took about a
// twentieth of the server's time, and the access token's check through jose a seventh
// (services/auth/tokens.ts now signs and checks it here).
import { Buffer } from 'node:buffer'
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export async function sha256Hex(data: string): Promise<string> {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

/** The HMAC-SHA256 of `data` under `secret`, as base64url without padding (a JWS signature, RFC 7515). */
export function hmacBase64url(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('base64url')
}

/**
 * Whether `signature` is the HMAC-SHA256 of `data` under `secret`, as base64url without padding
 * (a JWS signature, RFC 7515), computed synchronously and compared in constant time. Compared as
 * text, so a second spelling of the same bytes (the unused bits of the last character) is refused.
 */
export function hmacBase64urlMatches(secret: string, data: string, signature: string): boolean {
  const expected = Buffer.from(hmacBase64url(secret, data))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** Keyed hash (HMAC-SHA256, hex): how ID numbers are kept, so a leaked table cannot be brute-forced offline. */
export async function hmacHex(secret: string, data: string): Promise<string> {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex')
}

export function randomToken(bytes = 32): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes))
  let s = ''
  for (const x of b) s += String.fromCharCode(x)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A uniformly random decimal code (rejection sampling, no modulo bias). */
export function randomDigits(n: number): string {
  let out = ''
  while (out.length < n) {
    const [x] = crypto.getRandomValues(new Uint8Array(1))
    if (x! < 250) out += String(x! % 10)
  }
  return out
}

export function timingSafeEqualStr(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
