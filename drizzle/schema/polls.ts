import { sql } from 'drizzle-orm'
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { CommunitySettings } from '../../shared/community'
import { communities } from './community'
import { users } from './identity'
import { rosterVersions } from './roster'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * One matter put to the owners (一事一议). From announcement on, the text, the matter, the
 * electorate (roster version + scope) and the community's rules are frozen on this row.
 */
export const polls = pgTable(
  'polls',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id').notNull().references(() => communities.id),
    /** single: agree / oppose / abstain on one matter; election: marks for up to `seats` candidates */
    kind: text('kind', { enum: ['single', 'election'] }).notNull().default('single'),
    /** the community's short reference (第12号), what owners type in chat; given when drafted */
    number: integer('number'),
    seats: integer('seats'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    attachments: jsonb('attachments').$type<{ name: string; sha256: string }[]>().notNull(),
    /** one of the nine matters of 民法典 第278条; who classified it is recorded (a disputable judgement) */
    matter: text('matter').notNull(),
    approvalClass: text('approval_class', { enum: ['ordinary', 'special'] }).notNull(),
    classifiedBy: text('classified_by').notNull().references(() => users.id),
    /** null: the whole community; else only units in these buildings form the electorate */
    scopeBuildings: jsonb('scope_buildings').$type<string[] | null>(),
    opensAt: ts('opens_at').notNull(),
    closesAt: ts('closes_at').notNull(),
    originalClosesAt: ts('original_closes_at').notNull(),
    /** counting: voting has closed and the committee is counting the paper ballots (计票) */
    status: text('status', { enum: ['draft', 'announced', 'counting', 'closed', 'cancelled'] }).notNull(),
    announcedAt: ts('announced_at'),
    noticeOverrideReason: text('notice_override_reason'),
    rosterVersionId: text('roster_version_id').references(() => rosterVersions.id),
    settings: jsonb('settings').$type<CommunitySettings>(),
    /** SHA-256 of the frozen text (title, body, matter, scope, attachments) */
    textHash: text('text_hash'),
    /** the frozen electorate's area, ten-thousandths of m²; scale: the most decimals among its units */
    totalAreaE4: bigint('total_area_e4', { mode: 'number' }),
    areaScale: smallint('area_scale'),
    totalVoters: integer('total_voters'),
    /**
     * Only where the community shows the split while the vote runs (showSplitWhileOpen): the split
     * owners and the committee see (household counts only), taken by the scheduler once at least
     * OPEN_SPLIT_BATCH households have voted for the first time, online, since the last one;
     * `through`: the last ballot it includes (worker/services/results/open-split.ts)
     */
    openSplit: jsonb('open_split').$type<{ takenAt: string; through: string; totals: { choice: string; voters: number; areaE4: number }[] }>(),
    cancelledAt: ts('cancelled_at'),
    cancelReason: text('cancel_reason'),
    closedAt: ts('closed_at'),
    createdBy: text('created_by').notNull().references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('polls_community_idx').on(t.communityId, t.createdAt), uniqueIndex('polls_number_uq').on(t.communityId, t.number)],
)

