
import { bigserial, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** A person who signs in: by phone one-time code, by WeChat mini-program, or both. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    phone: text('phone'),
    wechatOpenid: text('wechat_openid'),
    wechatUnionid: text('wechat_unionid'),
    /**
     * Made for a phone by someone else (an owner naming it as proxy) before anyone showed they
     * hold it. The first sign-in by code with it clears this; a WeChat account that shows it holds
     * the phone (getuserphonenumber) takes such an account's proxies over (wechat-login.ts).
     */
    placeholder: boolean('placeholder').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_phone_uq').on(t.phone), uniqueIndex('users_openid_uq').on(t.wechatOpenid)],
)

/**
 * Rotating refresh tokens, stored as SHA-256 digests. A family is one sign-in on one device;
 * presenting a token that was already rotated away revokes the whole family (theft signal).
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    familyId: text('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash), index('refresh_tokens_family_idx').on(t.familyId)],
)

/** One-time SMS codes, hashed; a code is consumed once or dies after its attempts. */
export const otpCodes = pgTable(
  'otp_codes',
  {
    id: text('id').primaryKey(),
    phone: text('phone').notNull(),
    codeHash: text('code_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    consumedAt: ts('consumed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('otp_codes_phone_idx').on(t.phone, t.createdAt)],
)

/**
 * Fixed-window counters, kept in the database so every instance (Node processes,
 * Worker isolates) enforces the same limits. Keys hold a digest of the phone/IP, never the value.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: ts('window_start').notNull(),
  count: integer('count').notNull(),
})

/** Development SMS outbox: what the console sender "sent", readable by an admin in embedded mode. */
export const smsOutbox = pgTable('sms_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  phone: text('phone').notNull(),
  message: text('message').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
})

