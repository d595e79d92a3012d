import { and, desc, eq, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { AmendBody, PollDraftBody } from '../../../shared/api/polls'
import { CommunitySettings, NON_VOTER_RULE_TEXT } from '../../../shared/community'
import { centiWhereExact, exactSum, formatArea, sumScale } from '../../../shared/decimal'
import { normalizeUnitPart } from '../../../shared/unit-key'
import { approvalClassOf, MATTERS, type Matter } from '../../../shared/tally'
import { addMonths, beijingDeadline, beijingTime, shanghaiDate } from '../../../shared/time'
import { communities, notices, pollCandidates, pollEvents, pollReminders, polls, rosterUnits } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { BULK_ROWS, refreshStatistics } from '../../db/statistics'
import { withTransaction } from '../../db/tx'
import { dbNow } from '../../db/clock'
import type { Clock } from '../../env'
import { sha256Hex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'
import { publishNotice } from '../notices/notices'
import { enqueuePollNotification } from '../notifications/outbox'
import { scheduleDefaultReminders } from '../notifications/reminders'

export type PollRow = typeof polls.$inferSelect

/** 指导规则 / local e-voting rules: the announcement precedes the opening by at least 15 days. */
export const MIN_NOTICE_DAYS = 15
/** Extensions may add at most 3 months to the voting period in total. */
export const MAX_EXTENSION_MONTHS = 3

const DAY = 86_400_000
/** whole calendar days between two instants' Asia/Shanghai dates */
const calendarDaysBetween = (from: Date, to: Date) => Math.round((Date.parse(shanghaiDate(to)) - Date.parse(shanghaiDate(from))) / DAY)

/** Whether voting has closed, and the time, by the database's clock (the test clock in tests). */
export async function votingEnded(tx: Db, clock: Clock, pollId: string): Promise<{ ended: boolean; now: Date }> {
  const [r] = rowsOf<{ ended: boolean; now: string | Date }>(await tx.execute(sql`select ${dbNow(clock)} >= closes_at as ended, ${dbNow(clock)} as now from polls where id = ${pollId}`))
  if (!r) throw new AppError('NOT_FOUND')
  return { ended: Boolean(r.ended), now: new Date(r.now) }
}

/**
 * voting-rules.md, counting day: after the close nothing changes but the count of paper ballots
 * received by then: no deliveries (they could tip follow_majority), no paper handed out.
 */
/** `refusal`: the code to refuse with, where the general one would not say what was asked (an extension). */
export async function assertBeforeClose(tx: Db, clock: Clock, p: PollRow, refusal: 'VOTING_CLOSED' | 'EXTENSION_TOO_LATE' = 'VOTING_CLOSED') {
  if (p.status !== 'announced' || (await votingEnded(tx, clock, p.id)).ended) throw new AppError(refusal, { closesAt: p.closesAt.toISOString() })
}

export async function lockPoll(tx: Db, pollId: string): Promise<PollRow> {
  const [p] = await tx.select().from(polls).where(eq(polls.id, pollId)).for('update')
  if (!p) throw new AppError('NOT_FOUND')
  return p
}

/** The poll's community inside an insert (every tenant table carries it: issue 17), without another round trip. */
const communityOfPoll = (pollId: string) => sql<string>`(select community_id from polls where id = ${pollId})`

async function event(tx: Db, ctx: ServiceCtx, pollId: string, kind: (typeof pollEvents.$inferInsert)['kind'], text: string, details?: Record<string, unknown>) {
  await tx.insert(pollEvents).values({ id: nanoid(), pollId, communityId: communityOfPoll(pollId), kind, text, details: details ?? null, actorUserId: ctx.actor?.userId ?? null, at: ctx.clock.now() })
}

type Draft = z.infer<typeof PollDraftBody>

/** The poll's shape fields from a draft body (kind, seats; scope normalised like roster buildings). */
function shapeOf(input: Draft) {
  const matter = input.matter as Matter
  return {
    kind: input.kind,
    seats: input.kind === 'election' ? input.seats! : null,
    title: input.title,
    body: input.body,
    attachments: input.attachments,
    matter,
    approvalClass: approvalClassOf(matter),
    scopeBuildings: input.scopeBuildings ? [...new Set(input.scopeBuildings.map(normalizeUnitPart))] : null,
    opensAt: new Date(input.opensAt),
    closesAt: new Date(input.closesAt),
    originalClosesAt: new Date(input.closesAt),
  }
}

async function writeCandidates(tx: Db, pollId: string, input: Draft) {
  await tx.delete(pollCandidates).where(eq(pollCandidates.pollId, pollId))
  if (!input.candidates?.length) return
  await tx.insert(pollCandidates).values(
    input.candidates.map((c, i) => ({
      id: nanoid(),
      pollId,
      communityId: communityOfPoll(pollId),
      ordinal: i + 1,
      name: c.name,
      building: c.building ?? null,
      unitLabel: c.unitLabel ?? null,
      statement: c.statement ?? null,
      firmId: c.firmId ?? null,
      bid: c.bid ?? null,
      documents: c.documents,
    })),
  )
}

export async function candidatesOf(db: Db, pollId: string) {
  return db.select().from(pollCandidates).where(eq(pollCandidates.pollId, pollId)).orderBy(pollCandidates.ordinal)
}

export async function draftPoll(ctx: ServiceCtx, communityId: string, input: z.infer<typeof PollDraftBody>) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    // the community's next poll number (what owners type in chat: 第12号); drafts in one community queue here
    await tx.execute(sql`select pg_advisory_xact_lock(3, hashtext(${communityId}))`)
    const number = sql`(select coalesce(max(number), 0) + 1 from polls where community_id = ${communityId})`
    const [p] = await tx
      .insert(polls)
      .values({ id: nanoid(), communityId, number, ...shapeOf(input), classifiedBy: actor.userId, status: 'draft', createdBy: actor.userId, createdAt: ctx.clock.now() })
      .returning()
    await writeCandidates(tx, p!.id, input)
    await recordAudit(tx, ctx, { communityId, action: 'poll.drafted', subjectType: 'poll', subjectId: p!.id, details: { matter: input.matter, kind: input.kind } })
    return p!
  })
}

