import * as z from 'zod'
import { CountingBallotBody, CountingConfirmBody, CountingEntryReply, CountingOpenBody, CountingSheetReply, CountingWithdrawBody, CountingWithdrawReply, ResultReply } from '../../../shared/api/polls'
import { readTableUpload, tableDownload, XLSX_TYPE } from '../../lib/download'
import { AppError } from '../../lib/errors'
import { access, route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { confirmCounting, countingSheet, enterCountedPaper, openCounting, withdrawCountedPaper } from '../../services/counting/counting'
import { REGISTER_COLUMNS, REGISTER_EXAMPLE, registerEntries } from '../../services/counting/register'
import { closePoll } from '../../services/results/close'
import { onPoll, PidParams } from '../polls/polls.routes'

const tags = ['计票']
/** 600 ballots in a register are ~40 KB; a generous ceiling, far below what could block others. */
const MAX_REGISTER_BYTES = 2 * 1024 * 1024

const registerRows = () => [[...REGISTER_COLUMNS.map((x) => x.header)], ...REGISTER_EXAMPLE]

export const countingRoutes = [
  route({
    method: 'get',
    path: '/api/counting/register-template.csv',
    summary: '计票登记表模板（CSV）',
    tags,
    access: access.public,
    responses: { 200: { description: '模板', contentType: 'text/csv' } },
    handler: async (c) => tableDownload(c, 'csv', '计票登记表', [{ name: '计票登记表', rows: registerRows() }]),
  }),
  route({
    method: 'get',
    path: '/api/counting/register-template.xlsx',
    summary: '计票登记表模板（XLSX：选票编号或楼栋、单元、房号，表决意见、废票原因、收到时间、照片哈希）',
    tags,
    access: access.public,
    responses: { 200: { description: '模板', contentType: XLSX_TYPE } },
    handler: async (c) =>
      tableDownload(c, 'xlsx', '计票登记表', [
        { name: '计票登记表', rows: registerRows(), columnWidths: [14, 10, 10, 10, 24, 24, 20, 68] },
        { name: '填写说明', rows: [['列', '必填', '说明'], ...REGISTER_COLUMNS.map((x) => [x.header, x.required ? '是' : '否', x.description])] },
      ]),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/counting',
    summary: '开始计票（截止后）：登记计票人、监票人（姓名及所在房屋或单位）和开箱时票箱状态',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    body: CountingOpenBody,
    responses: { 201: { description: '计票表', schema: CountingSheetReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await openCounting(ctxOf(c), params.pid, body) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/counting',
    summary: '计票表：计票人、监票人、已登记纸质票数，以及公布前须处理的问题（同一户纸质票与电子票并存、已发放未收回）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: '计票表', schema: CountingSheetReply } },
    handler: async (c, { params }) => ({ status: 200, json: await countingSheet(ctxOf(c), params.pid) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/counting/ballots',
    summary: '计票时逐张登记纸质票（按票面楼栋、单元、房号，或票面印的选票编号；须在截止前收到）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    body: CountingBallotBody,
    responses: { 201: { description: '已登记', schema: CountingEntryReply } },
    handler: async (c, { params, body }) => ({ status: 201, json: await enterCountedPaper(ctxOf(c), params.pid, [{ ...body, line: null }]) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/counting/ballots/:bid/withdraw',
    summary: '撤销计票时录错的一张纸质票（监票人确认前；原录入留档，可按票面重新登记）',
    tags,
    access: onPoll(['committee']),
    params: PidParams.extend({ bid: z.string().min(1).max(40) }),
    body: CountingWithdrawBody,
    responses: { 200: { description: '已撤销', schema: CountingWithdrawReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await withdrawCountedPaper(ctxOf(c), params.pid, params.bid, body.reason) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/counting/register',
    summary: '上传计票登记表（CSV 或 XLSX）：整表校验，任何一行有误则一张也不登记',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    upload: { contentTypes: ['text/csv', XLSX_TYPE], description: '按模板（GET /api/counting/register-template.xlsx）填写，每张纸质票一行' },
    maxBodyBytes: MAX_REGISTER_BYTES,
    responses: { 201: { description: '已登记', schema: CountingEntryReply } },
    handler: async (c, { params }) => {
      const table = await readTableUpload(c, [], { columns: REGISTER_COLUMNS.map((col) => col.header) })
      const { entries, errors } = registerEntries(table.header, table.records)
      if (errors.some((e) => e.code === 'missing_column' || e.code === 'empty')) throw new AppError('COUNTING_INVALID', { errors })
      return { status: 201, json: await enterCountedPaper(ctxOf(c), params.pid, entries, errors) }
    },
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/counting/confirm',
    summary: '监票人确认计票结果；随即计票、签名并公布结果（计票记录写入结果文件和证据文件）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    body: CountingConfirmBody,
    responses: { 200: { description: '已公布的结果', schema: ResultReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await confirmCounting(ctxOf(c), params.pid, body, (ctx) => closePoll(ctx, params.pid)) }),
  }),
]
