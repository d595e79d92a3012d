import { eq, inArray, sql } from 'drizzle-orm'
import { CommunitySettings, NON_VOTER_RULE_TEXT } from '../../../shared/community'
import { beijingDeadline, beijingTime } from '../../../shared/time'
import { deliveries, notificationOutbox, type NotificationChannel, type NotificationKind, type NotificationPayload } from '../../../drizzle/schema'
import type { Config } from '../../config'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import type { Clock, Services } from '../../env'
import { AppError } from '../../lib/errors'
import { loggableMessage, logLine } from '../../lib/log'
import { WeChatApiError } from '../../wechat/oa/client'
import { clip, sendSubscribeMessage } from '../../wechat/subscribe'
import { rowsOf } from '../roles/resolve'

type OutboxRow = typeof notificationOutbox.$inferSelect

/** WeChat and SMS answers that will not change on a retry: recorded, never retried (wechat.md). */
const PERMANENT_WECHAT = new Set([47003, 43101, 43004, 40003, 40037, 45015, 45047])
/** permanent for every recipient alike: our template id is wrong (no SMS fallback, see settle) */
const CONFIGURATION_FAULTS = new Set(['40037'])
export const MAX_ATTEMPTS = 5
/** 1, 2, 4, 8 minutes between attempts after a transient failure. */
export const backoffMs = (attempts: number) => 60_000 * 2 ** Math.max(0, attempts - 1)

/** 22:00–08:00 Beijing time: only what the owner asked for goes out then. */
export function isQuietHours(at: Date): boolean {
  const hour = (at.getUTCHours() + 8) % 24
  return hour >= 22 || hour < 8
}

const base = (config: Config) => config.PUBLIC_BASE_URL.replace(/\/$/, '')

/** How an account `u` can be reached, as columns of a recipients query: what channelFor decides on. */
const REACH = sql`exists (select 1 from oa_followers f where f.user_id = u.id and f.subscribed) as has_oa,
        u.wechat_openid is not null as has_mp, u.phone is not null as has_phone`
type Reach = { has_oa: boolean; has_mp: boolean; has_phone: boolean }

/** Which channels this deployment can send on, best first: the official account, the mini-program, SMS. */
function channelFor(config: Config, services: { sms: Services['sms'] }, r: Reach): NotificationChannel | null {
  if (r.has_oa && config.WECHAT_OA_TEMPLATE_ID && config.WECHAT_OA_APPID) return 'official_account'
  if (r.has_mp && config.WECHAT_SUBSCRIBE_TEMPLATE_ID && config.WECHAT_APPID) return 'miniprogram'
  if (r.has_phone && services.sms.sendNotice) return 'sms'
  return null
}

interface PollRef {
  id: string
  communityId: string
  number: number | null
  title: string
  opensAt: Date
  closesAt: Date
}

function pollPayload(config: Config, p: PollRef, kind: NotificationKind, followMajority: boolean): NotificationPayload {
  const ref = p.number ? `第${p.number}号议题` : '议题'
  const link = `${base(config)}/h5/polls/${p.id}${kind === 'result_published' ? '/result' : ''}`
  const text: Record<string, string> = {
    poll_announced: `${ref}已公告，${beijingTime(p.opensAt)} 开始投票`,
    voting_open: `${ref}开始投票，${beijingDeadline(p.closesAt)} 截止`,
    reminder: `${ref}尚未投票，请在 ${beijingDeadline(p.closesAt)} 前投票`,
    result_published: `${ref}表决结果已公布`,
  }
  const beforeClose = kind === 'poll_announced' || kind === 'voting_open' || kind === 'reminder'
  if (followMajority && beforeClose) return { title: p.title, text: `${text[kind]}。${NON_VOTER_RULE_TEXT}`, link, deadline: p.closesAt.toISOString(), tellsNonVoterRule: true }
  return { title: p.title, text: text[kind] ?? ref, link, deadline: p.closesAt.toISOString() }
}

