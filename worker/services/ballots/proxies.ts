import { and, count, eq, inArray, ne, sql, type SQL } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { CommunitySettings } from '../../../shared/community'
import { maskPhone, normalizePhone } from '../../../shared/phone'
import { ballots, notificationOutbox, polls, proxies, users } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { beijingDeadline } from '../../../shared/time'
import { recordAudit } from '../audit'
import { accountForPhone } from '../auth/phone-account'
import { consume } from '../auth/rate-limit'
import { enqueueForOwners } from '../notifications/outbox'
import { assertBeforeClose } from '../polls/lifecycle'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'
import { lockAsBallot } from './cast'
import { resolveVoter, verifiedOwnerKeys } from './eligibility'

const PROXY_GRANTS_PER_HOUR = 10
/** and per day: each grant may text a phone that has never used the service */
const PROXY_GRANTS_PER_DAY = 30
/** grants naming one phone that has never signed in, per day, from anyone */
const PROXY_GRANTS_TO_NEW_PHONE_PER_DAY = 3
/** written proxies one committee member records an hour: a desk's afternoon, not a whole roll */
const WRITTEN_PROXIES_PER_HOUR = 60

/**
 * A standing ballot the owner cast themselves: electronically (app, H5, chat-bot), or on a paper
 * ballot they signed themselves (`signedBy` null; the committee entered it). It ended their proxies
 * (cast_ballot), so none may be named for that flat after it. Not a proxy's own ballot, nor a paper
 * one someone else signed.
 */
export const castInPerson = (b: { current: boolean; kind: string; channel: string; signedBy: unknown }) =>
  b.current && b.channel !== 'proxy' && (b.kind === 'electronic' || (b.kind === 'paper' && b.signedBy === null))

/**
 * The ids of the running polls in which this account votes for an owner, its proxy still standing
 * (active, or used and not ended): what the role `proxy` opens on the page (roles/resolve.ts), no
 * more. SQL, for the chat-bot's lookups by number.
 */
export const pollsAsProxySql = (userId: string): SQL =>
  sql`select px.poll_id from proxies px join polls pp on pp.id = px.poll_id
      where px.proxy_user_id = ${userId} and px.status in ('active', 'used') and pp.status = 'announced'`

/** The running polls in which this account votes for an owner: for a proxy who owns no flat there to find them (我的, the chat-bot). */
export async function pollsAsProxy(db: Db, userId: string) {
  const rows = rowsOf<{ id: string; number: number | null; title: string; community_name: string; closes_at: string | Date }>(
    await db.execute(sql`
      select p.id, p.number, p.title, c.name as community_name, p.closes_at
      from polls p join communities c on c.id = p.community_id
      where p.id in (${pollsAsProxySql(userId)})
      order by p.closes_at`),
  )
  return rows.map((p) => ({ pollId: p.id, number: p.number, title: p.title, communityName: p.community_name, closesAt: new Date(p.closes_at) }))
}
const proxyNoticeKey = (pollId: string, voterId: string) => `proxy:${pollId}:${voterId}`

/**
 * An owner names a proxy for one poll (指导规则 第26条: anyone but a guardian or legal
 * representative votes for an owner only with a written proxy, recorded here). The proxy is
 * anyone with a phone: a neighbour, or a son or daughter who lives elsewhere and owns no flat
 * here, which is who votes for an elderly owner, often named at the committee's desk by someone
 * who has never used the app. A phone that has not signed in yet gets its account now (a phone
 * and nothing else, as a first sign-in by code makes it), so the message below reaches it by SMS
 * and the proxy signs in with that phone to vote (it is a placeholder until then:
 * users.placeholder). Naming no longer depends on whether the phone has an account. What the proxy
 * may then see and do is this one poll, for this one owner (the role `proxy` on the poll's
 * routes). One proxy may represent at most `proxyLimit` owners.
 */
