import { eq } from 'drizzle-orm'
import type { Context } from 'hono'
import { nanoid } from 'nanoid'
import * as z from 'zod'
import { CommunitySettings } from '../../../shared/community'
import { polls } from '../../../drizzle/schema'
import type { HonoEnv, Role } from '../../env'
import { AppError } from '../../lib/errors'
import { route, access, type AnyRoute } from '../../lib/route'
import { ConfirmPage, PollPage, VotedPage, type BallotState, type MyBallotView, type ProxySection } from '../../pages/poll'
import { ResultPage, type MyReceiptCheck } from '../../pages/result'
import { castBallot } from '../../services/ballots/cast'
import { ballotContent } from '../../services/ballots/content'
import { castableVoters, resolveVoter } from '../../services/ballots/eligibility'
import { myBallots } from '../../services/ballots/read'
import { castInPerson, grantProxy, myProxies, revokeProxy } from '../../services/ballots/proxies'
import { resolveReceipt } from '../../services/ballots/receipt'
import { ctxOf } from '../../services/context'
import { candidatesOf, displayStatus, pollCommunity, pollEventsOf, presentPoll } from '../../services/polls/lifecycle'
import { listComments, postComment } from '../../services/polls/discussion'
import { checkedResult, checkReceipt } from '../../services/results/check'
import { disputeBallot } from '../../services/ballots/dispute'
import { seesLiveTurnout, turnout } from '../../services/results/turnout'
import { rolesInCommunity } from '../../services/roles/resolve'
import { cachedForVisitors, FORM, getPage, html, messageOf, page, readForm, tags } from './kit'
import { tagPage } from '../../lib/page-cache'
import { assertSameOrigin, h5Caller } from './session'

/**
 * The poll on the H5 pages, for an owner with no mini-program: the ballot form only while voting
 * is open; a confirmation step that repeats the choice in words; the cast as POST → redirect →
 * GET, so a reload casts nothing; the ballots in my name, a paper one disputable here; and the
 * result, which checks the signed-in owner's own ballots without their typing a receipt.
 */
const PollParams = z.object({ pid: z.string().min(1).max(40) })
// a proxy (受托人) reads and votes in the poll they hold a proxy for, flat of their own here or not
const POLL_READERS: Role[] = ['owner', 'committee', 'community_staff', 'admin', 'proxy']
const BallotForm = z.object({
  key: z.string().min(8).max(100).regex(/^[\x21-\x7e]+$/),
  voterId: z.string().min(1).max(40),
  choice: z.enum(['agree', 'oppose', 'abstain']).optional(),
  marks: z.union([z.string().min(1).max(40), z.array(z.string().min(1).max(40)).max(50)]).optional(),
})

/** The caller's roles in the poll's community; 401 (to the login page) or 404 otherwise. */
async function pollScope(c: Context<HonoEnv>, pollId: string) {
  const caller = await h5Caller(c)
  if (!caller) throw new AppError('UNAUTHENTICATED')
  const communityId = await pollCommunity(c.get('db'), pollId)
  if (!communityId) throw new AppError('NOT_FOUND')
  const roles = await rolesInCommunity(c.get('db'), c.get('clock'), caller, communityId, pollId)
  // another community's poll is not found, exactly as in the API
  if (!roles || !POLL_READERS.some((r) => roles.has(r))) throw new AppError('NOT_FOUND')
  c.set('scope', { communityId, roles })
  return { caller, communityId, roles }
}

/** The poll as shown, and the community's rule on changing a vote. */
async function loadPoll(c: Context<HonoEnv>, pollId: string) {
  const ctx = ctxOf(c)
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p || p.status === 'draft') throw new AppError('NOT_FOUND')
  // the rules frozen on the poll when it was announced, as cast_ballot applies them: a later change
  // of the community's settings does not reach a running vote
  const final = CommunitySettings.parse(p.settings ?? {}).revotePolicy === 'first_final'
  const view = presentPoll(p, ctx.clock.now(), await pollEventsOf(ctx.db, p.id), await candidatesOf(ctx.db, p.id))
  return { row: p, view, final }
}

/** Every ballot cast in the name of a voter this person acts for, newest first. */
async function ballotsInMyName(c: Context<HonoEnv>, pollId: string, communityId: string): Promise<MyBallotView[]> {
  const mine = await myBallots(ctxOf(c), pollId, communityId)
  return mine.voters.flatMap((v) =>
    v.ballots.map((b) => ({
      voter: { voterId: v.voterId, unitLabels: v.unitLabels, area: v.area, via: v.via },
      receipt: b.receipt,
      choice: b.choice,
      marks: b.marks,
      channel: b.channel,
      castAt: b.castAt,
      current: b.current,
      counts: b.counts,
      kind: b.kind,
      signedBy: b.signedBy,
      disputed: b.disputed,
    })),
  )
}

