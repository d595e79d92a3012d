// Node only (PGlite, the file system): never imported by the Worker entry.
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { AsyncLocalStorage } from 'node:async_hooks'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import * as schema from '../../drizzle/schema'
import { preparedStatements } from './prepared'
import type { Db } from './types'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle/migrations', import.meta.url))

export interface Database {
  db: Db
  kind: 'pglite' | 'postgres'
  /** applies the committed SQL migrations (drizzle's migrate(); never `drizzle-kit push`) */
  migrate(): Promise<void>
  close(): Promise<void>
}

/** The production driver: one postgres.js pool for the process (`prepare`: its short statements prepared, prepared.ts). */
export function openPostgres(url: string, opts: { max?: number; prepare?: boolean } = {}): Database {
  const sql = postgres(url, { max: opts.max ?? 10, onnotice: () => {} })
  const db = drizzlePostgres(opts.prepare ? preparedStatements(sql) : sql, { schema }) as unknown as Db
  return {
    db,
    kind: 'postgres',
    migrate: () => migratePostgres(drizzlePostgres(sql, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => sql.end({ timeout: 5 }),
  }
}

/**
 * PGlite has one connection: a query on the root handle while a transaction of the same async
 * flow is open waits for that transaction, which waits for it, and the whole server hangs. This
 * handle refuses such a query at once, naming it, so the mistake fails a test instead of hanging.
 * Other requests' queries (another async flow) still queue for the connection as they should.
 */
export class RootHandleInTransaction extends Error {
  constructor(query: unknown) {
    const text = typeof query === 'string' ? query : String((query as { sql?: string })?.sql ?? query)
    super(`the root database handle was used while this operation's transaction is open (use the transaction's handle): ${text.replace(/\s+/g, ' ').slice(0, 160)}`)
    this.name = 'RootHandleInTransaction'
  }
}

function guardRootHandle(client: PGlite): PGlite {
  const inTransaction = new AsyncLocalStorage<true>()
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'transaction') {
        return <T>(fn: (tx: Parameters<Parameters<PGlite['transaction']>[0]>[0]) => Promise<T>) => target.transaction((tx) => inTransaction.run(true, () => fn(tx)))
      }
      const value = Reflect.get(target, prop, target)
      if (prop === 'query' || prop === 'exec' || prop === 'sql') {
        return (...args: unknown[]) => {
          if (inTransaction.getStore()) return Promise.reject(new RootHandleInTransaction(args[0]))
          return (value as (...a: unknown[]) => unknown).apply(target, args)
        }
      }
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** The embedded database: PGlite in `dataDir`, or in memory when dataDir is undefined. */
export async function openPglite(dataDir?: string): Promise<Database & { client: PGlite }> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite()
  await client.waitReady
  const d = drizzlePglite(guardRootHandle(client), { schema })
  return {
    db: d as unknown as Db,
    kind: 'pglite',
    client,
    migrate: () => migratePglite(d, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  }
}
