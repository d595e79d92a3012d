import { ContractReply, CreateContractBody, CreateFirmBody, FirmListReply, FirmReply } from '../../../shared/api/communities'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { createContract, createFirm, listFirms } from '../../services/firms/firms'
import { CidParams } from '../params'

const tags = ['物业企业']

export const firmRoutes = [
  route({
    method: 'post',
    path: '/api/firms',
    summary: '登记物业服务企业（平台管理员）',
    tags,
    access: access.admin,
    body: CreateFirmBody,
    responses: { 201: { description: '已登记', schema: FirmReply } },
    handler: async (c, { body }) => ({ status: 201, json: await createFirm(ctxOf(c), body) }),
  }),
  route({
    method: 'get',
    path: '/api/firms',
    summary: '物业服务企业名录（公开）',
    tags,
    access: access.public,
    responses: { 200: { description: '企业列表', schema: FirmListReply } },
    handler: async (c) => ({ status: 200, json: { firms: await listFirms(ctxOf(c)) } }),
  }),
  route({
    method: 'post',
    path: '/api/communities/:cid/firm-contracts',
    summary: '登记物业服务合同（企业在该小区服务的依据）',
    tags,
    access: access.community(['admin', 'community_staff']),
    params: CidParams,
    body: CreateContractBody,
    responses: { 201: { description: '已登记', schema: ContractReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await createContract(ctxOf(c), params.cid, body) }),
  }),
]
