import { and, eq, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { ballots } from '../../../drizzle/schema'
import type * as z from 'zod'
import type { PaperSigner } from '../../../shared/api/polls'
import { shortReceipt } from '../../../shared/receipt'
import { authoritativeNow } from '../../db/clock'
import { withTransaction } from '../../db/tx'
import type { Db } from '../../db/types'
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
  /** a paper ballot signed by someone other than the owner (PaperSigner in shared/api/polls.ts) */
  signedBy?: PaperSignedBy
  idempotencyKey?: string
}

/** who signed a paper ballot for the owner, as the API's schema reads it (one definition of who may) */
export type PaperSignedBy = z.infer<typeof PaperSigner>

type BallotRow = typeof ballots.$inferSelect

export const presentBallot = (b: BallotRow) => ({
  receipt: b.receipt,
  shortReceipt: shortReceipt(b.receipt),
  voterId: b.voterId,
  version: b.version,
  choice: b.choice,
  marks: b.marks ?? null,
  channel: b.channel,
  castAt: b.castAt.toISOString(),
  signedBy: b.signedAs ? { as: b.signedAs, name: b.signerName! } : null,
})

/**
 * What an idempotency key is bound to: a retry with the same key and the same ballot gets it back,
 * the same key with anything else (another choice, another photo, another signer) is refused. A
 * ballot the owner signed hashes as it did before signers were recorded.
 */
export function ballotRequestHash(b: Pick<CastInput, 'voterId' | 'choice' | 'marks' | 'channel' | 'paperPhotoSha256' | 'spoiledReason' | 'signedBy'>) {
  const signer = b.signedBy ? [[b.signedBy.as, b.signedBy.name, b.signedBy.documentSha256]] : []
  return sha256Hex(JSON.stringify([b.voterId, b.choice, b.marks, b.channel, b.paperPhotoSha256 ?? null, b.spoiledReason, ...signer]))
}

/**
 * Taken by the close: waits for ballots in flight, and keeps new ones out until the count is done.
 * A ballot takes the same key SHARED (cast_ballot in drizzle/migrations/0022_cast_ballot_function.sql, restated in 0028).
 */
export async function lockPollForClose(tx: Db, pollId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(1, hashtext(${pollId}))`)
}

/**
 * A ballot's own locks, as cast_ballot takes them (the poll SHARED, then the voter), for what must
 * not interleave with a ballot for this voter (naming a proxy): same keys, same order, so no cycle
 * with a vote or the close.
 */
export async function lockAsBallot(tx: Db, pollId: string, voterId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(1, hashtext(${pollId})), pg_advisory_xact_lock(2, hashtext(${pollId} || ':' || ${voterId}))`)
}

type CastOutcome = 'cast' | 'replayed' | 'NOT_FOUND' | 'POLL_NOT_OPEN' | 'IDEMPOTENCY_CONFLICT' | 'PROXY_NOT_ACTIVE' | 'BALLOT_FINAL'

interface CastRow {
  o_outcome: CastOutcome
  o_detail: string | null
  o_receipt: string
  o_voter_id: string
  o_version: number
  o_choice: BallotChoice
  o_marks: string[] | null
  o_channel: BallotChannel
  o_cast_at: Date | string
}

