import { and, eq } from 'drizzle-orm'
import { CommunitySettings, NON_VOTER_RULE_TEXT } from '../../../shared/community'
import type { Context } from 'hono'
import * as z from 'zod'
import { CountingBallotBody } from '../../../shared/api/polls'
import { ballotNumber } from '../../../shared/ballot-number'
import { ballots, paperIssues, polls, pollVoters } from '../../../drizzle/schema'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type AnyRoute } from '../../lib/route'
import { CHOICE_KEYS, CHOICE_WORDS, CountingClosedPage, CountingFormPage, CountingSheetPage, PaperBallotsPage, type CountBy, type CountingFormView } from '../../pages/counting'
import { ctxOf } from '../../services/context'
import { countingSheet, enterCountedPaper, withdrawCountedPaper, type CountedPaper } from '../../services/counting/counting'
import { candidatesOf, displayStatus } from '../../services/polls/lifecycle'
import { paperIssueList, pollNumberOf } from '../../services/results/paper-issues'
import { rolesInCommunity } from '../../services/roles/resolve'
import { FORM, getPage, messageOf, page, readForm, tags } from './kit'
import { assertSameOrigin, h5Caller } from './session'

/**
 * Counting day on the H5 pages (唱票录入): a committee member enters the paper ballots one by one
 * as they are read out, by room or by printed ballot number. The same service and rules as
 * POST /api/polls/:pid/counting/ballots; POST → redirect → GET, so a reload enters nothing twice.
 */
const PollParams = z.object({ pid: z.string().min(1).max(40) })
const FormQuery = z.object({ by: z.enum(['room', 'number']).optional(), last: z.string().max(40).optional(), n: z.string().max(10).optional(), undone: z.string().max(200).optional() })

/**
 * The poll, for a committee member of its community only (the roles the counting and proxy APIs
 * allow); anyone else in the community is told they cannot `what`.
 */
export async function committeePoll(c: Context<HonoEnv>, pollId: string, what = '录入计票') {
  const caller = await h5Caller(c)
  if (!caller) throw new AppError('UNAUTHENTICATED')
  const [p] = await c.get('db').select().from(polls).where(eq(polls.id, pollId))
  if (!p || p.status === 'draft') throw new AppError('NOT_FOUND')
  const roles = await rolesInCommunity(c.get('db'), c.get('clock'), caller, p.communityId)
  if (!roles?.size) throw new AppError('NOT_FOUND')
  if (!roles.has('committee')) throw new AppError('FORBIDDEN', { reason: 'not_committee' }, `只有本小区业主委员会成员可以${what}。`)
  c.set('scope', { communityId: p.communityId, roles })
  return { caller, p }
}

const by = (v: unknown): CountBy => (v === 'number' ? 'number' : 'room')
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/**
 * A room as counters type it: "3-2-501", "3 501", "3栋2单元501室". The parts go to the service,
 * which also finds "3" for 3栋 where the roster leaves no doubt.
 */
export function roomParts(typed: string): { building: string; unit: string; room: string } | null {
  const s = typed.replace(/[\uff0d\u2010-\u2015\u2212/\\]/g, '-').trim()
  const parts = s.split(/[-\s]+/).filter(Boolean)
  if (parts.length === 3) return { building: parts[0]!, unit: parts[1]!, room: parts[2]! }
  if (parts.length === 2) return { building: parts[0]!, unit: '', room: parts[1]! }
  const m = /^(.+?(?:号楼|栋|幢|座))(.+?单元)?(.+?)$/.exec(s)
  return m ? { building: m[1]!, unit: m[2] ?? '', room: m[3]!.replace(/室$/, '') } : null
}

/** A room roomParts cannot read, in the words of both desks that take one. */
export const unreadableRoom = (typed: string) => `房号“${typed}”看不懂，请写成 楼栋-单元-房号，如 3-2-501`

/** The form's fields → one counted paper, or the reason it is no entry yet. */
function entryOf(form: { where: string; choice: string; reason: string }, v: { by: CountBy; kind: 'single' | 'election'; candidates: { ordinal: number; name: string }[] }): CountedPaper | string {
  const e: CountedPaper = { line: null }
  if (!form.where) return v.by === 'number' ? '请填写选票编号' : '请填写房号，如 3-2-501'
  if (v.by === 'number') e.ballotNumber = form.where
  else {
    const room = roomParts(form.where)
    if (!room) return unreadableRoom(form.where)
    Object.assign(e, room)
  }
  if (form.reason) {
    if (form.reason.length < 2) return '废票原因请写清楚，如“字迹无法辨认”'
    e.spoiledReason = form.reason
    return e
  }
  if (v.kind === 'single') {
    const choice = CHOICE_KEYS[form.choice]
    if (!choice) return '意见请填 1（同意）、2（反对）或 3（弃权）；废票请填写废票原因'
    e.choice = choice
    return e
  }
  const keys = form.choice.split(/[^0-9]+/).filter(Boolean)
  if (!keys.length) return '请填写所选候选人序号，如 1 3；一个也没选填 0'
  if (keys.length === 1 && Number(keys[0]) === 0) {
    e.marks = []
    return e
  }
  const names = keys.map((k) => v.candidates.find((c) => c.ordinal === Number(k))?.name)
  const unknown = keys.filter((_, i) => !names[i])
  if (unknown.length) return `没有序号为 ${unknown.join('、')} 的候选人`
  e.marks = names as string[]
  return e
}

