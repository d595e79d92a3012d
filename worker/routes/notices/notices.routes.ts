import { z } from 'zod'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { listNotices, noticeByCode } from '../../services/notices/notices'
import { CidParams } from '../communities/communities.routes'

const NoticeReply = z.object({
  id: z.string(),
  communityId: z.string(),
  kind: z.enum(['general', 'poll_announcement', 'result', 'disclosure', 'fee_change', 'enforcement_contacts']),
  title: z.string(),
  body: z.string(),
  pollId: z.string().nullable(),
  code: z.string(),
  url: z.string().describe('公告的公开链接（二维码指向此处）'),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  pinned: z.boolean(),
  version: z.number().int(),
  issuerLabel: z.string(),
  publishedAt: z.string(),
})
const tags = ['公告']

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
