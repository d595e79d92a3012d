import * as z from 'zod'
import { EmergencyReviewBody, EmergencyUseBody, EmergencyUseReply } from '../../../shared/api/disclosure'
import type { Role } from '../../env'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { confirmEmergency, emergencyCommunity, listEmergencies, recordEmergency, reviewEmergency } from '../../services/disclosure/emergency'
import { CidParams } from '../params'

const tags = ['物业信息公开']
const READERS: Role[] = ['owner', 'committee', 'firm_staff', 'community_staff', 'admin']
const EidParams = z.object({ eid: z.string().min(1).max(40) })
const onEmergency = (roles: readonly Role[]) => access.community(roles, { param: 'eid', community: (c) => emergencyCommunity(c.var, c.req.param('eid') ?? '') })

export const emergencyRoutes = [
  route({
    method: 'post',
    path: '/api/communities/:cid/emergency-uses',
    summary: '业委会批准应急使用专项维修资金（记录险情与维修内容；须经社区确认后生效）',
    tags,
    access: access.community(['committee']),
    params: CidParams,
    body: EmergencyUseBody,
    responses: { 201: { description: '已批准，待社区确认', schema: EmergencyUseReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await recordEmergency(ctxOf(c), params.cid, body) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/emergency-uses',
    summary: '应急使用专项维修资金记录',
    tags,
    access: access.community(READERS),
    params: CidParams,
    responses: { 200: { description: '记录，新的在前', schema: z.object({ emergencyUses: z.array(EmergencyUseReply) }) } },
    handler: async (c, { params }) => ({ status: 200, json: { emergencyUses: await listEmergencies(ctxOf(c), params.cid) } }),
  }),
  route({
    method: 'post',
    path: '/api/emergency-uses/:eid/confirm',
    summary: '社区确认应急使用（随即公告施工）',
    tags,
    access: onEmergency(['community_staff']),
    params: EidParams,
    responses: { 200: { description: '已确认', schema: EmergencyUseReply } },
    handler: async (c, { params }) => ({ status: 200, json: await confirmEmergency(ctxOf(c), params.eid) }),
  }),
  route({
    method: 'post',
    path: '/api/emergency-uses/:eid/review',
    summary: '完工审核：实际费用与说明（公示）',
    tags,
    access: onEmergency(['committee']),
    params: EidParams,
    body: EmergencyReviewBody,
    responses: { 200: { description: '已审核并公示', schema: EmergencyUseReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await reviewEmergency(ctxOf(c), params.eid, body) }),
  }),
]
