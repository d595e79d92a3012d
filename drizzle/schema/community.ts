import { sql } from 'drizzle-orm'
import { date, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { CommunitySettings } from '../../shared/community'
import { users } from './identity'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** A residential community (小区) and where it sits in the street/residents'-committee hierarchy. */
export const communities = pgTable(
  'communities',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    district: text('district').notNull(),
    street: text('street').notNull(),
    residentsCommittee: text('residents_committee').notNull(),
    settings: jsonb('settings').$type<CommunitySettings>().notNull(),
    currentRosterVersionId: text('current_roster_version_id'),
    createdBy: text('created_by').references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('communities_jurisdiction_idx').on(t.district, t.street, t.residentsCommittee)],
)

/** A property-service firm (物业服务企业), identified by its unified social credit code. */
export const firms = pgTable(
  'firms',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    uscc: text('uscc').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('firms_uscc_uq').on(t.uscc)],
)

/** Which firm serves which community, and when: the ground for a firm-staff role there. */
export const firmContracts = pgTable(
  'firm_contracts',
  {
    id: text('id').primaryKey(),
    firmId: text('firm_id').notNull().references(() => firms.id),
    communityId: text('community_id').notNull().references(() => communities.id),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    serviceGrade: text('service_grade'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('firm_contracts_community_idx').on(t.communityId)],
)

/**
 * Roles other than owner (owners get theirs through bindings; admins from configuration).
 * committee: one community. firm_staff: a firm, hence the communities it serves under contract.
 * community_staff: a residents' committee (or a whole street when residentsCommittee is null),
 * hence every community there. department_staff: a department (住建, 公安, 消防 …) of a district
 * (区县职能部门), hence every community of the district; the housing department keeps the firms'
 * credit files there.
 */
export const roleGrants = pgTable(
  'role_grants',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    role: text('role', { enum: ['committee', 'firm_staff', 'community_staff', 'department_staff'] }).notNull(),
    communityId: text('community_id').references(() => communities.id),
    firmId: text('firm_id').references(() => firms.id),
    district: text('district'),
    street: text('street'),
    residentsCommittee: text('residents_committee'),
    grantedBy: text('granted_by').references(() => users.id),
    grantedAt: ts('granted_at').notNull().defaultNow(),
    revokedBy: text('revoked_by').references(() => users.id),
    revokedAt: ts('revoked_at'),
    /** department_staff: which department of the district (shared/complaints.ts DEPARTMENT_KEYS) */
    department: text('department'),
  },
  (t) => [
    index('role_grants_user_idx').on(t.userId).where(sql`revoked_at is null`),
    index('role_grants_community_idx').on(t.communityId),
  ],
)
