import { eq } from 'drizzle-orm'
import type { Context } from 'hono'
import { nanoid } from 'nanoid'
import * as z from 'zod'
import { ErrorCodes } from '../../../shared/errors'
import { normalizePhone } from '../../../shared/phone'
import { polls } from '../../../drizzle/schema'
import type { HonoEnv, Role } from '../../env'
import { AppError } from '../../lib/errors'
import { refuseNul } from '../../lib/input'
import { access, route, type AnyRoute } from '../../lib/route'
import { AccountsPage, StatementPage } from '../../pages/accounts'
import { CommunityPage, ContactsPage, FeesPage } from '../../pages/community'
import { LoginPage } from '../../pages/login'
import { ErrorPage } from '../../pages/parts'
import { PollPage, type BallotFormView } from '../../pages/poll'
import { ResultPage } from '../../pages/result'
import { sendOtp, verifyOtp } from '../../services/auth/otp'
import { endSession } from '../../services/auth/sessions'
import { castBallot } from '../../services/ballots/cast'
import { ballotContent } from '../../services/ballots/content'
import { castableVoters, resolveVoter } from '../../services/ballots/eligibility'
import { myBallots } from '../../services/ballots/read'
import { ctxOf } from '../../services/context'
import { listComments, postComment } from '../../services/polls/discussion'
import { getCommunity } from '../../services/communities/communities'
import { feeSchedule, getFirmProfile } from '../../services/disclosure/fees'
import { quarterAccounts } from '../../services/disclosure/accounts'
import { statementSheets, statementTable } from '../../services/disclosure/export'
import { tableDownload, XLSX_TYPE } from '../../lib/download'
import { listObjections, postObjection } from '../../services/disclosure/objections'
import { overdueStatements, statementCommunity, statementDetail } from '../../services/disclosure/statements'
import { listNotices } from '../../services/notices/notices'
import { candidatesOf, displayStatus, listPolls, pollCommunity, pollEventsOf, presentPoll } from '../../services/polls/lifecycle'
import { checkedResult, checkReceipt } from '../../services/results/check'
import { turnout } from '../../services/results/turnout'
import { rolesInCommunity } from '../../services/roles/resolve'
import { assertSameOrigin, clearSessionCookies, h5Caller, refreshCookie, setSessionCookies } from './session'

/**
 * The H5 pages: what a scanned QR code opens on any phone, and how an owner without the
 * mini-program signs in by SMS code and votes. Server-rendered, readable with no JavaScript.
 * Errors are pages too (a person reads them), with the same machine code the API would give.
 */
const tags = ['手机网页（H5）']
const html = { 200: { description: 'HTML', contentType: 'text/html' } }
const FORM = 'application/x-www-form-urlencoded'
const PollParams = z.object({ pid: z.string().min(1).max(40) })
const POLL_READERS: Role[] = ['owner', 'committee', 'community_staff', 'admin']

/** Only paths of our own pages may be a post-login destination (no open redirect). */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(h5|n)\/[A-Za-z0-9/_?=&.-]*$/.test(next) ? next : '/h5/login/done')

function errorPage(c: Context<HonoEnv>, e: unknown, back?: string) {
  if (!(e instanceof AppError)) throw e
  if (e.code === 'UNAUTHENTICATED') return c.redirect(`/h5/login?next=${encodeURIComponent(c.req.path)}`, 303)
  return c.html(<ErrorPage status={e.status} code={e.code} message={e.message} back={back} />, e.status as 400)
}

/** What to tell a person about a refused form: the first field's own message, else the error's. */
const messageOf = (e: AppError) => (e.code === 'VALIDATION_FAILED' ? ((e.details as { issues?: { message: string }[] })?.issues?.[0]?.message ?? e.message) : e.message)

/** A page handler whose domain errors become error pages. */
const page =
  (handler: (c: Context<HonoEnv>) => Promise<Response>) =>
  async (c: Context<HonoEnv>): Promise<Response> => {
    try {
      return await handler(c)
    } catch (e) {
      return errorPage(c, e)
    }
  }

