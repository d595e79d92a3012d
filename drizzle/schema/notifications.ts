import { sql } from 'drizzle-orm'
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { communities } from './community'
import { users } from './identity'
import { polls } from './polls'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export type NotificationKind = 'poll_announced' | 'voting_open' | 'reminder' | 'result_published' | 'statement_published' | 'objection_answered' | 'complaint_answered' | 'proxy_named' | 'binding_claimed' | 'paper_entered'
export type NotificationChannel = 'miniprogram' | 'official_account' | 'sms'

/** What a notification says, in the words owners read; each channel shapes it to its limits. */
export interface NotificationPayload {
  title: string
  /** one short sentence */
  text: string
  /** the page it opens */
  link: string
  /** for a poll: its closing time (ISO) */
  deadline?: string
  /**
   * the text tells the reader what not voting means (the follow-majority rule); only such a
   * message, sent on a channel that carries the whole text, is a delivery the tally may rest on
   */
  tellsNonVoterRule?: boolean
  /**
   * sent to the owner's proxy, not to the owner: it carries the voter (so a reminder is dropped once
   * that voter has voted) but is no delivery to them
   */
  toProxy?: boolean
}

/**
 * Notifications owners should hear of, written in the same transaction as the event, then sent by
 * the scheduler's outbox job. A row is claimed (`sending`) before it is sent, so it is sent at most
 * once whatever the number of instances; `dedupe_key` keeps one event from being queued twice.
 */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dedupeKey: text('dedupe_key').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    communityId: text('community_id')
      .notNull()
      .references(() => communities.id),
    pollId: text('poll_id').references(() => polls.id),
    /** the voter a poll notification reaches (for delivery records and the non-voter rules) */
    voterId: text('voter_id'),
    kind: text('kind', { enum: ['poll_announced', 'voting_open', 'reminder', 'result_published', 'statement_published', 'objection_answered', 'complaint_answered', 'proxy_named', 'binding_claimed', 'paper_entered'] }).notNull(),
    channel: text('channel', { enum: ['miniprogram', 'official_account', 'sms'] }).notNull(),
    payload: jsonb('payload').$type<NotificationPayload>().notNull(),
    /** the owner asked for it (replying in chat): quiet hours do not hold it back */
    ownerActed: boolean('owner_acted').notNull().default(false),
    /** who caused it (recorded as the delivery's recorder) */
    actorUserId: text('actor_user_id').references(() => users.id),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    sentAt: ts('sent_at'),
    errcode: text('errcode'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('notification_outbox_dedupe_uq').on(t.dedupeKey),
    index('notification_outbox_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('notification_outbox_poll_idx').on(t.pollId, t.kind),
  ],
)

/** A reminder the committee set for a poll: to voters who have not voted, `hoursBeforeClose` before it closes. */
export const pollReminders = pgTable(
  'poll_reminders',
  {
    id: text('id').primaryKey(),
    pollId: text('poll_id')
      .notNull()
      .references(() => polls.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    hoursBeforeClose: integer('hours_before_close').notNull(),
    dueAt: ts('due_at').notNull(),
    status: text('status', { enum: ['scheduled', 'done', 'cancelled'] }).notNull().default('scheduled'),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull(),
    ranAt: ts('ran_at'),
  },
  (t) => [uniqueIndex('poll_reminders_uq').on(t.pollId, t.hoursBeforeClose), index('poll_reminders_due_idx').on(t.dueAt).where(sql`status = 'scheduled'`)],
)
