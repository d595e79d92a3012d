import { CidParams } from '../params'
import {
  AuditQuery,
  AuditReply,
  CommunityListReply,
  CommunityReply,
  CreateCommunityBody,
  UpdateSettingsBody,
} from '../../../shared/api/communities'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { createCommunity, getCommunity, listAudit, listCommunities, updateSettings } from '../../services/communities/communities'

const tags = ['小区']

export const communityRoutes = [
  route({
    method: 'post',
    path: '/api/communities',
    summary: '新建小区（平台管理员）',
    tags,
    access: access.admin,
    body: CreateCommunityBody,
    responses: { 201: { description: '已创建', schema: CommunityReply } },
    handler: async (c, { body }) => ({ status: 201, json: await createCommunity(ctxOf(c), body) }),
  }),
  route({
    method: 'get',
    path: '/api/communities',
    summary: '我所在（或管理）的小区',
    tags,
    access: access.signedIn,
    responses: { 200: { description: '小区列表', schema: CommunityListReply } },
    handler: async (c) => ({ status: 200, json: { communities: await listCommunities(ctxOf(c)) } }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid',
    summary: '小区基本信息与议事设置（公开）',
    tags,
    access: access.public,
    params: CidParams,
    responses: { 200: { description: '小区', schema: CommunityReply } },
    handler: async (c, { params }) => ({ status: 200, json: await getCommunity(ctxOf(c), params.cid) }),
  }),
  route({
    method: 'patch',
    path: '/api/communities/:cid/settings',
    summary: '修改小区议事设置（依管理规约/议事规则）',
    tags,
    access: access.community(['committee', 'admin']),
    params: CidParams,
    body: UpdateSettingsBody,
    responses: { 200: { description: '修改后的小区', schema: CommunityReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await updateSettings(ctxOf(c), params.cid, body) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/audit',
    summary: '小区操作日志（只增不改）',
    tags,
    access: access.community(['committee', 'community_staff', 'admin']),
    params: CidParams,
    query: AuditQuery,
    responses: { 200: { description: '日志，新的在前', schema: AuditReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: { entries: await listAudit(ctxOf(c), params.cid, query) } }),
  }),
]
