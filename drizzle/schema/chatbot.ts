import { boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { users } from './identity'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** A vote said in chat, waiting for `确认` (never cast from one message). */
export interface PendingChatVote {
  pollId: string
  communityId: string
  voterId: string
  choice: 'agree' | 'oppose' | 'abstain' | 'marked'
  /** elections: candidate ids marked */
  marks: string[] | null
  until: string
}

/** Someone who talks to the official account (公众号), by the openid WeChat gives for this account. */
export const oaFollowers = pgTable(
  'oa_followers',
  {
    openid: text('openid').primaryKey(),
    /** the account that signed in on the H5 page (网页授权) or sent a one-time code; null until then */
    userId: text('user_id').references(() => users.id),
    subscribed: boolean('subscribed').notNull().default(true),
    subscribedAt: ts('subscribed_at'),
    unsubscribedAt: ts('unsubscribed_at'),
    /** the owner's last message: customer-service messages may follow within 48 h of it */
    lastInboundAt: ts('last_inbound_at'),
    pendingVote: jsonb('pending_vote').$type<PendingChatVote | null>(),
    linkedAt: ts('linked_at'),
    /**
     * how the link was made: 网页授权 (the link page, or at an SMS sign-in in WeChat), where WeChat
     * itself vouched for the openid beside a signed-in account, or a six-digit code sent by chat.
     * Only the first signs in to the pages without a code (routes/wechat-oa/login.routes.tsx)
     */
    linkedVia: text('linked_via', { enum: ['link_page', 'sign_in', 'chat_code'] }),
  },
  (t) => [index('oa_followers_user_idx').on(t.userId)],
)

/**
 * One row per message (`msg:<MsgId>`) or event (`evt:<FromUserName>:<CreateTime>`) acted on. The key
 * is claimed in the same transaction as the action, so WeChat's redeliveries, to any instance, act
 * once; a redelivery gets the reply the first delivery made.
 */
export const oaInbound = pgTable('oa_inbound', {
  key: text('key').primaryKey(),
  openid: text('openid').notNull(),
  reply: text('reply'),
  receivedAt: ts('received_at').notNull(),
})

/**
 * Plain mode (no EncodingAESKey): WeChat's signature covers the token, the timestamp and the nonce,
 * not the message. Each signed (timestamp, nonce) is kept with the SHA-256 of the message it first
 * came with, for the five minutes the timestamp is accepted, so a signed address seen once (a
 * proxy's log) cannot carry another message; WeChat's redelivery of the same message passes.
 */
export const oaNonces = pgTable('oa_nonces', {
  key: text('key').primaryKey(),
  bodySha256: text('body_sha256').notNull(),
  seenAt: ts('seen_at').notNull(),
})

/** `绑定 <code>` outside WeChat: a one-time code shown to a signed-in account, kept as a digest. */
export const oaLinkCodes = pgTable('oa_link_codes', {
  codeHash: text('code_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
})
