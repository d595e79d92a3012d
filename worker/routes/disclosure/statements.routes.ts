import { z } from 'zod'
import { OverdueReply, StatementBody, StatementDetailReply, StatementReply } from '../../../shared/api/disclosure'
import type { Role } from '../../env'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { listStatements, overdueStatements, publishStatement, statementCommunity, statementDetail } from '../../services/disclosure/statements'
import { CidParams } from '../communities/communities.routes'

const tags = ['物业信息公开']
const READERS: Role[] = ['owner', 'committee', 'firm_staff', 'community_staff', 'admin']

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
    access: access.community(READERS, { param: 'sid', community: (c) => statementCommunity(c.var, c.req.param('sid') ?? '') }),
    params: z.object({ sid: z.string().min(1).max(40) }),
    responses: { 200: { description: '报表', schema: StatementDetailReply } },
    handler: async (c, { params }) => ({ status: 200, json: await statementDetail(ctxOf(c), params.sid) }),
  }),
]
