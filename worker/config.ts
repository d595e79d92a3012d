import * as z from 'zod'
import { isProxyEntry } from './lib/client-ip'

/**
 * The service's configuration, parsed once at each entry (worker/node.ts, worker/index.ts).
 * Nothing else reads the environment: code receives a `Config`.
 */
const secret = (name: string) =>
  z.string({ error: `${name} is required` }).min(32, { error: `${name} must be at least 32 characters` })

const phoneList = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((p) => p.trim()).filter(Boolean))

export const ConfigSchema = z
  .object({
    APP_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z.string().url().optional(),
    /**
     * Node entry with DATABASE_URL: '1' (the default) sends short statements as named prepared
     * statements, one round trip each instead of two (worker/db/prepared.ts); '0' behind a pooler
     * that cannot keep them (PgBouncer in transaction mode without max_prepared_statements). The
     * suite runs the default and, with DATABASE_PREPARE=0 npm test, the other.
     */
    DATABASE_PREPARE: z.enum(['0', '1']).default('1'),
    /** Node entry with DATABASE_URL: connections each serving process may open to PostgreSQL */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    /**
     * Node entry: serving processes on one port (Node's cluster module), one core each. More than
     * one needs DATABASE_URL: the embedded database belongs to the one process that opened it.
     */
    NODE_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
    JWT_SECRET: secret('JWT_SECRET'),
    ID_HASH_SECRET: secret('ID_HASH_SECRET'),
    ADMIN_PHONES: phoneList,
    /** Node entry only: where to listen, and the embedded database's folder */
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    DATA_DIR: z.string().default('.data'),
    /** seed the demo community on start (default: only in embedded mode) */
    SEED_DEMO: z.enum(['0', '1']).optional(),
    /** unset: this server's own address, http://HOST:PORT (127.0.0.1 when listening on every address) */
    PUBLIC_BASE_URL: z.string().url().optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** private EC P-256 JWK (JSON) that signs published results; its public half is served at /.well-known/jwks.json */
    RESULT_SIGNING_JWK: z.string().optional(),
    WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
    WECHAT_APPID: z.string().optional(),
    WECHAT_SECRET: z.string().optional(),
    /**
     * Node entry: the proxies in front of the app (addresses, or IPv4 ranges like 10.0.0.0/8),
     * comma-separated. X-Forwarded-For is believed only from them (lib/client-ip.ts); unset, never.
     */
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform((s) => (s ?? '').split(',').map((p) => p.trim()).filter(Boolean))
      .refine((list) => list.every(isProxyEntry), { error: 'TRUSTED_PROXIES must be comma-separated IP addresses or IPv4 ranges (10.0.0.0/8)' }),
    /** the official account (公众号) chat-bot; base URL as for the mini-program (WECHAT_API_BASE) */
    WECHAT_OA_APPID: z.string().optional(),
    WECHAT_OA_SECRET: z.string().optional(),
    WECHAT_OA_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, { error: 'WECHAT_OA_TOKEN must be 3 to 32 letters or digits' }).optional(),
    /** set: safe mode (消息加解密) */
    WECHAT_OA_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}$/, { error: 'WECHAT_OA_ENCODING_AES_KEY must be 43 base64 characters' }).optional(),
    /** where 网页授权 sends the browser (a fake stands in for it in tests) */
    WECHAT_OA_AUTHORIZE_BASE: z.string().url().default('https://open.weixin.qq.com'),
    /** a reply not ready in this time goes out as a customer-service message instead (WeChat waits 5 s) */
    WECHAT_OA_REPLY_BUDGET_MS: z.coerce.number().int().min(0).max(4_500).default(3_000),
    /** notifications: the official account's template message and the mini-program's subscribe message */
    WECHAT_OA_TEMPLATE_ID: z.string().optional(),
    WECHAT_SUBSCRIBE_TEMPLATE_ID: z.string().optional(),
    /** an SMS template for notifications (params: title, link), for owners WeChat cannot reach */
    ALIYUN_SMS_NOTICE_TEMPLATE_CODE: z.string().optional(),
    SMS_PROVIDER: z.enum(['console', 'aliyun']).default('console'),
    ALIYUN_SMS_ENDPOINT: z.string().url().default('https://dysmsapi.aliyuncs.com'),
    ALIYUN_ACCESS_KEY_ID: z.string().optional(),
    ALIYUN_ACCESS_KEY_SECRET: z.string().optional(),
    ALIYUN_SMS_SIGN_NAME: z.string().optional(),
    ALIYUN_SMS_TEMPLATE_CODE: z.string().optional(),
  })
  .superRefine((raw, ctx) => {
    const c = raw as Partial<typeof raw> & Record<string, unknown>
    if (c.SMS_PROVIDER === 'aliyun') {
      for (const k of ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'ALIYUN_SMS_SIGN_NAME', 'ALIYUN_SMS_TEMPLATE_CODE'] as const) {
        if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required when SMS_PROVIDER=aliyun` })
      }
    }
    if (c.APP_ENV === 'production' && c.SMS_PROVIDER === 'console') {
      ctx.addIssue({ code: 'custom', path: ['SMS_PROVIDER'], message: 'SMS_PROVIDER=console is for development only' })
    }
    if (c.APP_ENV === 'production' && !c.RESULT_SIGNING_JWK) {
      ctx.addIssue({ code: 'custom', path: ['RESULT_SIGNING_JWK'], message: 'RESULT_SIGNING_JWK is required in production' })
    }
    if (typeof c.NODE_PROCESSES === 'number' && c.NODE_PROCESSES > 1 && !c.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['NODE_PROCESSES'], message: 'NODE_PROCESSES above 1 needs DATABASE_URL (the embedded database belongs to one process)' })
    }
    if (Boolean(c.WECHAT_APPID) !== Boolean(c.WECHAT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_SECRET'], message: 'WECHAT_APPID and WECHAT_SECRET go together' })
    }
    const oa = ['WECHAT_OA_APPID', 'WECHAT_OA_SECRET', 'WECHAT_OA_TOKEN'] as const
    if (oa.some((k) => c[k]) || c.WECHAT_OA_ENCODING_AES_KEY) {
      for (const k of oa) if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'WECHAT_OA_APPID, WECHAT_OA_SECRET and WECHAT_OA_TOKEN go together' })
    }
  // run even when other settings are malformed, so one start-up names every problem
  }, { when: () => true })

export type Config = Omit<z.infer<typeof ConfigSchema>, 'PUBLIC_BASE_URL'> & { PUBLIC_BASE_URL: string }

export class ConfigError extends Error {}

/** Parse or stop: the message names every missing or malformed setting (never its value). */
export function parseConfig(env: Record<string, unknown>): Config {
  const r = ConfigSchema.safeParse(env)
  if (r.success) {
    // a second local server on another PORT must not print QR codes that point at the first one
    const host = r.data.HOST === '0.0.0.0' || r.data.HOST === '::' ? '127.0.0.1' : r.data.HOST.includes(':') ? `[${r.data.HOST}]` : r.data.HOST
    return { ...r.data, PUBLIC_BASE_URL: r.data.PUBLIC_BASE_URL ?? `http://${host}:${r.data.PORT}` }
  }
  const lines = r.error.issues.map((i) => `  - ${i.path.join('.') || '(config)'}: ${i.message}`)
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}
