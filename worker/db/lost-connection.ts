/**
 * What the app must know of a lost database connection, in one place (no imports).
 *
 * postgres.js 4 fails every query that was on a connection when it died, or written to it as it
 * died, with one of the codes below, and fails any later query of a transaction whose connection
 * died; it never hands such a query to another connection. (3.4.x did not: a query issued as its
 * connection died could wait for ever, or be answered with another query's result, and a
 * transaction's ROLLBACK on the dead connection threw outside any promise, porsager/postgres#1208;
 * test/api/rush.test.ts checks each of these.)
 */

/**
 * The connection to the database was lost or could not be made (server gone, connection killed,
 * connect timeout): the operation did not happen, and the same request may be tried again. Looks
 * through `cause` (drizzle wraps the driver's error).
 */
export function lostConnection(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : ''
    if (/^(CONNECTION_(CLOSED|ENDED|DESTROYED)|CONNECT_TIMEOUT|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|57P0[123]|08\w{3})$/.test(code)) return true
  }
  return false
}