async function renderPoll(c: Context<HonoEnv>, pollId: string, error: string | null = null) {
  const { caller, communityId, roles } = await pollScope(c, pollId)
  const ctx = ctxOf(c)
  const { view, final } = await loadPoll(c, pollId)
  const mine = await ballotsInMyName(c, pollId, communityId)
  const status = view.status as string
  const running = status === 'open' || status === 'announced'
  // the voters this person casts for: the ballot form's, and the flats an owner may name a proxy for
  const voters = running ? await castableVoters(ctx.db, pollId, communityId, caller.userId) : []
  let ballot: BallotState
  if (status === 'open') {
    const current = new Map(mine.filter((b) => b.counts).map((b) => [b.voter.voterId, b.choice]))
    if (!voters.length) ballot = { kind: 'not_voter', text: roles.has('owner') ? '您不在本次表决的投票权人名单中（或共有房屋须由登记的代表人投票）。' : '只有本次表决的投票权人可以投票。' }
    else if (final && voters.every((v) => current.has(v.voterId))) ballot = { kind: 'voted_final' }
    else ballot = { kind: 'form', final, form: { key: nanoid(24), voters: voters.map((v) => ({ ...v, current: current.get(v.voterId) ?? null })) } }
  } else if (status === 'announced') ballot = { kind: 'not_open', opensAt: view.opensAt }
  else if (status === 'closed') ballot = { kind: 'closed' }
  else if (status === 'cancelled') ballot = { kind: 'cancelled', reason: view.cancelReason }
  // voting_ended, or a counting state: between the close of voting and the published result
  else ballot = status === 'counting' && roles.has('committee') ? { kind: 'counting', countHref: `/h5/polls/${pollId}/counting` } : { kind: 'counting' }
  // a proxy and nothing more (a daughter elsewhere) sees the poll and the ballot, not the
  // compound's turnout and discussion, which the API does not show them either
  const proxyOnly = !POLL_READERS.some((r) => r !== 'proxy' && roles.has(r))
  // an owner may ask someone to vote for them while the poll runs: the proxies they named, and the
  // flats they may still name one for (not after voting in person: grantProxy refuses it)
  let proxies: ProxySection | null = null
  if (roles.has('owner') && running) {
    const named = await myProxies(ctx, pollId)
    const own = voters.filter((v) => v.via === 'owner')
    const inPerson = new Set(mine.filter(castInPerson).map((b) => b.voter.voterId))
    const open = own.filter((v) => !inPerson.has(v.voterId) && !named.some((x) => x.voterId === v.voterId))
    if (named.length || open.length) proxies = { named, voters: open.map((v) => ({ voterId: v.voterId, unitLabels: v.unitLabels })) }
  }
  return c.html(
    <PollPage
      poll={view}
      turnout={await turnout(ctx, pollId, { fresh: seesLiveTurnout(roles) })}
      comments={proxyOnly ? [] : await listComments(ctx, pollId)}
      proxyOnly={proxyOnly}
      proxies={proxies}
      ballot={ballot}
      proxiesHref={roles.has('committee') ? `/h5/polls/${pollId}/proxies/written` : null}
      mine={mine}
      error={error}
      canComment={status === 'open' || status === 'announced' ? roles.has('owner') || roles.has('committee') : false}
      signedIn
    />,
    error ? 422 : 200,
  )
}

/** The ballot form as posted, checked against the poll: the voter this person may cast for, and what the ballot says. */
async function readBallot(c: Context<HonoEnv>, pollId: string) {
  const { caller, communityId } = await pollScope(c, pollId)
  const parsed = BallotForm.safeParse(await readForm(c))
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'choice', message: '请先选择您的意见再提交。' }] })
  const f = parsed.data
  const ctx = ctxOf(c)
  const voter = await resolveVoter(ctx.db, pollId, communityId, caller.userId, f.voterId)
  const marks = f.marks === undefined ? undefined : Array.isArray(f.marks) ? f.marks : [f.marks]
  const [p] = await ctx.db.select({ kind: polls.kind }).from(polls).where(eq(polls.id, pollId))
  const content = await ballotContent(ctx.db, pollId, p!.kind === 'election' ? { marks: marks ?? [] } : { choice: f.choice }, { paper: false })
  return { communityId, voter, content, key: f.key }
}

