import * as z from 'zod'
import { FeeItemBody, FeeScheduleReply, FirmProfileBody, FirmProfileReply, ReferencePriceBody } from '../../../shared/api/disclosure'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { feeSchedule, getFirmProfile, postFeeItem, postFirmProfile, publishReferencePrice } from '../../services/disclosure/fees'
import { CidParams } from '../params'

const tags = ['物业信息公开']

export const feeRoutes = [
  route({
    method: 'put',
    path: '/api/communities/:cid/firm-profile',
    summary: '物业企业公示基本信息（项目经理、投诉电话、12358、电梯和消防维保单位）',
    tags,
    access: access.community(['firm_staff']),
    params: CidParams,
    body: FirmProfileBody,
    responses: { 200: { description: '公示中的信息', schema: FirmProfileReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await postFirmProfile(ctxOf(c), params.cid, body) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/firm-profile',
    summary: '在服务企业的公示信息（公开）',
    tags,
    access: access.public,
    params: CidParams,
    responses: { 200: { description: '公示中的信息', schema: FirmProfileReply } },
    handler: async (c, { params }) => ({ status: 200, json: await getFirmProfile(ctxOf(c), params.cid) }),
  }),
  route({
    method: 'post',
    path: '/api/communities/:cid/fee-items',
    summary: '公示收费项目与标准（调整须提前一个月公示）',
    tags,
    access: access.community(['firm_staff']),
    params: CidParams,
    body: FeeItemBody,
    responses: { 201: { description: '已公示', schema: z.object({ id: z.string() }) } },
    handler: async (c, { params, body }) => ({ status: 201, json: { id: (await postFeeItem(ctxOf(c), params.cid, body)).id } }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/fees',
    summary: '收费标准（现行与待执行），对照政府指导价，超出上限者标出（公开）',
    tags,
    access: access.public,
    params: CidParams,
    responses: { 200: { description: '收费标准', schema: FeeScheduleReply } },
    handler: async (c, { params }) => ({ status: 200, json: await feeSchedule(ctxOf(c), params.cid) }),
  }),
  route({
    method: 'post',
    path: '/api/reference-prices',
    summary: '发布本区物业服务指导价（社区/街道工作人员）',
    tags,
    access: access.signedIn,
    body: ReferencePriceBody,
    responses: { 201: { description: '已发布', schema: ReferencePriceBody.and(z.object({ id: z.string() })) } },
    handler: async (c, { body }) => ({ status: 201, json: await publishReferencePrice(ctxOf(c), body) }),
  }),
]

