import { CompactSign, calculateJwkThumbprint, compactVerify, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'

/**
 * Published results are signed (JWS, ES256) so a printed result can be checked offline against
 * the keys served at /.well-known/jwks.json. The payload is the result document's JSON.
 */
export interface SigningKeys {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

export const RESULT_JWS_TYPE = 'gongyi-result+jws'

/** A new private key as JWK JSON, for RESULT_SIGNING_JWK (kid = RFC 7638 thumbprint). */
export async function generateSigningJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  jwk.kid = await calculateJwkThumbprint(jwk)
  jwk.alg = 'ES256'
  return JSON.stringify(jwk)
}

export async function loadSigningKeys(privateJwkJson: string): Promise<SigningKeys> {
  let jwk: JWK
  try {
    jwk = JSON.parse(privateJwkJson) as JWK
  } catch {
    throw new Error('RESULT_SIGNING_JWK is not valid JSON')
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y) throw new Error('RESULT_SIGNING_JWK must be a private EC P-256 JWK')
  const publicJwk: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicJwk))
  const privateKey = (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')) as CryptoKey
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' } }
}

export function jwks(keys: SigningKeys[]): { keys: JWK[] } {
  return { keys: keys.map((k) => ({ ...k.publicJwk })) }
}

export async function signDocument(keys: SigningKeys, payload: Record<string, unknown>, opts: { issuer: string; issuedAt: Date }): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: RESULT_JWS_TYPE, iss: opts.issuer, iat: Math.floor(opts.issuedAt.getTime() / 1000) } as never)
    .sign(keys.privateKey)
}

export async function verifyDocument(jws: string, set: { keys: JWK[] }): Promise<{ payload: Record<string, unknown>; kid: string }> {
  const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(set), { algorithms: ['ES256'] })
  if (protectedHeader.typ !== RESULT_JWS_TYPE) throw new Error('not a Gongyi result signature')
  return { payload: JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>, kid: protectedHeader.kid ?? '' }
}
