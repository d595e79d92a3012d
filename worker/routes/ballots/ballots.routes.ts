import type { Context } from 'hono'
import * as z from 'zod'
import { BallotBody, BallotReply, MyBallotsReply, PaperBallotBody, ProxyBody, ProxyReply } from '../../../shared/api/polls'
import type { HonoEnv } from '../../env'
import { route } from '../../lib/route'
import { castBallot } from '../../services/ballots/cast'
import { checkBallotContent } from '../../services/ballots/content'
import { explainNotCastable, pickVoter } from '../../services/ballots/eligibility'
import { loadVoteScope } from '../../services/ballots/vote-context'
import { grantProxy, revokeProxy } from '../../services/ballots/proxies'
import { myBallots } from '../../services/ballots/read'
import { enterPaperBallot } from '../../services/ballots/paper'
import { actorOf, ctxOf } from '../../services/context'
import { onPoll, PidParams } from '../polls/polls.routes'

const tags = ['投票']
const KEY_RULE = 'Idempotency-Key 须为8至100个可见 ASCII 字符'
/** A retry with the same key gets the ballot it already cast (services/ballots/cast.ts). */
const IdempotencyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .min(8, { error: KEY_RULE })
    .max(100, { error: KEY_RULE })
    .regex(/^[\x21-\x7e]+$/, { error: KEY_RULE })
    .optional()
    .describe('客户端为这一次投票生成的唯一值（8至100个可见 ASCII 字符）；网络不好重试时带同一个值，不会重复投票，返回原来的票'),
})
const idempotencyKey = (c: Context<HonoEnv>) => c.req.header('idempotency-key')

export const ballotRoutes = [
  route({
    method: 'post',
    path: '/api/polls/:pid/ballots',
    summary: '投票（一户一票，覆盖该投票权人的全部房屋；带 Idempotency-Key 重试不会重复投票）',
    tags,
    // the caller, the poll, the role, the voters and the poll's kind in one query (vote-context.ts)
    access: onPoll(['owner', 'proxy'], loadVoteScope),
    params: PidParams,
    headers: IdempotencyHeader,
    body: BallotBody,
    responses: { 201: { description: '已投票', schema: BallotReply.extend({ replayed: z.boolean() }) }, 200: { description: '同一 Idempotency-Key 的重试：返回原来的票', schema: BallotReply.extend({ replayed: z.boolean() }) } },
    handler: async (c, { params, body }) => {
      const ctx = ctxOf(c)
      const communityId = c.get('scope')!.communityId
      const key = idempotencyKey(c)
      const known = c.get('voteContext')
      const voter = known.voters.length ? pickVoter(known.voters, body.voterId) : await explainNotCastable(ctx.db, params.pid, communityId, actorOf(ctx).userId)
      const content = checkBallotContent(known.poll, known.candidateIds, body, { paper: false })
      const out = await castBallot(ctx, {
        pollId: params.pid,
        communityId,
        voterId: voter.voterId,
        ...content,
        channel: voter.via === 'proxy' ? 'proxy' : body.channel,
        proxyId: voter.via === 'proxy' ? voter.proxyId : null,
        ownerCasting: voter.via === 'owner',
        idempotencyKey: key,
      })
      return { status: out.replayed ? 200 : 201, json: out }
    },
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/ballots/mine',
    summary: '我的投票（含所有版本和组织者代录的纸质票，可据此提出异议；受托人看到自己代投的票）',
    tags,
    access: onPoll(['owner', 'proxy']),
    params: PidParams,
    responses: { 200: { description: '我的投票', schema: MyBallotsReply } },
    handler: async (c, { params }) => ({ status: 200, json: await myBallots(ctxOf(c), params.pid, c.get('scope')!.communityId) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/paper-ballots',
    summary: '录入纸质表决票（附签字表决票照片的哈希；业主可在“我的投票”中看到并提出异议）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    headers: IdempotencyHeader,
    body: PaperBallotBody,
    responses: { 201: { description: '已录入', schema: BallotReply.extend({ replayed: z.boolean() }) }, 200: { description: '重试', schema: BallotReply.extend({ replayed: z.boolean() }) } },
    handler: async (c, { params, body }) => {
      const out = await enterPaperBallot(ctxOf(c), params.pid, c.get('scope')!.communityId, body, idempotencyKey(c))
      return { status: out.replayed ? 200 : 201, json: out }
    },
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/proxies',
    summary: '委托他人代为投票（仅本次表决；随时可撤销；业主本人投票后委托即终止）',
    tags,
    access: onPoll(['owner']),
    params: PidParams,
    body: ProxyBody,
    responses: { 201: { description: '已委托', schema: ProxyReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await grantProxy(ctxOf(c), params.pid, c.get('scope')!.communityId, body) }),
  }),
  route({
    method: 'delete',
    path: '/api/polls/:pid/proxies/:xid',
    summary: '撤销委托（随时可撤销：受托人此后不能再投；已投的委托票在业主本人投票前有效）',
    tags,
    access: onPoll(['owner']),
    params: PidParams.extend({ xid: z.string().min(1).max(40) }),
    responses: { 200: { description: '已撤销', schema: ProxyReply } },
    handler: async (c, { params }) => ({ status: 200, json: await revokeProxy(ctxOf(c), params.pid, params.xid) }),
  }),
]
