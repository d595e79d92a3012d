import type { Sql } from 'postgres'

/**
 * Statements with at most this many parameters are prepared. Bulk writes (a roster import's
 * thousand-row inserts) are not: each is a different statement that would only fill the
 * connection's cache of prepared statements.
 */
const MAX_PREPARED_PARAMS = 64

/**
 * Named prepared statements for what drizzle sends (issue 17), when DATABASE_PREPARE=1. drizzle
 * hands every query to postgres.js's `unsafe()`, which does not prepare; and an unprepared statement with parameters
 * costs postgres.js two round trips: Parse + Describe, a wait for the parameter types, then Bind +
 * Execute. Prepared, a statement is parsed once per connection and then costs one round trip, and
 * PostgreSQL plans it from its cache. So the vote's two statements (who may vote; cast_ballot) cost
 * two round trips, not four.
 *
 * On Node only (worker/db/node.ts): the gain needs a connection that outlives a request. In the
 * Worker the client is made per request, so a statement is rarely sent twice on one connection;
 * Hyperdrive does support named prepared statements across its pool (Cloudflare blog, "Supporting
 * Postgres Named Prepared Statements in Hyperdrive"), so this may be turned on there once measured.
 *
 * The wrapper also covers the transaction and savepoint handles postgres.js creates, since
 * drizzle's transactions send through those.
 */
export function preparedStatements(client: Sql): Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, args?: unknown[], options?: { prepare?: boolean }) =>
          target.unsafe(query, args as never, { ...options, prepare: options?.prepare || (Array.isArray(args) && args.length > 0 && args.length <= MAX_PREPARED_PARAMS) })
      }
      if (prop === 'begin' || prop === 'savepoint') {
        const open = Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<unknown>
        return (...a: unknown[]) => {
          const fn = a.pop() as (tx: Sql) => unknown
          return open.apply(target, [...a, (tx: Sql) => fn(preparedStatements(tx))])
        }
      }
      const value = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