/**
 * Queues a poll notification for the voters of its electorate (or those in `onlyNonVoters`), each
 * reached by one account and one channel, in the caller's transaction. Idempotent by `dedupe`.
 */
export async function enqueuePollNotification(
  tx: Db,
  services: Pick<Services, 'config' | 'clock' | 'sms'> & { actor?: { userId: string } | null },
  pollId: string,
  kind: NotificationKind,
  opts: { dedupe: string; onlyNonVoters?: boolean } = { dedupe: kind },
): Promise<Record<string, number>> {
  const [p] = rowsOf<{ id: string; community_id: string; number: number | null; title: string; opens_at: string | Date; closes_at: string | Date; settings: unknown }>(
    await tx.execute(sql`select id, community_id, number, title, opens_at, closes_at, settings from polls where id = ${pollId}`),
  )
  if (!p) return {}
  const poll: PollRef = { id: p.id, communityId: p.community_id, number: p.number, title: p.title, opensAt: new Date(p.opens_at), closesAt: new Date(p.closes_at) }
  const recipients = rowsOf<{ user_id: string; voter_id: string } & Reach>(
    await tx.execute(sql`
      select distinct on (b.user_id, pv.voter_id) b.user_id, pv.voter_id,
        ${REACH}
      from poll_voters pv
      join bindings b on b.owner_key = pv.representative_owner_key and b.community_id = ${poll.communityId} and b.status = 'verified'
      join users u on u.id = b.user_id
      where pv.poll_id = ${pollId}
        ${opts.onlyNonVoters ? sql`and not exists (select 1 from ballots x where x.poll_id = pv.poll_id and x.voter_id = pv.voter_id and x.current)` : sql``}`),
  )
  const payload = pollPayload(services.config, poll, kind, CommunitySettings.parse(p.settings ?? {}).nonVoterRule === 'follow_majority')
  // voting opens, or a reminder: an owner's proxy not yet used hears it too, as the one who will
  // vote (a daughter far away). Not a delivery to the owner (settle), and a reminder to a proxy is
  // dropped once the voter has voted, as the owner's is
  const proxyRecipients =
    kind === 'voting_open' || kind === 'reminder'
      ? rowsOf<{ user_id: string; voter_id: string; unit_labels: string } & Reach>(
          await tx.execute(sql`
            select px.proxy_user_id as user_id, px.voter_id, pv.unit_labels,
              ${REACH}
            from proxies px join users u on u.id = px.proxy_user_id
            join poll_voters pv on pv.poll_id = px.poll_id and pv.voter_id = px.voter_id
            where px.poll_id = ${pollId} and px.status = 'active'
              ${opts.onlyNonVoters ? sql`and not exists (select 1 from ballots x where x.poll_id = px.poll_id and x.voter_id = px.voter_id and x.current)` : sql``}`),
        )
      : []
  // someone who is the owner too hears it once, as the owner
  const asOwner = new Set(recipients.map((r) => `${r.user_id}:${r.voter_id}`))
  const proxies = proxyRecipients.filter((r) => !asOwner.has(`${r.user_id}:${r.voter_id}`))
  const now = services.clock.now()
  const counts: Record<string, number> = {}
  const rows = [...recipients.map((r) => ({ r, flat: null })), ...proxies.map((r) => ({ r, flat: r.unit_labels }))].flatMap(({ r, flat }) => {
    const proxy = flat !== null
    const channel = channelFor(services.config, services, r)
    if (!channel) return []
    counts[channel] = (counts[channel] ?? 0) + 1
    return [
      {
        dedupeKey: `${opts.dedupe}:${pollId}:${r.user_id}:${r.voter_id}${proxy ? ':proxy' : ''}`,
        userId: r.user_id,
        communityId: poll.communityId,
        pollId,
        voterId: r.voter_id,
        kind,
        channel,
        // a proxy for several flats is told which one each message is for (an SMS has only the title)
        payload: proxy ? { ...payload, title: `受托投票（${flat}）：${payload.title}`, toProxy: true, tellsNonVoterRule: undefined } : payload,
        actorUserId: services.actor?.userId ?? null,
        nextAttemptAt: now,
        createdAt: now,
      },
    ]
  })
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(notificationOutbox).values(rows.slice(i, i + 1000)).onConflictDoNothing()
  return counts
}

