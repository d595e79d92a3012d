import type { Context } from 'hono'
import * as z from 'zod'
import { CidParams } from '../params'
import { ErrorCodes } from '../../../shared/errors'
import { normalizePhone } from '../../../shared/phone'
import type { HonoEnv, Role } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type AnyRoute } from '../../lib/route'
import { AccountsPage } from '../../pages/accounts'
import { CommunityPage, ContactsPage, FeesPage } from '../../pages/community'
import { HomePage } from '../../pages/home'
import { LoginPage } from '../../pages/login'
import { sendOtp, verifyOtp } from '../../services/auth/otp'
import { endSession } from '../../services/auth/sessions'
import { ctxOf } from '../../services/context'
import { getCommunity } from '../../services/communities/communities'
import { feeSchedule, getFirmProfile } from '../../services/disclosure/fees'
import { quarterAccounts } from '../../services/disclosure/accounts'
import { overdueStatements } from '../../services/disclosure/statements'
import { listNotices } from '../../services/notices/notices'
import { displayStatus, listPolls } from '../../services/polls/lifecycle'
import { rolesInCommunity } from '../../services/roles/resolve'
import { cachedForVisitors, FORM, getPage, html, messageOf, page, readForm, safeNext, tags } from './kit'
import { keptForCompound, tagPage } from '../../lib/page-cache'
import { h5MeRoutes } from './me.routes'
import { h5PollRoutes } from './poll.routes'
import { assertSameOrigin, clearSessionCookies, h5Caller, refreshCookie, setSessionCookies } from './session'
import { canAuthorizeInWeChat, forgetUnlinkedWeChat, redirectToWeChatAuthorize, unlinkedWeChatOf } from '../wechat-oa/oauth'
import { linkOpenid } from '../../services/chatbot/link'
import { WECHAT_LOGIN_PATH } from '../wechat-oa/login-path'

/**
 * The H5 pages: what a scanned QR code opens on any phone, and how an owner without the
 * mini-program signs in by SMS code and votes. Server-rendered, readable with no JavaScript.
 * Errors are pages too (a person reads them), with the same machine code the API would give.
 */
const POLL_READERS: Role[] = ['owner', 'committee', 'community_staff', 'admin']

const ACCOUNT_READERS: Role[] = ['owner', 'committee', 'firm_staff', 'community_staff', 'admin']

/** Accounts are for the community (the API's READERS): signed out → login; another community → not found. */
export async function accountsScope(c: Context<HonoEnv>, communityId: string | null) {
  const caller = await h5Caller(c)
  if (!caller) throw new AppError('UNAUTHENTICATED')
  if (!communityId) throw new AppError('NOT_FOUND')
  const roles = await rolesInCommunity(c.get('db'), c.get('clock'), caller, communityId)
  if (!roles || !ACCOUNT_READERS.some((r) => roles.has(r))) throw new AppError('NOT_FOUND')
  return { caller, roles }
}

const LoginForm = z.object({
  step: z.enum(['send', 'verify']),
  phone: z.string().max(20),
  code: z.string().max(10).optional(),
  challenge: z.string().max(64).optional(),
  /** the box "bind this WeChat too", offered after a WeChat linked to nobody came back from 网页授权 */
  linkWeChat: z.literal('1').optional(),
  next: z.string().max(300).optional(),
})

/** The signed-in caller's roles in a community (null when signed out or without a role there). */
async function communityRoles(c: Context<HonoEnv>, communityId: string) {
  const caller = await h5Caller(c)
  const roles = caller ? await rolesInCommunity(c.get('db'), c.get('clock'), caller, communityId) : null
  return { caller, roles: roles && roles.size ? roles : null }
}