export async function grantProxy(ctx: ServiceCtx, pollId: string, communityId: string, input: { proxyPhone: string; proxyPhoneAgain?: string; voterId?: string }) {
  const actor = actorOf(ctx)
  const voter = await resolveVoter(ctx.db, pollId, communityId, actor.userId, input.voterId)
  if (voter.via !== 'owner') throw new AppError('FORBIDDEN', { reason: 'only_the_owner_may_name_a_proxy' })
  const phone = proxyPhoneOf(input)
  // counted before, and apart from, the grant: a refused grant counts too, and each grant sends
  // the proxy a message (an SMS to a phone new here: the limit keeps that from being a way to spam)
  const limiter = { db: ctx.db, clock: ctx.clock, secret: ctx.config.ID_HASH_SECRET }
  await consume(limiter, `proxy-grant:${actor.userId}`, PROXY_GRANTS_PER_HOUR, 3600)
  await consume(limiter, `proxy-grant-day:${actor.userId}`, PROXY_GRANTS_PER_DAY, 86_400)
  // and per phone nobody has signed in to yet, whoever names it: each grant texts it, and many
  // owners together must not make it a way to flood one number (the key is hashed by consume)
  await limitTextsToNewPhone(ctx, phone)
  return withTransaction(ctx.db, (tx) => nameProxy(tx, ctx, { pollId, communityId, voterId: voter.voterId, unitLabels: voter.unitLabels, phone, grantorUserId: actor.userId, written: null }))
}

/**
 * A phone nobody has signed in to may be named at most PROXY_GRANTS_TO_NEW_PHONE_PER_DAY times a
 * day, whoever names it: each naming texts it, and many owners (or a committee) together must not
 * make it a way to flood one number (the key is hashed by consume).
 */
async function limitTextsToNewPhone(ctx: ServiceCtx, phone: string) {
  const [known] = await ctx.db.select({ placeholder: users.placeholder }).from(users).where(eq(users.phone, phone))
  if (!known || known.placeholder) await consume({ db: ctx.db, clock: ctx.clock, secret: ctx.config.ID_HASH_SECRET }, `proxy-grant-to:${phone}`, PROXY_GRANTS_TO_NEW_PHONE_PER_DAY, 86_400)
}

/**
 * The proxy's phone as named, in the app or from a written proxy: a mobile number, and when typed
 * twice (the page always asks) the same number both times, however spaced ('138 0013 8000',
 * '+86…'): one digit wrong is still a valid number, a stranger's, who would then vote for the flat.
 */
function proxyPhoneOf(input: { proxyPhone: string; proxyPhoneAgain?: string }): string {
  const phone = normalizePhone(input.proxyPhone)
  if (!phone) throw new AppError('PHONE_INVALID')
  if (input.proxyPhoneAgain !== undefined && normalizePhone(input.proxyPhoneAgain) !== phone) throw new AppError('PROXY_PHONE_MISMATCH')
  return phone
}

interface Naming {
  pollId: string
  communityId: string
  voterId: string
  unitLabels: string
  phone: string
  /** the owner naming the proxy in the app, or null for a written proxy the committee records */
  grantorUserId: string | null
  written: { documentSha256: string; recordedByUserId: string } | null
}

