/**
 * Owners share one turnout sum per poll for up to 5 s (worker/services/results/turnout.ts). When
 * it is too old, the first request sums again, and owners asking while that sum is being taken are
 * given the previous one with its time rather than each summing too (in a rush, a sum per page
 * view would cost the database 30-60 times the vote). To hold the first request inside its sum,
 * a second connection locks the ballots table (ACCESS EXCLUSIVE: even a read waits), on a database
 * of this file's own. PostgreSQL only: the embedded database has one connection, and the lock
 * would stop everything.
 */
import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { onPostgres } from '../helpers/db'
import { announcedPoll, bulkOwners, setupCommunity } from '../helpers/fixtures'
import { onPrivateDatabase, type Harness } from '../helpers/harness'

describe.skipIf(!onPostgres())('the turnout owners share, while one request takes the next sum (PostgreSQL)', () => {
  let h: Harness
  onPrivateDatabase((x) => (h = x))

  it('owners asking meanwhile get the previous sum with its time, at once; once it is taken, everyone gets the new one', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const [second, third] = await bulkOwners(h, s.community.id, [s.rows[1]!, s.rows[2]!])
    const vote = (token: string) => h.request('POST', `/api/polls/${p.id}/ballots`, { token, json: { choice: 'agree' } })
    const read = (token: string) => h.request('GET', `/api/polls/${p.id}/turnout`, { token })
    expect((await vote(s.owner)).status).toBe(201)
    const before = h.clock.now().toISOString()
    expect((await read(second!.token)).json).toMatchObject({ asOf: before, participated: { voters: 1 } })
    // 5 s on, one more ballot: the shared sum is too old now
    h.clock.advance(5_000)
    expect((await vote(third!.token)).status).toBe(201)
    const now = h.clock.now().toISOString()

    const url = (h.database as { url?: string }).url!
    const locker = postgres(url, { max: 1, onnotice: () => {} })
    const watcher = postgres(url, { max: 1, onnotice: () => {} })
    const held = await locker.reserve()
    try {
      await held`begin`
      await held`lock table ballots in access exclusive mode`
      // the first owner to ask takes the next sum, and waits on the lock
      let firstDone = false
      const first = read(second!.token).then((r) => ((firstDone = true), r))
      for (let i = 0; ; i++) {
        const [w] = await watcher<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend' and wait_event_type = 'Lock' and query ilike '%ballots%'`
        if (w!.n > 0) break
        if (i > 2000) throw new Error('the first read never reached the ballots')
        await new Promise((r) => setTimeout(r, 10))
      }
      // another owner, meanwhile: the previous sum and its time, without waiting for the lock
      const meanwhile = await Promise.race([read(third!.token), new Promise<null>((r) => setTimeout(() => r(null), 10_000))])
      expect(meanwhile, 'an owner waited for the sum another request was taking').not.toBeNull()
      expect(meanwhile!.json).toMatchObject({ asOf: before, participated: { voters: 1 } })
      expect(firstDone).toBe(false)
      await held`commit`
      // the sum that was waiting: now, with both ballots
      expect((await first).json).toMatchObject({ asOf: now, participated: { voters: 2 } })
    } finally {
      held.release()
      await locker.end()
      await watcher.end()
    }
    // and owners share it from then on
    expect((await read(s.owner)).json).toMatchObject({ asOf: now, participated: { voters: 2 } })
  }, 60_000)
})
