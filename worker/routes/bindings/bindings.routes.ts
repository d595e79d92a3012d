import * as z from 'zod'
import {
  ApproveBindingBody,
  BindingListQuery,
  BindingListReply,
  BindingReply,
  RejectBindingBody,
  RequestBindingBody,
  ReviewBindingListReply,
} from '../../../shared/api/bindings'
import { access, route } from '../../lib/route'
import { bindingCommunity, decideBinding, listCommunityBindings, listMyBindings, requestBinding, revokeMyBinding } from '../../services/bindings/bindings'
import { ctxOf } from '../../services/context'
import { CidParams } from '../params'

const tags = ['房屋绑定']
const BidParams = z.object({ bid: z.string().min(1).max(40) })
const reviewers = access.community(['committee', 'community_staff'], {
  param: 'bid',
  community: (c) => bindingCommunity(c.get('db'), c.req.param('bid') ?? ''),
})

export const bindingRoutes = [
  route({
    method: 'post',
    path: '/api/communities/:cid/bindings',
    summary: '业主实名绑定房屋（与名册一致即时通过，否则待审核）',
    tags,
    access: access.signedIn,
    params: CidParams,
    body: RequestBindingBody,
    responses: { 201: { description: '绑定申请（verified 或 pending）', schema: BindingReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await requestBinding(ctxOf(c), params.cid, body) }),
  }),
  route({
    method: 'get',
    path: '/api/me/bindings',
    summary: '我的房屋绑定',
    tags,
    access: access.signedIn,
    responses: { 200: { description: '绑定列表', schema: BindingListReply } },
    handler: async (c) => ({ status: 200, json: { bindings: await listMyBindings(ctxOf(c)) } }),
  }),
  route({
    method: 'delete',
    path: '/api/me/bindings/:bid',
    summary: '解除我的房屋绑定',
    tags,
    access: access.signedIn,
    params: BidParams,
    responses: { 200: { description: '已解除', schema: BindingReply } },
    handler: async (c, { params }) => ({ status: 200, json: await revokeMyBinding(ctxOf(c), params.bid) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/bindings',
    summary: '本小区的绑定申请（审核用）',
    tags,
    access: access.community(['committee', 'community_staff']),
    params: CidParams,
    query: BindingListQuery,
    responses: { 200: { description: '申请及名册中该房屋的业主', schema: ReviewBindingListReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: { bindings: await listCommunityBindings(ctxOf(c), params.cid, query.status) } }),
  }),
  route({
    method: 'post',
    path: '/api/bindings/:bid/approve',
    summary: '通过绑定申请（选定名册中的业主）',
    tags,
    access: reviewers,
    params: BidParams,
    body: ApproveBindingBody,
    responses: { 200: { description: '已通过', schema: BindingReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await decideBinding(ctxOf(c), params.bid, { approve: true, ownerId: body.ownerId }) }),
  }),
  route({
    method: 'post',
    path: '/api/bindings/:bid/reject',
    summary: '驳回绑定申请（须说明理由）',
    tags,
    access: reviewers,
    params: BidParams,
    body: RejectBindingBody,
    responses: { 200: { description: '已驳回', schema: BindingReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await decideBinding(ctxOf(c), params.bid, { approve: false, reason: body.reason }) }),
  }),
]
