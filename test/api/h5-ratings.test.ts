import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firmRatings } from '../../drizzle/schema'
import { browserSession } from '../helpers/browser-session'
import { bulkOwners, firmServingCommunity, setupCommunity } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'
import { allScores as all } from '../helpers/ratings'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const form = (scores: Record<string, number>, comment = '') => ({ ...Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, String(v)])), comment })
/** The radio of `dimension` checked on the page, if any. */
const checked = (html: string, dimension: string) => new RegExp(`name="${dimension}" value="(\\d)" required="" checked=""`).exec(html)?.[1] ?? null

describe("owners' quarterly ratings on H5", () => {
  it('an owner rates the firm, sees and changes their own rating until the quarter ends, and sees only the compound’s distributions and satisfaction against 90%', async () => {
    h.clock.set(new Date('2026-12-30T02:00:00Z')) // 2026-12-30 10:00 Beijing, the last days of 2026Q4
    const s = await setupCommunity(h, { units: 4 })
    await firmServingCommunity(h, s, 93)
    const me = await h.request('GET', '/api/me', { token: s.owner })
    const b = browserSession(h)
    h.clock.advance(61_000) // the owner signed in through the API a moment ago
    await b.login(me.json.phone)
    const home = await b.get(`/h5/c/${s.community.id}`)
    expect(home.text).toContain(`/h5/c/${s.community.id}/ratings`)
    const path = `/h5/c/${s.community.id}/ratings`
    const empty = await b.get(path)
    expect(empty.status).toBe(200)
    expect(empty.text).toContain('2026年第4季度')
    expect(empty.text).toContain('物业公司93')
    expect(empty.text).toContain('截至2026年12月31日（含当日）都可以修改')
    expect(empty.text).toContain('本季度还没有业主评价')

    // a form with items left out is shown again with what was chosen; nothing is stored
    const partial = await b.post(path, { cleaning: '4', comment: '保安很负责' })
    expect(partial.status).toBe(422)
    expect(partial.text).toContain('还有 4 项没有打分')
    expect(checked(partial.text, 'cleaning')).toBe('4')
    expect(partial.text).toContain('保安很负责')
    const rows = () => h.db.select().from(firmRatings).where(eq(firmRatings.communityId, s.community.id))
    expect(await rows()).toHaveLength(0)

    const saved = await b.post(path, form({ ...all(4), attitude: 2 }, '保安很负责'))
    expect(saved.status).toBe(303) // POST → redirect → GET: a reload does not send it again
    const mine = await b.get(saved.headers.get('location')!)
    expect(mine.text).toContain('已保存')
    expect(checked(mine.text, 'security')).toBe('4')
    expect(checked(mine.text, 'attitude')).toBe('2')
    expect(mine.text).toContain('保安很负责')
    expect(mine.text).toContain('修改我的评价')
    expect(mine.text).toContain('已有 1 位业主评价。满 3 份后显示')
    expect(mine.text).not.toContain('满意率 ')

    // two neighbours rate through the API; the page shows the compound's counts, never their ratings
    const [n1, n2] = await bulkOwners(h, s.community.id, s.rows.slice(1, 3))
    for (const [o, scores, comment] of [[n1!, all(5), '电梯太慢了'], [n2!, all(3), null]] as const) {
      expect((await h.request('PUT', `/api/communities/${s.community.id}/ratings/mine`, { token: o.token, json: { scores, comment } })).status).toBe(200)
    }
    const seen = await b.get(path)
    // 4 × 4 + 5 × 5 of 15 scores at 4–5: 9/15 = 60%
    expect(seen.text).toContain('满意率 <strong class="num">60%</strong>（9 / 15 项打分为 4–5 分），目标 90%')
    expect(seen.text).toContain('未达到')
    expect(seen.text).toContain('共 3 位业主评价')
    expect(seen.text).not.toContain('电梯太慢了')
    expect(checked(seen.text, 'attitude')).toBe('2') // still my own rating in the form

    // changing it replaces it: still one rating of mine, and the rate follows
    const changed = await b.post(path, form(all(5)))
    expect(changed.status).toBe(303)
    const after = await b.get(path)
    expect(after.text).toContain('满意率 <strong class="num">67%</strong>（10 / 15 项打分为 4–5 分）')
    expect(after.text).not.toContain('保安很负责') // the comment was cleared with the new rating
    const stored = await rows()
    expect(stored).toHaveLength(3)
    expect(stored.filter((r) => r.userId === me.json.id || r.userId === s.ownerUserId).map((r) => r.scores)).toEqual([all(5)])

    // a new quarter: a fresh form; last quarter's rating stays as it was
    h.clock.set(new Date('2027-01-01T02:00:00Z'))
    const next = await b.get(path)
    expect(next.status).toBe(200)
    expect(next.text).toContain('2027年第1季度')
    expect(checked(next.text, 'cleaning')).toBeNull()
    expect(next.text).toContain('提交评价')
    expect(await rows()).toHaveLength(3)

    // a form from another site is refused; a signed-out visitor goes to the login page; a non-owner is told why
    const forged = await b.post(path, form(all(1)), { origin: 'https://evil.example' })
    expect(forged.status).toBe(403)
    expect((await browserSession(h).get(path)).status).toBe(303)
    const staff = browserSession(h)
    await staff.login(s.committeePhone)
    const refused = await staff.get(path)
    expect(refused.status).toBe(403)
    expect(refused.text).toContain('只有本小区已绑定房屋的业主可以在这里评价物业')
    expect(await rows()).toHaveLength(3)
  })
})
