import { sql } from 'drizzle-orm'
import { yieldToLoop } from '../lib/pace'
import type { Db } from './types'

/** A write this large makes the planner's row counts for its tables worth refreshing at once. */
export const BULK_ROWS = 1_000

/**
 * The columns whose statistics the plans after a bulk write depend on: the new roll version's or
 * poll's rows by their key, the joins between them. Only these are sampled, so the work stays small
 * (the names and labels, wide text, are what a whole-table ANALYZE spends its time on).
 */
const KEYS = {
  roster_units: ['roster_version_id', 'community_id', 'voter_id'],
  roster_owners: ['roster_version_id', 'community_id', 'unit_id'],
  roster_voters: ['roster_version_id', 'community_id'],
  poll_voters: ['poll_id', 'community_id', 'voter_id'],
} as const

type BulkTable = keyof typeof KEYS

/**
 * Refreshes the planner's statistics of tables a bulk write just filled, inside the same
 * transaction (ANALYZE may run in one, and counts the transaction's own new rows).
 *
 * Why: PostgreSQL plans from statistics that autovacuum refreshes in its own time, about a minute
 * later at best, or never where it is turned off. A committee that imports a 20,000-unit roll and
 * announces at once, in a database that was small when last analyzed, met plans that estimated
 * the new compound at one row: nested loops that discarded hundreds of millions of rows, ~200 s
 * for the announcement and as long for the close (bench:city, test/bench/RESULTS.md). Sampling
 * costs a fraction of a second and takes a lock that does not block votes or reads (SHARE UPDATE
 * EXCLUSIVE), held to the commit.
 */
export async function refreshStatistics(tx: Db, tables: readonly BulkTable[]) {
  for (const table of tables) {
    // one table at a time, with a turn of the event loop between: the embedded database samples
    // on this thread (worker/lib/pace.ts)
    await tx.execute(sql`analyze ${sql.identifier(table)} (${sql.join(KEYS[table].map((c) => sql.identifier(c)), sql`, `)})`)
    await yieldToLoop()
  }
}
