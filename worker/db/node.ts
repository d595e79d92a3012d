// Node only (PGlite, the file system): never imported by the Worker entry.
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import * as schema from '../../drizzle/schema'
import type { Db } from './types'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle/migrations', import.meta.url))

export interface Database {
  db: Db
  kind: 'pglite' | 'postgres'
  /** applies the committed SQL migrations (drizzle's migrate(); never `drizzle-kit push`) */
  migrate(): Promise<void>
  close(): Promise<void>
}

/** The production driver: one postgres.js pool for the process. */
export function openPostgres(url: string, opts: { max?: number } = {}): Database {
  const sql = postgres(url, { max: opts.max ?? 10, onnotice: () => {} })
  const db = drizzlePostgres(sql, { schema }) as unknown as Db
  return {
    db,
    kind: 'postgres',
    migrate: () => migratePostgres(drizzlePostgres(sql, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => sql.end({ timeout: 5 }),
  }
}

/** The embedded database: PGlite in `dataDir`, or in memory when dataDir is undefined. */
export async function openPglite(dataDir?: string): Promise<Database & { client: PGlite }> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite()
  await client.waitReady
  const d = drizzlePglite(client, { schema })
  return {
    db: d as unknown as Db,
    kind: 'pglite',
    client,
    migrate: () => migratePglite(d, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  }
}
