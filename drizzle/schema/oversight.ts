import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { communities, firms } from './community'
import { users } from './identity'
import type { DistrictNumbers } from '../../shared/credit-scheme'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * An owner's complaint about their compound (shared/complaints.ts: categories, desks, deadlines).
 * The row is the case's current state; every step is a `complaint_events` row.
 */
export const complaints = pgTable(
  'complaints',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id').notNull().references(() => communities.id),
    /** the firm serving the compound when it was filed (null: none under contract) */
    firmId: text('firm_id').references(() => firms.id),
    complainantUserId: text('complainant_user_id').notNull().references(() => users.id),
    /** the complainant's flat (unit key), for the people allowed to see who complained */
    complainantUnitKey: text('complainant_unit_key').notNull(),
    /** the owner asked that the firm not see who they are (community staff and departments always do) */
    hiddenFromFirm: boolean('hidden_from_firm').notNull(),
    category: text('category').notNull(),
    urgency: text('urgency').notNull(),
    body: text('body').notNull(),
    photos: jsonb('photos').$type<string[]>().notNull(),
    place: text('place').notNull(),
    /** who answers now; null while a returned complaint waits to be re-dispatched */
    desk: text('desk'),
    status: text('status').notNull(),
    /** 0: with the desk; 1: escalated to community staff; 2: to the street */
    escalation: integer('escalation').notNull().default(0),
    filedAt: ts('filed_at').notNull(),
    dispatchedAt: ts('dispatched_at').notNull(),
    firstContactBy: ts('first_contact_by').notNull(),
    resolveBy: ts('resolve_by').notNull(),
    sendBackBy: ts('send_back_by').notNull(),
    /** when the street takes it over if still open (set at the first escalation) */
    streetBy: ts('street_by'),
    contactedAt: ts('contacted_at'),
    resolvedAt: ts('resolved_at'),
    /** when silence closes it (set at 办结) */
    reviewBy: ts('review_by'),
    closedAt: ts('closed_at'),
    /** first contact and resolution, measured once against the desk's deadlines (接诉即办) */
    contactedOnTime: boolean('contacted_on_time'),
    resolvedOnTime: boolean('resolved_on_time'),
    /** the owner's answer at 回访: true satisfied, false not (reopened), null none yet / silence */
    satisfied: boolean('satisfied'),
    reopenCount: integer('reopen_count').notNull().default(0),
  },
  (t) => [index('complaints_community_idx').on(t.communityId, t.filedAt), index('complaints_firm_idx').on(t.firmId, t.filedAt), index('complaints_open_idx').on(t.status)],
)

