import { Buffer } from 'node:buffer'
import type { Clock } from '../../env'
import type { Config } from '../../config'
import { hmacBase64url, hmacBase64urlMatches } from '../../lib/crypto'
import { AppError } from '../../lib/errors'

const ISSUER = 'gongyi'
const AUDIENCE = 'gongyi-api'
const ALG = 'HS256'
const IAT_SKEW_SECONDS = 60

/** What a verified access token says: whose it is, and which sign-in (refresh-token family) it belongs to. */
export interface TokenSubject {
  userId: string
  sessionId: string
}

/**
 * The protected header of every access token we issue. Nothing else is taken: another alg (none,
 * HS384, RS256 under our secret as a "public key"), a missing or other typ, crit, jku, kid or b64
 * are refused by one comparison (RFC 8725 §3.1: accept only the algorithm you issue).
 */
const HEADER_SEGMENT = Buffer.from(JSON.stringify({ alg: ALG, typ: 'JWT' })).toString('base64url')

/**
 * Short-lived access token (HS256 JWT, RFC 7519). Roles are not in it: they are looked up per
 * request, so a revocation bites at once. `sid` names the sign-in, so that logging out or a
 * revoked family ends the access tokens it issued at once too (checked with the caller,
 * worker/middleware/access.ts).
 *
 * Signed with node:crypto, like the check below, not with jose's SignJWT: the lean Worker's bundle
 * has a size limit (issue 17) and this is three base64url segments. The claims are written in the
 * order jose's SignJWT wrote them, so a token is byte for byte what jose made
 * (test/lib/access-token.test.ts compares them).
 */
export async function issueAccessToken(config: Config, clock: Clock, userId: string, sessionId: string) {
  const iat = Math.floor(clock.now().getTime() / 1000)
  const claims = { sid: sessionId, sub: userId, iss: ISSUER, aud: AUDIENCE, iat, exp: iat + config.ACCESS_TOKEN_TTL_SECONDS }
  const signed = `${HEADER_SEGMENT}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
  return { accessToken: `${signed}.${hmacBase64url(config.JWT_SECRET, signed)}`, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS }
}
const SEGMENT = /^[A-Za-z0-9_-]+$/

function invalid(): never {
  throw new AppError('TOKEN_INVALID')
}

/**
 * Accepts only what we issue (RFC 8725): HS256 under our key, typ JWT, our issuer and audience, with `exp`, `iat`,
 * `sub` and `sid` all present, and no older than an access token lives (a token without `exp`
 * would otherwise never expire).
 *
 * Checked here rather than by jose's jwtVerify: jose checks an HMAC through WebCrypto, a job queue
 * and a promise per request, which was a seventh of the server's CPU per vote in the vote
 * benchmark's profile (issue 17, test/bench/RESULTS.md); node:crypto's HMAC is one synchronous
 * call, on Node and on Workers (nodejs_compat). The signature is compared as the canonical
 * base64url text, so no second spelling of the same bytes passes. The rules are jose's, and
 * test/lib/access-token.test.ts holds this function to jose's verdict on tokens jose signs,
 * altered ones among them.
 */
export async function verifyAccessToken(config: Config, clock: Clock, token: string): Promise<TokenSubject> {
  const parts = token.split('.')
  if (parts.length !== 3) invalid()
  const [header, body, signature] = parts as [string, string, string]
  if (header !== HEADER_SEGMENT || !SEGMENT.test(body)) invalid()
  if (!hmacBase64urlMatches(config.JWT_SECRET, `${header}.${body}`, signature)) invalid()
  let payload: Record<string, unknown>
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    invalid()
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) invalid()
  // in jose's order, so each refusal keeps the code it had (TOKEN_EXPIRED or TOKEN_INVALID)
  if (!('exp' in payload && 'iat' in payload && 'sub' in payload && 'sid' in payload)) invalid()
  const { iss, aud, exp, iat, nbf, sub, sid } = payload
  if (iss !== ISSUER || !(aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE)))) invalid()
  if (typeof iat !== 'number' || (nbf !== undefined && typeof nbf !== 'number') || typeof exp !== 'number') invalid()
  const now = Math.floor(clock.now().getTime() / 1000)
  if (typeof nbf === 'number' && nbf > now) invalid()
  if (exp <= now) throw new AppError('TOKEN_EXPIRED')
  if (typeof sub !== 'string' || !sub || typeof sid !== 'string' || !sid) invalid()
  // no older than an access token lives, and not from the future (a little skew between instances is allowed)
  if (iat > now + IAT_SKEW_SECONDS) invalid()
  if (now - iat > config.ACCESS_TOKEN_TTL_SECONDS) throw new AppError('TOKEN_EXPIRED')
  return { userId: sub, sessionId: sid }
}
