import { bigint, bigserial, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { StatementContentInput } from '../../shared/statements'
import { communities, firms } from './community'
import { users } from './identity'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * What a firm posts at all times in a community it serves (disclosure.md "standing profile";
 * 《物业服务收费明码标价规定》第六条; seed 002 (四)2, 003 item 十). One row per firm and community,
 * every post is a new row (the newest is in force), so past versions stay on record.
 */
export const firmProfiles = pgTable(
  'firm_profiles',
  {
    id: text('id').primaryKey(),
    /** posting order: the newest is in force even when two posts share a timestamp */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    firmId: text('firm_id').notNull().references(() => firms.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    content: jsonb('content').$type<FirmProfileContent>().notNull(),
    postedBy: text('posted_by').notNull().references(() => users.id),
    postedAt: ts('posted_at').notNull(),
  },
  (t) => [index('firm_profiles_community_idx').on(t.communityId, t.postedAt)],
)

export interface FirmProfileContent {
  licenceValidUntil: string | null
  projectManager: { name: string; phone: string }
  complaintPhone: string
  priceHotline: string
  serviceGrade: string
  contractors: { kind: 'elevator' | 'fire'; name: string; phone: string }[]
}

/**
 * A fee item in the posted schedule. Items are never edited: a new rate is a new row with a later
 * start date, posted at least a month before it applies (disclosure.md).
 */
export const feeItems = pgTable(
  'fee_items',
  {
    id: text('id').primaryKey(),
    firmId: text('firm_id').notNull().references(() => firms.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    item: text('item').notNull(),
    payer: text('payer').notNull(),
    basis: text('basis', { enum: ['per_m2_month', 'per_vehicle_month', 'per_household_month', 'per_use', 'other'] }).notNull(),
    rateFen: bigint('rate_fen', { mode: 'number' }).notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    regime: text('regime', { enum: ['guided', 'market'] }).notNull(),
    postedBy: text('posted_by').notNull().references(() => users.id),
    postedAt: ts('posted_at').notNull(),
  },
  (t) => [index('fee_items_community_idx').on(t.communityId, t.item, t.startsOn)],
)

/** The district's guided (reference) price per service grade and item, published by community staff. */
export const referencePrices = pgTable(
  'reference_prices',
  {
    id: text('id').primaryKey(),
    district: text('district').notNull(),
    serviceGrade: text('service_grade').notNull(),
    item: text('item').notNull(),
    basis: text('basis').notNull(),
    baseFen: bigint('base_fen', { mode: 'number' }).notNull(),
    minFen: bigint('min_fen', { mode: 'number' }).notNull(),
    maxFen: bigint('max_fen', { mode: 'number' }).notNull(),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    publishedBy: text('published_by').notNull().references(() => users.id),
    publishedAt: ts('published_at').notNull(),
  },
  (t) => [uniqueIndex('reference_prices_uq').on(t.district, t.serviceGrade, t.item, t.effectiveFrom)],
)

/**
 * A published periodic statement (disclosure.md "Periodic statements"). Immutable once published:
 * a correction is a new version naming the one it replaces and why. `contentHash` is the SHA-256 of
 * the canonical content, what notices and receipts point at.
 */
export const statements = pgTable(
  'statements',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id').notNull().references(() => communities.id),
    kind: text('kind', { enum: ['service_fee', 'public_revenue', 'maintenance_fund', 'shared_utility', 'elevator', 'committee_funds'] }).notNull(),
    /** e.g. 2026Q3 */
    period: text('period').notNull(),
    discloser: text('discloser', { enum: ['firm', 'committee'] }).notNull(),
    firmId: text('firm_id').references(() => firms.id),
    version: integer('version').notNull(),
    replacesId: text('replaces_id'),
    correctionReason: text('correction_reason'),
    content: jsonb('content').$type<StatementContentInput>().notNull(),
    openingFen: bigint('opening_fen', { mode: 'number' }).notNull(),
    closingFen: bigint('closing_fen', { mode: 'number' }).notNull(),
    contentHash: text('content_hash').notNull(),
    publishedBy: text('published_by').notNull().references(() => users.id),
    publishedAt: ts('published_at').notNull(),
  },
  (t) => [uniqueIndex('statements_version_uq').on(t.communityId, t.kind, t.period, t.version), index('statements_community_idx').on(t.communityId, t.kind, t.period)],
)

/**
 * Emergency use of the maintenance fund (民法典 第281条第2款; seed 000 四(四)): when a hazard cannot
 * wait for a vote, the committee records the hazard and approves the works, the community (居委会 /
 * 街道) confirms, notices hang during the works, and a review follows with the actual cost. A
 * maintenance-fund statement line may cite a confirmed record instead of a passed poll.
 */
export const emergencyUses = pgTable(
  'emergency_uses',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id').notNull().references(() => communities.id),
    hazard: text('hazard').notNull(),
    works: text('works').notNull(),
    contractor: text('contractor'),
    estimatedFen: bigint('estimated_fen', { mode: 'number' }).notNull(),
    status: text('status', { enum: ['approved', 'confirmed', 'reviewed'] }).notNull(),
    approvedBy: text('approved_by').notNull().references(() => users.id),
    approvedAt: ts('approved_at').notNull(),
    confirmedBy: text('confirmed_by').references(() => users.id),
    confirmedAt: ts('confirmed_at'),
    actualFen: bigint('actual_fen', { mode: 'number' }),
    review: text('review'),
    reviewedBy: text('reviewed_by').references(() => users.id),
    reviewedAt: ts('reviewed_at'),
  },
  (t) => [index('emergency_uses_community_idx').on(t.communityId, t.approvedAt)],
)

/**
 * An owner's objection to a line of a published statement, and the discloser's answer on record
 * (disclosure.md: owners object within the display period; the firm answers). Public to the community.
 */
export const statementObjections = pgTable(
  'statement_objections',
  {
    id: text('id').primaryKey(),
    statementId: text('statement_id').notNull().references(() => statements.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    /** 1-based line of the statement version objected to; null for the statement as a whole */
    line: integer('line'),
    body: text('body').notNull(),
    authorUserId: text('author_user_id').notNull().references(() => users.id),
    authorLabel: text('author_label').notNull(),
    createdAt: ts('created_at').notNull(),
    answer: text('answer'),
    answeredBy: text('answered_by').references(() => users.id),
    answererLabel: text('answerer_label'),
    answeredAt: ts('answered_at'),
  },
  (t) => [index('statement_objections_statement_idx').on(t.statementId, t.createdAt), index('statement_objections_community_idx').on(t.communityId, t.answeredAt)],
)
