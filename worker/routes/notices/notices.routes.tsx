import { eq } from 'drizzle-orm'
import type { Context } from 'hono'
import * as z from 'zod'
import { notices } from '../../../drizzle/schema'
import type { HonoEnv } from '../../env'
import { tagPage } from '../../lib/page-cache'
import { access, route } from '../../lib/route'
import { NoticePage } from '../../pages/notice'
import { ctxOf } from '../../services/context'
import { checkedResult } from '../../services/results/check'
import { correctNotice, countScan, listNotices, noticeByCode, noticeCommunity, noticeRowByCode, postNotice, scansOf } from '../../services/notices/notices'
import { CidParams } from '../params'

const NoticeReply = z.object({
  id: z.string(),
  communityId: z.string(),
  kind: z.enum(['general', 'poll_announcement', 'result', 'disclosure', 'fee_change', 'enforcement_contacts']),
  title: z.string(),
  body: z.string(),
  contacts: z.array(z.object({ department: z.string(), handles: z.string(), phone: z.string() })).nullable(),
  pollId: z.string().nullable(),
  statementId: z.string().nullable().describe('信息公开公告：所公开的报表版本'),
  supersedesId: z.string().nullable(),
  code: z.string(),
  url: z.string().describe('公告的公开链接（二维码指向此处）'),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  pinned: z.boolean(),
  version: z.number().int(),
  issuerLabel: z.string(),
  publishedAt: z.string(),
})
export const tags = ['公告']

export const noticeRoutes = [
  route({
    method: 'get',
    path: '/api/communities/:cid/notices',
    summary: '小区公告栏（公开；默认只列出展示期内的公告）',
    tags,
    access: access.public,
    params: CidParams,
    query: z.object({ all: z.enum(['0', '1']).default('0').describe('1：包括已过展示期的公告') }),
    responses: { 200: { description: '公告，置顶在前', schema: z.object({ notices: z.array(NoticeReply) }) } },
    handler: async (c, { params, query }) => ({ status: 200, json: { notices: await listNotices(ctxOf(c), params.cid, query.all === '1') } }),
  }),
  route({
    method: 'get',
    path: '/api/notices/:code',
    summary: '按公告码查看公告（公开）',
    tags,
    access: access.public,
    params: z.object({ code: z.string().min(4).max(20) }),
    responses: { 200: { description: '公告', schema: NoticeReply } },
    handler: async (c, { params }) => ({ status: 200, json: await noticeByCode(ctxOf(c), params.code) }),
  }),
]

const NoticeBody = z.object({
  kind: z.enum(['general', 'disclosure', 'fee_change', 'enforcement_contacts']),
  title: z.string().trim().min(2).max(100),
  body: z.string().trim().min(1).max(20_000),
  contacts: z
    .array(z.object({ department: z.string().trim().min(1).max(30), handles: z.string().trim().min(1).max(200), phone: z.string().trim().min(3).max(40) }))
    .max(30)
    .optional()
    .describe('执法部门联系公示：公安、消防、城管、生态环境、规划、市场监管、住建等'),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  pinned: z.boolean().optional(),
})
const CorrectionBody = NoticeBody.omit({ kind: true })
export const CodeParams = z.object({ code: z.string().min(4).max(20) })

/** A notice as its page shows it (the poster adds its QR code: ./print.routes.tsx). */
export async function noticeView(c: Context<HonoEnv>, code: string) {
  const ctx = ctxOf(c)
  const n = await noticeRowByCode(ctx, code)
  const [newer] = await c.get('db').select({ code: notices.code }).from(notices).where(eq(notices.supersedesId, n.id))
  const url = `${ctx.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/n/${n.code}`
  return {
    row: n,
    view: {
      kind: n.kind,
      title: n.title,
      body: n.body,
      contacts: n.contacts ?? null,
      issuerLabel: n.issuerLabel,
      startsAt: n.startsAt.toISOString(),
      endsAt: n.endsAt?.toISOString() ?? null,
      version: n.version,
      supersededBy: newer ? `${ctx.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/n/${newer.code}` : null,
      communityId: n.communityId,
      pollId: n.pollId,
      statementId: n.statementId,
      ...(n.kind === 'result' && n.pollId ? { signature: (await checkedResult(ctx, n.pollId)).signature } : {}),
    },
    url,
  }
}

noticeRoutes.push(
  route({
    method: 'post',
    path: '/api/communities/:cid/notices',
    summary: '发布公告（通知：业委会、社区、物业；收费调整：物业；执法联系：社区）',
    tags,
    access: access.community(['committee', 'community_staff', 'firm_staff']),
    params: CidParams,
    body: NoticeBody,
    responses: { 201: { description: '已发布', schema: NoticeReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await postNotice(ctxOf(c), params.cid, c.get('scope')!.roles, body) }),
  }),
  route({
    method: 'post',
    path: '/api/notices/:nid/corrections',
    summary: '更正公告：发布新版本并替代原公告（原公告保留记录）',
    tags,
    access: access.community(['committee', 'community_staff', 'firm_staff'], { param: 'nid', community: (c) => noticeCommunity(c.var, c.req.param('nid') ?? '') }),
    params: z.object({ nid: z.string().min(1).max(40) }),
    body: CorrectionBody,
    responses: { 201: { description: '新版本', schema: NoticeReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await correctNotice(ctxOf(c), params.nid, c.get('scope')!.roles, body) }),
  }),
  route({
    method: 'get',
    path: '/api/notices/:nid/scans',
    summary: '扫码访问（按设备每日计一次；只存当日、当公告内有效的截断摘要，不记录扫码人）',
    tags,
    access: access.community(['committee', 'community_staff', 'firm_staff', 'admin'], { param: 'nid', community: (c) => noticeCommunity(c.var, c.req.param('nid') ?? '') }),
    params: z.object({ nid: z.string().min(1).max(40) }),
    responses: { 200: { description: '每日扫码访问设备数', schema: z.object({ label: z.string(), scans: z.array(z.object({ day: z.string(), count: z.number().int() })) }) } },
    handler: async (c, { params }) => ({ status: 200, json: await scansOf(ctxOf(c), params.nid) }),
  }),
  route({
    method: 'get',
    path: '/n/:code',
    // kept for visitors until the compound changes (a correction links the old page to the new)
    cache: 'page',
    summary: '扫码打开的公告页面（手机网页，无需登录）',
    tags,
    access: access.public,
    params: CodeParams,
    responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    handler: async (c, { params }) => {
      const { row, view } = await noticeView(c, params.code)
      const scan = (c: Context<HonoEnv>) => countScan(ctxOf(c), row, c.req.header('user-agent') ?? '')
      // a page served from memory still counts its scan (insert-only, once per device and day)
      tagPage(c, row.communityId, scan)
      await scan(c)
      return c.html(<NoticePage notice={view} />)
    },
  }),
)
