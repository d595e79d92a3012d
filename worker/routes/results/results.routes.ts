import { eq } from 'drizzle-orm'
import * as z from 'zod'
import { DisputeBody, PaperIssuedBody, PaperIssuedReply, PaperIssueListReply, ProofReply, ResultReply, VoterListReply } from '../../../shared/api/polls'
import { pollResults } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { access, route } from '../../lib/route'
import { proofFor } from '../../services/ballots/read'
import { ctxOf } from '../../services/context'
import { closePoll, publishIfDue } from '../../services/results/close'
import { publicJwks } from '../../services/results/keys'
import { paperIssueList, recordPaperIssued } from '../../services/results/paper-issues'
import { tallyTable } from '../../services/results/tally-export'
import { disputeBallot, evidenceFile, voterList, voterListTable } from '../../services/results/voter-list'
import { tableDownload, XLSX_TYPE } from '../../lib/download'
import { onPoll, PidParams } from '../polls/polls.routes'

const tags = ['表决结果']

/** The issue list as printed for signatures: the number on each ballot, whose it is, and blanks to sign. */
const issueRows = (list: Awaited<ReturnType<typeof paperIssueList>>) => [
  ['选票编号', '房屋', '业主', '签收人', '签收日期'],
  ...list.ballots.map((b) => [b.ballotNumber, b.units, b.maskedName, '', '']),
]

