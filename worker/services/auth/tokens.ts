import { SignJWT, errors, jwtVerify } from 'jose'
import type { Clock } from '../../env'
import type { Config } from '../../config'
import { hmacKey } from '../../lib/crypto'
import { AppError } from '../../lib/errors'

const ISSUER = 'gongyi'
const AUDIENCE = 'gongyi-api'
const ALG = 'HS256'
const IAT_SKEW_SECONDS = 60

const keyOf = (config: Config) => hmacKey(config.JWT_SECRET)

/** What a verified access token says: whose it is, and which sign-in (refresh-token family) it belongs to. */
export interface TokenSubject {
  userId: string
  sessionId: string
}

/**
 * Short-lived access token (HS256). Roles are not in it: they are looked up per request, so a
 * revocation bites at once. `sid` names the sign-in, so that logging out or a revoked family ends
 * the access tokens it issued at once too (checked with the caller, worker/middleware/access.ts).
 */
export async function issueAccessToken(config: Config, clock: Clock, userId: string, sessionId: string) {
  const iat = Math.floor(clock.now().getTime() / 1000)
  const token = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.ACCESS_TOKEN_TTL_SECONDS)
    .sign(await keyOf(config))
  return { accessToken: token, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS }
}

/**
 * Accepts only what we issue (RFC 8725): HS256 under our key, typ JWT, our issuer and audience, with `exp`, `iat`,
 * `sub` and `sid` all present, and no older than an access token lives (a token without `exp`
 * would otherwise never expire).
 */
export async function verifyAccessToken(config: Config, clock: Clock, token: string): Promise<TokenSubject> {
  try {
    const { payload } = await jwtVerify(token, await keyOf(config), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [ALG],
      typ: 'JWT',
      requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      currentDate: clock.now(),
    })
    if (typeof payload.sub !== 'string' || !payload.sub || typeof payload.sid !== 'string' || !payload.sid) throw new AppError('TOKEN_INVALID')
    // no older than an access token lives, and not from the future (a little skew between instances is allowed)
    const now = Math.floor(clock.now().getTime() / 1000)
    if (payload.iat! > now + IAT_SKEW_SECONDS) throw new AppError('TOKEN_INVALID')
    if (now - payload.iat! > config.ACCESS_TOKEN_TTL_SECONDS) throw new AppError('TOKEN_EXPIRED')
    return { userId: payload.sub, sessionId: payload.sid }
  } catch (e) {
    if (e instanceof AppError) throw e
    if (e instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED')
    throw new AppError('TOKEN_INVALID')
  }
}
