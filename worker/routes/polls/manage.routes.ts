/**
 * The committee's work on a poll: drafting, announcing, extending, amending or cancelling it,
 * recording how the notice reached each household, and hiding a comment. Apart from reading a poll
 * and its discussion (./polls.routes.ts), which owners do and the lean Worker serves.
 */
import { eq } from 'drizzle-orm'
import * as z from 'zod'
import { AmendBody, AnnounceBody, CancelBody, CommentReply, DeliveryBody, ExtendBody, HideCommentBody, PollDraftBody, PollReply } from '../../../shared/api/polls'
import { polls } from '../../../drizzle/schema'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { hideComment } from '../../services/polls/discussion'
import { recordDeliveries } from '../../services/polls/deliveries'
import { amendPoll, announcePoll, cancelPoll, draftPoll, extendPoll, updateDraft } from '../../services/polls/lifecycle'
import { CidParams } from '../params'
import { COMMITTEE, onPoll, PidParams, reply, tags } from './polls.routes'

export const pollManagementRoutes = [
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
      const [p] = await c.get('db').select().from(polls).where(eq(polls.id, params.pid))
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