/** The form page; the caller's last entry read back with its content (they entered it; the count is public). */
async function renderForm(c: Context<HonoEnv>, p: typeof polls.$inferSelect, extra: Partial<Pick<CountingFormView, 'errors' | 'form' | 'by' | 'undone'>> & { lastId?: string; n?: number } = {}) {
  const ctx = ctxOf(c)
  const status = displayStatus(p, ctx.clock.now())
  const pollNumber = pollNumberOf(p)
  if (status !== 'counting') {
    const why =
      status === 'closed'
        ? '计票已结束，结果已公布。'
        : status === 'voting_ended'
          ? '投票已截止，但还没有开始计票：请先在业委会端开始计票（登记计票人、监票人和开箱时票箱状态）。'
          : status === 'cancelled'
            ? '本次表决已取消。'
            : '表决尚未截止：截止后才能开箱计票。'
    return c.html(<CountingClosedPage pollId={p.id} communityId={p.communityId} pollNumber={pollNumber} title={p.title} why={why} result={status === 'closed'} />, extra.errors?.length ? 409 : 200)
  }
  const sheet = await countingSheet(ctx, p.id)
  const candidates = (await candidatesOf(ctx.db, p.id)).map((x) => ({ ordinal: x.ordinal, name: x.name }))
  let last: CountingFormView['last'] = null
  if (extra.lastId) {
    const [b] = await ctx.db
      .select({ id: ballots.id, choice: ballots.choice, marks: ballots.marks, spoiledReason: ballots.spoiledReason, current: ballots.current, units: pollVoters.unitLabels, seq: paperIssues.seq })
      .from(ballots)
      .innerJoin(pollVoters, and(eq(pollVoters.pollId, ballots.pollId), eq(pollVoters.voterId, ballots.voterId)))
      .leftJoin(paperIssues, and(eq(paperIssues.pollId, ballots.pollId), eq(paperIssues.voterId, ballots.voterId)))
      // only an entry of this count, by the person asking: no one reads another's entries here
      .where(and(eq(ballots.id, extra.lastId), eq(ballots.pollId, p.id), eq(ballots.kind, 'paper'), eq(ballots.castByUserId, ctx.actor!.userId)))
    if (b) {
      const byId = new Map((await candidatesOf(ctx.db, p.id)).map((x) => [x.id, x.name]))
      const choiceText =
        b.choice === 'spoiled'
          ? `废票（${b.spoiledReason ?? ''}）`
          : b.choice === 'marked'
            ? `选 ${(b.marks ?? []).map((id) => byId.get(id) ?? '').join('、')}`
            : p.kind === 'election'
              ? '弃权（未选任何人）'
              : CHOICE_WORDS[b.choice]
      last = { ballotId: b.id, units: b.units, ballotNumber: b.seq === null ? null : ballotNumber(pollNumber, b.seq), choiceText, n: extra.n ?? sheet.paperEntered, standing: b.current }
    }
  }
  return c.html(
    <CountingFormPage
      pollId={p.id}
      communityId={p.communityId}
      pollNumber={pollNumber}
      title={p.title}
      kind={p.kind}
      seats={p.seats}
      candidates={candidates}
      by={extra.by ?? 'room'}
      paperEntered={sheet.paperEntered}
      paperIssued={sheet.paperIssued}
      last={last}
      undone={extra.undone ?? null}
      errors={extra.errors ?? []}
      form={extra.form ?? {}}
    />,
    extra.errors?.length ? 422 : 200,
  )
}

/** What the count refused, in the committee's words: every entry error, else the error's own message. */
function errorsOf(e: AppError): string[] {
  const listed = (e.details as { errors?: { message: string }[] } | undefined)?.errors
  return listed?.length ? listed.map((x) => x.message) : [messageOf(e)]
}

