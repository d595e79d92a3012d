import type { Config } from '../../config'
import { AppError } from '../../lib/errors'
import { jwks, loadSigningKeys, type SigningKeys } from '../../lib/signing'

const cache = new Map<string, Promise<SigningKeys>>()

/** The result-signing key from configuration (RESULT_SIGNING_JWK), imported once per process/isolate. */
export async function signingKeys(config: Config): Promise<SigningKeys> {
  const jwk = config.RESULT_SIGNING_JWK
  if (!jwk) throw new AppError('SERVICE_UNAVAILABLE', { reason: 'RESULT_SIGNING_JWK not configured' })
  let keys = cache.get(jwk)
  if (!keys) {
    keys = loadSigningKeys(jwk)
    cache.set(jwk, keys)
  }
  return keys
}

export async function publicJwks(config: Config) {
  return config.RESULT_SIGNING_JWK ? jwks([await signingKeys(config)]) : { keys: [] }
}
