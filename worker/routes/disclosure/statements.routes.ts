import { z } from 'zod'
import { AnswerBody, ObjectionBody, ObjectionReply, OverdueReply, StatementBody, StatementDetailReply, StatementReply } from '../../../shared/api/disclosure'
import type { Role } from '../../env'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { listStatements, overdueStatements, publishStatement, statementCommunity, statementDetail } from '../../services/disclosure/statements'
import { answerObjection, listObjections, objectionCommunity, postObjection } from '../../services/disclosure/objections'
import { CidParams } from '../communities/communities.routes'

const tags = ['物业信息公开']
const READERS: Role[] = ['owner', 'committee', 'firm_staff', 'community_staff', 'admin']
const SidParams = z.object({ sid: z.string().min(1).max(40) })
const onStatement = (roles: readonly Role[]) => access.community(roles, { param: 'sid', community: (c) => statementCommunity(c.var, c.req.param('sid') ?? '') })

export const statementRoutes = [
  route({
    method: 'post',
    path: '/api/communities/:cid/statements',
    summary: '发布定期报表（物业：服务费、公共收益等；业委会：维修资金、工作经费）；再次发布同一期即为更正',
    tags,
    access: access.community(['firm_staff', 'committee']),
    params: CidParams,
    body: StatementBody,
    responses: { 201: { description: '已发布（不可修改）', schema: StatementReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await publishStatement(ctxOf(c), params.cid, c.var.scope!.roles, body) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/statements',
    summary: '已发布的报表（每期最新版本）',
    tags,
    access: access.community(READERS),
    params: CidParams,
    responses: { 200: { description: '报表', schema: z.object({ statements: z.array(StatementReply) }) } },
    handler: async (c, { params }) => ({ status: 200, json: { statements: await listStatements(ctxOf(c), params.cid) } }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/statements/overdue',
    summary: '逾期未公布的报表（业主、业委会、社区均可查看）',
    tags,
    access: access.community(READERS),
    params: CidParams,
    responses: { 200: { description: '逾期清单', schema: OverdueReply } },
    handler: async (c, { params }) => ({ status: 200, json: { overdue: await overdueStatements(ctxOf(c), params.cid) } }),
  }),
  route({
    method: 'get',
    path: '/api/statements/:sid',
    summary: '报表详情：全部版本及与上一版本的差异',
    tags,
    access: onStatement(READERS),
    params: SidParams,
    responses: { 200: { description: '报表', schema: StatementDetailReply } },
    handler: async (c, { params }) => ({ status: 200, json: await statementDetail(ctxOf(c), params.sid) }),
  }),
  route({
    method: 'get',
    path: '/api/statements/:sid/objections',
    summary: '对报表的异议与答复（本小区公开）',
    tags,
    access: onStatement(READERS),
    params: SidParams,
    responses: { 200: { description: '异议，早的在前', schema: z.object({ objections: z.array(ObjectionReply) }) } },
    handler: async (c, { params }) => ({ status: 200, json: { objections: await listObjections(ctxOf(c), params.sid) } }),
  }),
  route({
    method: 'post',
    path: '/api/statements/:sid/objections',
    summary: '业主在公示期内对报表某一行提出异议',
    tags,
    access: onStatement(['owner']),
    params: SidParams,
    body: ObjectionBody,
    responses: { 201: { description: '已提出', schema: ObjectionReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await postObjection(ctxOf(c), params.sid, body) }),
  }),
  route({
    method: 'post',
    path: '/api/objections/:oid/answer',
    summary: '公开答复异议（物业报表由该物业答复，业委会报表由业委会答复；只能答复一次）',
    tags,
    access: access.community(['firm_staff', 'committee'], { param: 'oid', community: (c) => objectionCommunity(c.var, c.req.param('oid') ?? '') }),
    params: z.object({ oid: z.string().min(1).max(40) }),
    body: AnswerBody,
    responses: { 200: { description: '已答复', schema: ObjectionReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await answerObjection(ctxOf(c), params.oid, c.var.scope!.roles, body) }),
  }),
]
