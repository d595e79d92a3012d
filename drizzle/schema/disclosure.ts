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