/** A draft can still change; from announcement on, only amendment notices can. */
export async function updateDraft(ctx: ServiceCtx, pollId: string, input: z.infer<typeof PollDraftBody>) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'draft') throw new AppError('POLL_NOT_DRAFT')
    const [u] = await tx.update(polls).set({ ...shapeOf(input), classifiedBy: actor.userId }).where(eq(polls.id, pollId)).returning()
    await writeCandidates(tx, pollId, input)
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.draft_updated', subjectType: 'poll', subjectId: pollId, details: { matter: input.matter } })
    return u!
  })
}

/**
 * Announcement freezes the matter: its text (hashed), the community's rules, and the electorate
 * (the current roster version, restricted to the poll's buildings), one row per voter.
 */
export async function announcePoll(ctx: ServiceCtx, pollId: string, noticeOverrideReason?: string) {
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'draft') throw new AppError('POLL_NOT_DRAFT')
    const now = ctx.clock.now()
    if (p.opensAt <= now) throw new AppError('POLL_WINDOW_INVALID', { reason: 'opens_in_the_past' })
    const noticeDays = calendarDaysBetween(now, p.opensAt)
    if (noticeDays < MIN_NOTICE_DAYS && !noticeOverrideReason) throw new AppError('NOTICE_TOO_SHORT', { noticeDays, required: MIN_NOTICE_DAYS })
    const [community] = await tx.select().from(communities).where(eq(communities.id, p.communityId))
    if (!community!.currentRosterVersionId) throw new AppError('ROSTER_NOT_IMPORTED')
    const rosterVersionId = community!.currentRosterVersionId
    if (p.scopeBuildings) {
      const known = await tx
        .selectDistinct({ building: rosterUnits.building })
        .from(rosterUnits)
        .where(eq(rosterUnits.rosterVersionId, rosterVersionId))
      const set = new Set(known.map((k) => k.building))
      const unknown = p.scopeBuildings.filter((b) => !set.has(b))
      if (unknown.length) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'scopeBuildings', code: 'unknown_building', message: `名册中没有楼栋：${unknown.join('、')}` }] })
    }
    const scope = p.scopeBuildings
    // One pass: each voter's units inside the scope, and its representative's name (masked) for the
    // per-voter list. A join, not a per-voter subquery: 20,000 voters freeze in one statement.
    const inScope = scope ? sql`and u.building in (${sql.join(scope.map((b) => sql`${b}`), sql`, `)})` : sql``
    await tx.execute(sql`
      with rep as (
        select distinct on (u.voter_id) u.voter_id, o.name
        from roster_units u
        join roster_voters v on v.id = u.voter_id
        join roster_owners o on o.unit_id = u.id and o.owner_key = v.representative_owner_key
        where u.roster_version_id = ${rosterVersionId}
        order by u.voter_id, o.id
      ),
      agg as (
        select u.voter_id, sum(u.area_e4) as area, max(u.area_scale) as scale, count(*) as units,
               string_agg(concat_ws('-', nullif(u.building, ''), nullif(u.unit_label, ''), u.room), '、' order by u.unit_key) as labels
        from roster_units u
        where u.roster_version_id = ${rosterVersionId} and u.voter_id is not null ${inScope}
        group by u.voter_id
      )
      insert into poll_voters (poll_id, community_id, voter_id, area_e4, area_scale, unit_count, kind, representative_owner_key, unit_labels, masked_name)
      select ${pollId}, v.community_id, v.id, agg.area, agg.scale, agg.units, v.kind, v.representative_owner_key, agg.labels,
             case when v.kind = 'developer' then '建设单位'
                  when rep.name is null then '*'
                  else left(rep.name, 1) || repeat('*', greatest(char_length(rep.name) - 1, 1)) end
      from agg join roster_voters v on v.id = agg.voter_id
      left join rep on rep.voter_id = agg.voter_id`)
    const [totals] = rowsOf<{ area: string | number | null; scale: string | number | null; voters: string | number }>(
      await tx.execute(sql`select sum(area_e4)::text as area, max(area_scale) as scale, count(*) as voters from poll_voters where poll_id = ${pollId}`),
    )
    const totalVoters = Number(totals?.voters ?? 0)
    if (totalVoters === 0) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'scopeBuildings', code: 'empty_electorate', message: '本次表决没有任何投票权人' }] })
    // the notices to every voter and the close read poll_voters next (db/statistics.ts)
    if (totalVoters >= BULK_ROWS) await refreshStatistics(tx, ['poll_voters'])
    // the candidates are frozen with the text: the hash covers them
    const candidates = await candidatesOf(tx, pollId)
    const textHash = await sha256Hex(
      JSON.stringify([p.title, p.body, p.matter, p.scopeBuildings, p.attachments, p.kind, p.seats, candidates.map((c) => [c.id, c.name, c.building, c.unitLabel, c.statement, c.firmId, c.bid, c.documents])]),
    )
    const settings = CommunitySettings.parse(community!.settings)
    const [u] = await tx
      .update(polls)
      .set({
        status: 'announced',
        announcedAt: now,
        noticeOverrideReason: noticeOverrideReason ?? null,
        rosterVersionId,
        settings,
        textHash,
        totalAreaE4: exactSum(totals!.area),
        areaScale: Number(totals!.scale),
        totalVoters,
      })
      .where(eq(polls.id, pollId))
      .returning()
    const label = MATTERS[p.matter as Matter].label
    // the announcement goes on the board (and online) at once, until voting closes
    await publishNotice(tx, ctx, {
      communityId: p.communityId,
      kind: 'poll_announcement',
      title: `表决公告：${p.title}`,
      body: [
        `表决事项：${label}（${p.approvalClass === 'special' ? '须经参与表决专有部分面积四分之三以上且人数四分之三以上同意' : '须经参与表决专有部分面积过半数且人数过半数同意'}）`,
        // 民法典 第278条: the participation line comes before any majority
        '参与表决的业主须达到专有部分面积占比三分之二以上、且人数占比三分之二以上，表决方为有效。',
        windowLine(p.opensAt, p.closesAt),
        // 指导规则 第26条: deeming non-voters is lawful only if each owner was told what silence means
        settings.nonVoterRule === 'follow_majority' ? NON_VOTER_RULE_TEXT : null,
        p.scopeBuildings ? `表决范围：${p.scopeBuildings.join('、')}` : '表决范围：全体业主',
        noticeOverrideReason ? `公告期不足${MIN_NOTICE_DAYS}日，理由：${noticeOverrideReason}` : null,
        '',
        p.body,
      ]
        .filter((l) => l !== null)
        .join('\n'),
      pollId,
      startsAt: now,
      endsAt: p.closesAt,
      pinned: true,
      issuedBy: ctx.actor?.userId ?? null,
      issuerLabel: '业主委员会',
    })
    await event(tx, ctx, pollId, 'announced', `表决公告：${p.title}（${label}），投票时间 ${beijingTime(p.opensAt)} 至 ${beijingDeadline(p.closesAt)}`, {
      noticeDays,
      noticeOverrideReason: noticeOverrideReason ?? null,
    })
    await recordAudit(tx, ctx, {
      communityId: p.communityId,
      action: 'poll.announced',
      subjectType: 'poll',
      subjectId: pollId,
      details: { rosterVersionId, totalVoters, noticeDays, override: Boolean(noticeOverrideReason) },
    })
    // owners hear of it through the outbox, committed with the announcement or not at all
    await enqueuePollNotification(tx, ctx, pollId, 'poll_announced', { dedupe: 'announced' })
    await scheduleDefaultReminders(tx, u!, settings.reminderHoursBeforeClose, ctx.actor?.userId ?? p.createdBy, now)
    return u!
  })
}