/** The subscribe message's fields (template: 事项 thing1, 类型 phrase2, 说明 thing3), clipped to WeChat's limits. */
const PHRASE: Record<NotificationKind, string> = { poll_announced: '议题公告', voting_open: '开始投票', reminder: '投票提醒', result_published: '结果公布', statement_published: '收支公示', objection_answered: '异议答复', complaint_answered: '投诉办结', proxy_named: '委托投票', binding_claimed: '身份绑定', paper_entered: '纸质选票' }

interface Contact {
  phone: string | null
  mp_openid: string | null
  oa_openid: string | null
}

async function sendOne(services: Services, row: OutboxRow, u: Contact): Promise<void> {
  const p = row.payload
  const cfg = services.config
  switch (row.channel) {
    case 'official_account':
      if (!services.oa || !u.oa_openid || !cfg.WECHAT_OA_TEMPLATE_ID) throw new WeChatApiError(43004, 'not following')
      return services.oa.sendTemplate(u.oa_openid, cfg.WECHAT_OA_TEMPLATE_ID, p.link, { first: { value: p.text }, keyword1: { value: p.title }, keyword2: { value: p.deadline ? beijingTime(p.deadline) : beijingTime(row.createdAt) }, remark: { value: '点击查看详情' } })
    case 'miniprogram':
      if (!services.wechat || !u.mp_openid || !cfg.WECHAT_SUBSCRIBE_TEMPLATE_ID) throw new WeChatApiError(43101, 'no mini-program reach')
      return sendSubscribeMessage(
        { baseUrl: cfg.WECHAT_API_BASE, getAccessToken: services.wechat.getAccessToken },
        { touser: u.mp_openid, templateId: cfg.WECHAT_SUBSCRIBE_TEMPLATE_ID, page: new URL(p.link).pathname, data: { thing1: { value: clip(p.title, 20) }, phrase2: { value: PHRASE[row.kind] }, thing3: { value: clip(p.text, 20) } } },
      )
    case 'sms':
      if (!u.phone || !services.sms.sendNotice) throw new WeChatApiError(40003, 'no phone')
      return services.sms.sendNotice(u.phone, { title: clip(p.title, 30), link: p.link })
  }
}

const DELIVERY_METHOD = { official_account: 'chatbot', miniprogram: 'app_message', sms: 'sms' } as const

/**
 * Every sent poll notification is recorded as a delivery (the committee sees who was reached), but
 * the tally deems a non-voter (voting-rules.md `delivered`) only on one that told the owner what
 * silence means and reached them whole: the official account's template carries the full text; a
 * subscribe message (20 characters) and an SMS template (title and link) cannot. 指导规则 第26条.
 */
const provesNonVoterNotice = (r: OutboxRow) => r.channel === 'official_account' && (r.payload as NotificationPayload).tellsNonVoterRule === true

type Outcome = { row: OutboxRow } & ({ sent: true } | { sent: false; errcode: string; retry: boolean } | { skipped: true })

/**
 * A batch's outcomes in one transaction: rows sent, and for a poll the delivery records the
 * non-voter rules rest on; failures recorded; transient ones back with backoff.
 */
