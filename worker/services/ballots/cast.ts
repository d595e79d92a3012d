import { and, eq, max, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { CommunitySettings } from '../../../shared/community'
import { ballots, proxies } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { dbNow } from '../../db/clock'
import type { Clock } from '../../env'
import { randomToken, sha256Hex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'

export type BallotChoice = 'agree' | 'oppose' | 'abstain' | 'spoiled' | 'marked'
export type BallotChannel = 'app' | 'h5' | 'chatbot' | 'paper' | 'proxy'

export interface CastInput {
  pollId: string
  communityId: string
  voterId: string
  choice: BallotChoice
  /** elections: the candidates marked */
  marks: string[] | null
  spoiledReason: string | null
  channel: BallotChannel
  /** set when a proxy casts for the owner who named them */
  proxyId: string | null
  /** set when the owner casts themselves: an unused proxy for this voter is then revoked */
  ownerCasting: boolean
  paperPhotoSha256?: string
  idempotencyKey?: string
}

type BallotRow = typeof ballots.$inferSelect

export const presentBallot = (b: BallotRow) => ({
  receipt: b.receipt,
  voterId: b.voterId,
  version: b.version,
  choice: b.choice,
  marks: b.marks ?? null,
  channel: b.channel,
  castAt: b.castAt.toISOString(),
})

/**
 * Locks, in this order, and why:
 * - the poll, SHARED (an advisory lock, so no row is written): closing takes it exclusively, so a
 *   ballot commits wholly before the count or is refused after it, never half-written or missed;
 * - the voter, EXCLUSIVE: parallel submissions for one voter queue up, and exactly one stands.
 * No row shared by all voters is updated here (../shared/stack.md: a hot row costs 70%).
 */
async function lockForBallot(tx: Db, pollId: string, voterId: string) {
  // one round trip; a select list is evaluated left to right, so the poll's lock is taken first
  await tx.execute(sql`select pg_advisory_xact_lock_shared(1, hashtext(${pollId})), pg_advisory_xact_lock(2, hashtext(${`${pollId}:${voterId}`}))`)
}

/** Taken by the close: waits for ballots in flight, and keeps new ones out until the count is done. */
export async function lockPollForClose(tx: Db, pollId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(1, hashtext(${pollId}))`)
}

/** The poll's state by the database's clock, read after the lock (clock_timestamp, not the transaction start). */
async function pollWindow(tx: Db, clock: Clock, pollId: string) {
  const now = dbNow(clock)
  const [row] = rowsOf<{ status: string; settings: unknown; open: boolean; community_id: string }>(
    await tx.execute(sql`select status, settings, community_id, (status = 'announced' and ${now} >= opens_at and ${now} < closes_at) as open
                         from polls where id = ${pollId}`),
  )
  if (!row) throw new AppError('NOT_FOUND')
  return { open: row.open, settings: CommunitySettings.parse(row.settings ?? {}), communityId: row.community_id }
}

export async function castBallot(ctx: ServiceCtx, input: CastInput) {
  const actor = actorOf(ctx)
  const kind = input.channel === 'paper' ? 'paper' : 'electronic'
  const requestHash = await sha256Hex(JSON.stringify([input.voterId, input.choice, input.marks, input.channel, input.paperPhotoSha256 ?? null, input.spoiledReason]))
  const result = await withTransaction(ctx.db, async (tx) => {
    await lockForBallot(tx, input.pollId, input.voterId)
    if (input.idempotencyKey) {
      // A retry on a bad network gets the ballot it already cast, even after the close.
      const [seen] = await tx
        .select()
        .from(ballots)
        .where(and(eq(ballots.pollId, input.pollId), eq(ballots.castByUserId, actor.userId), eq(ballots.idempotencyKey, input.idempotencyKey)))
      if (seen) {
        if (seen.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_CONFLICT')
        return { ballot: seen, replayed: true }
      }
    }
    const { open, settings, communityId } = await pollWindow(tx, ctx.clock, input.pollId)
    if (!open) throw new AppError('POLL_NOT_OPEN')
    // the voter's standing ballot of this kind and the highest version on any channel, in one read
    const [{ v, previousId } = { v: 0, previousId: null }] = await tx
      .select({
        v: max(ballots.version),
        previousId: sql<string | null>`(array_agg(${ballots.id}) filter (where ${ballots.kind} = ${kind} and ${ballots.current}))[1]`,
      })
      .from(ballots)
      .where(and(eq(ballots.pollId, input.pollId), eq(ballots.voterId, input.voterId)))
    if (previousId && settings.revotePolicy === 'first_final') throw new AppError('BALLOT_FINAL')
    if (previousId) await tx.update(ballots).set({ current: false }).where(eq(ballots.id, previousId))
    const [ballot] = await tx
      .insert(ballots)
      .values({
        id: nanoid(),
        pollId: input.pollId,
        communityId,
        voterId: input.voterId,
        version: (v ?? 0) + 1,
        choice: input.choice,
        marks: input.marks,
        spoiledReason: input.spoiledReason,
        channel: input.channel,
        kind,
        current: true,
        castByUserId: actor.userId,
        proxyId: input.proxyId,
        paperPhotoSha256: input.paperPhotoSha256 ?? null,
        receipt: randomToken(16),
        idempotencyKey: input.idempotencyKey ?? null,
        requestHash,
        castAt: sql`${dbNow(ctx.clock)}`,
      })
      .returning()
    if (input.proxyId) {
      await tx.update(proxies).set({ status: 'used', endedAt: ctx.clock.now() }).where(and(eq(proxies.id, input.proxyId), eq(proxies.status, 'active')))
    } else if (input.ownerCasting) {
      // the owner voting in person takes back an unused proxy
      await tx
        .update(proxies)
        .set({ status: 'revoked', endedAt: ctx.clock.now() })
        .where(and(eq(proxies.pollId, input.pollId), eq(proxies.voterId, input.voterId), eq(proxies.status, 'active')))
    }
    // The choice stays out of the audit log: the split is not visible while the poll is open.
    await recordAudit(tx, ctx, {
      communityId: input.communityId,
      action: 'ballot.cast',
      subjectType: 'ballot',
      subjectId: ballot!.id,
      details: { pollId: input.pollId, voterId: input.voterId, channel: input.channel, version: ballot!.version },
    })
    return { ballot: ballot!, replayed: false }
  })
  return { ...presentBallot(result.ballot), replayed: result.replayed }
}