/** The electorate frozen at announcement: each voter with its area inside the poll's scope. */
export const pollVoters = pgTable(
  'poll_voters',
  {
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    voterId: text('voter_id').notNull(),
    /** the voter's area within scope, ten-thousandths of m²; scale: the most decimals among its units */
    areaE4: bigint('area_e4', { mode: 'number' }).notNull(),
    areaScale: smallint('area_scale').notNull(),
    unitCount: integer('unit_count').notNull(),
    kind: text('kind', { enum: ['owner', 'developer'] }).notNull(),
    /** who may cast this voter's ballot (a co-owned unit's named representative) */
    representativeOwnerKey: text('representative_owner_key'),
    /** display: the voter's units, e.g. "1栋-1单元-101" */
    unitLabels: text('unit_labels').notNull(),
    /** display: masked owner name(s) */
    maskedName: text('masked_name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voterId] }), index('poll_voters_rep_idx').on(t.pollId, t.representativeOwnerKey)],
)

/**
 * Every ballot version is kept. `current` marks the one standing per voter and kind (electronic
 * or paper); the community's rule decides which kind stands when both exist. No shared row is
 * updated per vote: the tally is an aggregate over these rows.
 */
export const ballots = pgTable(
  'ballots',
  {
    id: text('id').primaryKey(),
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    voterId: text('voter_id').notNull(),
    version: integer('version').notNull(),
    /** single polls: agree / oppose / abstain / spoiled; elections: marked / abstain (no mark) / spoiled */
    choice: text('choice', { enum: ['agree', 'oppose', 'abstain', 'spoiled', 'marked'] }).notNull(),
    /** elections: the candidate ids marked (at most `seats`) */
    marks: jsonb('marks').$type<string[]>(),
    spoiledReason: text('spoiled_reason'),
    channel: text('channel', { enum: ['app', 'h5', 'chatbot', 'paper', 'proxy'] }).notNull(),
    kind: text('kind', { enum: ['electronic', 'paper'] }).notNull(),
    current: boolean('current').notNull(),
    castByUserId: text('cast_by_user_id').notNull().references(() => users.id),
    proxyId: text('proxy_id'),
    paperPhotoSha256: text('paper_photo_sha256'),
    /**
     * paper ballots signed by someone other than the owner (指导规则 第26条, 《解释》第9条): a
     * proxy holding a written 授权委托书, a guardian, a company's legal representative. Null: the
     * owner signed. The signer's name and the photo of their document are kept with the ballot, for
     * the owner to see and dispute and for the scrutineers; the public voter list says only which.
     */
    signedAs: text('signed_as', { enum: ['proxy', 'guardian', 'legal_representative'] }),
    signerName: text('signer_name'),
    signerDocumentSha256: text('signer_document_sha256'),
    receipt: text('receipt').notNull(),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash').notNull(),
    /** the database's clock, inside the transaction that accepted it (for paper: when it was entered) */
    castAt: ts('cast_at').notNull().default(sql`clock_timestamp()`),
    /** paper ballots entered while counting: when the ballot reached the box (by the close) */
    receivedAt: ts('received_at'),
    disputedAt: ts('disputed_at'),
    disputeReason: text('dispute_reason'),
  },
  (t) => [
    uniqueIndex('ballots_current_uq').on(t.pollId, t.voterId, t.kind).where(sql`current`),
    uniqueIndex('ballots_receipt_uq').on(t.receipt),
    uniqueIndex('ballots_idempotency_uq').on(t.pollId, t.castByUserId, t.idempotencyKey).where(sql`idempotency_key is not null`),
    index('ballots_poll_idx').on(t.pollId, t.voterId),
    check('ballots_signer_ck', sql`(signed_as is null and signer_name is null and signer_document_sha256 is null) or (kind = 'paper' and signer_name is not null and signer_document_sha256 is not null)`),
    // a short receipt code (shared/receipt.ts) is looked up by the long receipt's first 8 characters.
    // The prefix leads: an index led by poll_id alone would be one more that "the poll's ballots"
    // can use, and a plan made while a poll had few ballots chose it for the vote's read of one
    // voter's ballots, reading every ballot of the poll per vote (issue 17, RESULTS.md session 9)
    index('ballots_receipt_prefix_poll_idx').on(sql`left(${t.receipt}, 8)`, t.pollId),
  ],
)

/** A written proxy (指导规则 第26条) for one poll: revocable until used. */
export const proxies = pgTable(
  'proxies',
  {
    id: text('id').primaryKey(),
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    voterId: text('voter_id').notNull(),
    /** the owner who named the proxy in the app; null for a written proxy the committee recorded */
    grantorUserId: text('grantor_user_id').references(() => users.id),
    /**
     * a written proxy (授权委托书, 指导规则 第26条) the owner signed and handed to the committee,
     * which recorded it: the SHA-256 of its photo, and who recorded it. An owner who never signs in
     * (no smartphone) can so have a son or daughter vote online.
     */
    writtenDocumentSha256: text('written_document_sha256'),
    recordedByUserId: text('recorded_by_user_id').references(() => users.id),
    proxyUserId: text('proxy_user_id').notNull().references(() => users.id),
    status: text('status', { enum: ['active', 'used', 'revoked'] }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    endedAt: ts('ended_at'),
  },
  (t) => [
    uniqueIndex('proxies_voter_active_uq').on(t.pollId, t.voterId).where(sql`status <> 'revoked'`),
    index('proxies_proxy_idx').on(t.pollId, t.proxyUserId),
    // named in the app by its owner, or recorded from a written proxy: exactly one
    check('proxies_named_or_written', sql`(grantor_user_id is null) = (written_document_sha256 is not null and recorded_by_user_id is not null)`),
  ],
)

/** How a voter was told of the poll: the proof `follow_majority` needs (指导规则 第26条). */
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    voterId: text('voter_id').notNull(),
    method: text('method', { enum: ['app_message', 'chatbot', 'paper_signed', 'notice_board', 'sms'] }).notNull(),
    evidenceSha256: text('evidence_sha256'),
    /**
     * the message told the owner what not voting means, whole: what the committee records (the
     * ballot and its notice handed over) and an official-account notice under the follow-majority
     * rule do; an automatic SMS (title and link) or subscribe message (20 characters) cannot, and
     * is kept only as a record of reach. The tally deems only voters with a delivery that does.
     */
    tellsNonVoterRule: boolean('tells_non_voter_rule').notNull().default(true),
    recordedBy: text('recorded_by').notNull().references(() => users.id),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('deliveries_poll_idx').on(t.pollId, t.voterId)],
)

/** Public notices about a poll: announcement, amendments, extensions, cancellation, result. */
export const pollEvents = pgTable(
  'poll_events',
  {
    id: text('id').primaryKey(),
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    kind: text('kind', { enum: ['announced', 'amended', 'extended', 'cancelled', 'closed'] }).notNull(),
    text: text('text').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    actorUserId: text('actor_user_id').references(() => users.id),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('poll_events_poll_idx').on(t.pollId, t.at)],
)

/** The discussion thread. A hidden post keeps its text on record, with who hid it and why. */
export const pollComments = pgTable(
  'poll_comments',
  {
    id: text('id').primaryKey(),
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    parentId: text('parent_id'),
    authorUserId: text('author_user_id').notNull().references(() => users.id),
    authorRole: text('author_role', { enum: ['owner', 'committee'] }).notNull(),
    authorLabel: text('author_label').notNull(),
    body: text('body').notNull(),
    hiddenAt: ts('hidden_at'),
    hiddenBy: text('hidden_by').references(() => users.id),
    hiddenReason: text('hidden_reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('poll_comments_poll_idx').on(t.pollId, t.createdAt)],
)

/** The published result: the signed document and the Merkle root over the standing ballots. */
export const pollResults = pgTable('poll_results', {
  pollId: text('poll_id').primaryKey().references(() => polls.id),
  /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
  communityId: text('community_id').notNull().references(() => communities.id),
  document: jsonb('document').$type<Record<string, unknown>>().notNull(),
  jws: text('jws').notNull(),
  merkleRoot: text('merkle_root').notNull(),
  /** leaf hashes in tree order, so any receipt's proof can be served */
  leaves: jsonb('leaves').$type<string[]>().notNull(),
  publishedAt: ts('published_at').notNull(),
})

/**
 * A candidate in an election (选举业主委员会, matter `committee`) or a bidder when choosing a firm
 * (选聘物业, matter `manager`). Frozen with the electorate at announcement.
 */
export const pollCandidates = pgTable(
  'poll_candidates',
  {
    id: text('id').primaryKey(),
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    ordinal: integer('ordinal').notNull(),
    name: text('name').notNull(),
    /** election: where the candidate lives */
    building: text('building'),
    unitLabel: text('unit_label'),
    statement: text('statement'),
    /** choosing a firm: the bidder, its fee rates by item (fen) and documents by hash */
    firmId: text('firm_id'),
    bid: jsonb('bid').$type<{ item: string; rateFen: number; basis: string }[]>(),
    documents: jsonb('documents').$type<{ name: string; sha256: string }[]>().notNull(),
  },
  (t) => [uniqueIndex('poll_candidates_ordinal_uq').on(t.pollId, t.ordinal)],
)

/** Paper ballots handed out, per voter: what lets a result report 已发放未回收. */
export const paperIssues = pgTable(
  'paper_issues',
  {
    pollId: text('poll_id').notNull().references(() => polls.id),
    /** the poll's community, repeated so the table can be distributed by compound (Citus) and scoped without a join */
    communityId: text('community_id').notNull().references(() => communities.id),
    voterId: text('voter_id').notNull(),
    /** the ballot's place in the poll's issue list, printed on it as 选票编号 (shared/ballot-number.ts) */
    seq: integer('seq').notNull(),
    issuedBy: text('issued_by').notNull().references(() => users.id),
    issuedAt: ts('issued_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voterId] }), uniqueIndex('paper_issues_seq_uq').on(t.pollId, t.seq)],
)

/** A person at the count: a counter (计票人) or scrutineer (监票人), by name and unit or office. */
export interface CountingPerson {
  name: string
  /** e.g. "3栋2单元501" for an owner, "XX街道办事处" or "XX社区居委会" for an official */
  unitOrOffice: string
}

/**
 * The public count of paper ballots after the close (唱票/计票): who counted, who scrutinised, the
 * state of the box, and the scrutineers' confirmation. One per poll; it goes into the signed
 * result and the evidence file.
 */
export const countingSessions = pgTable('counting_sessions', {
  pollId: text('poll_id').primaryKey().references(() => polls.id),
  communityId: text('community_id').notNull().references(() => communities.id),
  counters: jsonb('counters').$type<CountingPerson[]>().notNull(),
  scrutineers: jsonb('scrutineers').$type<CountingPerson[]>().notNull(),
  /** as found when opened, e.g. "封条完好，箱内选票 600 张" */
  boxState: text('box_state').notNull(),
  openedBy: text('opened_by').notNull().references(() => users.id),
  openedAt: ts('opened_at').notNull(),
  /** the scrutineers who confirmed the count, and how each flag was settled */
  confirmedBy: jsonb('confirmed_by').$type<string[]>(),
  settlement: text('settlement'),
  confirmedAt: ts('confirmed_at'),
})