export async function extendPoll(ctx: ServiceCtx, pollId: string, closesAt: string, reason: string) {
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'announced') throw new AppError('RESOURCE_STATE', { status: p.status })
    // extending is for a vote still running (turnout short); once closed, reopening would let
    // ballots in after the count's deadline. Said as such: the general refusal lists other things
    await assertBeforeClose(tx, ctx.clock, p, 'EXTENSION_TOO_LATE')
    const next = new Date(closesAt)
    if (next <= p.closesAt) throw new AppError('POLL_WINDOW_INVALID', { reason: 'not_later' })
    if (next > addMonths(p.originalClosesAt, MAX_EXTENSION_MONTHS)) throw new AppError('EXTENSION_TOO_LONG')
    const [u] = await tx.update(polls).set({ closesAt: next }).where(eq(polls.id, pollId)).returning()
    // a reminder is "so many hours before the close": those still to run follow the new close
    await tx
      .update(pollReminders)
      .set({ dueAt: sql`${next.toISOString()}::timestamptz - make_interval(hours => ${pollReminders.hoursBeforeClose})` })
      .where(and(eq(pollReminders.pollId, pollId), eq(pollReminders.status, 'scheduled')))
    await event(tx, ctx, pollId, 'extended', `延长表决期至 ${beijingDeadline(next)}。理由：${reason}`, { from: p.closesAt.toISOString(), to: next.toISOString() })
    await reviseAnnouncement(tx, ctx, p, { title: `表决公告（延长表决期）：${p.title}`, lead: `延长表决期至 ${beijingDeadline(next)}。理由：${reason}`, closesAt: next, endsAt: next })
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.extended', subjectType: 'poll', subjectId: pollId, details: { to: next.toISOString() } })
    return u!
  })
}

