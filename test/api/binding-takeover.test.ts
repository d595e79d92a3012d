/**
 * Binding to a flat by the roll's name and ID number: an owner another account already speaks for
 * is not taken over that way (security review, session 11). Its own file: the owner must be
 * reachable by SMS to be told.
 */
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, importRosterJson, newPhone, setupCommunity, simpleRoster } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ config: { ALIYUN_SMS_NOTICE_TEMPLATE_CODE: 'SMS_NOTICE_1' } })
})
afterAll(async () => {
  await h?.close()
})

describe('an owner another account already speaks for', () => {
  it('is not taken over by a name and an ID number alone: the claim waits for the committee, and the owner is told', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: s.owner, json: { choice: 'oppose' } })).status).toBe(201)
    // someone who knows flat 1's owner's name and ID number (the firm holds both) signs in and claims the flat
    const row = s.rows[0]!
    const intruder = await h.login(newPhone())
    const claim = await h.request('POST', `/api/communities/${s.community.id}/bindings`, {
      token: intruder.accessToken,
      json: { name: row.业主姓名, idNumber: row.证件号码, building: row.楼栋, unit: row.单元, room: row.房号 },
    })
    expect(claim.status, claim.text).toBe(201)
    expect(claim.json.status).toBe('pending')
    // neither the owner's ballot nor a vote in their name
    const mine = await h.request('GET', `/api/polls/${p.id}/ballots/mine`, { token: intruder.accessToken })
    expect(mine.text).not.toContain('oppose')
    expect((await h.request('POST', `/api/polls/${p.id}/ballots`, { token: intruder.accessToken, json: { choice: 'agree' } })).status).toBe(403)
    // the owner's account is told
    const told = rowsOf<{ kind: string; payload: { text: string } }>(
      await h.db.execute(sql`select kind, payload from notification_outbox where user_id = ${s.ownerUserId} and kind = 'binding_claimed'`),
    )
    expect(told).toHaveLength(1)
    expect(told[0]!.payload.text).toContain('有人用您的姓名和身份证号申请绑定')
    // the committee, having checked with the owner (a new phone, say), may still approve it
    const pending = (await h.request('GET', `/api/communities/${s.community.id}/bindings?status=pending`, { token: s.committee })).json
    expect(JSON.stringify(pending)).toContain(claim.json.id)
    // the first binder of a flat nobody holds is verified at once, as before
    const other = s.rows[1]!
    const first = await h.request('POST', `/api/communities/${s.community.id}/bindings`, {
      token: (await h.login(newPhone())).accessToken,
      json: { name: other.业主姓名, idNumber: other.证件号码, building: other.楼栋, unit: other.单元, room: other.房号 },
    })
    expect(first.json.status).toBe('verified')
  })

  it("a reviewer cannot approve their own claim; another's approval tells the account already holding the owner", async () => {
    const s = await setupCommunity(h, { units: 3 })
    const row = s.rows[0]!
    // a committee member claims flat 1 under a name that is not on the roll: pending
    const claim = await h.request('POST', `/api/communities/${s.community.id}/bindings`, {
      token: s.committee,
      json: { name: '委员甲', idNumber: '110101198001011232', building: row.楼栋, unit: row.单元, room: row.房号 },
    })
    expect(claim.json.status).toBe('pending')
    const listed = (await h.request('GET', `/api/communities/${s.community.id}/bindings?status=pending`, { token: s.committee })).json.bindings.find((b: { id: string }) => b.id === claim.json.id)
    const ownerId = listed.rosterOwners[0].id as string
    const own = await h.request('POST', `/api/bindings/${claim.json.id}/approve`, { token: s.committee, json: { ownerId } })
    expect(own.status).toBe(403)
    expect(own.json.error.code).toBe('BINDING_OWN_CLAIM')
    expect((await h.request('GET', `/api/communities/${s.community.id}/bindings?status=pending`, { token: s.committee })).text).toContain(claim.json.id)
    // a second committee member approves (having checked with the family, say): the owner's own account hears of it
    const secondPhone = newPhone()
    expect((await h.request('POST', `/api/communities/${s.community.id}/committee-members`, { token: s.admin, json: { phone: secondPhone } })).status).toBe(201)
    const second = await h.login(secondPhone)
    const ok = await h.request('POST', `/api/bindings/${claim.json.id}/approve`, { token: second.accessToken, json: { ownerId } })
    expect(ok.status, ok.text).toBe(200)
    expect(ok.json.status).toBe('verified')
    const told = rowsOf<{ payload: { text: string } }>(await h.db.execute(sql`select payload from notification_outbox where user_id = ${s.ownerUserId} and kind = 'binding_claimed'`))
    expect(told.map((t) => t.payload.text)).toEqual([expect.stringContaining('业委会已核准另一个账号代表您绑定')])
  })

  it('a flat nobody holds is bound at once by its owner, but not by someone who knows the name and ID number while the roll gives another phone', async () => {
    const s = await setupCommunity(h, { units: 2 })
    const rows = simpleRoster(3, { start: 501 })
    const ownerPhone = newPhone()
    rows[0]!.手机号 = ownerPhone
    rows[1]!.手机号 = newPhone()
    expect((await importRosterJson(h, s.admin, s.community.id, [...s.rows, ...rows])).status).toBe(201)
    const claim = (token: string, r: (typeof rows)[number]) =>
      h.request('POST', `/api/communities/${s.community.id}/bindings`, { token, json: { name: r.业主姓名, idNumber: r.证件号码, building: r.楼栋, unit: r.单元, room: r.房号 } })
    // the firm (or anyone holding the roll) signs in with its own phone and claims the second flat: it waits
    const firm = await h.login(newPhone())
    const held = await claim(firm.accessToken, rows[1]!)
    expect(held.json.status).toBe('pending')
    expect(held.json.reason).toContain('手机号与您登录的手机号不同')
    expect((await h.request('GET', `/api/communities/${s.community.id}/bindings?status=pending`, { token: s.committee })).text).toContain(held.json.id)
    // the owner, signed in with the phone the roll gives, is bound at once
    const owner = await h.login(ownerPhone)
    expect((await claim(owner.accessToken, rows[0]!)).json.status).toBe('verified')
    // a flat whose roll line gives no phone: at once, as before
    expect((await claim((await h.login(newPhone())).accessToken, rows[2]!)).json.status).toBe('verified')
  })
})