export const resultRoutes = [
  route({
    method: 'post',
    path: '/api/polls/:pid/close',
    summary: '结束表决并公布结果（截止时间以数据库时钟为准；计票、默克尔根与签名在同一事务内完成）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: '已公布的结果', schema: ResultReply } },
    handler: async (c, { params }) => ({ status: 200, json: await closePoll(ctxOf(c), params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/result',
    // published results never change (immutable in the database, 0009)
    cache: 'immutable',
    summary: '已公布的表决结果（签名文件，任何人可核验）',
    tags,
    access: access.public,
    params: PidParams,
    responses: { 200: { description: '结果', schema: ResultReply } },
    handler: async (c, { params }) => {
      await publishIfDue(ctxOf(c), params.pid)
      const [r] = await c.var.db.select().from(pollResults).where(eq(pollResults.pollId, params.pid))
      if (!r) throw new AppError('RESULT_NOT_PUBLISHED')
      return { status: 200, json: { document: r.document, jws: r.jws, merkleRoot: r.merkleRoot } }
    },
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/proof/:receipt',
    // published results never change (immutable in the database, 0009)
    cache: 'immutable',
    summary: '凭投票回执获取“本票已计入结果”的默克尔证明',
    tags,
    access: access.public,
    params: PidParams.extend({ receipt: z.string().min(8).max(64) }),
    responses: { 200: { description: '证明', schema: ProofReply } },
    handler: async (c, { params }) => ({ status: 200, json: await proofFor(ctxOf(c), params.pid, params.receipt) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/paper-issued',
    summary: '登记已发放的纸质表决票（用于公布“已发放未回收”）；每张新发放的票依次编号（选票编号，印在票面上）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    body: PaperIssuedBody,
    responses: { 201: { description: '已登记', schema: PaperIssuedReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await recordPaperIssued(ctxOf(c), params.pid, body.voterIds) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/paper-issued',
    summary: '纸质票发放清单：每张票的选票编号、房屋、打码姓名（套打选票、计票时按编号登记用）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: '发放清单', schema: PaperIssueListReply } },
    handler: async (c, { params }) => ({ status: 200, json: await paperIssueList(c.var.db, params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/paper-issued.xlsx',
    summary: '纸质票发放登记表（XLSX：选票编号、房屋、业主、签收栏），打印后发放时由业主签收',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: 'XLSX', contentType: XLSX_TYPE } },
    handler: async (c, { params }) => tableDownload(c, 'xlsx', '纸质票发放登记表', [{ name: '发放登记表', rows: issueRows(await paperIssueList(c.var.db, params.pid)), columnWidths: [14, 30, 14, 18, 18] }]),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/paper-issued.csv',
    summary: '纸质票发放登记表（CSV）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async (c, { params }) => tableDownload(c, 'csv', '纸质票发放登记表', [{ name: '发放登记表', rows: issueRows(await paperIssueList(c.var.db, params.pid)) }]),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/tally.csv',
    // published results never change (immutable in the database, 0009)
    cache: 'immutable',
    summary: '计票结果（每行一项：同意、反对、弃权、废票、未投票、合计、候选人得票、已发放未回收；人数与面积并列，明细相加等于投票权人总数）',
    tags,
    access: access.public,
    params: PidParams,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async (c, { params }) => tableDownload(c, 'csv', '表决结果', [{ name: '表决结果', rows: await tallyTable(ctxOf(c), params.pid) }]),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/tally.xlsx',
    // published results never change (immutable in the database, 0009)
    cache: 'immutable',
    summary: '计票结果（公示表格式，XLSX）',
    tags,
    access: access.public,
    params: PidParams,
    responses: { 200: { description: 'XLSX', contentType: XLSX_TYPE } },
    handler: async (c, { params }) =>
      tableDownload(c, 'xlsx', '表决结果', [{ name: '表决结果', rows: await tallyTable(ctxOf(c), params.pid), columnWidths: [24, 8, 24, 12, 8, 14, 20, 22, 20, 20, 18, 18, 40] }]),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/voters',
    summary: '逐户表决清单（房屋、打码姓名、意见、方式；意见在截止后公布）',
    tags,
    access: onPoll(['owner', 'committee', 'community_staff', 'admin']),
    params: PidParams,
    responses: { 200: { description: '清单', schema: VoterListReply } },
    handler: async (c, { params }) => ({ status: 200, json: await voterList(ctxOf(c), params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/voters.csv',
    summary: '逐户表决清单（CSV）',
    tags,
    access: onPoll(['owner', 'committee', 'community_staff', 'admin']),
    params: PidParams,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async (c, { params }) => tableDownload(c, 'csv', '逐户表决清单', [{ name: '逐户表决清单', rows: voterListTable(await voterList(ctxOf(c), params.pid)) }]),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/voters.xlsx',
    summary: '逐户表决清单（XLSX）',
    tags,
    access: onPoll(['owner', 'committee', 'community_staff', 'admin']),
    params: PidParams,
    responses: { 200: { description: 'XLSX', contentType: XLSX_TYPE } },
    handler: async (c, { params }) =>
      tableDownload(c, 'xlsx', '逐户表决清单', [{ name: '逐户表决清单', rows: voterListTable(await voterList(ctxOf(c), params.pid)), columnWidths: [28, 10, 18, 10, 12, 12] }]),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/evidence',
    summary: '表决证据文件（投票权人快照、各版本选票的方式与时间、委托、送达、公告、签名结果；结果公布前不含任何人的表决意见），供争议处理',
    tags,
    access: onPoll(['committee', 'community_staff', 'admin']),
    params: PidParams,
    responses: { 200: { description: '证据文件（JSON）', schema: z.record(z.string(), z.unknown()) } },
    handler: async (c, { params }) => {
      const file = await evidenceFile(ctxOf(c), params.pid)
      c.header('content-disposition', `attachment; filename="poll-${params.pid}-evidence.json"`)
      return { status: 200, json: file }
    },
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/ballots/:receipt/dispute',
    summary: '对以本人名义录入的选票（纸质票、委托票）提出异议',
    tags,
    access: onPoll(['owner']),
    params: PidParams.extend({ receipt: z.string().min(8).max(64) }),
    body: DisputeBody,
    responses: { 200: { description: '已登记异议', schema: z.object({ receipt: z.string(), disputed: z.boolean() }) } },
    handler: async (c, { params, body }) => ({ status: 200, json: await disputeBallot(ctxOf(c), params.pid, c.var.scope!.communityId, params.receipt, body.reason) }),
  }),
  route({
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: '结果签名公钥（JWKS）',
    tags,
    access: access.public,
    responses: { 200: { description: 'JWKS', schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } },
    handler: async (c) => ({ status: 200, json: await publicJwks(c.var.config) }),
  }),
]