/** A proxy's naming, in the caller's transaction: the same rules whoever records it. */
async function nameProxy(tx: Db, ctx: ServiceCtx, naming: Naming) {
  const { pollId, communityId } = naming
  // the ballot's locks, before the poll's row: so no vote for this voter slips in between the
  // check below and the grant, and no lock cycle with a vote or the close. The row is taken NO KEY
  // UPDATE: it serialises grants (the proxy limit) without holding up the votes, whose ballots'
  // foreign key takes the row KEY SHARE
  await lockAsBallot(tx, pollId, naming.voterId)
  const [p] = await tx.select().from(polls).where(eq(polls.id, pollId)).for('no key update')
  if (!p) throw new AppError('NOT_FOUND')
  // by the database's clock, as the ballot's window: after the close nothing changes but the count
  await assertBeforeClose(tx, ctx.clock, p)
  // the owner's own vote ends their proxies (cast_ballot), so a proxy named after it would be the
  // one ballot that could replace the owner's: refused
  const standing = await tx
    .select({ current: ballots.current, kind: ballots.kind, channel: ballots.channel, signedBy: ballots.signedAs })
    .from(ballots)
    .where(and(eq(ballots.pollId, pollId), eq(ballots.voterId, naming.voterId), eq(ballots.current, true)))
  if (standing.some(castInPerson)) throw new AppError('OWNER_ALREADY_VOTED')
  const proxyUser = await accountForPhone(tx, naming.phone, 'proxy')
  if (proxyUser.id === naming.grantorUserId) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'proxyPhone', code: 'self', message: '不能委托自己' }] })
  // a committee member recording a sheet that names themselves would be voting on a paper only
  // they have checked: another member records it
  if (naming.written && proxyUser.id === naming.written.recordedByUserId) {
    throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'proxyPhone', code: 'recorder_is_proxy', message: '委托书上的受托人是您本人，请由其他业委会委员登记' }] })
  }
  const settings = CommunitySettings.parse(p.settings ?? {})
  const [{ n } = { n: 0 }] = await tx
    .select({ n: count() })
    .from(proxies)
    .where(and(eq(proxies.pollId, pollId), eq(proxies.proxyUserId, proxyUser.id), ne(proxies.status, 'revoked')))
  if (n >= settings.proxyLimit) throw new AppError('PROXY_LIMIT', { limit: settings.proxyLimit })
  const [existing] = await tx.select().from(proxies).where(and(eq(proxies.pollId, pollId), eq(proxies.voterId, naming.voterId), inArray(proxies.status, ['active', 'used'])))
  // the same owner's second tap finds its proxy; anyone else learns only that one stands
  if (existing) throw new AppError('PROXY_EXISTS', naming.grantorUserId && existing.grantorUserId === naming.grantorUserId ? { proxyId: existing.id } : {})
  const [px] = await tx
    .insert(proxies)
    .values({
      id: nanoid(),
      pollId,
      communityId,
      voterId: naming.voterId,
      grantorUserId: naming.grantorUserId,
      writtenDocumentSha256: naming.written?.documentSha256 ?? null,
      recordedByUserId: naming.written?.recordedByUserId ?? null,
      proxyUserId: proxyUser.id,
      status: 'active',
      createdAt: ctx.clock.now(),
    })
    .returning()
  // accountCreated: the proxy's account was made for this grant (a placeholder until they sign in)
  await recordAudit(tx, ctx, {
    communityId,
    action: naming.written ? 'proxy.written_recorded' : 'proxy.granted',
    subjectType: 'proxy',
    subjectId: px!.id,
    details: { pollId, voterId: naming.voterId, proxyUserId: proxyUser.id, accountCreated: proxyUser.created, ...(naming.written ? { documentSha256: naming.written.documentSha256 } : {}) },
  })
  // the proxy is told, with the link to the poll: a daughter far away has no other way to find it.
  // The title says it too, as an SMS carries only the title and the link. Once per poll, flat and
  // proxy, however often a grant is revoked and made again. Not a delivery to the owner (no
  // voterId): it proves nothing about the owner's notice
  await enqueueForOwners(
    tx,
    ctx,
    communityId,
    { userIds: [proxyUser.id] },
    'proxy_named',
    { title: `受托投票：${p.title}`, text: `${naming.unitLabels} 的业主委托您代为投票，${beijingDeadline(p.closesAt)} 截止`, deadline: p.closesAt.toISOString(), path: `/h5/polls/${pollId}` },
    proxyNoticeKey(pollId, naming.voterId),
  )
  return proxyReply(px!)
}

const proxyReply = (px: typeof proxies.$inferSelect) => ({ id: px.id, voterId: px.voterId, proxyUserId: px.proxyUserId, status: px.status, written: px.grantorUserId === null })

/**
 * A written proxy (授权委托书) an owner signed and handed to the committee, recorded by a committee
 * member so that the person named votes online for that owner (指导规则 第26条: a written proxy,
 * recorded in the system). For an owner who never signs in (no smartphone, no binding): a son or
 * daughter far away then votes as any proxy does. The committee keeps the signed sheet; its
 * photo's SHA-256 is recorded with the proxy, as a paper ballot's is. It ends when the committee
 * records its withdrawal (withdrawWrittenProxy) or when the owner votes in person (cast_ballot);
 * no binding of the owner's stands behind it, so none ending can end it.
 */
