import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import * as z from 'zod'
import { CidParams } from '../params'
import { maskPhone } from '../../../shared/phone'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type AnyRoute } from '../../lib/route'
import { BindingPage, BindPage, MePage, MyBindingsPage } from '../../pages/binding'
import { BIG_TEXT_COOKIE } from '../../pages/layout'
import { describeMe } from '../../services/auth/me'
import { listMyBindings, myBinding, requestBinding, revokeMyBinding } from '../../services/bindings/bindings'
import { bindingChoices } from '../../services/bindings/choices'
import { getCommunity } from '../../services/communities/communities'
import { ctxOf } from '../../services/context'
import { FORM, getPage, html, messageOf, page, readForm, safeNext, tags } from './kit'
import { assertSameOrigin, h5Caller } from './session'

/**
 * "我的" on the H5 pages: the signed-in person's communities, binding a flat (实名绑定) and the
 * list that ends bindings, and the 大字 switch. An owner with no mini-program becomes a voter here.
 */
const BidParams = z.object({ bid: z.string().min(1).max(40) })
const BindForm = z.object({
  building: z.string().trim().min(1).max(30),
  unit: z.string().trim().max(30).default(''),
  room: z.string().trim().min(1).max(30),
  name: z.string().trim().min(1, '请填写业主姓名').max(50),
  idNumber: z.string().trim().min(15, '证件号码位数不对').max(20, '证件号码位数不对'),
})

async function signedIn(c: Context<HonoEnv>) {
  const caller = await h5Caller(c)
  if (!caller) throw new AppError('UNAUTHENTICATED')
  return caller
}

async function mePage(c: Context<HonoEnv>, justSignedIn: boolean) {
  const caller = await signedIn(c)
  const ctx = ctxOf(c)
  const me = await describeMe(ctx, caller)
  const pending = (await listMyBindings(ctx)).filter((b) => b.status === 'pending').length
  return c.html(<MePage phoneMasked={me.phone ? maskPhone(me.phone) : null} justSignedIn={justSignedIn} communities={me.communities} proxyPolls={me.proxyPolls} pending={pending} />)
}

async function renderBind(c: Context<HonoEnv>, cid: string, pick: { building?: string; unit?: string }, extra: { name?: string; error?: string } = {}) {
  await signedIn(c)
  const ctx = ctxOf(c)
  const community = await getCommunity(ctx, cid)
  const choices = await bindingChoices(ctx, cid, pick)
  return c.html(<BindPage communityId={cid} communityName={community.name} choices={choices} name={extra.name} error={extra.error} />, extra.error ? 422 : 200)
}

export const h5MeRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/h5/text-size',
    summary: '大字 / 标准字切换（写入显示偏好 Cookie 后回到原页面）',
    tags,
    access: access.public,
    query: z.object({ size: z.enum(['big', 'normal']).optional(), back: z.string().max(300).optional() }),
    responses: { 303: { description: '回到原页面' } },
    handler: async (c, { query }) => {
      // a display preference only: nothing is authorised by it, so a plain link may set it
      setCookie(c, BIG_TEXT_COOKIE, query.size === 'normal' ? '0' : '1', { path: '/', maxAge: 365 * 86_400, sameSite: 'Lax', httpOnly: true })
      return c.redirect(safeNext(query.back, '/h5/me'), 303)
    },
  }),
  route({
    method: 'get',
    path: '/h5/login/done',
    summary: '登录成功页：我的小区与下一步',
    tags,
    access: access.public,
    responses: html,
    handler: page((c) => mePage(c, true)),
  }),
  route({
    method: 'get',
    path: '/h5/me',
    summary: '我的：所在小区、角色、房屋绑定',
    tags,
    access: access.public,
    responses: html,
    handler: page((c) => mePage(c, false)),
  }),
  getPage(
    '/h5/c/:cid/bind',
    '绑定房屋：从业主名册中依次选择楼栋、单元、房号，再填写姓名和证件号码',
    CidParams,
    (c) => renderBind(c, c.req.param('cid')!, { building: c.req.query('building'), unit: c.req.query('unit') }),
    z.object({ building: z.string().max(30).optional(), unit: z.string().max(30).optional() }),
  ),
  route({
    method: 'post',
    path: '/h5/c/:cid/bind',
    summary: '提交房屋绑定（与名册一致即时通过，否则待审核；重新提交取代同一房屋待审核的申请）',
    tags,
    access: access.public,
    params: CidParams,
    upload: { contentTypes: [FORM], description: 'building, unit, room（均取自名册列表）, name, idNumber' },
    responses: { 303: { description: '转到该申请的状态页' }, 422: { description: '未能提交（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const cid = c.req.param('cid')!
      await signedIn(c)
      const raw = await readForm(c)
      const pick = { building: typeof raw.building === 'string' ? raw.building : undefined, unit: typeof raw.unit === 'string' ? raw.unit : undefined }
      const name = typeof raw.name === 'string' ? raw.name.slice(0, 50) : undefined
      const parsed = BindForm.safeParse(raw)
      if (!parsed.success) return renderBind(c, cid, pick, { name, error: parsed.error.issues[0]?.message ?? '请把表格填写完整。' })
      try {
        const b = await requestBinding(ctxOf(c), cid, parsed.data, { replacePending: true })
        return c.redirect(`/h5/me/bindings/${b.id}?new=1`, 303)
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED' || e.code === 'NOT_FOUND') throw e
        // already bound to this flat: show that binding rather than a refusal
        if (e.code === 'BINDING_DUPLICATE') return c.redirect(`/h5/me/bindings/${(e.details as { bindingId: string }).bindingId}`, 303)
        return renderBind(c, cid, pick, { name, error: messageOf(e) })
      }
    }),
  }),
  route({
    method: 'get',
    path: '/h5/me/bindings',
    summary: '我的房屋：全部绑定及其状态',
    tags,
    access: access.public,
    responses: html,
    handler: page(async (c) => {
      const caller = await signedIn(c)
      const ctx = ctxOf(c)
      const bindings = await listMyBindings(ctx)
      const me = await describeMe(ctx, caller)
      return c.html(<MyBindingsPage bindings={bindings} communityId={bindings[0]?.communityId ?? me.communities[0]?.communityId ?? null} />)
    }),
  }),
  getPage(
    '/h5/me/bindings/:bid',
    '一份房屋绑定：状态、原因、下一步；可解除或撤回',
    BidParams,
    async (c) => {
      await signedIn(c)
      return c.html(<BindingPage binding={await myBinding(ctxOf(c), c.req.param('bid')!)} justSubmitted={c.req.query('new') === '1'} />)
    },
    z.object({ new: z.string().max(1).optional() }),
  ),
  route({
    method: 'post',
    path: '/h5/me/bindings/:bid/end',
    summary: '解除房屋绑定或撤回待审核的申请',
    tags,
    access: access.public,
    params: BidParams,
    upload: { contentTypes: [FORM], description: '无字段' },
    responses: { 303: { description: '转到该绑定的状态页' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      await signedIn(c)
      const bid = c.req.param('bid')!
      await revokeMyBinding(ctxOf(c), bid)
      return c.redirect(`/h5/me/bindings/${bid}`, 303)
    }),
  }),
]
