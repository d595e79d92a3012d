/**
 * What the app must know of the PostgreSQL driver's failures, in one place (no imports: the test
 * runner's configuration reads it too).
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

/**
 * A known fault of the driver that the app must survive.
 *
 * postgres.js 3.4.x (porsager/postgres#1208, not fixed in 3.4.10): when a connection dies inside a
 * transaction, `begin()` sends its ROLLBACK on the dead connection; the driver defers that write with
 * setImmediate and then throws `TypeError: Cannot read properties of null (reading 'write')` in
 * `nextWrite`, outside any promise. By then the transaction has already failed (the request got its
 * retryable 503) and nothing of it was committed, so the error says nothing about our data; left
 * alone it would end the process and every other request in flight with it.
 */
export function isDeadConnectionWrite(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown; stack?: unknown } | null
  if (!e || e.name !== 'TypeError' || typeof e.message !== 'string' || typeof e.stack !== 'string') return false
  return /reading 'write'/.test(e.message) && /nextWrite/.test(e.stack) && /postgres[\\/]src[\\/]connection\.js/.test(e.stack)
}