async function settle(db: Db, clock: Clock, outcomes: Outcome[], smsFallback: (row: OutboxRow) => boolean) {
  const now = clock.now()
  const sent = outcomes.filter((o) => 'sent' in o && o.sent).map((o) => o.row)
  const skipped = outcomes.filter((o) => 'skipped' in o).map((o) => o.row.id)
  await withTransaction(db, async (tx) => {
    if (sent.length) {
      await tx.update(notificationOutbox).set({ status: 'sent', sentAt: now, errcode: null }).where(inArray(notificationOutbox.id, sent.map((r) => r.id)))
      // a message to the owner's proxy is no delivery to the owner
      const polled = sent.filter((r) => r.pollId && r.voterId && r.communityId && !(r.payload as NotificationPayload).toProxy)
      if (polled.length) {
        await tx
          .insert(deliveries)
          .values(polled.map((r) => ({ id: `nt${r.id}`, pollId: r.pollId!, communityId: r.communityId!, voterId: r.voterId!, method: DELIVERY_METHOD[r.channel], tellsNonVoterRule: provesNonVoterNotice(r), recordedBy: r.actorUserId ?? r.userId, recordedAt: now })))
          .onConflictDoNothing()
      }
    }
    if (skipped.length) await tx.update(notificationOutbox).set({ status: 'skipped' }).where(inArray(notificationOutbox.id, skipped))
    // a WeChat channel that can never reach this account (43101: the owner never allowed the
    // mini-program's messages; 43004: no longer following) falls back to an SMS, where the
    // deployment sends them and the account has a phone: otherwise an owner who once signed in
    // through the mini-program would never be told of a vote again
    // (a transient failure that used up its attempts too; not a template id we got wrong, which
    // fails for everyone and wants fixing, not an SMS to every owner)
    const fallbacks = outcomes.flatMap((o) =>
      'errcode' in o && !(o.retry && o.row.attempts < MAX_ATTEMPTS) && !CONFIGURATION_FAULTS.has(o.errcode) && o.row.channel !== 'sms' && smsFallback(o.row)
        ? [{ ...o.row, id: undefined, dedupeKey: `${o.row.dedupeKey}:sms`, channel: 'sms' as const, status: 'pending' as const, attempts: 0, errcode: null, sentAt: null, nextAttemptAt: now, createdAt: now }]
        : [],
    )
    if (fallbacks.length) await tx.insert(notificationOutbox).values(fallbacks).onConflictDoNothing()
    for (const o of outcomes) {
      if (!('errcode' in o)) continue
      const retry = o.retry && o.row.attempts < MAX_ATTEMPTS
      await tx
        .update(notificationOutbox)
        .set(retry ? { status: 'pending', errcode: o.errcode, nextAttemptAt: new Date(now.getTime() + backoffMs(o.row.attempts)) } : { status: 'failed', errcode: o.errcode })
        .where(eq(notificationOutbox.id, o.row.id))
    }
  })
}

function failure(e: unknown): { errcode: string; retry: boolean } {
  if (e instanceof WeChatApiError) return { errcode: String(e.errcode), retry: !PERMANENT_WECHAT.has(e.errcode) }
  if (e instanceof AppError) return { errcode: e.code, retry: ['WECHAT_UNAVAILABLE', 'SMS_UNAVAILABLE', 'RATE_LIMITED'].includes(e.code) }
  logLine({ level: 'error', error: 'outbox_send', message: loggableMessage(e) })
  return { errcode: 'error', retry: true }
}

/**
 * The outbox job: claims due rows (FOR UPDATE SKIP LOCKED, so two instances never take the same row)
 * by marking them `sending` before anything is sent — a row is sent at most once — then sends them a
 * few at a time and settles the batch in one transaction. Transient failures come back with backoff;
 * permanent ones (47003, 43101, …) are recorded. Reminders to voters who have voted meanwhile are dropped.
 */
