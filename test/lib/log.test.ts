import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from '../../drizzle/schema'
import { loggableMessage } from '../../worker/lib/log'
import { newPhone } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

describe('what an error may say in a log line', () => {
  it("a failed query's message never carries its parameters (a phone here), on the real database", async () => {
    const phone = newPhone()
    await h.db.insert(users).values({ id: `log-a-${phone}`, phone })
    let caught: unknown = null
    try {
      await h.db.insert(users).values({ id: `log-b-${phone}`, phone })
    } catch (e) {
      caught = e
    }
    expect(caught).not.toBeNull()
    // drizzle's own message quotes the parameters: the reason for loggableMessage
    expect(String((caught as Error).message)).toContain(phone)
    const logged = loggableMessage(caught)
    expect(logged).not.toContain(phone)
    expect(logged.length).toBeGreaterThan(0)
    expect(logged.length).toBeLessThanOrEqual(200)
  })

  it('any other error is its message, cut to 200 characters', () => {
    expect(loggableMessage(new Error('微信接口超时'))).toBe('微信接口超时')
    expect(loggableMessage(new Error('x'.repeat(500)))).toHaveLength(200)
    expect(loggableMessage('plain')).toBe('plain')
  })
})