export const h5CountingRoutes: AnyRoute[] = [
  getPage(
    '/h5/polls/:pid/counting',
    '计票录入（业委会：截止后开箱计票时逐张录入纸质票，按房号或选票编号）',
    PollParams,
    async (c) => {
      const { p } = await committeePoll(c, c.req.param('pid')!)
      const n = Number(c.req.query('n'))
      return renderForm(c, p, { by: by(c.req.query('by')), lastId: c.req.query('last'), n: Number.isSafeInteger(n) && n > 0 ? n : undefined, undone: c.req.query('undone') })
    },
    FormQuery,
  ),
  route({
    method: 'post',
    path: '/h5/polls/:pid/counting',
    summary: '计票录入一张纸质票（与 POST /api/polls/:pid/counting/ballots 同一规则）',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'by（room 或 number）、where（房号如 3-2-501，或选票编号）、choice（1 同意 2 反对 3 弃权；选举填候选人序号）、reason（废票原因）' },
    responses: { 303: { description: '回到录入页，显示刚录入的一张' }, 422: { description: '未录入（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const { p } = await committeePoll(c, c.req.param('pid')!)
      const raw = await readForm(c)
      const form = { where: text(raw.where).slice(0, 60), choice: text(raw.choice).slice(0, 200), reason: text(raw.reason).slice(0, 200) }
      const mode = by(raw.by)
      const candidates = (await candidatesOf(c.get('db'), p.id)).map((x) => ({ ordinal: x.ordinal, name: x.name }))
      const entry = entryOf(form, { by: mode, kind: p.kind, candidates })
      if (typeof entry === 'string') return renderForm(c, p, { by: mode, form, errors: [entry] })
      // the API's own body rules (lengths, a number or a room), so the page takes nothing the API refuses
      const body = CountingBallotBody.safeParse(entry)
      if (!body.success) return renderForm(c, p, { by: mode, form, errors: [body.error.issues[0]?.message ?? '请把表格填写完整'] })
      let done: Awaited<ReturnType<typeof enterCountedPaper>>
      try {
        done = await enterCountedPaper(ctxOf(c), p.id, [{ ...body.data, line: null }])
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return renderForm(c, p, { by: mode, form, errors: errorsOf(e) })
      }
      return c.redirect(`/h5/polls/${p.id}/counting?by=${mode}&last=${encodeURIComponent(done.ballots[0]!.ballotId)}&n=${done.paperEntered}`, 303)
    }),
  }),
  route({
    method: 'post',
    path: '/h5/polls/:pid/counting/undo',
    summary: '撤销刚录错的一张（监票人确认前；原录入留档）',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'ballotId（刚录入的一张）、by' },
    responses: { 303: { description: '回到录入页' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const { p } = await committeePoll(c, c.req.param('pid')!)
      const raw = await readForm(c)
      const id = text(raw.ballotId)
      if (!id || id.length > 40) throw new AppError('VALIDATION_FAILED', { field: 'ballotId' })
      const mode = by(raw.by)
      try {
        const undone = await withdrawCountedPaper(ctxOf(c), p.id, id, '计票录入时录错，当场撤销')
        return c.redirect(`/h5/polls/${p.id}/counting?by=${mode}&undone=${encodeURIComponent(undone.units)}`, 303)
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return renderForm(c, p, { by: mode, errors: [messageOf(e)] })
      }
    }),
  }),
  getPage('/h5/polls/:pid/paper-ballots', '可打印的纸质表决票（业委会：每张一页，印有房屋和选票编号）', PollParams, async (c) => {
    const { p } = await committeePoll(c, c.req.param('pid')!)
    const list = await paperIssueList(c.get('db'), p.id)
    const candidates = (await candidatesOf(c.get('db'), p.id)).map((x) => ({ ordinal: x.ordinal, name: x.name }))
    return c.html(
      <PaperBallotsPage
        pollNumber={list.pollNumber}
        title={p.title}
        body={p.body}
        kind={p.kind}
        seats={p.seats}
        candidates={candidates}
        closesAt={p.closesAt.toISOString()}
        nonVoterRule={CommunitySettings.parse(p.settings ?? {}).nonVoterRule === 'follow_majority' ? NON_VOTER_RULE_TEXT : null}
        ballots={list.ballots}
      />,
    )
  }),
  getPage('/h5/polls/:pid/counting/sheet', '计票表（业委会：计票人、监票人、已录入与已发放张数、公布前须处理的问题）', PollParams, async (c) => {
    const { p } = await committeePoll(c, c.req.param('pid')!)
    const sheet = await countingSheet(ctxOf(c), p.id)
    return c.html(
      <CountingSheetPage
        pollId={p.id}
        communityId={p.communityId}
        pollNumber={pollNumberOf(p)}
        title={p.title}
        session={sheet.session}
        paperEntered={sheet.paperEntered}
        paperIssued={sheet.paperIssued}
        flags={sheet.flags}
      />,
    )
  }),
]
