import type { Context } from 'hono'
import * as z from 'zod'
import { ComplaintListReply, ComplaintRatesReply, ComplaintReply, DeskStepBody, DispatchBody, FileComplaintBody, QuarterQuery, ReviewBody } from '../../../shared/api/complaints'
import type { HonoEnv, Role } from '../../env'
import { tableDownload, XLSX_TYPE } from '../../lib/download'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { communityComplaintRates, complaintLedger, complaintRatesBy } from '../../services/oversight/complaint-ledger'
import { complaintCommunity, type DeskAction, deskStep, dispatchComplaint, fileComplaint, getComplaint, listComplaints, reviewComplaint } from '../../services/oversight/complaints'
import { CidParams } from '../params'

const tags = ['投诉（接诉即办）']
const CONCERNED: Role[] = ['owner', 'firm_staff', 'community_staff', 'department_staff', 'admin']
const SUPERVISORS: Role[] = ['community_staff', 'department_staff', 'admin']
const KidParams = z.object({ complaintId: z.string().min(1).max(40) })
const onComplaint = (roles: readonly Role[]) => access.community(roles, { param: 'complaintId', community: (c) => complaintCommunity(c.var, c.req.param('complaintId') ?? '') })
const rolesOf = (c: Context<HonoEnv>) => c.get('scope')!.roles

const deskRoute = (action: DeskAction, path: string, summary: string) =>
  route({
    method: 'post',
    path: `/api/complaints/:complaintId/${path}`,
    summary,
    tags,
    access: onComplaint(['firm_staff', 'department_staff']),
    params: KidParams,
    body: DeskStepBody,
    responses: { 200: { description: '已记录', schema: ComplaintReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await deskStep(ctxOf(c), params.complaintId, rolesOf(c), action, body.note) }),
  })

const ledgerRoute = (kind: 'csv' | 'xlsx') =>
  route({
    method: 'get',
    path: `/api/communities/:cid/complaints/ledger.${kind}`,
    summary: `投诉台账（${kind.toUpperCase()}，不含投诉人身份）`,
    tags,
    access: access.community(SUPERVISORS),
    params: CidParams,
    query: QuarterQuery,
    responses: { 200: { description: '台账文件', contentType: kind === 'csv' ? 'text/csv' : XLSX_TYPE } },
    handler: async (c, { params, query }) => {
      const rows = await complaintLedger(ctxOf(c), params.cid, query.quarter)
      return tableDownload(c, kind, `投诉台账-${query.quarter}`, [{ name: '投诉台账', rows }])
    },
  })

export const complaintRoutes = [
  route({
    method: 'post',
    path: '/api/communities/:cid/complaints',
    summary: '业主投诉本小区问题（按类别自动派单至物业或职能部门）',
    tags,
    access: access.community(['owner']),
    params: CidParams,
    body: FileComplaintBody,
    responses: { 201: { description: '已受理并派单', schema: ComplaintReply } },
    handler: async (c, { params, body }) => {
      const ctx = ctxOf(c)
      const row = await fileComplaint(ctx, params.cid, body)
      return { status: 201, json: await getComplaint(ctx, row.id, rolesOf(c)) }
    },
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/complaints',
    summary: '投诉列表（业主看自己的；物业看涉及本企业的；部门看本部门的；社区看全部）',
    tags,
    access: access.community(CONCERNED),
    params: CidParams,
    responses: { 200: { description: '新的在前', schema: ComplaintListReply } },
    handler: async (c, { params }) => ({ status: 200, json: { complaints: await listComplaints(ctxOf(c), params.cid, rolesOf(c)) } }),
  }),
  route({
    method: 'get',
    path: '/api/complaints/:complaintId',
    summary: '投诉详情与全部办理记录',
    tags,
    access: onComplaint(CONCERNED),
    params: KidParams,
    responses: { 200: { description: '投诉及每一步的时间、办理人', schema: ComplaintReply } },
    handler: async (c, { params }) => ({ status: 200, json: await getComplaint(ctxOf(c), params.complaintId, rolesOf(c)) }),
  }),
  deskRoute('contact', 'contact', '先行联系投诉人（1个工作日内）'),
  deskRoute('handle', 'handle', '记录处置措施'),
  deskRoute('resolve', 'resolve', '办结（待业主评价）'),
  deskRoute('send_back', 'send-back', '非本单位职责，退回社区改派（派单后2个工作日内，须说明理由）'),
  route({
    method: 'post',
    path: '/api/complaints/:complaintId/dispatch',
    summary: '社区指定或改派承办单位',
    tags,
    access: onComplaint(['community_staff']),
    params: KidParams,
    body: DispatchBody,
    responses: { 200: { description: '已派单', schema: ComplaintReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await dispatchComplaint(ctxOf(c), params.complaintId, rolesOf(c), body.desk, body.note) }),
  }),
  route({
    method: 'post',
    path: '/api/complaints/:complaintId/review',
    summary: '投诉人评价：满意则销号，不满意则重新办理',
    tags,
    access: onComplaint(['owner']),
    params: KidParams,
    body: ReviewBody,
    responses: { 200: { description: '已评价', schema: ComplaintReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await reviewComplaint(ctxOf(c), params.complaintId, rolesOf(c), body.satisfied, body.comment) }),
  }),
  ledgerRoute('csv'),
  ledgerRoute('xlsx'),
  route({
    method: 'get',
    path: '/api/communities/:cid/complaints/rates',
    summary: '本小区投诉的季度响应率、解决率、满意率（按承办单位）',
    tags,
    access: access.community(SUPERVISORS),
    params: CidParams,
    query: QuarterQuery,
    responses: { 200: { description: '各承办单位的三率', schema: ComplaintRatesReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: await communityComplaintRates(ctxOf(c), params.cid, query.quarter) }),
  }),
  route({
    method: 'get',
    path: '/api/districts/:district/complaint-rates',
    summary: '本区县各物业企业、各职能部门的季度响应率、解决率、满意率（住建部门）',
    tags,
    access: access.district(),
    params: z.object({ district: z.string().trim().min(1).max(50) }),
    query: QuarterQuery,
    responses: { 200: { description: '各承办单位的三率', schema: ComplaintRatesReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: await complaintRatesBy(ctxOf(c), { district: params.district }, query.quarter) }),
  }),
  route({
    method: 'get',
    path: '/api/firms/:firmId/complaint-rates',
    summary: '本企业的季度响应率、解决率、满意率（各小区合计）',
    tags,
    access: access.firm(),
    params: z.object({ firmId: z.string().min(1).max(40) }),
    query: QuarterQuery,
    responses: { 200: { description: '本企业的三率', schema: ComplaintRatesReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: await complaintRatesBy(ctxOf(c), { firmId: params.firmId }, query.quarter) }),
  }),
]
