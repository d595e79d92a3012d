import * as z from 'zod'
import { GrantCommitteeBody, GrantRoleBody, RoleGrantListReply, RoleGrantReply } from '../../../shared/api/communities'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { grantCommittee, grantRole, listCommunityGrants, revokeGrant } from '../../services/roles/grants'
import { CidParams } from '../params'

const tags = ['角色']

export const roleRoutes = [
  route({
    method: 'post',
    path: '/api/communities/:cid/committee-members',
    summary: '任命业委会（物管会）成员',
    tags,
    access: access.community(['admin', 'community_staff']),
    params: CidParams,
    body: GrantCommitteeBody,
    responses: { 201: { description: '已授予', schema: RoleGrantReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await grantCommittee(ctxOf(c), params.cid, body.phone) }),
  }),
  route({
    method: 'delete',
    path: '/api/communities/:cid/committee-members/:gid',
    summary: '撤销业委会成员',
    tags,
    access: access.community(['admin', 'community_staff']),
    params: CidParams.extend({ gid: z.string().min(1).max(40) }),
    responses: { 204: { description: '已撤销' } },
    handler: async (c, { params }) => {
      await revokeGrant(ctxOf(c), params.gid, params.cid)
      return { status: 204, json: null }
    },
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/role-grants',
    summary: '本小区的角色（业委会、物业员工、社区工作人员）',
    tags,
    access: access.community(['admin', 'community_staff', 'committee']),
    params: CidParams,
    responses: { 200: { description: '角色列表', schema: RoleGrantListReply } },
    handler: async (c, { params }) => ({ status: 200, json: { grants: await listCommunityGrants(ctxOf(c), params.cid) } }),
  }),
  route({
    method: 'post',
    path: '/api/role-grants',
    summary: '授予物业员工或社区工作人员角色（平台管理员）',
    tags,
    access: access.admin,
    body: GrantRoleBody,
    responses: { 201: { description: '已授予', schema: RoleGrantReply } },
    handler: async (c, { body }) => ({ status: 201, json: await grantRole(ctxOf(c), body) }),
  }),
  route({
    method: 'delete',
    path: '/api/role-grants/:gid',
    summary: '撤销任一角色（平台管理员）',
    tags,
    access: access.admin,
    params: z.object({ gid: z.string().min(1).max(40) }),
    responses: { 204: { description: '已撤销' } },
    handler: async (c, { params }) => {
      await revokeGrant(ctxOf(c), params.gid, null)
      return { status: 204, json: null }
    },
  }),
]
