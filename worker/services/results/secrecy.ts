import { eq } from 'drizzle-orm'
import { pollResults } from '../../../drizzle/schema'
import type { Db } from '../../db/types'

/**
 * The secret ballot: until a poll's result is published, no route, export, page or log shows any
 * voter's choice or marks to anyone but that voter (who voted, how and when may be shown; what
 * they chose may not). Every per-voter view of choices asks this, so it is decided in one place:
 * by the published result, not by the poll's status, so that a count in progress reveals nothing.
 */
export async function choicesPublished(db: Db, pollId: string): Promise<boolean> {
  const [r] = await db.select({ pollId: pollResults.pollId }).from(pollResults).where(eq(pollResults.pollId, pollId))
  return r !== undefined
}
