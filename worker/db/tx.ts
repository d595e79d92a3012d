import { PgTransaction } from 'drizzle-orm/pg-core'
import type { Db } from './types'

/**
 * Run `fn` in one transaction: every write of one operation commits or none does.
 * Reuses a transaction already open, so domain verbs compose without nesting savepoints.
 */
export async function withTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db instanceof PgTransaction) return fn(db as unknown as Db)
  return db.transaction((tx) => fn(tx as unknown as Db))
}
