/**
 * The vote route decides who may vote in one query before its transaction
 * (worker/services/ballots/vote-context.ts) instead of the access middleware's three and the
 * handler's two. These are the refusals that query took over, each checked on the vote route
 * itself, in the order the general middleware gives them, and each writing nothing.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, setupCommunity, signedInOwner } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const ballotCount = async (pid: string) => Number(rowsOf<{ n: string | number }>(await h.db.execute(sql`select count(*) as n from ballots where poll_id = ${pid}`))[0]!.n)
const vote = (pid: string, token: string, json: unknown = { choice: 'agree' }) => h.request('POST', `/api/polls/${pid}/ballots`, { token, json })

describe('who may vote, decided in one query', () => {
  it("ends a voter's access at once when their sign-in ends (logout), writing nothing", async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const me = await signedInOwner(h, s.community.id, s.rows[1]!)
    expect((await vote(p.id, me.accessToken, { choice: 'oppose' })).status).toBe(201)
    expect((await h.request('POST', '/api/auth/logout', { json: { refreshToken: me.refreshToken } })).status).toBe(204)
    const after = await vote(p.id, me.accessToken)
    expect(after.status).toBe(401)
    expect(after.json.error.code).toBe('TOKEN_INVALID')
    expect(await ballotCount(p.id)).toBe(1)
  })

  it('refuses an unknown poll (404), an owner of another compound and a committee member who owns nothing here (403)', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const other = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const unknown = await vote('no-such-poll', s.owner)
    expect(unknown.status).toBe(404)
    expect(unknown.json.error.code).toBe('NOT_FOUND')
    // tenant isolation: a verified owner elsewhere is no owner here (nor a proxy for this poll), and learns nothing of this poll's voters
    const outsider = await vote(p.id, other.owner)
    expect(outsider.status).toBe(403)
    expect(outsider.json.error).toMatchObject({ code: 'FORBIDDEN', details: { required: ['owner', 'proxy'] } })
    expect(JSON.stringify(outsider.json)).not.toContain('voterId')
    const committee = await vote(p.id, s.committee)
    expect(committee.status).toBe(403)
    // the 401/404/403 come before the body is read: a bad body from an outsider is still a 403
    expect((await vote(p.id, other.owner, { choice: 'maybe' })).status).toBe(403)
    expect(await ballotCount(p.id)).toBe(0)
    // the owner of record still votes, and a bad choice from them is a 400
    expect((await vote(p.id, s.owner, { choice: 'maybe' })).status).toBe(400)
    expect((await vote(p.id, s.owner, { marks: ['x'] })).json.error.details.issues[0].code).toBe('not_an_election')
    expect((await vote(p.id, s.owner)).status).toBe(201)
    expect(await ballotCount(p.id)).toBe(1)
  })
})
