import * as z from 'zod'
import { AccountsQuery, AccountsReply, AnswerBody, ObjectionBody, ObjectionReply, OverdueReply, StatementBody, StatementDetailReply, StatementReply } from '../../../shared/api/disclosure'
import type { Role } from '../../env'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { listStatements, overdueStatements, publishStatement, statementCommunity, statementDetail } from '../../services/disclosure/statements'
import { answerObjection, listObjections, objectionCommunity, postObjection } from '../../services/disclosure/objections'
import { quarterAccounts } from '../../services/disclosure/accounts'
import { statementSheets, statementTable } from '../../services/disclosure/export'
import { readTableUpload, tableDownload, XLSX_TYPE } from '../../lib/download'
import { AppError } from '../../lib/errors'
import { issuesDetails } from '../../lib/route'
import { PUBLIC_REVENUE_USES, STATEMENT_KINDS } from '../../../shared/statements'
import { STATEMENT_MAX_LINES, STATEMENT_TABLE_COLUMNS, STATEMENT_TABLE_EXAMPLE, statementFromTable, statementToTable } from '../../../shared/statement-table'
import { CidParams } from '../params'

const tags = ['物业信息公开']
const READERS: Role[] = ['owner', 'committee', 'firm_staff', 'community_staff', 'admin']
const UploadQuery = z.object({
  kind: StatementBody.shape.kind,
  period: StatementBody.shape.period,
  replacesId: z.string().max(40).optional().describe('更正时：被更正的版本'),
  correctionReason: z.string().max(500).optional(),
})
const SidParams = z.object({ sid: z.string().min(1).max(40) })
const onStatement = (roles: readonly Role[]) => access.community(roles, { param: 'sid', community: (c) => statementCommunity(c.var, c.req.param('sid') ?? '') })

export const statementRoutes = [
  // before /api/statements/:sid, which would otherwise take "template.csv" for an id
  route({
    method: 'get',
    path: '/api/statements/template.csv',
    summary: '报表模板（CSV，含一份公共收益示例）',
    tags,
    access: access.public,
    responses: { 200: { description: '模板', contentType: 'text/csv' } },
    handler: async (c) => tableDownload(c, 'csv', '报表模板', [{ name: '报表', rows: statementToTable(STATEMENT_TABLE_EXAMPLE) }]),
  }),
  route({
    method: 'get',
    path: '/api/statements/template.xlsx',
    summary: '报表模板（XLSX，含填写说明和六类公共收益用途）',
    tags,
    access: access.public,
    responses: { 200: { description: '模板', contentType: XLSX_TYPE } },
    handler: async (c) =>
      tableDownload(c, 'xlsx', '报表模板', [
        { name: '报表', rows: statementToTable(STATEMENT_TABLE_EXAMPLE), columnWidths: [12, 28, 16, 24, 20, 24, 24] },
        { name: '填写说明', rows: [['列', '必填', '说明'], ...STATEMENT_TABLE_COLUMNS.map((col) => [col.header, col.required ? '是' : '否', col.description])] },
        { name: '公共收益用途', rows: [['用途', '代码'], ...Object.entries(PUBLIC_REVENUE_USES).map(([key, label]) => [label, key])] },
      ]),
  }),
  route({
    method: 'post',
    path: '/api/communities/:cid/statements',
    summary: '发布定期报表（物业：服务费、公共收益等；业委会：维修资金、工作经费）；再次发布同一期即为更正',
    tags,
    access: access.community(['firm_staff', 'committee']),
    params: CidParams,
    body: StatementBody,
    responses: { 201: { description: '已发布（不可修改）', schema: StatementReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await publishStatement(ctxOf(c), params.cid, c.get('scope')!.roles, body) }),
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
    handler: async (c, { params, body }) => ({ status: 200, json: await answerObjection(ctxOf(c), params.oid, c.get('scope')!.roles, body) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/accounts',
    summary: '季度账目（业主视角）：各类报表的收支、分类合计、公共收益去向，及环比、同比',
    tags,
    access: access.community(READERS),
    params: CidParams,
    query: AccountsQuery,
    responses: { 200: { description: '账目', schema: AccountsReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: await quarterAccounts(ctxOf(c), params.cid, query.period) }),
  }),
  route({
    method: 'get',
    path: '/api/statements/:sid/export.csv',
    summary: '导出报表（CSV）',
    tags,
    access: onStatement(READERS),
    params: SidParams,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async (c, { params }) => {
      const t = await statementTable(ctxOf(c), params.sid)
      return tableDownload(c, 'csv', t.fileName, statementSheets(t, 'csv'))
    },
  }),
  route({
    method: 'get',
    path: '/api/statements/:sid/export.xlsx',
    summary: '导出报表（XLSX）',
    tags,
    access: onStatement(READERS),
    params: SidParams,
    responses: { 200: { description: 'XLSX', contentType: XLSX_TYPE } },
    handler: async (c, { params }) => {
      const t = await statementTable(ctxOf(c), params.sid)
      return tableDownload(c, 'xlsx', t.fileName, statementSheets(t, 'xlsx'))
    },
  }),
  route({
    method: 'post',
    path: '/api/communities/:cid/statements/upload',
    summary: '按模板上传报表（CSV 或 XLSX）；任何一行有误则整份不发布，并列出每一行的问题',
    tags,
    access: access.community(['firm_staff', 'committee']),
    params: CidParams,
    query: UploadQuery,
    upload: { contentTypes: ['text/csv', XLSX_TYPE], description: '按模板（GET /api/statements/template.xlsx）填写；期间、类别等在查询参数中' },
    maxBodyBytes: 5 * 1024 * 1024,
    responses: { 201: { description: '已发布', schema: StatementReply } },
    handler: async (c, { params, query }) => {
      // a statement is at most a few thousand lines: a file of more is refused while being read
      const table = await readTableUpload(c, [], { sheet: ['报表', STATEMENT_KINDS[query.kind].label], limits: { rows: STATEMENT_MAX_LINES + 10 }, columns: STATEMENT_TABLE_COLUMNS.map((col) => col.header) })
      const read = statementFromTable(table.header, table.records)
      // the same checks as a JSON upload (ranges, lengths), then the same publishing. A table with
      // bad rows still goes on to the arithmetic of the rows that parsed (nothing is published):
      // the content's own shape problems are then already among the rows' problems.
      const input = { kind: query.kind, period: query.period, content: read.content, replacesId: query.replacesId, correctionReason: query.correctionReason }
      const body = StatementBody.safeParse(input)
      if (!body.success && (read.ok || body.error.issues.some((i) => i.path[0] !== 'content'))) throw new AppError('VALIDATION_FAILED', issuesDetails(body.error))
      const valid = body.success ? body.data : (input as z.infer<typeof StatementBody>)
      return { status: 201, json: await publishStatement(ctxOf(c), params.cid, c.get('scope')!.roles, valid, { errors: read.errors, rows: read.rows, unknown: read.unknown }) }
    },
  }),
]