export async function drainOutbox(services: Services, opts: { batch?: number; concurrency?: number; maxRows?: number } = {}): Promise<{ sent: number; failed: number; retried: number; skipped: number }> {
  const batch = opts.batch ?? 200
  const concurrency = opts.concurrency ?? 16
  const tally = { sent: 0, failed: 0, retried: 0, skipped: 0 }
  let seen = 0
  while (seen < (opts.maxRows ?? 5_000)) {
    const now = services.clock.now()
    const claimed = await withTransaction(services.db, async (tx) =>
      rowsOf<{ id: string | number }>(
        await tx.execute(sql`
          update notification_outbox set status = 'sending', attempts = attempts + 1
          where id in (select id from notification_outbox
                       where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz ${isQuietHours(now) ? sql`and owner_acted` : sql``}
                       order by next_attempt_at, id limit ${batch} for update skip locked)
          returning id`),
      ),
    )
    if (claimed.length === 0) break
    seen += claimed.length
    const ids = claimed.map((r) => Number(r.id))
    const rows = await services.db.select().from(notificationOutbox).where(inArray(notificationOutbox.id, ids))
    const contacts = new Map(
      rowsOf<Contact & { id: string }>(
        await services.db.execute(sql`
          select u.id, u.phone, u.wechat_openid as mp_openid, (select f.openid from oa_followers f where f.user_id = u.id and f.subscribed limit 1) as oa_openid
          from users u where u.id in (select distinct user_id from notification_outbox where id in ${sql`(${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`})`),
      ).map((c) => [c.id, c]),
    )
    // reminders stop the moment the voter votes; a message to a proxy, the moment the proxy ends
    const votedIds = new Set(
      rowsOf<{ id: string | number }>(
        await services.db.execute(sql`
          select o.id from notification_outbox o
          where o.id in ${sql`(${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`}
            and ((o.kind = 'reminder' and exists (select 1 from ballots b where b.poll_id = o.poll_id and b.voter_id = o.voter_id and b.current))
              or ((o.payload ->> 'toProxy') = 'true' and not exists (select 1 from proxies px
                   where px.poll_id = o.poll_id and px.voter_id = o.voter_id and px.proxy_user_id = o.user_id and px.status = 'active')))`),
      ).map((r) => Number(r.id)),
    )
    const outcomes: Outcome[] = []
    let next = 0
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!
        if (votedIds.has(row.id)) {
          outcomes.push({ row, skipped: true })
          continue
        }
        try {
          await sendOne(services, row, contacts.get(row.userId) ?? { phone: null, mp_openid: null, oa_openid: null })
          outcomes.push({ row, sent: true })
        } catch (e) {
          outcomes.push({ row, sent: false, ...failure(e) })
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker))
    await settle(services.db, services.clock, outcomes, (row) => Boolean(services.sms.sendNotice && contacts.get(row.userId)?.phone))
    for (const o of outcomes) {
      if ('skipped' in o) tally.skipped++
      else if (o.sent) tally.sent++
      else if (o.retry && o.row.attempts < MAX_ATTEMPTS) tally.retried++
      else tally.failed++
    }
  }
  return tally
}

/**
 * Queues a notification that is not about a poll (a new statement, an answer to an objection) for
 * the given accounts, or for every verified owner of the community, in the caller's transaction.
 */
export async function enqueueForOwners(
  tx: Db,
  services: Pick<Services, 'config' | 'clock' | 'sms'> & { actor?: { userId: string } | null },
  communityId: string,
  who: { userIds: string[] } | 'all_owners',
  kind: NotificationKind,
  payload: Omit<NotificationPayload, 'link'> & { path: string },
  dedupe: string,
) {
  const recipients = rowsOf<{ user_id: string } & Reach>(
    await tx.execute(sql`
      select u.id as user_id,
        ${REACH}
      from users u
      where ${
        who === 'all_owners'
          ? sql`u.id in (select b.user_id from bindings b where b.community_id = ${communityId} and b.status = 'verified')`
          : who.userIds.length
            ? sql`u.id in (${sql.join(who.userIds.map((id) => sql`${id}`), sql`, `)})`
            : sql`false`
      }`),
  )
  const now = services.clock.now()
  const { path, ...rest } = payload
  const rows = recipients.flatMap((r) => {
    const channel = channelFor(services.config, services, r)
    return channel
      ? [{ dedupeKey: `${dedupe}:${r.user_id}`, userId: r.user_id, communityId, kind, channel, payload: { ...rest, text: clip(rest.text, 100), link: `${base(services.config)}${path}` }, actorUserId: services.actor?.userId ?? null, nextAttemptAt: now, createdAt: now }]
      : []
  })
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(notificationOutbox).values(rows.slice(i, i + 1000)).onConflictDoNothing()
  return rows.length
}
