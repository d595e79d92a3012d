import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type * as schema from '../../drizzle/schema'

export type Schema = typeof schema
/** A drizzle database or an open transaction on it: PGlite and postgres.js both fit. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>
