import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../worker/config'

const secrets = { JWT_SECRET: 'j'.repeat(40), ID_HASH_SECRET: 'i'.repeat(40) }

describe('configuration', () => {
  it('names every missing or malformed setting, never its value', () => {
    const err = (() => {
      try {
        parseConfig({ JWT_SECRET: 'short-secret-value', SMS_PROVIDER: 'aliyun', PORT: 'eighty' })
      } catch (e) {
        return e as Error
      }
      return null
    })()
    expect(err).toBeInstanceOf(ConfigError)
    for (const name of ['JWT_SECRET', 'ID_HASH_SECRET', 'ALIYUN_ACCESS_KEY_ID', 'ALIYUN_SMS_SIGN_NAME', 'PORT']) expect(err!.message).toContain(name)
    expect(err!.message).not.toContain('short-secret-value')
  })

  it('production refuses the development SMS sender and a missing result-signing key', () => {
    expect(() => parseConfig({ ...secrets, APP_ENV: 'production' })).toThrow(/SMS_PROVIDER[\s\S]*RESULT_SIGNING_JWK|RESULT_SIGNING_JWK[\s\S]*SMS_PROVIDER/)
  })

  it('parses a complete configuration with its defaults', () => {
    const c = parseConfig({ ...secrets, ADMIN_PHONES: '13800000000, 13900000000' })
    expect(c).toMatchObject({ APP_ENV: 'development', PORT: 8787, SMS_PROVIDER: 'console', ADMIN_PHONES: ['13800000000', '13900000000'], ACCESS_TOKEN_TTL_SECONDS: 900 })
  })

  it('several serving processes only on PostgreSQL: the embedded database belongs to one process', () => {
    expect(() => parseConfig({ ...secrets, NODE_PROCESSES: '2' })).toThrow(/NODE_PROCESSES[\s\S]*DATABASE_URL/)
    expect(parseConfig({ ...secrets, NODE_PROCESSES: '2', DATABASE_URL: 'postgres://u@h/db' })).toMatchObject({ NODE_PROCESSES: 2, DATABASE_POOL_MAX: 10 })
    expect(() => parseConfig({ ...secrets, NODE_PROCESSES: '0', DATABASE_URL: 'postgres://u@h/db' })).toThrow(/NODE_PROCESSES/)
  })

  it('the public address follows the port unless it is set: a second local server’s QR codes point at itself', () => {
    expect(parseConfig({ ...secrets }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:8787')
    expect(parseConfig({ ...secrets, PORT: '8788' }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:8788')
    expect(parseConfig({ ...secrets, HOST: '0.0.0.0', PORT: '9000' }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:9000')
    expect(parseConfig({ ...secrets, PORT: '8788', PUBLIC_BASE_URL: 'https://gongyi.example.cn' }).PUBLIC_BASE_URL).toBe('https://gongyi.example.cn')
  })
})
