import { eq, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { CommunitySettings } from '../../../shared/community'
import { ballots } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { dbNow } from '../../db/clock'
import type { Clock } from '../../env'
import { randomToken, sha256Hex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'
import { assertProxyMayCast } from './proxies'

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
  // one round trip; a select list is evaluated left to right, so the poll's lock is taken first.
  // No await before the statement, here or in ballotState: castBallot sends both at once and
  // relies on this one leaving first (the 50-parallel-submissions test in polls.test.ts fails if not)
  await tx.execute(sql`select pg_advisory_xact_lock_shared(1, hashtext(${pollId})), pg_advisory_xact_lock(2, hashtext(${`${pollId}:${voterId}`}))`)
}

/** Taken by the close: waits for ballots in flight, and keeps new ones out until the count is done. */
export async function lockPollForClose(tx: Db, pollId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(1, hashtext(${pollId}))`)
}

/**
 * Everything a ballot decides on, in one statement after the locks: the poll's window by the
 * database's clock (read after the lock: clock_timestamp, not the transaction start), its rules and
 * community, the voter's last version on any channel and standing ballot of this kind, and a ballot
 * this caller already cast with this idempotency key. New checks of the vote (a proxy's standing,
 * a paper ballot's counting stage) belong here as further columns, so the vote stays one read.
 */
async function ballotState(tx: Db, clock: Clock, input: CastInput, kind: 'electronic' | 'paper', castBy: string) {
  const now = dbNow(clock)
  const [row] = rowsOf<{ settings: unknown; community_id: string; open: boolean; last_version: number | null; previous_id: string | null; replay_id: string | null }>(
    await tx.execute(sql`
      select p.settings, p.community_id,
             (p.status = 'announced' and ${now} >= p.opens_at and ${now} < p.closes_at) as open,
             (select max(b.version) from ballots b where b.poll_id = p.id and b.voter_id = ${input.voterId}) as last_version,
             (select b.id from ballots b where b.poll_id = p.id and b.voter_id = ${input.voterId} and b.kind = ${kind} and b.current) as previous_id,
             ${input.idempotencyKey ? sql`(select b.id from ballots b where b.poll_id = p.id and b.cast_by_user_id = ${castBy} and b.idempotency_key = ${input.idempotencyKey})` : sql`null`} as replay_id
      from polls p where p.id = ${input.pollId}`),
  )
  if (!row) throw new AppError('NOT_FOUND')
  return { ...row, settings: CommunitySettings.parse(row.settings ?? {}) }
}

/**
 * Every write of a ballot in one statement: the previous standing ballot of this kind steps down,
 * the new version is inserted (the insert reads `prev`, so the step-down happens first and the
 * partial unique index on standing ballots never sees two), a proxy is used up or an owner voting
 * in person takes back an unused one, and the audit row (without the choice: the split stays
 * secret while the poll is open) is written, all inside the caller's transaction.
 */
async function writeBallot(tx: Db, ctx: ServiceCtx, input: CastInput, b: { kind: 'electronic' | 'paper'; version: number; previousId: string | null; communityId: string; castBy: string; requestHash: string }) {
  const id = nanoid()
  // a Date is no parameter postgres.js takes in raw SQL: the instant as text, typed
  const now = sql`${ctx.clock.now().toISOString()}::timestamptz`
  const proxyWrite = input.proxyId
    ? sql`update proxies set status = 'used', ended_at = ${now} where id = ${input.proxyId} and status = 'active' returning id`
    : input.ownerCasting
      ? // the owner voting in person ends their proxy, used or not: it can never replace the owner's ballot
        sql`update proxies set status = 'revoked', ended_at = ${now} where poll_id = ${input.pollId} and voter_id = ${input.voterId} and status in ('active', 'used') returning id`
      : sql`select null::text as id where false`
  const details = JSON.stringify({ pollId: input.pollId, voterId: input.voterId, channel: input.channel, version: b.version })
  const [row] = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      with prev as (update ballots set current = false where id = ${b.previousId} returning id),
      ins as (
        insert into ballots (id, poll_id, community_id, voter_id, version, choice, marks, spoiled_reason, channel, kind, current,
                             cast_by_user_id, proxy_id, paper_photo_sha256, receipt, idempotency_key, request_hash, cast_at)
        select ${id}, ${input.pollId}, ${b.communityId}, ${input.voterId}, ${b.version}::int, ${input.choice}, ${input.marks ? JSON.stringify(input.marks) : null}::jsonb,
               ${input.spoiledReason}, ${input.channel}, ${b.kind}, true, ${b.castBy}, ${input.proxyId}, ${input.paperPhotoSha256 ?? null},
               ${randomToken(16)}, ${input.idempotencyKey ?? null}, ${b.requestHash}, ${dbNow(ctx.clock)}
        from (select count(*) from prev) as stepped_down
        returning *
      ),
      px as (${proxyWrite}),
      audit as (
        insert into audit_log (community_id, actor_user_id, action, subject_type, subject_id, details, request_id)
        select ${input.communityId}, ${ctx.actor?.userId ?? null}, 'ballot.cast', 'ballot', ins.id, ${details}::jsonb, ${ctx.requestId ?? null} from ins
        returning id
      )
      select ins.*, (select count(*) from px) as proxies_changed, (select count(*) from audit) as audited from ins`),
  )
  return {
    receipt: row!.receipt as string,
    voterId: row!.voter_id as string,
    version: Number(row!.version),
    choice: row!.choice as BallotChoice,
    marks: (row!.marks as string[] | null) ?? null,
    channel: row!.channel as BallotChannel,
    castAt: new Date(row!.cast_at as string | Date),
  }
}