/** A public GET page (it checks the cookie session itself where it needs one). */
const getPage = <P extends z.ZodObject<z.ZodRawShape>>(path: string, summary: string, params: P, handler: (c: Context<HonoEnv>) => Promise<Response>, query?: z.ZodObject<z.ZodRawShape>) =>
  route({ method: 'get', path, summary, tags, access: access.public, params, ...(query ? { query } : {}), responses: html, handler: page(handler) })

async function readForm(c: Context<HonoEnv>) {
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith(FORM) && !type.startsWith('multipart/form-data')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { expected: FORM })
  let form: Awaited<ReturnType<typeof c.req.parseBody>>
  try {
    form = await c.req.parseBody({ all: true })
  } catch {
    // a multipart body that does not parse is the sender's mistake, not ours
    throw new AppError('VALIDATION_FAILED', { reason: 'form' })
  }
  refuseNul(form, 'form')
  return form
}

/** The caller's roles in the poll's community; 401 (to the login page) or 403 otherwise. */
async function pollScope(c: Context<HonoEnv>, pollId: string) {
  const caller = await h5Caller(c)
  if (!caller) throw new AppError('UNAUTHENTICATED')
  const communityId = await pollCommunity(c.var.db, pollId)
  if (!communityId) throw new AppError('NOT_FOUND')
  const roles = await rolesInCommunity(c.var.db, c.var.clock, caller, communityId)
  // another community's poll is not found, exactly as in the API
  if (!roles || !POLL_READERS.some((r) => roles.has(r))) throw new AppError('NOT_FOUND')
  c.set('scope', { communityId, roles })
  return { caller, communityId, roles }
}

async function renderPoll(c: Context<HonoEnv>, pollId: string, extra: { cast?: { receipt: string; choice: string } | null; error?: string | null } = {}) {
  const { caller, communityId, roles } = await pollScope(c, pollId)
  const ctx = ctxOf(c)
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p || p.status === 'draft') throw new AppError('NOT_FOUND')
  const view = presentPoll(p, ctx.clock.now(), await pollEventsOf(ctx.db, p.id), await candidatesOf(ctx.db, p.id))
  let form: BallotFormView | null = null
  let formNote: string | null = null
  if (p.status === 'announced') {
    const voters = await castableVoters(ctx.db, pollId, communityId, caller.userId)
    if (voters.length) {
      const mine = await myBallots(ctx, pollId, communityId)
      const current = new Map(mine.voters.map((v) => [v.voterId, v.ballots.find((b) => b.current)?.choice ?? null]))
      form = { key: nanoid(24), voters: voters.map((v) => ({ ...v, current: current.get(v.voterId) ?? null })) }
    } else formNote = roles.has('owner') ? '您不在本次表决的投票权人名单中（或共有房屋须由登记的代表人投票）。' : '只有本次表决的投票权人可以投票。'
  } else if (p.status === 'closed') formNote = '表决已结束。'
  return c.html(
    <PollPage
      poll={view}
      turnout={await turnout(ctx, pollId)}
      comments={await listComments(ctx, pollId)}
      form={form}
      formNote={p.status === 'closed' ? null : formNote}
      cast={extra.cast ? { ...extra.cast, resultUrl: `/h5/polls/${pollId}/result?receipt=${encodeURIComponent(extra.cast.receipt)}` } : null}
      error={extra.error ?? null}
      canComment={p.status === 'announced' && (roles.has('owner') || roles.has('committee'))}
      signedIn
    />,
    extra.error ? 422 : 200,
  )
}

const ACCOUNT_READERS: Role[] = ['owner', 'committee', 'firm_staff', 'community_staff', 'admin']

/** Accounts are for the community (the API's READERS): signed out → login; another community → not found. */
async function accountsScope(c: Context<HonoEnv>, communityId: string | null) {
  const caller = await h5Caller(c)
  if (!caller) throw new AppError('UNAUTHENTICATED')
  if (!communityId) throw new AppError('NOT_FOUND')
  const roles = await rolesInCommunity(c.var.db, c.var.clock, caller, communityId)
  if (!roles || !ACCOUNT_READERS.some((r) => roles.has(r))) throw new AppError('NOT_FOUND')
  return { caller, roles }
}

