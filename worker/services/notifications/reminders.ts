import { and, eq, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { pollReminders, polls } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import type { Db } from '../../db/types'
import type { Services } from '../../env'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { rowsOf } from '../roles/resolve'
import { enqueuePollNotification } from './outbox'

/**
 * The committee's reminders for a poll (e.g. 72 and 24 hours before the close). Setting them again
 * replaces those not yet run; each goes only to voters who have not voted when it runs.
 */
export async function setReminders(ctx: ServiceCtx, pollId: string, communityId: string, hoursBeforeClose: number[]) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const [p] = await tx.select().from(polls).where(eq(polls.id, pollId)).for('update')
    if (!p) throw new AppError('NOT_FOUND')
    if (p.status !== 'announced' || p.closesAt <= ctx.clock.now()) throw new AppError('RESOURCE_STATE', { reason: 'poll_not_running' })
    const wanted = [...new Set(hoursBeforeClose)]
    await tx.delete(pollReminders).where(and(eq(pollReminders.pollId, pollId), eq(pollReminders.status, 'scheduled')))
    const ran = await tx.select({ h: pollReminders.hoursBeforeClose }).from(pollReminders).where(eq(pollReminders.pollId, pollId))
    const fresh = wanted.filter((h) => !ran.some((r) => r.h === h))
    const now = ctx.clock.now()
    if (fresh.length) {
      await tx.insert(pollReminders).values(
        fresh.map((h) => ({ id: nanoid(), pollId, communityId, hoursBeforeClose: h, dueAt: new Date(p.closesAt.getTime() - h * 3_600_000), createdBy: actor.userId, createdAt: now })),
      )
    }
    await recordAudit(tx, ctx, { communityId, action: 'poll.reminders_set', subjectType: 'poll', subjectId: pollId, details: { hoursBeforeClose: wanted } })
    return reminderReport({ ...ctx, db: tx }, pollId)
  })
}

/**
 * The community's reminders for a poll being announced (settings.reminderHoursBeforeClose), in the
 * announcement's transaction, so no committee has to remember them: those that fall while voting is
 * open, each once. Set by the poll's announcer; the committee may replace them (setReminders).
 */
export async function scheduleDefaultReminders(tx: Db, p: { id: string; communityId: string; opensAt: Date; closesAt: Date }, hoursBeforeClose: readonly number[], by: string, now: Date) {
  const due = [...new Set(hoursBeforeClose)]
    .map((h) => ({ h, dueAt: new Date(p.closesAt.getTime() - h * 3_600_000) }))
    .filter(({ dueAt }) => dueAt > p.opensAt && dueAt > now)
  if (due.length === 0) return
  await tx.insert(pollReminders).values(due.map(({ h, dueAt }) => ({ id: nanoid(), pollId: p.id, communityId: p.communityId, hoursBeforeClose: h, dueAt, createdBy: by, createdAt: now })))
}

/** Each reminder with how many went out, by channel and outcome. */
export async function reminderReport(ctx: Pick<ServiceCtx, 'db'>, pollId: string) {
  const reminders = await ctx.db.select().from(pollReminders).where(eq(pollReminders.pollId, pollId)).orderBy(sql`${pollReminders.hoursBeforeClose} desc`)
  const counts = reminders.length
    ? rowsOf<{ rid: string; channel: string; status: string; to_proxy: boolean; n: string | number }>(
        await ctx.db.execute(sql`
          select split_part(dedupe_key, ':', 2) as rid, channel, status, coalesce((payload ->> 'toProxy') = 'true', false) as to_proxy, count(*) as n
          from notification_outbox
          where poll_id = ${pollId} and kind = 'reminder' group by 1, 2, 3, 4`),
      )
    : []
  return {
    reminders: reminders.map((r) => {
      const mine = counts.filter((c) => c.rid === r.id)
      // owners reached, and apart from them the proxies named by owners (受托人), so that a count is
      // never read as owners reached when it was their proxies
      const byChannel: Record<string, Record<string, number>> = {}
      const toProxies: Record<string, Record<string, number>> = {}
      for (const c of mine) ((c.to_proxy ? toProxies : byChannel)[c.channel] ??= {})[c.status] = Number(c.n)
      return { id: r.id, hoursBeforeClose: r.hoursBeforeClose, dueAt: r.dueAt.toISOString(), status: r.status, ranAt: r.ranAt?.toISOString() ?? null, byChannel, toProxies }
    }),
  }
}

