import { MyRatingReply, RatingBody, RatingSummaryReply, SavedRatingReply, QuarterQuery } from '../../../shared/api/complaints'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { communityRatings, myRating, rateFirm } from '../../services/oversight/ratings'
import { CidParams } from '../params'

const tags = ['业主评价物业']

export const ratingRoutes = [
  route({
    method: 'put',
    path: '/api/communities/:cid/ratings/mine',
    summary: '业主本季度评价物业（每位业主每季度一份，季度结束前可修改）',
    tags,
    access: access.community(['owner']),
    params: CidParams,
    body: RatingBody,
    responses: { 200: { description: '已保存（仅本人可见）', schema: SavedRatingReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await rateFirm(ctxOf(c), params.cid, body) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/ratings/mine',
    summary: '我本季度的评价',
    tags,
    access: access.community(['owner']),
    params: CidParams,
    responses: { 200: { description: '本季度的评价（未评价为 null）', schema: MyRatingReply } },
    handler: async (c, { params }) => ({ status: 200, json: await myRating(ctxOf(c), params.cid) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/ratings',
    summary: '本小区某季度的物业评价：各项分数分布与满意率（对照90%目标），从不显示单个业主的评价',
    tags,
    access: access.community(['owner', 'committee', 'firm_staff', 'community_staff', 'department_staff', 'admin']),
    params: CidParams,
    query: QuarterQuery,
    responses: { 200: { description: '汇总', schema: RatingSummaryReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: await communityRatings(ctxOf(c), params.cid, query.quarter) }),
  }),
]