async function renderStatement(c: Context<HonoEnv>, sid: string, error: string | null = null) {
  const ctx = ctxOf(c)
  const communityId = await statementCommunity(ctx, sid)
  const { roles } = await accountsScope(c, communityId)
  return c.html(
    <StatementPage
      statement={await statementDetail(ctx, sid)}
      communityId={communityId!}
      objections={await listObjections(ctx, sid)}
      canObject={roles.has('owner')}
      error={error}
      signedIn
    />,
    error ? 422 : 200,
  )
}

const LoginForm = z.object({
  step: z.enum(['send', 'verify']),
  phone: z.string().max(20),
  code: z.string().max(10).optional(),
  next: z.string().max(300).optional(),
})
const BallotForm = z.object({
  key: z.string().min(8).max(100).regex(/^[\x21-\x7e]+$/),
  voterId: z.string().min(1).max(40),
  choice: z.enum(['agree', 'oppose', 'abstain']).optional(),
  marks: z.union([z.string().min(1).max(40), z.array(z.string().min(1).max(40)).max(50)]).optional(),
})

const CidParams = z.object({ cid: z.string().min(1).max(40) })
const SidParams = z.object({ sid: z.string().min(1).max(40) })

/** The signed-in caller's roles in a community (null when signed out or without a role there). */
async function communityRoles(c: Context<HonoEnv>, communityId: string) {
  const caller = await h5Caller(c)
  const roles = caller ? await rolesInCommunity(c.var.db, c.var.clock, caller, communityId) : null
  return { caller, roles: roles && roles.size ? roles : null }
}

