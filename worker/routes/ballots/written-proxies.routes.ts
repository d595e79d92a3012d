/**
 * The committee's side of proxies (指导规则 第26条): a written proxy (授权委托书) an owner signed and
 * handed in, recorded so the person named votes online; its withdrawal; the poll's proxies. Office
 * work, so not in the lean Worker (routes/hot.ts).
 */
import * as z from 'zod'
import { ProxyReply } from '../../../shared/api/polls'
import { PollProxiesReply, WrittenProxyBody } from '../../../shared/api/written-proxies'
import { route } from '../../lib/route'
import { proxiesOfPoll, recordWrittenProxy, withdrawWrittenProxy } from '../../services/ballots/proxies'
import { ctxOf } from '../../services/context'
import { onPoll, PidParams } from '../polls/polls.routes'

const tags = ['投票']

export const writtenProxyRoutes = [
  route({
    method: 'post',
    path: '/api/polls/:pid/proxies/written',
    summary: '业委会录入业主签署的授权委托书（不用手机的业主：受托人收到消息后用这个手机号登录即可代投；原件由业委会留存）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    body: WrittenProxyBody,
    responses: { 201: { description: '已录入', schema: ProxyReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await recordWrittenProxy(ctxOf(c), params.pid, c.get('scope')!.communityId, body) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/proxies/:xid/withdrawal',
    summary: '业委会录入业主收回书面委托（只限业委会录入的授权委托书；受托人此后不能再投）',
    tags,
    access: onPoll(['committee']),
    params: PidParams.extend({ xid: z.string().min(1).max(40) }),
    responses: { 200: { description: '已收回', schema: ProxyReply } },
    handler: async (c, { params }) => ({ status: 200, json: await withdrawWrittenProxy(ctxOf(c), params.pid, params.xid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/proxies',
    summary: '本次表决的全部委托（业委会：哪一户、网上委托还是书面委托、受托人手机号部分隐藏、是否有效）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: '委托', schema: PollProxiesReply } },
    handler: async (c, { params }) => ({ status: 200, json: { proxies: await proxiesOfPoll(ctxOf(c), params.pid) } }),
  }),
]