/**
 * Casts one ballot: one statement, the database function cast_ballot
 * (drizzle/migrations/0022_cast_ballot_function.sql; its latest text in 0028_written_proxies.sql), which is the ballot's whole transaction:
 *
 * - locks, in this order: the poll SHARED (an advisory lock, so no row is written; closing takes
 *   it exclusively, so a ballot commits wholly before the count or is refused after it, never
 *   half-written or missed), then the voter EXCLUSIVE (parallel submissions for one voter queue
 *   up, and exactly one stands). No row shared by all voters is updated (../shared/stack.md: a hot
 *   row costs 70%);
 * - reads, after the locks: the poll's window by the database's clock (dbNow: clock_timestamp
 *   after the locks, or the authoritative clock's instant), its rules and community, the voter's
 *   last version on any channel and standing ballot of this kind, and a ballot this caller already
 *   cast with this idempotency key (a retry gets it back, even after the close; the same key with
 *   a different ballot is refused);
 * - checks: the window; a proxy still stands and its grantor is still a verified owner
 *   (指导规则 第26条); the community's "first ballot is final" rule;
 * - writes: the previous standing ballot of this kind steps down, the new version is inserted, a
 *   proxy is used up or an owner voting in person takes back an unused one, and the audit row
 *   (without the choice: the split stays secret while the poll is open) is written.
 *
 * It was four round trips (begin; the locks and the read; the writes; commit), and the voter's
 * lock was held across each wait; now the server waits once (issue 17). The checks before the
 * transaction (the caller, the role, the electorate, the content) are made by the route.
 * Inside a caller's transaction (ctx.db a transaction), the statement joins it. On the pool it is a
 * plain statement, which postgres.js may pipeline with other requests' queries when every
 * connection is busy; one waiting for a closing poll's lock holds those up until the count ends,
 * as a ballot's open transaction held its whole connection before.
 */
export async function castBallot(ctx: ServiceCtx, input: CastInput) {
  const signer = input.signedBy
  if (!signer) return castOne(ctx, input)
  // a paper ballot someone else signed: the signer is written with the ballot, in its transaction
  // (a retry with the same key gets the ballot back; one with another signer is refused by the
  // request hash, so a replay has nothing to write)
  if (input.channel !== 'paper') throw new Error('only a paper ballot has a signer other than the owner')
  return withTransaction(ctx.db, async (tx) => {
    const out = await castOne({ ...ctx, db: tx }, input)
    if (!out.replayed) {
      const [b] = await tx
        .update(ballots)
        .set({ signedAs: signer.as, signerName: signer.name, signerDocumentSha256: signer.documentSha256 })
        .where(and(eq(ballots.pollId, input.pollId), eq(ballots.receipt, out.receipt)))
        .returning({ id: ballots.id })
      // on record that someone else signed, and as what (the name stays with the ballot, out of the log)
      await recordAudit(tx, ctx, { communityId: input.communityId, action: 'ballot.signed_by_other', subjectType: 'ballot', subjectId: b!.id, details: { as: signer.as } })
    }
    return out
  })
}

async function castOne(ctx: ServiceCtx, input: CastInput) {
  const actor = actorOf(ctx)
  const kind = input.channel === 'paper' ? 'paper' : 'electronic'
  const requestHash = await ballotRequestHash(input)
  // the authoritative clock's instant, or (null) the database's clock read after the locks
  const now = authoritativeNow(ctx.clock)
  const [row] = rowsOf<CastRow>(
    await ctx.db.execute(sql`
      select * from cast_ballot(${input.pollId}, ${input.communityId}, ${input.voterId}, ${kind}, ${actor.userId},
        ${input.idempotencyKey ?? null}, ${requestHash}, ${now}::timestamptz, ${nanoid()}, ${randomToken(16)},
        ${input.choice}, ${input.marks ? JSON.stringify(input.marks) : null}::jsonb, ${input.spoiledReason}, ${input.channel},
        ${input.proxyId}, ${input.ownerCasting}::boolean, ${input.paperPhotoSha256 ?? null}, ${ctx.actor?.userId ?? null}, ${ctx.requestId ?? null})`),
  )
  const outcome = row!.o_outcome
  if (outcome === 'PROXY_NOT_ACTIVE') {
    throw new AppError('PROXY_NOT_ACTIVE', row!.o_detail === 'grantor_not_verified' ? { reason: 'grantor_not_verified' } : { status: row!.o_detail })
  }
  if (outcome !== 'cast' && outcome !== 'replayed') throw new AppError(outcome)
  return {
    receipt: row!.o_receipt,
    shortReceipt: shortReceipt(row!.o_receipt),
    voterId: row!.o_voter_id,
    version: Number(row!.o_version),
    choice: row!.o_choice,
    marks: row!.o_marks ?? null,
    channel: row!.o_channel,
    castAt: new Date(row!.o_cast_at).toISOString(),
    replayed: outcome === 'replayed',
  }
}
