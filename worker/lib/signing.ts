import { CompactSign, calculateJwkThumbprint, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'

/**
 * Published results are signed (JWS compact serialisation, ES256) so a printed result can be
 * checked offline against the keys served at /.well-known/jwks.json. jose 6 is WebCrypto-only, so
 * this runs unchanged on Node, in a Worker, and (jose's browser build) on the H5 result page.
 *
 * Why CompactSign over canonical JSON and not SignJWT: the payload is the result document itself,
 * byte for byte, with no claims mixed into it, so `verifyDocument(...).payload` equals the
 * published document. The bytes are canonicalJson(document) (RFC 8785 JCS: keys sorted, no
 * whitespace), so anyone holding the document, even after a database has reordered its keys
 * (Postgres jsonb does), can rebuild exactly the bytes that were signed. Issuer and time are
 * protected header parameters (`iss`, `iat`, as RFC 7519 §5.3 allows for replicated claims).
 *
 * Protected header: { alg: 'ES256', typ: 'gongyi-result+jws', kid, iss, iat }.
 */

export type SigningKeys = {
  kid: string
  /** non-extractable */
  privateKey: CryptoKey
  /** public half only: kty, crv, x, y, plus kid, alg, use */
  publicJwk: JWK
}

export const RESULT_JWS_TYPE = 'gongyi-result+jws'
const HEADER_PARAMS = new Set(['alg', 'typ', 'kid', 'iss', 'iat'])

const enc = new TextEncoder()
const dec = new TextDecoder('utf-8', { fatal: true })
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
/** a P-256 coordinate or private scalar: 32 bytes, unpadded base64url */
const isCoordinate = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v)

/** A new private key as JWK JSON, for RESULT_SIGNING_JWK: ES256, kid = RFC 7638 thumbprint. */
export async function generateSigningJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  const kid = await calculateJwkThumbprint(jwk)
  return JSON.stringify({ ...jwk, kid, alg: 'ES256', use: 'sig' })
}

/**
 * Imports RESULT_SIGNING_JWK. The kid is the JWK's own `kid` if it has one (so an operator may name
 * keys across a rotation), else the RFC 7638 thumbprint. Errors name what is wrong, never a value.
 */
export async function loadSigningKeys(privateJwkJson: string): Promise<SigningKeys> {
  const fail = (why: string) => new Error(`RESULT_SIGNING_JWK ${why}`)
  let jwk: unknown
  try {
    jwk = JSON.parse(privateJwkJson)
  } catch {
    throw fail('is not valid JSON')
  }
  if (!isObject(jwk)) throw fail('must be a JSON object: a private EC P-256 JWK')
  const { kty, crv, x, y, d, kid, alg, use } = jwk
  if (kty !== 'EC' || crv !== 'P-256' || !isCoordinate(x) || !isCoordinate(y) || !isCoordinate(d))
    throw fail('must be a private EC P-256 JWK (kty "EC", crv "P-256", and base64url x, y, d of 32 bytes)')
  if (alg !== undefined && alg !== 'ES256') throw fail('has an "alg" other than ES256')
  if (use !== undefined && use !== 'sig') throw fail('has a "use" other than sig')
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw fail('has a "kid" that is not a non-empty string')

  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x, y }
  let privateKey: CryptoKey
  let publicKey: CryptoKey
  try {
    // only the key members: a stray key_ops or ext in the configuration must not change what we can do
    privateKey = (await importJWK({ kty, crv, x, y, d }, 'ES256', { extractable: false })) as CryptoKey
    publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey
  } catch {
    throw fail('could not be imported as an EC P-256 key: "x"/"y" off the curve, or a "d" that does not belong to them')
  }
  // A d from another key pair imports fine, then signs results the published JWKS can never verify:
  // catch that at startup, not when the first poll closes.
  const probe = enc.encode('gongyi: result signing key self-check')
  const ecdsa = { name: 'ECDSA', hash: 'SHA-256' }
  const consistent = await crypto.subtle
    .sign(ecdsa, privateKey, probe)
    .then((sig) => crypto.subtle.verify(ecdsa, publicKey, sig, probe))
    .catch(() => false)
  if (!consistent) throw fail('private part "d" does not belong to its public "x"/"y"')

  const keyId = typeof kid === 'string' ? kid : await calculateJwkThumbprint(publicJwk)
  return { kid: keyId, privateKey, publicJwk: { ...publicJwk, kid: keyId, alg: 'ES256', use: 'sig' } }
}