export const h5Routes: AnyRoute[] = [
  // the bare address, opened in a browser, explains itself in words instead of answering 404 JSON
  getPage('/', '服务首页：这是什么、业主从哪里进入', z.object({}), async (c) => c.html(<HomePage />)),
  cachedForVisitors(getPage('/h5/c/:cid', '小区首页：公告栏、表决（本小区业主和工作人员）、逾期未公开的账目', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    const ctx = ctxOf(c)
    tagPage(c, cid)
    const community = await getCommunity(ctx, cid)
    const { caller, roles } = await communityRoles(c, cid)
    const reader = roles !== null && POLL_READERS.some((r) => roles.has(r))
    const now = ctx.clock.now()
    const polls = reader ? (await listPolls(ctx, cid, false)).map((p) => ({ id: p.id, title: p.title, status: displayStatus(p, now), opensAt: p.opensAt.toISOString(), closesAt: p.closesAt.toISOString() })) : null
    return c.html(
      <CommunityPage
        communityId={cid}
        name={community.name}
        notices={await listNotices(ctx, cid, false)}
        polls={polls}
        overdue={roles ? await overdueStatements(ctx, cid) : null}
        signedIn={caller !== null}
        canBind={caller !== null && !roles?.has('owner')}
      />,
    )
  })),
  getPage('/h5/c/:cid/contacts', '执法部门联系公示（公开）', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    const ctx = ctxOf(c)
    await getCommunity(ctx, cid)
    const board = (await listNotices(ctx, cid, false)).find((n) => n.kind === 'enforcement_contacts' && n.contacts?.length)
    const signedIn = (await h5Caller(c)) !== null
    return c.html(<ContactsPage communityId={cid} notice={board ? { ...board, contacts: board.contacts! } : null} signedIn={signedIn} />)
  }),
  cachedForVisitors(getPage('/h5/c/:cid/fees', '物业服务企业信息与收费标准（公开；高于指导价的收费标红）', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    const ctx = ctxOf(c)
    tagPage(c, cid)
    const schedule = await feeSchedule(ctx, cid)
    const profile = schedule.firm ? await getFirmProfile(ctx, cid).catch((e) => (e instanceof AppError && e.code === 'NOT_FOUND' ? null : Promise.reject(e))) : null
    const signedIn = (await h5Caller(c)) !== null
    return c.html(<FeesPage communityId={cid} profile={profile} schedule={schedule} signedIn={signedIn} />)
  })),
  route({
    method: 'get',
    path: '/h5/login',
    summary: '手机号验证码登录页',
    tags,
    access: access.public,
    query: z.object({ next: z.string().max(300).optional(), sms: z.literal('1').optional().describe('微信内也直接用短信验证码登录') }),
    responses: { ...html, 302: { description: '微信内：先静默网页授权，已绑定公众号的账号免验证码登录' } },
    handler: async (c, { query }) => {
      const next = safeNext(query.next)
      // inside WeChat, an owner whose WeChat is linked is signed in without a code (login.routes.tsx)
      if (!query.sms && canAuthorizeInWeChat(c)) return redirectToWeChatAuthorize(c, WECHAT_LOGIN_PATH, { next })
      return c.html(<LoginPage next={next} />)
    },
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
          const { challenge } = await sendOtp(ctxOf(c), phone)
          return c.html(<LoginPage next={next} phone={phone} challenge={challenge} offerWeChatLink={unlinkedWeChatOf(c) !== null} />)
        }
        const session = await verifyOtp(ctxOf(c), phone, f.code ?? '', f.challenge ?? '')
        setSessionCookies(c, session)
        const weChat = unlinkedWeChatOf(c)
        if (weChat) {
          if (f.linkWeChat) await linkOpenid(ctxOf(c), weChat, session.userId, 'sign_in')
          forgetUnlinkedWeChat(c)
        }
        return c.redirect(next, 303)
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        // a wrong code keeps the code form (its challenge has tries left); anything else starts again
        const retry = f.step === 'verify' && e.code === 'OTP_INVALID' && f.challenge ? f.challenge : undefined
        return c.html(<LoginPage next={next} phone={phone} challenge={retry} offerWeChatLink={retry !== undefined && unlinkedWeChatOf(c) !== null} error={messageOf(e)} />, e.status as 400)
      }
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
  getPage('/h5/c/:cid/accounts', '季度账目（本小区）：收支、环比同比、图表、逾期未公开', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    await accountsScope(c, cid)
    const period = c.req.query('period')
    const chosen = period && /^\d{4}Q[1-4]$/.test(period) ? period : undefined
    // the same page for every reader of the compound: checked above per reader, rendered once per change
    const body = await keptForCompound(c, cid, `accounts ${chosen ?? ''}`, async () => String(await (<AccountsPage communityId={cid} accounts={await quarterAccounts(ctxOf(c), cid, chosen)} signedIn />)))
    return c.html(body)
  }, z.object({ period: z.string().max(10).optional() })),
  ...h5PollRoutes,
  ...h5MeRoutes,
]