export async function recordWrittenProxy(ctx: ServiceCtx, pollId: string, communityId: string, input: { voterId: string; proxyPhone: string; proxyPhoneAgain?: string; documentSha256: string }) {
  const actor = actorOf(ctx)
  const phone = proxyPhoneOf(input)
  const [voter] = rowsOf<{ voter_id: string; unit_labels: string; online: boolean; document_elsewhere: boolean }>(
    await ctx.db.execute(sql`
      select pv.voter_id, pv.unit_labels,
             exists (select 1 from bindings b where b.community_id = ${communityId} and b.owner_key = pv.representative_owner_key and b.status = 'verified') as online,
             exists (select 1 from proxies x where x.poll_id = pv.poll_id and x.voter_id <> pv.voter_id and x.written_document_sha256 = ${input.documentSha256}) as document_elsewhere
      from poll_voters pv where pv.poll_id = ${pollId} and pv.voter_id = ${input.voterId}`),
  )
  if (!voter) throw new AppError('NOT_IN_ELECTORATE', { voterId: input.voterId })
  // for owners who are not online: one who is names their proxy themselves, sees it and ends it
  // (a committee member must not be able to speak for an owner who can speak)
  if (voter.online) throw new AppError('WRITTEN_PROXY_OWNER_ONLINE')
  // each owner signs their own sheet: one photo for two households is a copy, or no signature at all
  if (voter.document_elsewhere) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'documentSha256', code: 'document_reused', message: '这张授权委托书的照片已用于本次表决的另一户，每户须有业主本人签署的委托书' }] })
  // a brake on one member recording many: each is in the audit log, with its document
  await consume({ db: ctx.db, clock: ctx.clock, secret: ctx.config.ID_HASH_SECRET }, `written-proxy:${actor.userId}`, WRITTEN_PROXIES_PER_HOUR, 3600)
  await limitTextsToNewPhone(ctx, phone)
  return withTransaction(ctx.db, (tx) =>
    nameProxy(tx, ctx, { pollId, communityId, voterId: voter.voter_id, unitLabels: voter.unit_labels, phone, grantorUserId: null, written: { documentSha256: input.documentSha256, recordedByUserId: actor.userId } }),
  )
}

/** The proxies of a poll, for its committee: whose flat, named how, the proxy's phone masked, standing or ended. */
export async function proxiesOfPoll(ctx: ServiceCtx, pollId: string) {
  const rows = rowsOf<{ id: string; voter_id: string; unit_labels: string; phone: string; status: 'active' | 'used' | 'revoked'; written: boolean; created_at: string | Date; ended_at: string | Date | null }>(
    await ctx.db.execute(sql`
      select px.id, px.voter_id, pv.unit_labels, u.phone, px.status, px.grantor_user_id is null as written, px.created_at, px.ended_at
      from proxies px join poll_voters pv on pv.poll_id = px.poll_id and pv.voter_id = px.voter_id join users u on u.id = px.proxy_user_id
      where px.poll_id = ${pollId}
      order by pv.unit_labels, px.created_at`),
  )
  return rows.map((r) => ({
    id: r.id,
    voterId: r.voter_id,
    unitLabels: r.unit_labels,
    proxyPhone: maskPhone(r.phone),
    status: r.status,
    written: r.written,
    createdAt: new Date(r.created_at).toISOString(),
    endedAt: r.ended_at === null ? null : new Date(r.ended_at).toISOString(),
  }))
}

/**
 * The proxies this owner has named for the poll and not ended (the owner's page lists them), with
 * the phone whole: it is the owner's own entry, and a digit mistyped would name a stranger, who
 * is told and may vote, so the owner must be able to see it.
 */
export async function myProxies(ctx: ServiceCtx, pollId: string) {
  const actor = actorOf(ctx)
  const rows = rowsOf<{ id: string; voter_id: string; unit_labels: string; status: 'active' | 'used'; phone: string | null; written: boolean }>(
    await ctx.db.execute(sql`
      select px.id, px.voter_id, pv.unit_labels, px.status, u.phone, px.grantor_user_id is null as written
      from proxies px join poll_voters pv on pv.poll_id = px.poll_id and pv.voter_id = px.voter_id join users u on u.id = px.proxy_user_id
      where px.poll_id = ${pollId} and px.status in ('active', 'used')
        and (px.grantor_user_id = ${actor.userId} or (px.grantor_user_id is null and ${ownsVoter(sql`${actor.userId}`)}))
      order by px.created_at`),
  )
  return rows.map((r) => ({ id: r.id, voterId: r.voter_id, unitLabels: r.unit_labels, status: r.status, proxyPhone: r.phone ?? '', written: r.written }))
}

/**
 * Whether the user is a verified owner of the proxy's voter (`px`'s columns): an owner who comes
 * online after the committee recorded their written proxy sees it and may end it, as one they named.
 */
const ownsVoter = (userId: SQL) =>
  sql`exists (select 1 from poll_voters opv where opv.poll_id = px.poll_id and opv.voter_id = px.voter_id
        and opv.representative_owner_key in (${verifiedOwnerKeys(userId, sql`px.community_id`)}))`

/**
 * The owner ends their proxy at any time, used or not: the proxy casts nothing more for them. A
 * ballot the proxy already cast stands until the owner votes (a proxy's vote was the owner's
 * will when it was cast).
 */