/** The public JWKS for /.well-known/jwks.json. Built member by member, so no private part can slip in. */
export function jwks(keys: SigningKeys[]): { keys: JWK[] } {
  return { keys: keys.map((k) => ({ kty: 'EC', crv: 'P-256', x: k.publicJwk.x, y: k.publicJwk.y, kid: k.kid, use: 'sig', alg: 'ES256' })) }
}

/**
 * RFC 8785 (JCS) canonical JSON: object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers as ECMAScript JSON.stringify writes them. Same value rules as JSON.stringify (toJSON is
 * honoured, undefined members are dropped, undefined array items become null), but a non-finite
 * number, a bigint or a cycle throws instead of being silently changed.
 */
export function canonicalJson(value: unknown): string {
  const open = new Set<object>()
  const write = (v: unknown, inArray: boolean): string | undefined => {
    if (isObject(v) && typeof v.toJSON === 'function') v = (v.toJSON as () => unknown)()
    if (v === null) return 'null'
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return JSON.stringify(v)
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError('canonical JSON has no form for a non-finite number')
        return JSON.stringify(v)
      case 'bigint':
        throw new TypeError('canonical JSON has no form for a bigint')
      case 'undefined':
      case 'function':
      case 'symbol':
        return inArray ? 'null' : undefined
    }
    const o = v as object
    if (open.has(o)) throw new TypeError('canonical JSON cannot encode a cycle')
    open.add(o)
    let out: string
    if (Array.isArray(o)) {
      out = `[${o.map((item: unknown) => write(item, true)).join(',')}]`
    } else {
      const rec = o as Record<string, unknown>
      const members: string[] = []
      for (const key of Object.keys(rec).sort()) {
        const s = write(rec[key], false)
        if (s !== undefined) members.push(`${JSON.stringify(key)}:${s}`)
      }
      out = `{${members.join(',')}}`
    }
    open.delete(o)
    return out
  }
  const s = write(value, false)
  if (s === undefined) throw new TypeError('canonical JSON has no form for this value')
  return s
}

/** Signs a result document: compact JWS over canonicalJson(payload), ES256. */
export async function signDocument(keys: SigningKeys, payload: Record<string, unknown>, opts: { issuer: string; issuedAt: Date }): Promise<string> {
  const iat = opts.issuedAt.getTime()
  if (!Number.isFinite(iat)) throw new RangeError('issuedAt is not a valid date')
  if (!opts.issuer) throw new TypeError('issuer is required')
  return new CompactSign(enc.encode(canonicalJson(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: RESULT_JWS_TYPE, kid: keys.kid, iss: opts.issuer, iat: Math.floor(iat / 1000) })
    .sign(keys.privateKey)
}

/**
 * Checks a result JWS against a JWKS (the published one, or one printed or cached offline) and
 * returns the document. Throws on any change to header, payload or signature, a kid not in the set,
 * a header without kid, another alg or typ, or header parameters we never write (crit, b64, jwk, ...).
 */
export async function verifyDocument(jws: string, jwks: { keys: JWK[] }): Promise<{ payload: Record<string, unknown>; kid: string }> {
  const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks), { algorithms: ['ES256'] })
  const { typ, kid } = protectedHeader
  if (typ !== RESULT_JWS_TYPE) throw new Error('not a Gongyi result signature (typ)')
  if (typeof kid !== 'string' || kid === '') throw new Error('result signature names no key (kid)')
  if (Object.keys(protectedHeader).some((k) => !HEADER_PARAMS.has(k))) throw new Error('result signature has an unexpected header parameter')
  let document: unknown
  try {
    document = JSON.parse(dec.decode(payload))
  } catch {
    throw new Error('signed result is not UTF-8 JSON')
  }
  if (!isObject(document)) throw new Error('signed result is not a JSON object')
  return { payload: document, kid }
}
