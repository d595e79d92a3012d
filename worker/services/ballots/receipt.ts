import { and, eq, sql } from 'drizzle-orm'
import { ballots } from '../../../drizzle/schema'
import { parseShortReceipt, shortReceipt } from '../../../shared/receipt'
import type { ServiceCtx } from '../context'

/**
 * The long receipt a person means by what they typed: a short code (case-insensitive, see
 * shared/receipt.ts) is looked up among this poll's ballots by the bits it fixes; anything else
 * is taken as a long receipt as typed. Null when a short code matches no ballot, or two.
 */
export async function resolveReceipt(ctx: ServiceCtx, pollId: string, typed: string): Promise<string | null> {
  const short = parseShortReceipt(typed)
  if (!short) return typed.trim()
  const rows = await ctx.db
    .select({ receipt: ballots.receipt })
    .from(ballots)
    .where(and(eq(ballots.pollId, pollId), sql`left(${ballots.receipt}, 8) = ${short.longPrefix}`))
  const hits = rows.filter((r) => shortReceipt(r.receipt) === short.short)
  return hits.length === 1 ? hits[0]!.receipt : null
}