export const h5Routes: AnyRoute[] = [
  getPage('/h5/c/:cid', '小区首页：公告栏、表决（本小区业主和工作人员）、逾期未公开的账目', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    const ctx = ctxOf(c)
    const community = await getCommunity(ctx, cid)
    const { caller, roles } = await communityRoles(c, cid)
    const reader = roles !== null && POLL_READERS.some((r) => roles.has(r))
    const now = ctx.clock.now()
    const polls = reader ? (await listPolls(ctx, cid, false)).map((p) => ({ id: p.id, title: p.title, status: displayStatus(p, now), closesAt: p.closesAt.toISOString() })) : null
    return c.html(
      <CommunityPage
        communityId={cid}
        name={community.name}
        notices={await listNotices(ctx, cid, false)}
        polls={polls}
        overdue={roles ? await overdueStatements(ctx, cid) : null}
        signedIn={caller !== null}
      />,
    )
  }),
  getPage('/h5/c/:cid/contacts', '执法部门联系公示（公开）', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    const ctx = ctxOf(c)
    await getCommunity(ctx, cid)
    const board = (await listNotices(ctx, cid, false)).find((n) => n.kind === 'enforcement_contacts' && n.contacts?.length)
    const signedIn = (await h5Caller(c)) !== null
    return c.html(<ContactsPage communityId={cid} notice={board ? { ...board, contacts: board.contacts! } : null} signedIn={signedIn} />)
  }),
  getPage('/h5/c/:cid/fees', '物业服务企业信息与收费标准（公开；高于指导价的收费标红）', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    const ctx = ctxOf(c)
    const schedule = await feeSchedule(ctx, cid)
    const profile = schedule.firm ? await getFirmProfile(ctx, cid).catch((e) => (e instanceof AppError && e.code === 'NOT_FOUND' ? null : Promise.reject(e))) : null
    const signedIn = (await h5Caller(c)) !== null
    return c.html(<FeesPage communityId={cid} profile={profile} schedule={schedule} signedIn={signedIn} />)
  }),
  route({
    method: 'get',
    path: '/h5/login',
    summary: '手机号验证码登录页',
    tags,
    access: access.public,
    query: z.object({ next: z.string().max(300).optional() }),
    responses: html,
    handler: async (c, { query }) => c.html(<LoginPage next={safeNext(query.next)} />),
  }),
  route({
    method: 'post',
    path: '/h5/login',
    summary: '登录表单：第一步发送验证码，第二步校验并写入会话 Cookie（HttpOnly）',
    tags,
    access: access.public,
    upload: { contentTypes: [FORM], description: 'step=send&phone=… 或 step=verify&phone=…&code=…&next=/h5/…' },
    responses: { 200: html[200], 303: { description: '登录成功，转到 next' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const parsed = LoginForm.safeParse(await readForm(c))
      if (!parsed.success) return c.html(<LoginPage next="/h5/login/done" error={ErrorCodes.VALIDATION_FAILED.message} />, 400)
      const f = parsed.data
      const next = safeNext(f.next)
      const phone = normalizePhone(f.phone) ?? f.phone
      try {
        if (f.step === 'send') {
          await sendOtp(ctxOf(c), phone)
          return c.html(<LoginPage next={next} phone={phone} codeSent />)
        }
        const session = await verifyOtp(ctxOf(c), phone, f.code ?? '')
        setSessionCookies(c, session)
        return c.redirect(next, 303)
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        return c.html(<LoginPage next={next} phone={phone} codeSent={f.step === 'verify' && e.code === 'OTP_INVALID'} error={e.message} />, e.status as 400)
      }
    }),
  }),
  route({
    method: 'get',
    path: '/h5/login/done',
    summary: '登录成功页',
    tags,
    access: access.public,
    responses: html,
    handler: page(async (c) => {
      const caller = await h5Caller(c)
      if (!caller) throw new AppError('UNAUTHENTICATED')
      return c.html(<ErrorPage status={200} code="OK" message="已登录。请回到公告或表决页面继续。" />)
    }),
  }),
  route({
    method: 'post',
    path: '/h5/logout',
    summary: '退出登录（注销会话并清除 Cookie）',
    tags,
    access: access.public,
    upload: { contentTypes: [FORM], description: '无字段' },
    responses: { 303: { description: '转到登录页' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const rt = refreshCookie(c)
      if (rt) await endSession(ctxOf(c), rt)
      clearSessionCookies(c)
      return c.redirect('/h5/login', 303)
    }),
  }),
  getPage('/h5/polls/:pid', '表决页：议题、讨论、参与情况；本次表决的投票权人可在此投票（需登录）', PollParams, async (c) => renderPoll(c, c.req.param('pid')!)),
  route({
    method: 'post',
    path: '/h5/polls/:pid/ballot',
    summary: '网页投票（表单；一户一票，与小程序投票同等效力）',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'key（防重复提交）, voterId, choice=agree|oppose|abstain 或 marks=<候选人id>…' },
    responses: { 200: html[200], 422: { description: '未能投票（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const pollId = c.req.param('pid')!
      const { caller, communityId } = await pollScope(c, pollId)
      const parsed = BallotForm.safeParse(await readForm(c))
      if (!parsed.success) return renderPoll(c, pollId, { error: '请先选择您的意见再提交。' })
      const f = parsed.data
      const ctx = ctxOf(c)
      try {
        const voter = await resolveVoter(ctx.db, pollId, communityId, caller.userId, f.voterId)
        const marks = f.marks === undefined ? undefined : Array.isArray(f.marks) ? f.marks : [f.marks]
        const [p] = await ctx.db.select({ kind: polls.kind }).from(polls).where(eq(polls.id, pollId))
        const content = await ballotContent(ctx.db, pollId, p!.kind === 'election' ? { marks: marks ?? [] } : { choice: f.choice }, { paper: false })
        const out = await castBallot(ctx, {
          pollId,
          communityId,
          voterId: voter.voterId,
          ...content,
          channel: voter.via === 'proxy' ? 'proxy' : 'h5',
          proxyId: voter.via === 'proxy' ? voter.proxyId : null,
          ownerCasting: voter.via === 'owner',
          idempotencyKey: f.key,
        })
        return renderPoll(c, pollId, { cast: { receipt: out.receipt, choice: out.choice } })
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return renderPoll(c, pollId, { error: messageOf(e) })
      }
    }),
  }),
  route({
    method: 'post',
    path: '/h5/polls/:pid/comments',
    summary: '网页发表讨论意见（本次表决的业主或业委会）',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'body（2000字以内）' },
    responses: { 303: { description: '回到表决页' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const pollId = c.req.param('pid')!
      const { communityId, roles } = await pollScope(c, pollId)
      const parsed = z.object({ body: z.string().trim().min(1).max(2000) }).safeParse(await readForm(c))
      if (!parsed.success) return renderPoll(c, pollId, { error: '留言须为1至2000字。' })
      try {
        await postComment(ctxOf(c), pollId, communityId, roles, { body: parsed.data.body })
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        return renderPoll(c, pollId, { error: e.message })
      }
      return c.redirect(`/h5/polls/${pollId}#discussion`, 303)
    }),
  }),
  getPage('/h5/polls/:pid/result', '表决结果页（公开）：票数、对照法定比例的图示、签名核验、凭回执核验本人选票', PollParams, async (c) => {
    const pollId = c.req.param('pid')!
    const ctx = ctxOf(c)
    const signedIn = (await h5Caller(c)) !== null
    const { document, signature } = await checkedResult(ctx, pollId)
    const receipt = c.req.query('receipt')?.trim()
    const check = receipt ? await checkReceipt(ctx, pollId, receipt, document) : null
    return c.html(<ResultPage document={document} signature={signature} receipt={check} signedIn={signedIn} />)
  }, z.object({ receipt: z.string().max(64).optional() })),
  getPage('/h5/c/:cid/accounts', '季度账目（本小区）：收支、环比同比、图表、逾期未公开', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    await accountsScope(c, cid)
    const period = c.req.query('period')
    const accounts = await quarterAccounts(ctxOf(c), cid, period && /^\d{4}Q[1-4]$/.test(period) ? period : undefined)
    return c.html(<AccountsPage communityId={cid} accounts={accounts} signedIn />)
  }, z.object({ period: z.string().max(10).optional() })),
  ...(['csv', 'xlsx'] as const).map((kind) =>
    route({
      method: 'get',
      path: `/h5/statements/:sid/export.${kind}`,
      summary: `网页下载报表（${kind.toUpperCase()}，本小区）`,
      tags,
      access: access.public,
      params: SidParams,
      responses: { 200: { description: kind.toUpperCase(), contentType: kind === 'csv' ? 'text/csv' : XLSX_TYPE } },
      handler: page(async (c) => {
        const sid = c.req.param('sid')!
        await accountsScope(c, await statementCommunity(ctxOf(c), sid))
        const t = await statementTable(ctxOf(c), sid)
        return tableDownload(c, kind, t.fileName, statementSheets(t, kind))
      }),
    }),
  ),
  getPage('/h5/statements/:sid', '报表明细页：各行、全部版本与差异、异议与答复；业主可在公示期内提出异议', SidParams, async (c) => renderStatement(c, c.req.param('sid')!)),
  route({
    method: 'post',
    path: '/h5/statements/:sid/objections',
    summary: '网页提出异议（业主，公示期内）',
    tags,
    access: access.public,
    params: SidParams,
    upload: { contentTypes: [FORM], description: 'line（可选，行号）, body' },
    responses: { 303: { description: '回到报表页' }, 422: { description: '未能提出（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const sid = c.req.param('sid')!
      await accountsScope(c, await statementCommunity(ctxOf(c), sid))
      const parsed = z
        .object({ line: z.union([z.literal(''), z.coerce.number().int().min(1).max(2000)]).optional(), body: z.string().trim().min(5).max(2000) })
        .safeParse(await readForm(c))
      if (!parsed.success) return renderStatement(c, sid, '异议内容须为5至2000字，行号须为正整数。')
      try {
        const line = parsed.data.line === '' || parsed.data.line === undefined ? undefined : parsed.data.line
        await postObjection(ctxOf(c), sid, { line, body: parsed.data.body })
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return renderStatement(c, sid, messageOf(e))
      }
      return c.redirect(`/h5/statements/${sid}#objections`, 303)
    }),
  }),
]