export async function revokeProxy(ctx: ServiceCtx, pollId: string, proxyId: string) {
  const actor = actorOf(ctx)
  // only the owner who named the proxy, or, for a written one the committee recorded, the owner it
  // speaks for; and only through the poll it is for
  return endProxy(ctx, pollId, proxyId, async (px, tx) => {
    if (px.grantorUserId !== null) return px.grantorUserId === actor.userId
    const [own] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select ${ownsVoter(sql`${actor.userId}`)} as ok from proxies px where px.id = ${px.id}`))
    return own?.ok === true
  })
}

/**
 * The committee records that the owner took back a written proxy (the owner came to the desk, or
 * sent word in writing): the proxy casts nothing more. Written proxies only: one an owner named in
 * the app is theirs to end.
 */
export async function withdrawWrittenProxy(ctx: ServiceCtx, pollId: string, proxyId: string) {
  return endProxy(ctx, pollId, proxyId, (px) => px.grantorUserId === null)
}

async function endProxy(ctx: ServiceCtx, pollId: string, proxyId: string, mayEnd: (px: typeof proxies.$inferSelect, tx: Db) => boolean | Promise<boolean>) {
  return withTransaction(ctx.db, async (tx) => {
    const [px] = await tx.select().from(proxies).where(eq(proxies.id, proxyId)).for('update')
    if (!px || px.pollId !== pollId || !(await mayEnd(px, tx))) throw new AppError('NOT_FOUND')
    if (px.status === 'revoked') throw new AppError('PROXY_NOT_ACTIVE', { status: px.status })
    // a stale page after the close must not rewrite the closed poll's record of who voted for whom
    const [p] = await tx.select().from(polls).where(eq(polls.id, px.pollId))
    await assertBeforeClose(tx, ctx.clock, p!)
    const [u] = await tx.update(proxies).set({ status: 'revoked', endedAt: ctx.clock.now() }).where(eq(proxies.id, proxyId)).returning()
    // a message to the proxy not yet sent (quiet hours, a mistyped phone) is not sent at all
    // (its SMS fallback too, should WeChat have refused it)
    const key = `${proxyNoticeKey(px.pollId, px.voterId)}:${px.proxyUserId}`
    await tx
      .update(notificationOutbox)
      .set({ status: 'skipped' })
      .where(and(inArray(notificationOutbox.dedupeKey, [key, `${key}:sms`]), eq(notificationOutbox.status, 'pending')))
    await recordAudit(tx, ctx, { communityId: p!.communityId, action: 'proxy.revoked', subjectType: 'proxy', subjectId: px.id, details: { wasUsed: px.status === 'used', written: px.grantorUserId === null } })
    return proxyReply(u!)
  })
}

// At the ballot, a proxy's standing (still active, its grantor still a verified owner) is checked
// and the proxy used up or taken back inside the ballot's one statement, under the voter's lock:
// cast_ballot (drizzle/migrations/0022_cast_ballot_function.sql, restated in 0028 for written
// proxies), called by cast.ts.

/**
 * Ends the proxies of a community's running polls whose grantor is no longer a verified owner
 * acting for the voter: called in the transaction that ends a binding (the owner's own, a roster
 * re-import), so a proxy never outlives the binding that granted it.
 */
export async function endOrphanedProxies(tx: Db, ctx: Pick<ServiceCtx, 'actor' | 'requestId' | 'clock'>, communityId: string) {
  const ended = rowsOf<{ id: string }>(
    await tx.execute(sql`
      update proxies px set status = 'revoked', ended_at = ${ctx.clock.now().toISOString()}::timestamptz
      from polls p, poll_voters pv
      where p.id = px.poll_id and p.community_id = ${communityId} and p.status = 'announced'
        and pv.poll_id = px.poll_id and pv.voter_id = px.voter_id and px.status in ('active', 'used')
        -- a written proxy has no grantor binding behind it (recordWrittenProxy)
        and px.grantor_user_id is not null
        and not exists (select 1 from bindings b where b.user_id = px.grantor_user_id and b.community_id = ${communityId}
                        and b.status = 'verified' and b.owner_key = pv.representative_owner_key)
      returning px.id`),
  )
  for (const { id } of ended) await recordAudit(tx, ctx, { communityId, action: 'proxy.ended', subjectType: 'proxy', subjectId: id, details: { reason: 'grantor_binding_ended' } })
  return ended.length
}
