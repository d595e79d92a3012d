import { inject } from 'vitest'
import { openPglite, openPostgres, type Database } from '../../worker/db/node'

export const onPostgres = () => Boolean(process.env.DATABASE_URL)

/** as the server decides it (worker/config.ts DATABASE_PREPARE, on unless '0') */
const preparedStatements = () => process.env.DATABASE_PREPARE !== '0'

/** The database this run tests against: the run's PostgreSQL database, or a fresh in-memory PGlite. */
export async function openTestDatabase(): Promise<Database> {
  if (onPostgres()) return openPostgres(inject('testDatabaseUrl'), { max: 20, prepare: preparedStatements() })
  const database = await openPglite()
  await database.migrate()
  return database
}

/**
 * A database of this test file's own, for tests that compare whole tables before and after (on
 * PostgreSQL the run's database is shared by files running in parallel): a fresh PGlite, or a
 * scratch PostgreSQL database created from the run's one, migrated, and dropped on close.
 */
export async function openPrivateTestDatabase(): Promise<Database & { url?: string }> {
  if (!onPostgres()) return openTestDatabase()
  const { default: postgres } = await import('postgres')
  const base = new URL(inject('testDatabaseUrl'))
  const name = `${base.pathname.slice(1)}_p${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = postgres(base.toString(), { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  const database = openPostgres(url.toString(), { max: 20, prepare: preparedStatements() })
  await database.migrate()
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}
