/**
 * A paper ballot the committee enters while voting runs (services/ballots/paper.ts): the owner's
 * accounts are told at once, and one entered again is flagged at the count. Its own file: the
 * owner must be reachable by SMS to be told.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, COUNTING_PEOPLE, openWindow, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ config: { ALIYUN_SMS_NOTICE_TEMPLATE_CODE: 'SMS_NOTICE_1' } })
})
afterAll(async () => {
  await h?.close()
})

describe('a paper ballot entered while voting runs', () => {
  it('tells the owner’s accounts at once; entered again, the count flags it for the scrutineers', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee, openWindow(60_000))
    const voterId = (await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: s.owner })).json.voters[0].voterId as string
    const enter = (choice: string, photo: string) => h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId, choice, photoSha256: photo.repeat(64) } })
    expect((await enter('agree', 'd')).status).toBe(201)
    const told = async () =>
      rowsOf<{ payload: { text: string } }>(await h.db.execute(sql`select payload from notification_outbox where user_id = ${s.ownerUserId} and kind = 'paper_entered' order by created_at`))
    expect((await told()).map((t) => t.payload.text)).toEqual([expect.stringContaining('录入了第')])
    expect((await enter('oppose', 'e')).status).toBe(201)
    expect(await told()).toHaveLength(2)
    // a household with no account is told nothing, and its single entry flags nothing
    const other = (await h.request('GET', `/api/polls/${p.id}/voters`, { token: s.committee })).json.voters.find((v: { voterId: string }) => v.voterId !== voterId)
    expect((await h.request('POST', `/api/polls/${p.id}/paper-ballots`, { token: s.committee, json: { voterId: other.voterId, choice: 'agree', photoSha256: 'f'.repeat(64) } })).status).toBe(201)
    h.clock.advance(61_000)
    expect((await h.request('POST', `/api/polls/${p.id}/counting`, { token: s.committee, json: COUNTING_PEOPLE })).status).toBe(201)
    const sheet = (await h.request('GET', `/api/polls/${p.id}/counting`, { token: s.committee })).json
    expect(sheet.flags.filter((f: { kind: string }) => f.kind === 'paper_replaced')).toEqual([
      { kind: 'paper_replaced', units: expect.stringContaining(s.rows[0]!.房号), text: expect.stringContaining('投票期间纸质票录入了 2 次，以最后一次为准') },
    ])
  })
})
