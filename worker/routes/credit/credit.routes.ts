import * as z from 'zod'
import { AppealBody, ComputeListBody, CreditFileReply, CreditSchemeBody, CreditSchemeReply, CreditListReply, CreditRecordBody, CreditRecordReply, DecideBody, GenerateBody, GenerateReply, ListQuarter } from '../../../shared/api/credit'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { computeList, getList, publishList } from '../../services/oversight/credit-list'
import { getDistrictScheme, publishDistrictScheme } from '../../services/oversight/credit-scheme'
import { appealRecord, creditFile, decideAppeal, enterRecord, generateRecords, recordKeys } from '../../services/oversight/credit'

const tags = ['物业企业信用档案']
const DistrictParams = z.object({ district: z.string().trim().min(1).max(50) })
const FirmParams = z.object({ firmId: z.string().min(1).max(40) })
const RecordParams = z.object({ recordId: z.string().min(1).max(40) })

export const creditRoutes = [
  route({
    method: 'post',
    path: '/api/districts/:district/credit-records',
    summary: '住建部门录入信用记录（表彰、处罚、一票否决等，须附证据）',
    tags,
    access: access.district(),
    params: DistrictParams,
    body: CreditRecordBody,
    responses: { 201: { description: '已记入档案', schema: CreditRecordReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await enterRecord(ctxOf(c), params.district, body) }),
  }),
  route({
    method: 'post',
    path: '/api/districts/:district/credit-records/generate',
    summary: '由本系统数据生成某季度的信用记录（投诉超时、满意率、报表逾期或迟报、超指导价收费、公共收益和维修资金报表公示后更正或异议未答复；可重复执行）',
    tags,
    access: access.district(),
    params: DistrictParams,
    body: GenerateBody,
    responses: { 200: { description: '本次新增的记录', schema: GenerateReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await generateRecords(ctxOf(c), params.district, body.quarter) }),
  }),
  route({
    method: 'get',
    path: '/api/districts/:district/firms/:firmId/credit-file',
    summary: '某物业企业在本区县的信用档案',
    tags,
    access: access.district(),
    params: DistrictParams.extend(FirmParams.shape),
    responses: { 200: { description: '全部记录（含已撤销）', schema: CreditFileReply } },
    handler: async (c, { params }) => ({ status: 200, json: await creditFile(ctxOf(c), params.firmId, params.district) }),
  }),
  route({
    method: 'get',
    path: '/api/firms/:firmId/credit-file',
    summary: '本企业的信用档案（各区县）',
    tags,
    access: access.firm(),
    params: FirmParams,
    responses: { 200: { description: '全部记录', schema: CreditFileReply } },
    handler: async (c, { params }) => ({ status: 200, json: await creditFile(ctxOf(c), params.firmId) }),
  }),
  route({
    method: 'post',
    path: '/api/credit-records/:recordId/appeal',
    summary: '物业企业对一条记录提出异议（每条一次）',
    tags,
    access: access.firm({ param: 'recordId', firm: async (c) => (await recordKeys(c.var, c.req.param('recordId') ?? ''))?.firmId ?? null }),
    params: RecordParams,
    body: AppealBody,
    responses: { 200: { description: '已提出异议', schema: CreditRecordReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await appealRecord(ctxOf(c), params.recordId, body) }),
  }),
  route({
    method: 'post',
    path: '/api/credit-records/:recordId/decide',
    summary: '住建部门对异议作出决定（维持或撤销，留档）',
    tags,
    access: access.district({ param: 'recordId', district: async (c) => (await recordKeys(c.var, c.req.param('recordId') ?? ''))?.district ?? null }),
    params: RecordParams,
    body: DecideBody,
    responses: { 200: { description: '已决定', schema: CreditRecordReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await decideAppeal(ctxOf(c), params.recordId, body) }),
  }),
]

const QuarterParams = DistrictParams.extend({ quarter: ListQuarter })

// The district's own scheme (issue 15): the department publishes its numbers, anyone reads them (seeds 000/003/004: grading on published rules)
export const creditSchemeRoutes = [
  route({
    method: 'put',
    path: '/api/districts/:district/credit-scheme',
    summary: '住建部门公布本区县的评价方案：以一个预设方案为基础，填写本部门文件规定的比例、分值上限、权重和记录有效期，并注明文件（每次公布为新版本，历次版本均保留）',
    tags,
    access: access.district(),
    params: DistrictParams,
    body: CreditSchemeBody,
    responses: { 200: { description: '已公布：现行版本及历次版本', schema: CreditSchemeReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await publishDistrictScheme(ctxOf(c), params.district, body) }),
  }),
  route({
    method: 'get',
    path: '/api/districts/:district/credit-scheme',
    summary: '本区县现行的物业服务企业信用评价方案（公开）：实际使用的数值、所依据的预设方案和文件、历次版本',
    tags,
    access: access.public,
    params: DistrictParams,
    responses: { 200: { description: '现行方案；尚未公布为 404', schema: CreditSchemeReply } },
    handler: async (c, { params }) => ({ status: 200, json: await getDistrictScheme(ctxOf(c), params.district) }),
  }),
]

export const creditListRoutes = [
  route({
    method: 'post',
    path: '/api/districts/:district/credit-lists',
    summary:
      '计算本区县某一评价期的好差榜（草稿，发布前可重新计算；半年方案只接受第二季度或第四季度）。scheme 为 district 时按本区县住建部门公布的方案的现行版本计算，好差榜记下所用版本，此后公布新版本也不改变它',
    tags,
    access: access.district(),
    params: DistrictParams,
    body: ComputeListBody,
    responses: { 200: { description: '草稿：每家企业的得分、等级和全部输入', schema: CreditListReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await computeList(ctxOf(c), params.district, body.quarter, body.scheme) }),
  }),
  route({
    method: 'get',
    path: '/api/districts/:district/credit-lists/:quarter',
    summary: '本区县某一评价期的好差榜',
    tags,
    access: access.district(),
    params: QuarterParams,
    responses: { 200: { description: '好差榜', schema: CreditListReply } },
    handler: async (c, { params }) => ({ status: 200, json: await getList(ctxOf(c), params.district, params.quarter) }),
  }),
  route({
    method: 'post',
    path: '/api/districts/:district/credit-lists/:quarter/publish',
    summary: '审核后发布好差榜（在本区县各小区公告栏发布公告，附海报和二维码）',
    tags,
    access: access.district(),
    params: QuarterParams,
    responses: { 200: { description: '已发布', schema: CreditListReply } },
    handler: async (c, { params }) => ({ status: 200, json: await publishList(ctxOf(c), params.district, params.quarter) }),
  }),
]
