import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite, RootHandleInTransaction, type Database } from '../../worker/db/node'
import { withTransaction } from '../../worker/db/tx'

// The embedded database has one connection: the root handle used inside a transaction of the same
// operation would wait for itself. The handle refuses instead of hanging (issue 10).
let d: Database
beforeAll(async () => {
  d = await openPglite()
})
afterAll(async () => {
  await d?.close()
})

describe('the PGlite handle inside a transaction', () => {
  it('refuses the root handle in the same operation, naming the query, and the transaction rolls back', async () => {
    await d.db.execute(sql`create table guard_probe (n int)`)
    const started = performance.now()
    const attempt = withTransaction(d.db, async (tx) => {
      await tx.execute(sql`insert into guard_probe values (1)`)
      await d.db.execute(sql`select count(*) from guard_probe`)
    })
    const error = await attempt.then(() => null, (e: Error) => e)
    // drizzle wraps the driver's error; ours is the cause
    const cause = error?.cause ?? error
    expect(cause).toBeInstanceOf(RootHandleInTransaction)
    expect((cause as Error).message).toMatch(/select count\(\*\) from guard_probe/)
    expect(performance.now() - started).toBeLessThan(5_000)
    const rows = await d.db.execute(sql`select count(*)::int as n from guard_probe`)
    expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0)
  })

  it('lets another operation queue for the connection while a transaction is open', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const tx = withTransaction(d.db, async (t) => {
      await t.execute(sql`select 1`)
      await gate
      return 'tx done'
    })
    // a different request: not inside the transaction's async flow, so it waits its turn
    const other = d.db.execute(sql`select 2 as n`)
    release()
    await expect(tx).resolves.toBe('tx done')
    await expect(other).resolves.toBeTruthy()
  })
})