export async function castBallot(ctx: ServiceCtx, input: CastInput) {
  const actor = actorOf(ctx)
  const kind = input.channel === 'paper' ? 'paper' : 'electronic'
  const requestHash = await sha256Hex(JSON.stringify([input.voterId, input.choice, input.marks, input.channel, input.paperPhotoSha256 ?? null, input.spoiledReason]))
  // begin, the locks and the read sent together, one write, commit: four round trips whatever the ballot
  const result = await withTransaction(ctx.db, async (tx) => {
    // Pipelined, not one statement: the read is its own statement after the locks, so its snapshot
    // (READ COMMITTED: taken when the statement starts) sees every ballot committed while we waited
    // for the voter's lock. The connection runs them in the order sent; if the lock fails, the read
    // fails with it ("transaction is aborted") and the transaction rolls back.
    const [, state] = await Promise.all([lockForBallot(tx, input.pollId, input.voterId), ballotState(tx, ctx.clock, input, kind, actor.userId)])
    if (state.replay_id) {
      // A retry on a bad network gets the ballot it already cast, even after the close.
      const [seen] = await tx.select().from(ballots).where(eq(ballots.id, state.replay_id))
      if (seen!.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_CONFLICT')
      return { ballot: presentBallot(seen!), replayed: true }
    }
    if (!state.open) throw new AppError('POLL_NOT_OPEN')
    // a proxy still stands and its grantor is still a verified owner, checked under the voter's lock (proxies.ts)
    if (input.proxyId) await assertProxyMayCast(tx, { ...input, proxyId: input.proxyId })
    if (state.previous_id && state.settings.revotePolicy === 'first_final') throw new AppError('BALLOT_FINAL')
    const ballot = await writeBallot(tx, ctx, input, {
      kind,
      version: Number(state.last_version ?? 0) + 1,
      previousId: state.previous_id,
      communityId: state.community_id,
      castBy: actor.userId,
      requestHash,
    })
    return { ballot: { ...ballot, castAt: ballot.castAt.toISOString() }, replayed: false }
  })
  return { ...result.ballot, replayed: result.replayed }
}