export async function amendPoll(ctx: ServiceCtx, pollId: string, input: z.infer<typeof AmendBody>) {
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'announced') throw new AppError('RESOURCE_STATE', { status: p.status })
    await event(tx, ctx, pollId, 'amended', input.text)
    await reviseAnnouncement(tx, ctx, p, { title: `表决公告（补充说明）：${p.title}`, lead: `补充说明：${input.text}`, closesAt: p.closesAt, endsAt: p.closesAt })
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.amended', subjectType: 'poll', subjectId: pollId })
    return p
  })
}

export async function cancelPoll(ctx: ServiceCtx, pollId: string, reason: string) {
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'draft' && p.status !== 'announced') throw new AppError('RESOURCE_STATE', { status: p.status })
    // once voting has ended the ballots are counted (voting-rules.md, counting day: nothing changes
    // after the close); cancelling then would let whoever saw how it went discard it
    if (p.status === 'announced') await assertBeforeClose(tx, ctx.clock, p)
    const [u] = await tx.update(polls).set({ status: 'cancelled', cancelledAt: ctx.clock.now(), cancelReason: reason }).where(eq(polls.id, pollId)).returning()
    await event(tx, ctx, pollId, 'cancelled', `取消表决。理由：${reason}`)
    // the cancellation stays on the board at least a week, and until the vote would have closed
    const week = new Date(ctx.clock.now().getTime() + 7 * DAY)
    await reviseAnnouncement(tx, ctx, p, { title: `取消表决公告：${p.title}`, lead: `业主委员会决定取消本次表决，已投出的选票不再计票。理由：${reason}`, closesAt: p.closesAt, endsAt: p.closesAt > week ? p.closesAt : week })
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.cancelled', subjectType: 'poll', subjectId: pollId })
    return u!
  })
}

/** The announcement's line stating when voting runs; a revision replaces it by its opening words. */
const WINDOW_LINE = '投票时间：'
const windowLine = (opensAt: Date, closesAt: Date) => `${WINDOW_LINE}${beijingTime(opensAt)} 至 ${beijingDeadline(closesAt)}（北京时间）`

