import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { RosterDiff } from '../../shared/roster-diff'
import { communities } from './community'
import { users } from './identity'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** One import of the owners' roll (业主名册). Versions never change; a re-import adds a version. */
export const rosterVersions = pgTable(
  'roster_versions',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id').notNull().references(() => communities.id),
    version: integer('version').notNull(),
    source: text('source', { enum: ['csv', 'xlsx', 'json'] }).notNull(),
    unitCount: integer('unit_count').notNull(),
    voterCount: integer('voter_count').notNull(),
    /** ten-thousandths of m² */
    totalAreaE4: bigint('total_area_e4', { mode: 'number' }).notNull(),
    /** the most decimals any unit's area was registered with (0–4) */
    areaScale: smallint('area_scale').notNull(),
    diff: jsonb('diff').$type<RosterDiff>(),
    importedBy: text('imported_by').references(() => users.id),
    importedAt: ts('imported_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('roster_versions_community_version_uq').on(t.communityId, t.version)],
)

/**
 * An exclusive unit (专有部分) in one roster version; its area as registered, with its source
 * (《解释》第8条): ten-thousandths of m² and the decimals it was written with (95.363 → 953630, 3),
 * so it prints exactly as the register gives it.
 */
export const rosterUnits = pgTable(
  'roster_units',
  {
    id: text('id').primaryKey(),
    rosterVersionId: text('roster_version_id').notNull().references(() => rosterVersions.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    unitKey: text('unit_key').notNull(),
    building: text('building').notNull(),
    unitLabel: text('unit_label').notNull(),
    room: text('room').notNull(),
    unitType: text('unit_type', { enum: ['residence', 'parking', 'commercial', 'other'] }).notNull(),
    areaE4: bigint('area_e4', { mode: 'number' }).notNull(),
    areaScale: smallint('area_scale').notNull(),
    areaSource: text('area_source', { enum: ['register', 'survey', 'contract'] }).notNull(),
    developerHeld: boolean('developer_held').notNull(),
    /** null when the unit is outside the electorate (a parking space where parking does not count). */
    voterId: text('voter_id'),
  },
  (t) => [
    uniqueIndex('roster_units_version_key_uq').on(t.rosterVersionId, t.unitKey),
    index('roster_units_voter_idx').on(t.voterId),
  ],
)

/**
 * An owner of a unit. The ID number is never stored: `idHash` is an HMAC under a server secret,
 * `idLast4` is for display. `ownerKey` identifies the person across units and versions.
 */
export const rosterOwners = pgTable(
  'roster_owners',
  {
    id: text('id').primaryKey(),
    rosterVersionId: text('roster_version_id').notNull().references(() => rosterVersions.id),
    unitId: text('unit_id').notNull().references(() => rosterUnits.id),
    /** the unit's community, repeated so the table can be distributed by compound (Citus) */
    communityId: text('community_id').notNull().references(() => communities.id),
    name: text('name').notNull(),
    idHash: text('id_hash'),
    idLast4: text('id_last4'),
    phone: text('phone'),
    representative: boolean('representative').notNull(),
    ownerKey: text('owner_key').notNull(),
  },
  (t) => [index('roster_owners_unit_idx').on(t.unitId), index('roster_owners_version_id_hash_idx').on(t.rosterVersionId, t.idHash)],
)

/** A voter (业主, counted once per 《解释》第9条) derived from the units of one roster version. */
export const rosterVoters = pgTable(
  'roster_voters',
  {
    id: text('id').primaryKey(),
    rosterVersionId: text('roster_version_id').notNull().references(() => rosterVersions.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    voterKey: text('voter_key').notNull(),
    kind: text('kind', { enum: ['owner', 'developer'] }).notNull(),
    /** the sum of its units' areas, ten-thousandths of m²; scale: the most decimals among them */
    areaE4: bigint('area_e4', { mode: 'number' }).notNull(),
    areaScale: smallint('area_scale').notNull(),
    unitCount: integer('unit_count').notNull(),
    representativeOwnerKey: text('representative_owner_key'),
  },
  (t) => [uniqueIndex('roster_voters_version_key_uq').on(t.rosterVersionId, t.voterKey)],
)

/**
 * An account's claim to a unit. Verified at once when name + ID hash + unit match the roster;
 * otherwise pending until the committee or community staff decide. Ended when a roster
 * re-import no longer lists that owner on that unit.
 */
export const bindings = pgTable(
  'bindings',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    unitKey: text('unit_key').notNull(),
    claimedName: text('claimed_name').notNull(),
    claimedIdHash: text('claimed_id_hash').notNull(),
    claimedIdLast4: text('claimed_id_last4').notNull(),
    /** the roster owner this account acts as, once verified (HMAC-based, stable across versions) */
    ownerKey: text('owner_key'),
    status: text('status', { enum: ['verified', 'pending', 'rejected', 'revoked', 'ended'] }).notNull(),
    reason: text('reason'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: ts('decided_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    endedAt: ts('ended_at'),
  },
  (t) => [
    uniqueIndex('bindings_active_uq')
      .on(t.userId, t.communityId, t.unitKey)
      .where(sql`status in ('verified', 'pending')`),
    // the user as the last key: "this account's verified bindings here" (every signed-in request's
    // roles, the vote's electorate) is a lookup by this index too, so a planner with stale
    // statistics that picks it (a compound's bindings counted before its owners verified) does
    // not read every verified binding of the compound (issue 17: 0.5 ms per vote at 3,000 owners)
    index('bindings_community_status_user_idx').on(t.communityId, t.status, t.userId),
  ],
)
