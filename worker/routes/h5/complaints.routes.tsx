import type { Context } from 'hono'
import * as z from 'zod'
import { CidParams } from '../params'
import { FileComplaintBody } from '../../../shared/api/complaints'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type AnyRoute } from '../../lib/route'
import { ComplaintsPage } from '../../pages/complaints'
import { ctxOf } from '../../services/context'
import { complaintCommunity, fileComplaint, listComplaints, reviewComplaint } from '../../services/oversight/complaints'
import { rolesInCommunity } from '../../services/roles/resolve'
import { FORM, getPage, messageOf, page, readForm, tags } from './kit'
import { assertSameOrigin, h5Caller } from './session'

/**
 * Complaints (接诉即办) for owners without the mini-program: file one, follow it, and confirm or
 * reopen it. The same service as the API and the chat-bot (services/oversight/complaints.ts).
 */
const IdParams = z.object({ id: z.string().min(1).max(40) })

/** The signed-in owner's roles in the community; a person who is not an owner there is told so (`what` they cannot do). */
export async function ownerIn(c: Context<HonoEnv>, communityId: string, what = '投诉') {
  const caller = await h5Caller(c)
  if (!caller) throw new AppError('UNAUTHENTICATED')
  const roles = await rolesInCommunity(c.get('db'), c.get('clock'), caller, communityId)
  if (!roles?.has('owner')) throw new AppError('FORBIDDEN', { reason: 'not_an_owner_here' }, `只有本小区已绑定房屋的业主可以在这里${what}。`)
  return roles
}

/** The owner's own complaints: read as an owner, whatever other roles the person holds here. */
async function render(c: Context<HonoEnv>, cid: string, extra: { notice?: string; error?: string; form?: Record<string, string> } = {}) {
  const mine = await listComplaints(ctxOf(c), cid, new Set(['owner']))
  return c.html(<ComplaintsPage communityId={cid} complaints={mine} notice={extra.notice} error={extra.error} form={extra.form} />, extra.error ? 422 : 200)
}

const text = (v: unknown) => (typeof v === 'string' ? v : '')

export const h5ComplaintRoutes: AnyRoute[] = [
  getPage('/h5/c/:cid/complaints', '我的投诉与报修（业主：提交、查看进度、评价）', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    await ownerIn(c, cid)
    const notice = c.req.query('filed') ? '已受理。承办单位会在时限内先联系您。' : c.req.query('reviewed') ? '已收到您的评价。' : undefined
    return render(c, cid, { notice })
  }),
  route({
    method: 'post',
    path: '/h5/c/:cid/complaints',
    summary: '业主提交投诉（按类别派给物业或职能部门，按紧急程度定时限）',
    tags,
    access: access.public,
    params: CidParams,
    upload: { contentTypes: [FORM], description: 'category, place, body, hideFromFirm（1 为不让物业知道投诉人）' },
    responses: { 303: { description: '转到我的投诉' }, 422: { description: '未能提交（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const cid = c.req.param('cid')!
      await ownerIn(c, cid)
      const raw = await readForm(c)
      const form = { category: text(raw.category).slice(0, 40), place: text(raw.place).slice(0, 200), body: text(raw.body).slice(0, 2000) }
      const parsed = FileComplaintBody.safeParse({ ...form, photos: [], hideFromFirm: raw.hideFromFirm === '1' })
      if (!parsed.success) return render(c, cid, { error: parsed.error.issues[0]?.message ?? '请把表格填写完整。', form })
      try {
        await fileComplaint(ctxOf(c), cid, parsed.data)
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return render(c, cid, { error: messageOf(e), form })
      }
      return c.redirect(`/h5/c/${cid}/complaints?filed=1`, 303)
    }),
  }),
  route({
    method: 'post',
    path: '/h5/complaints/:id/review',
    summary: '业主评价已办结的投诉（满意则销号，不满意则重新办理）',
    tags,
    access: access.public,
    params: IdParams,
    upload: { contentTypes: [FORM], description: 'satisfied（yes 或 no）' },
    responses: { 303: { description: '转到我的投诉' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const id = c.req.param('id')!
      const cid = await complaintCommunity(ctxOf(c), id)
      if (!cid) throw new AppError('NOT_FOUND')
      const roles = await ownerIn(c, cid)
      const raw = await readForm(c)
      if (raw.satisfied !== 'yes' && raw.satisfied !== 'no') throw new AppError('VALIDATION_FAILED', { field: 'satisfied' })
      await reviewComplaint(ctxOf(c), id, roles, raw.satisfied === 'yes', null)
      return c.redirect(`/h5/c/${cid}/complaints?reviewed=1`, 303)
    }),
  }),
]
