import { inject } from 'vitest'
import { openPglite, openPostgres, type Database } from '../../worker/db/node'

export const onPostgres = () => Boolean(process.env.DATABASE_URL)

/** The database this run tests against: the run's PostgreSQL database, or a fresh in-memory PGlite. */
export async function openTestDatabase(): Promise<Database> {
  if (onPostgres()) return openPostgres(inject('testDatabaseUrl'), { max: 20 })
  const database = await openPglite()
  await database.migrate()
  return database
}
