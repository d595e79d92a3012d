/**
 * The count's records, for the committee and the office: closing a poll, the list of paper ballots
 * handed out, the tally and the household list as tables to print or post, and the evidence file.
 * Apart from the published result (./results.routes.ts), so spreadsheets stay out of the lean Worker.
 */
import * as z from 'zod'
import { PaperIssuedBody, PaperIssuedReply, PaperIssueListReply, ResultReply, VoterListReply } from '../../../shared/api/polls'
import { tableDownload, XLSX_TYPE } from '../../lib/download'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { closePoll } from '../../services/results/close'
import { paperIssueList, recordPaperIssued } from '../../services/results/paper-issues'
import { tallyTable } from '../../services/results/tally-export'
import { evidenceFile, voterList, voterListTable } from '../../services/results/voter-list'
import { onPoll, PidParams } from '../polls/polls.routes'
import { tags } from './results.routes'

/** The issue list as printed for signatures: the number on each ballot, whose it is, and blanks to sign. */
const issueRows = (list: Awaited<ReturnType<typeof paperIssueList>>) => [
  ['选票编号', '房屋', '业主', '签收人', '签收日期'],
  ...list.ballots.map((b) => [b.ballotNumber, b.units, b.maskedName, '', '']),
]

export const resultRecordRoutes = [
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
    handler: async (c, { params }) => ({ status: 200, json: await paperIssueList(c.get('db'), params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/paper-issued.xlsx',
    summary: '纸质票发放登记表（XLSX：选票编号、房屋、业主、签收栏），打印后发放时由业主签收',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: 'XLSX', contentType: XLSX_TYPE } },
    handler: async (c, { params }) => tableDownload(c, 'xlsx', '纸质票发放登记表', [{ name: '发放登记表', rows: issueRows(await paperIssueList(c.get('db'), params.pid)), columnWidths: [14, 30, 14, 18, 18] }]),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/paper-issued.csv',
    summary: '纸质票发放登记表（CSV）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async (c, { params }) => tableDownload(c, 'csv', '纸质票发放登记表', [{ name: '发放登记表', rows: issueRows(await paperIssueList(c.get('db'), params.pid)) }]),
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
]
