import { eq } from 'drizzle-orm'
import * as z from 'zod'
import { CommentBody, CommentListReply, CommentReply, PollListReply, PollReply, TurnoutReply } from '../../../shared/api/polls'
import { polls } from '../../../drizzle/schema'
import type { Role } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type ScopeLoader } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { listComments, postComment } from '../../services/polls/discussion'
import { candidatesOf, listPolls, pollCommunity, pollEventsOf, presentPoll, type PollRow } from '../../services/polls/lifecycle'
import { seesLiveTurnout, turnout } from '../../services/results/turnout'
import { CidParams } from '../params'

export const tags = ['表决（一事一议）']
export const PidParams = z.object({ pid: z.string().min(1).max(40) })
const COMMUNITY_READERS: Role[] = ['owner', 'committee', 'community_staff', 'admin']
export const COMMITTEE: Role[] = ['committee']

/** Access through the poll's community (404 for an unknown poll). */
export const onPoll = (roles: readonly Role[], load?: ScopeLoader) =>
  access.community(roles, { param: 'pid', community: (c) => pollCommunity(c.get('db'), c.req.param('pid') ?? ''), load })

/** A poll as the API shows it, with its events and candidates. */
export async function reply(c: Parameters<Parameters<typeof route>[0]['handler']>[0], p: PollRow, status = 200) {
  return { status, json: presentPoll(p, c.get('clock').now(), await pollEventsOf(c.get('db'), p.id), await candidatesOf(c.get('db'), p.id)) }
}

export const pollRoutes = [
  route({
    method: 'get',
    path: '/api/communities/:cid/polls',
    summary: '小区的表决（草稿仅业委会可见）',
    tags,
    access: access.community(COMMUNITY_READERS),
    params: CidParams,
    responses: { 200: { description: '表决列表', schema: PollListReply } },
    handler: async (c, { params }) => {
      const rows = await listPolls(ctxOf(c), params.cid, c.get('scope')!.roles.has('committee'))
      const now = c.get('clock').now()
      return { status: 200, json: { polls: rows.map((p) => { const { body: _b, events: _e, candidates: _c, ...rest } = presentPoll(p, now, []); return rest }) } }
    },
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid',
    summary: '表决详情（含全部公告：延期、更正、取消）',
    tags,
    // a proxy who owns no flat here reads the poll they vote in, and only that one
    access: onPoll([...COMMUNITY_READERS, 'proxy']),
    params: PidParams,
    responses: { 200: { description: '表决', schema: PollReply } },
    handler: async (c, { params }) => {
      const [p] = await c.get('db').select().from(polls).where(eq(polls.id, params.pid))
      if (p!.status === 'draft' && !c.get('scope')!.roles.has('committee')) throw new AppError('NOT_FOUND')
      return reply(c, p!)
    },
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/turnout',
    summary: '参与情况（面积与人数对照三分之二线）；表决期间默认不公开各选项票数',
    tags,
    access: onPoll(COMMUNITY_READERS),
    params: PidParams,
    responses: { 200: { description: '参与情况', schema: TurnoutReply } },
    handler: async (c, { params }) => ({ status: 200, json: await turnout(ctxOf(c), params.pid, { fresh: seesLiveTurnout(c.get('scope')!.roles) }) }),
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
    handler: async (c, { params, body }) => ({ status: 201, json: await postComment(ctxOf(c), params.pid, c.get('scope')!.communityId, c.get('scope')!.roles, body) }),
  }),
]