/** A refused ballot form goes back to the poll page with the reason in words. */
const onRefusal = (c: Context<HonoEnv>, pollId: string) => (e: unknown) => {
  if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED' || e.code === 'NOT_FOUND') throw e
  return renderPoll(c, pollId, messageOf(e))
}

export const h5PollRoutes: AnyRoute[] = [
  getPage('/h5/polls/:pid', '表决页：状态、投票（仅在投票时间内）、以我名义的选票、议题、参与情况、讨论（需登录）', PollParams, async (c) => renderPoll(c, c.req.param('pid')!)),
  route({
    method: 'post',
    path: '/h5/polls/:pid/confirm',
    summary: '投票确认页：用文字复述所选意见，确认后才投出',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'key, voterId, choice=agree|oppose|abstain 或 marks=<候选人id>…' },
    responses: { 200: html[200], 422: { description: '未能投票（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const pollId = c.req.param('pid')!
      try {
        const b = await readBallot(c, pollId)
        const { view, final } = await loadPoll(c, pollId)
        if (view.status !== 'open') throw new AppError('POLL_NOT_OPEN')
        const choice = b.content.choice === 'marked' ? null : b.content.choice
        return c.html(<ConfirmPage poll={view} voter={b.voter} idemKey={b.key} choice={choice} marks={b.content.marks} final={final} />)
      } catch (e) {
        return onRefusal(c, pollId)(e)
      }
    }),
  }),
  route({
    method: 'post',
    path: '/h5/polls/:pid/ballot',
    summary: '网页投票（确认页提交；一户一票，与小程序投票同等效力；成功后转到投票成功页）',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'key（防重复提交）, voterId, choice=agree|oppose|abstain 或 marks=<候选人id>…' },
    responses: { 303: { description: '已投票，转到投票成功页' }, 422: { description: '未能投票（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const pollId = c.req.param('pid')!
      try {
        const { communityId, voter, content, key } = await readBallot(c, pollId)
        await castBallot(ctxOf(c), {
          pollId,
          communityId,
          voterId: voter.voterId,
          ...content,
          channel: voter.via === 'proxy' ? 'proxy' : 'h5',
          proxyId: voter.via === 'proxy' ? voter.proxyId : null,
          ownerCasting: voter.via === 'owner',
          idempotencyKey: key,
        })
        return c.redirect(`/h5/polls/${pollId}/voted?v=${encodeURIComponent(voter.voterId)}`, 303)
      } catch (e) {
        return onRefusal(c, pollId)(e)
      }
    }),
  }),
  getPage(
    '/h5/polls/:pid/voted',
    '投票成功页：已计入、所选意见、回执、截止前如何改投',
    PollParams,
    async (c) => {
      const pollId = c.req.param('pid')!
      const { communityId } = await pollScope(c, pollId)
      const { view, final } = await loadPoll(c, pollId)
      const v = c.req.query('v')
      const standing = (await ballotsInMyName(c, pollId, communityId)).filter((b) => b.current && (!v || b.voter.voterId === v))
      const ballot = standing.sort((a, b) => (a.castAt < b.castAt ? 1 : -1))[0]
      if (!ballot) return c.redirect(`/h5/polls/${pollId}`, 303)
      return c.html(<VotedPage poll={view} ballot={ballot} final={final} open={view.status === 'open'} />)
    },
    z.object({ v: z.string().max(40).optional() }),
  ),
  route({
    method: 'post',
    path: '/h5/polls/:pid/dispute',
    summary: '对以本人名义录入的纸质票或委托票提出异议（网页）',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'receipt, reason（5至500字）' },
    responses: { 303: { description: '回到表决页' }, 422: { description: '未能提出（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const pollId = c.req.param('pid')!
      const { communityId } = await pollScope(c, pollId)
      const parsed = z.object({ receipt: z.string().min(8).max(64), reason: z.string().trim().min(5).max(500) }).safeParse(await readForm(c))
      if (!parsed.success) return renderPoll(c, pollId, '异议理由须为5至500字。')
      try {
        await disputeBallot(ctxOf(c), pollId, communityId, parsed.data.receipt, parsed.data.reason)
      } catch (e) {
        return onRefusal(c, pollId)(e)
      }
      return c.redirect(`/h5/polls/${pollId}#mine`, 303)
    }),
  }),
  route({
    method: 'post',
    path: '/h5/polls/:pid/proxies',
    summary: '网页委托他人代为投票（只限本次表决；受托人收到消息后用这个手机号登录即可代投）',
    tags,
    access: access.public,
    params: PollParams,
    upload: { contentTypes: [FORM], description: 'proxyPhone（受托人手机号）, proxyPhoneAgain（再输一遍）, voterId（代表多户时）' },
    responses: { 303: { description: '回到表决页' }, 422: { description: '未能委托（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const pollId = c.req.param('pid')!
      const { communityId } = await pollScope(c, pollId)
      // the number twice, always: the owner checks it against the proxy's own phone, not a memory
      const parsed = z.object({ proxyPhone: z.string().trim().min(1).max(20), proxyPhoneAgain: z.string().trim().min(1).max(20), voterId: z.string().min(1).max(40).optional() }).safeParse(await readForm(c))
      if (!parsed.success) return renderPoll(c, pollId, '请把受托人的手机号填写两遍。')
      try {
        await grantProxy(ctxOf(c), pollId, communityId, parsed.data)
      } catch (e) {
        // a second tap of the same form: the proxy it named is there, shown below
        if (e instanceof AppError && e.code === 'PROXY_EXISTS' && (e.details as { proxyId?: string } | undefined)?.proxyId) return c.redirect(`/h5/polls/${pollId}#proxies`, 303)
        return onRefusal(c, pollId)(e)
      }
      return c.redirect(`/h5/polls/${pollId}#proxies`, 303)
    }),
  }),
  route({
    method: 'post',
    path: '/h5/polls/:pid/proxies/:xid/revoke',
    summary: '网页撤销委托（受托人此后不能再代投）',
    tags,
    access: access.public,
    params: PollParams.extend({ xid: z.string().min(1).max(40) }),
    responses: { 303: { description: '回到表决页' }, 422: { description: '未能撤销（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const pollId = c.req.param('pid')!
      await pollScope(c, pollId)
      try {
        await revokeProxy(ctxOf(c), pollId, c.req.param('xid')!)
      } catch (e) {
        return onRefusal(c, pollId)(e)
      }
      return c.redirect(`/h5/polls/${pollId}#proxies`, 303)
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
      if (!parsed.success) return renderPoll(c, pollId, '留言须为1至2000字。')
      try {
        await postComment(ctxOf(c), pollId, communityId, roles, { body: parsed.data.body })
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        return renderPoll(c, pollId, e.message)
      }
      return c.redirect(`/h5/polls/${pollId}#discussion`, 303)
    }),
  }),
  cachedForVisitors(getPage(
    '/h5/polls/:pid/result',
    '表决结果页（公开）：结果、须达到的两条线、票数；登录的业主自动核验本人选票；签名与默克尔根供核验',
    PollParams,
    async (c) => {
      const pollId = c.req.param('pid')!
      const ctx = ctxOf(c)
      const caller = await h5Caller(c)
      const communityId = await pollCommunity(ctx.db, pollId)
      if (!communityId) throw new AppError('NOT_FOUND')
      // a typed receipt is one person's check: not worth keeping, and unbounded in number
      if (!c.req.query('receipt')) tagPage(c, communityId)
      const roles = caller ? await rolesInCommunity(ctx.db, ctx.clock, caller, communityId) : null
      let result: Awaited<ReturnType<typeof checkedResult>>
      try {
        result = await checkedResult(ctx, pollId)
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'RESULT_NOT_PUBLISHED') throw e
        const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
        if (!p || p.status === 'draft') throw new AppError('NOT_FOUND')
        return c.html(<ResultPage pending={{ pollId, communityId, title: p.title, status: displayStatus(p, ctx.clock.now()), opensAt: p.opensAt.toISOString(), closesAt: p.closesAt.toISOString() }} signedIn={caller !== null} />)
      }
      const { document, signature } = result
      // the signed-in owner's own ballots, checked without typing a receipt
      let mine: MyReceiptCheck[] = []
      if (caller && roles?.has('owner')) {
        c.set('scope', { communityId, roles })
        const ballots = (await ballotsInMyName(c, pollId, communityId)).filter((b) => b.current)
        mine = await Promise.all(ballots.map(async (b) => ({ unitLabels: b.voter.unitLabels, choice: b.choice, marks: b.marks, check: await checkReceipt(ctx, pollId, b.receipt, document) })))
      }
      const typed = c.req.query('receipt')?.trim()
      const receipt = typed ? await resolveReceipt(ctx, pollId, typed) : null
      const check = typed ? (receipt ? await checkReceipt(ctx, pollId, receipt, document) : { receipt: typed, outcome: 'not_found' as const }) : null
      return c.html(<ResultPage result={{ document, signature, receipt: check, mine }} signedIn={caller !== null} />)
    },
    z.object({ receipt: z.string().max(64).optional() }),
  )),
]
