import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { communities } from './community'
import { users } from './identity'
import { statements } from './disclosure'
import { polls } from './polls'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * A notice for the compound's board and online (seeds 002/003: 在小区显著位置 and online). Published
 * notices are never edited: a correction is a new version that supersedes the old one. `code` is
 * the short public code behind /n/<code> and the printed QR.
 */
export const notices = pgTable(
  'notices',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id').notNull().references(() => communities.id),
    kind: text('kind', { enum: ['general', 'poll_announcement', 'result', 'disclosure', 'fee_change', 'enforcement_contacts'] }).notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** enforcement-contacts board: per department, what it handles here and how to reach it */
    contacts: jsonb('contacts').$type<{ department: string; handles: string; phone: string }[]>(),
    pollId: text('poll_id').references(() => polls.id),
    /** disclosure notices: the statement version they announce */
    statementId: text('statement_id').references(() => statements.id),
    code: text('code').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at'),
    pinned: boolean('pinned').notNull().default(false),
    version: integer('version').notNull().default(1),
    supersedesId: text('supersedes_id'),
    issuedBy: text('issued_by').references(() => users.id),
    issuerLabel: text('issuer_label').notNull(),
    publishedAt: ts('published_at').notNull(),
  },
  // supersedes_id: a notice's page asks whether a newer version replaced it; without the index that read scans every compound's notices
  (t) => [uniqueIndex('notices_code_uq').on(t.code), index('notices_community_idx').on(t.communityId, t.publishedAt), index('notices_supersedes_idx').on(t.supersedesId)],
)

/**
 * Who opened a notice's page, as far as counting needs: one row per device per notice per Beijing
 * day, keyed by a digest that is useless outside that day and notice (HMAC of day, notice, address
 * and user agent under a server secret, truncated to 64 bits): nothing personal is stored, and a
 * reload or a burst of requests from one device adds nothing. Insert-only (ON CONFLICT DO NOTHING),
 * so a page view never updates a shared row; the figure is a count by aggregate.
 */
export const noticeScanDevices = pgTable(
  'notice_scan_devices',
  {
    noticeId: text('notice_id').notNull().references(() => notices.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    day: date('day', { mode: 'string' }).notNull(),
    device: text('device').notNull(),
  },
  (t) => [primaryKey({ columns: [t.noticeId, t.day, t.device] })],
)
