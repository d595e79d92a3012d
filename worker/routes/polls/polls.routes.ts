import { eq } from 'drizzle-orm'
import * as z from 'zod'
import {
  AmendBody,
  AnnounceBody,
  CancelBody,
  CommentBody,
  CommentListReply,
  CommentReply,
  DeliveryBody,
  ExtendBody,
  HideCommentBody,
  PollDraftBody,
  PollListReply,
  PollReply,
  TurnoutReply,
} from '../../../shared/api/polls'
import { polls } from '../../../drizzle/schema'
import type { Role } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type ScopeLoader } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { hideComment, listComments, postComment } from '../../services/polls/discussion'
import { recordDeliveries } from '../../services/polls/deliveries'
import {
  amendPoll,
  announcePoll,
  candidatesOf,
  cancelPoll,
  draftPoll,
  extendPoll,
  listPolls,
  pollCommunity,
  pollEventsOf,
  presentPoll,
  updateDraft,
  type PollRow,
} from '../../services/polls/lifecycle'
import { turnout } from '../../services/results/turnout'
import { CidParams } from '../communities/communities.routes'

const tags = ['表决（一事一议）']
export const PidParams = z.object({ pid: z.string().min(1).max(40) })
const COMMUNITY_READERS: Role[] = ['owner', 'committee', 'community_staff', 'admin']
const COMMITTEE: Role[] = ['committee']

/** Access through the poll's community (404 for an unknown poll). */
export const onPoll = (roles: readonly Role[], load?: ScopeLoader) =>
  access.community(roles, { param: 'pid', community: (c) => pollCommunity(c.var.db, c.req.param('pid') ?? ''), load })

async function reply(c: Parameters<Parameters<typeof route>[0]['handler']>[0], p: PollRow, status = 200) {
  return { status, json: presentPoll(p, c.var.clock.now(), await pollEventsOf(c.var.db, p.id), await candidatesOf(c.var.db, p.id)) }
}

export const pollRoutes = [
  route({
    method: 'post',
    path: '/api/communities/:cid/polls',
    summary: '起草表决议题（事项类别由起草人认定并记录）',
    tags,
    access: access.community(COMMITTEE),
    params: CidParams,
    body: PollDraftBody,
    responses: { 201: { description: '草稿', schema: PollReply } },
    handler: async (c, { params, body }) => reply(c, await draftPoll(ctxOf(c), params.cid, body), 201),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/polls',
    summary: '小区的表决（草稿仅业委会可见）',
    tags,
    access: access.community(COMMUNITY_READERS),
    params: CidParams,
    responses: { 200: { description: '表决列表', schema: PollListReply } },
    handler: async (c, { params }) => {
      const rows = await listPolls(ctxOf(c), params.cid, c.var.scope!.roles.has('committee'))
      const now = c.var.clock.now()
      return { status: 200, json: { polls: rows.map((p) => { const { body: _b, events: _e, candidates: _c, ...rest } = presentPoll(p, now, []); return rest }) } }
    },
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid',
    summary: '表决详情（含全部公告：延期、更正、取消）',
    tags,
    access: onPoll(COMMUNITY_READERS),
    params: PidParams,
    responses: { 200: { description: '表决', schema: PollReply } },
    handler: async (c, { params }) => {
      const [p] = await c.var.db.select().from(polls).where(eq(polls.id, params.pid))
      if (p!.status === 'draft' && !c.var.scope!.roles.has('committee')) throw new AppError('NOT_FOUND')
      return reply(c, p!)
    },
  }),
  route({
    method: 'put',
    path: '/api/polls/:pid',
    summary: '修改草稿（公告后不可修改）',
    tags,
    access: onPoll(COMMITTEE),
    params: PidParams,
    body: PollDraftBody,
    responses: { 200: { description: '草稿', schema: PollReply } },
    handler: async (c, { params, body }) => reply(c, await updateDraft(ctxOf(c), params.pid, body)),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/announce',
    summary: '发布表决公告：冻结议题文本、名册版本与投票权人',
    tags,
    access: onPoll(COMMITTEE),
    params: PidParams,
    body: AnnounceBody,
    responses: { 200: { description: '已公告', schema: PollReply } },
    handler: async (c, { params, body }) => reply(c, await announcePoll(ctxOf(c), params.pid, body.noticeOverrideReason)),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/extend',
    summary: '延长表决期（公告；累计不超过3个月）',
    tags,
    access: onPoll(COMMITTEE),
    params: PidParams,
    body: ExtendBody,
    responses: { 200: { description: '已延长', schema: PollReply } },
    handler: async (c, { params, body }) => reply(c, await extendPoll(ctxOf(c), params.pid, body.closesAt, body.reason)),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/amendments',
    summary: '发布更正公告（公告后议题的唯一变更方式）',
    tags,
    access: onPoll(COMMITTEE),
    params: PidParams,
    body: AmendBody,
    responses: { 200: { description: '已公告', schema: PollReply } },
    handler: async (c, { params, body }) => {
      await amendPoll(ctxOf(c), params.pid, body)
      const [p] = await c.var.db.select().from(polls).where(eq(polls.id, params.pid))
      return reply(c, p!)
    },
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/cancel',
    summary: '取消表决（须说明理由并公告）',
    tags,
    access: onPoll(COMMITTEE),
    params: PidParams,
    body: CancelBody,
    responses: { 200: { description: '已取消', schema: PollReply } },
    handler: async (c, { params, body }) => reply(c, await cancelPoll(ctxOf(c), params.pid, body.reason)),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/deliveries',
    summary: '登记表决通知的送达（随多数规则只对有送达记录者适用）',
    tags,
    access: onPoll(COMMITTEE),
    params: PidParams,
    body: DeliveryBody,
    responses: { 201: { description: '已登记', schema: z.object({ recorded: z.number().int() }) } },
    handler: async (c, { params, body }) => ({ status: 201, json: await recordDeliveries(ctxOf(c), params.pid, body) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/turnout',
    summary: '参与情况（面积与人数对照三分之二线）；表决期间默认不公开各选项票数',
    tags,
    access: onPoll(COMMUNITY_READERS),
    params: PidParams,
    responses: { 200: { description: '参与情况', schema: TurnoutReply } },
    handler: async (c, { params }) => ({ status: 200, json: await turnout(ctxOf(c), params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/comments',
    summary: '议题讨论（被隐藏的帖子保留记录并显示理由）',
    tags,
    access: onPoll(COMMUNITY_READERS),
    params: PidParams,
    responses: { 200: { description: '讨论', schema: CommentListReply } },
    handler: async (c, { params }) => ({ status: 200, json: { comments: await listComments(ctxOf(c), params.pid) } }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/comments',
    summary: '发表或回复讨论（本次表决的业主与业委会）',
    tags,
    access: onPoll(['owner', 'committee']),
    params: PidParams,
    body: CommentBody,
    responses: { 201: { description: '已发表', schema: CommentReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await postComment(ctxOf(c), params.pid, c.var.scope!.communityId, c.var.scope!.roles, body) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/comments/:cmid/hide',
    summary: '隐藏帖子（须记录理由，原文保留）',
    tags,
    access: onPoll(COMMITTEE),
    params: PidParams.extend({ cmid: z.string().min(1).max(40) }),
    body: HideCommentBody,
    responses: { 200: { description: '已隐藏', schema: CommentReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await hideComment(ctxOf(c), params.pid, params.cmid, body.reason) }),
  }),
]
