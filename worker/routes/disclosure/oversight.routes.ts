import { OversightReply } from '../../../shared/api/disclosure'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { oversight } from '../../services/disclosure/oversight'

export const oversightRoutes = [
  route({
    method: 'get',
    path: '/api/oversight',
    summary: '社区监督视图：辖区各小区的逾期报表、超指导价收费、未答复异议、待确认的应急使用（社区工作人员；管理员看全部）',
    tags: ['物业信息公开'],
    access: access.signedIn,
    responses: { 200: { description: '辖区小区', schema: OversightReply } },
    handler: async (c) => ({ status: 200, json: await oversight(ctxOf(c)) }),
  }),
]
