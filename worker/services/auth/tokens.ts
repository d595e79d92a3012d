import { SignJWT, errors, jwtVerify } from 'jose'
import type { Clock } from '../../env'
import type { Config } from '../../config'
import { AppError } from '../../lib/errors'

const ISSUER = 'gongyi'
const AUDIENCE = 'gongyi-api'

const keyOf = (config: Config) => new TextEncoder().encode(config.JWT_SECRET)

/** Short-lived access token (HS256). Roles are not in it: they are looked up per request, so a revocation bites at once. */
export async function issueAccessToken(config: Config, clock: Clock, userId: string) {
  const iat = Math.floor(clock.now().getTime() / 1000)
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.ACCESS_TOKEN_TTL_SECONDS)
    .sign(keyOf(config))
  return { accessToken: token, expiresIn: config.ACCESS_TOKEN_TTL_SECONDS }
}

export async function verifyAccessToken(config: Config, clock: Clock, token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, keyOf(config), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: clock.now(),
    })
    if (!payload.sub) throw new AppError('TOKEN_INVALID')
    return payload.sub
  } catch (e) {
    if (e instanceof AppError) throw e
    if (e instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED')
    throw new AppError('TOKEN_INVALID')
  }
}