/** The reminders job: queues each due reminder for the voters who have not voted, once (SKIP LOCKED). */
export async function runDueReminders(services: Services): Promise<number> {
  const now = services.clock.now()
  return withTransaction(services.db, async (tx) => {
    const due = rowsOf<{ id: string; poll_id: string; created_by: string }>(
      await tx.execute(sql`
        select r.id, r.poll_id, r.created_by from poll_reminders r join polls p on p.id = r.poll_id
        where r.status = 'scheduled' and r.due_at <= ${now.toISOString()}::timestamptz
        for update of r skip locked`),
    )
    for (const r of due) {
      const [p] = await tx.select({ status: polls.status, closesAt: polls.closesAt }).from(polls).where(eq(polls.id, r.poll_id))
      const running = p?.status === 'announced' && p.closesAt > now
      if (running) await enqueuePollNotification(tx, { ...services, actor: { userId: r.created_by } }, r.poll_id, 'reminder', { dedupe: `reminder:${r.id}`, onlyNonVoters: true })
      await tx.update(pollReminders).set({ status: running ? 'done' : 'cancelled', ranAt: now }).where(eq(pollReminders.id, r.id))
    }
    return due.length
  })
}

/** Voting has opened: tell the electorate once (idempotent by its dedupe key). */
export async function runVotingOpen(services: Services): Promise<number> {
  const now = services.clock.now().toISOString()
  return withTransaction(services.db, async (tx) => {
    const opened = rowsOf<{ id: string; created_by: string }>(
      await tx.execute(sql`
        select p.id, p.created_by from polls p
        where p.status = 'announced' and p.opens_at <= ${now}::timestamptz and p.closes_at > ${now}::timestamptz
          and not exists (select 1 from notification_outbox o where o.poll_id = p.id and o.kind = 'voting_open')
        for update of p skip locked`),
    )
    for (const p of opened) await enqueuePollNotification(tx, { ...services, actor: { userId: p.created_by } }, p.id, 'voting_open', { dedupe: 'open' })
    return opened.length
  })
}

/**
 * Voters who have not voted, by building, for door-to-door visits: masked names, units, and how
 * they were reached (the delivery records).
 */
export async function nonVoters(ctx: Pick<ServiceCtx, 'db'>, pollId: string) {
  const rows = rowsOf<{ voter_id: string; unit_labels: string; masked_name: string; reached: string | null; reached_at: string | Date | null }>(
    await ctx.db.execute(sql`
      select pv.voter_id, pv.unit_labels, pv.masked_name,
        (select string_agg(distinct d.method, ',') from deliveries d where d.poll_id = pv.poll_id and d.voter_id = pv.voter_id) as reached,
        (select max(d.recorded_at) from deliveries d where d.poll_id = pv.poll_id and d.voter_id = pv.voter_id) as reached_at
      from poll_voters pv
      where pv.poll_id = ${pollId}
        and not exists (select 1 from ballots b where b.poll_id = pv.poll_id and b.voter_id = pv.voter_id and b.current)
      order by pv.unit_labels`),
  )
  const byBuilding = new Map<string, { voterId: string; units: string; name: string; reached: string[]; lastReachedAt: string | null }[]>()
  for (const r of rows) {
    const building = r.unit_labels.split(/[-、,]/)[0] || '未知楼栋'
    const list = byBuilding.get(building) ?? []
    list.push({ voterId: r.voter_id, units: r.unit_labels, name: r.masked_name, reached: r.reached ? r.reached.split(',') : [], lastReachedAt: r.reached_at ? new Date(r.reached_at).toISOString() : null })
    byBuilding.set(building, list)
  }
  return { total: rows.length, buildings: [...byBuilding].map(([building, voters]) => ({ building, count: voters.length, voters })) }
}