/** One step of a complaint: what, when, by whom (a person with their capacity, or the system's deadline run). */
export const complaintEvents = pgTable(
  'complaint_events',
  {
    id: text('id').primaryKey(),
    complaintId: text('complaint_id').notNull().references(() => complaints.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    desk: text('desk'),
    actorUserId: text('actor_user_id').references(() => users.id),
    /** owner, firm, department, community_staff, system */
    actorRole: text('actor_role').notNull(),
    note: text('note'),
    at: ts('at').notNull(),
  },
  (t) => [uniqueIndex('complaint_events_seq_uq').on(t.complaintId, t.seq)],
)

/**
 * An owner's quarterly rating of the firm serving their compound: one per voter (the roster
 * owner, whichever account they use) per firm and quarter, changed in place until the quarter ends.
 * Read only in aggregate (shared/ratings.ts); no route returns a row to anyone but its author.
 */
export const firmRatings = pgTable(
  'firm_ratings',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id').notNull().references(() => communities.id),
    firmId: text('firm_id').notNull().references(() => firms.id),
    quarter: text('quarter').notNull(),
    /** the roster owner (binding owner key): two accounts of one owner rate once */
    voterKey: text('voter_key').notNull(),
    userId: text('user_id').notNull().references(() => users.id),
    scores: jsonb('scores').$type<Record<string, number>>().notNull(),
    comment: text('comment'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('firm_ratings_voter_uq').on(t.communityId, t.firmId, t.quarter, t.voterKey), index('firm_ratings_firm_idx').on(t.firmId, t.quarter)],
)

/**
 * A record in a firm's credit file (信用档案) kept by a district's housing department: generated
 * from this system's own data (`source` system, `sourceRef` naming what it came from, so a run
 * never records the same fact twice) or entered by the department with evidence. A firm may
 * appeal once; the department's decision is kept with it. A withdrawn record stays on file and
 * no longer counts.
 */
export const creditRecords = pgTable(
  'credit_records',
  {
    id: text('id').primaryKey(),
    firmId: text('firm_id').notNull().references(() => firms.id),
    district: text('district').notNull(),
    category: text('category', { enum: ['base', 'good', 'bad'] }).notNull(),
    item: text('item').notNull(),
    pointsCenti: integer('points_centi').notNull(),
    occurredOn: text('occurred_on').notNull(),
    expiresOn: text('expires_on'),
    seriousDishonesty: boolean('serious_dishonesty').notNull().default(false),
    source: text('source', { enum: ['system', 'department'] }).notNull(),
    sourceRef: text('source_ref'),
    /** documents by name and SHA-256, and what they show */
    evidence: jsonb('evidence').$type<{ name: string; sha256?: string; note?: string }[]>().notNull(),
    status: text('status', { enum: ['in_force', 'appealed', 'withdrawn'] }).notNull(),
    enteredBy: text('entered_by').references(() => users.id),
    enteredAt: ts('entered_at').notNull(),
    appeal: text('appeal'),
    appealedBy: text('appealed_by').references(() => users.id),
    appealedAt: ts('appealed_at'),
    decision: text('decision', { enum: ['upheld', 'withdrawn'] }),
    decisionNote: text('decision_note'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: ts('decided_at'),
  },
  (t) => [index('credit_records_firm_idx').on(t.firmId, t.district), uniqueIndex('credit_records_source_uq').on(t.firmId, t.district, t.sourceRef)],
)

/**
 * The quarterly good/bad list (好差榜) of a district: computed (a draft, recomputable), reviewed
 * and published by the housing department as a notice on every compound's board. Entries keep
 * each firm's score with every input and weight, so the published list can be recomputed.
 */
export const creditLists = pgTable(
  'credit_lists',
  {
    id: text('id').primaryKey(),
    district: text('district').notNull(),
    quarter: text('quarter').notNull(),
    /** the preset (its period, grades and method); with `districtSchemeId`, under the district's numbers */
    schemeId: text('scheme_id').notNull(),
    /** the version of the district's published scheme the list was computed with; null: the preset's own numbers */
    districtSchemeId: text('district_scheme_id').references(() => districtCreditSchemes.id),
    asOf: text('as_of').notNull(),
    entries: jsonb('entries').$type<unknown[]>().notNull(),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    computedBy: text('computed_by').notNull().references(() => users.id),
    computedAt: ts('computed_at').notNull(),
    publishedBy: text('published_by').references(() => users.id),
    publishedAt: ts('published_at'),
    noticeCodes: jsonb('notice_codes').$type<string[]>(),
  },
  (t) => [uniqueIndex('credit_lists_quarter_uq').on(t.district, t.quarter)],
)

/**
 * A district's own credit scheme (issue 15): the housing department publishes its numbers for one
 * preset (shares, caps, weights, validity) with the document they come from. Every version is
 * kept, never changed (the lists computed under one name it, and seeds 000/003/004 ask that
 * grading be on evidence and published); the current scheme is the latest version.
 */
export const districtCreditSchemes = pgTable(
  'district_credit_schemes',
  {
    id: text('id').primaryKey(),
    district: text('district').notNull(),
    /** 1, 2, … per district */
    version: integer('version').notNull(),
    /** a preset id of shared/credit-score.ts CREDIT_SCHEMES */
    basedOn: text('based_on').notNull(),
    params: jsonb('params').$type<DistrictNumbers>().notNull(),
    /** the department's notice it comes from (文号、标题) */
    source: text('source').notNull(),
    publishedBy: text('published_by').notNull().references(() => users.id),
    publishedAt: ts('published_at').notNull(),
  },
  (t) => [uniqueIndex('district_credit_schemes_version_uq').on(t.district, t.version)],
)