/**
 * A change to an announced poll (an extension, a supplement, a cancellation) is a public notice:
 * the announcement on the board is replaced by a new version that opens with what changed and why
 * and states the voting time as it now is; the old version leaves the board and its page points to
 * the new one. A draft has no announcement, so nothing is posted.
 */
async function reviseAnnouncement(tx: Db, ctx: ServiceCtx, p: PollRow, change: { title: string; lead: string; closesAt: Date; endsAt: Date }) {
  const [old] = await tx.select().from(notices).where(and(eq(notices.pollId, p.id), eq(notices.kind, 'poll_announcement'))).orderBy(desc(notices.version)).limit(1)
  if (!old) return
  const now = ctx.clock.now()
  await tx.update(notices).set({ endsAt: now }).where(eq(notices.id, old.id))
  const body = old.body.split('\n').map((l) => (l.startsWith(WINDOW_LINE) ? windowLine(p.opensAt, change.closesAt) : l))
  await publishNotice(tx, ctx, {
    communityId: p.communityId,
    kind: 'poll_announcement',
    title: change.title,
    body: [change.lead, '', ...body].join('\n'),
    pollId: p.id,
    version: old.version + 1,
    supersedesId: old.id,
    startsAt: now,
    endsAt: change.endsAt,
    pinned: true,
    issuedBy: ctx.actor?.userId ?? null,
    issuerLabel: old.issuerLabel,
  })
}

export async function pollCommunity(db: Db, pollId: string): Promise<string | null> {
  const [p] = await db.select({ communityId: polls.communityId }).from(polls).where(eq(polls.id, pollId))
  return p?.communityId ?? null
}

export async function pollEventsOf(db: Db, pollId: string) {
  return db.select().from(pollEvents).where(eq(pollEvents.pollId, pollId)).orderBy(pollEvents.at)
}

export async function listPolls(ctx: ServiceCtx, communityId: string, includeDrafts: boolean) {
  const rows = await ctx.db.select().from(polls).where(and(eq(polls.communityId, communityId))).orderBy(desc(polls.createdAt))
  return rows.filter((p) => includeDrafts || p.status !== 'draft')
}

/** draft / announced / open / voting_ended / counting / closed / cancelled, as people see it now. */
export function displayStatus(p: PollRow, now: Date) {
  if (p.status !== 'announced') return p.status
  if (now < p.opensAt) return 'announced' as const
  if (now < p.closesAt) return 'open' as const
  return 'voting_ended' as const
}

type CandidateRow = typeof pollCandidates.$inferSelect

export const presentCandidate = (c: CandidateRow) => ({
  id: c.id,
  ordinal: c.ordinal,
  name: c.name,
  ...(c.building ? { building: c.building } : {}),
  ...(c.unitLabel ? { unitLabel: c.unitLabel } : {}),
  ...(c.statement ? { statement: c.statement } : {}),
  ...(c.firmId ? { firmId: c.firmId } : {}),
  ...(c.bid ? { bid: c.bid } : {}),
  documents: c.documents,
})

export function presentPoll(p: PollRow, now: Date, events: (typeof pollEvents.$inferSelect)[], candidates: CandidateRow[] = []) {
  return {
    id: p.id,
    communityId: p.communityId,
    kind: p.kind,
    number: p.number,
    seats: p.seats,
    candidates: candidates.map(presentCandidate),
    title: p.title,
    body: p.body,
    matter: p.matter,
    matterLabel: MATTERS[p.matter as Matter]?.label ?? p.matter,
    approvalClass: p.approvalClass,
    classifiedBy: p.classifiedBy,
    attachments: p.attachments,
    scopeBuildings: p.scopeBuildings ?? null,
    opensAt: p.opensAt.toISOString(),
    closesAt: p.closesAt.toISOString(),
    originalClosesAt: p.originalClosesAt.toISOString(),
    status: displayStatus(p, now),
    announcedAt: p.announcedAt?.toISOString() ?? null,
    noticeOverrideReason: p.noticeOverrideReason,
    textHash: p.textHash,
    electorate: p.rosterVersionId ? { totalArea: formatArea(p.totalAreaE4!, sumScale(p.areaScale!)), totalAreaE4: p.totalAreaE4!, ...centiWhereExact(p.totalAreaE4!, 'totalAreaCenti'), totalVoters: p.totalVoters!, rosterVersionId: p.rosterVersionId } : null,
    cancelReason: p.cancelReason,
    events: events.map((e) => ({ kind: e.kind, text: e.text, at: e.at.toISOString() })),
  }
}

