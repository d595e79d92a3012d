import * as z from 'zod'
import { tableDownload, XLSX_TYPE } from '../../lib/download'
import { route } from '../../lib/route'
import { ctxOf } from '../../services/context'
import { nonVoters, reminderReport, setReminders } from '../../services/notifications/reminders'
import { onPoll, PidParams } from '../polls/polls.routes'

const tags = ['通知与提醒']

const RemindersBody = z.object({
  hoursBeforeClose: z.array(z.number().int().min(1).max(24 * 30)).min(0).max(5).describe('截止前多少小时提醒，如 [72, 24]'),
})

const RemindersReply = z.object({
  reminders: z.array(
    z.object({
      id: z.string(),
      hoursBeforeClose: z.number().int(),
      dueAt: z.string(),
      status: z.enum(['scheduled', 'done', 'cancelled']),
      ranAt: z.string().nullable(),
      byChannel: z.record(z.string(), z.record(z.string(), z.number().int())).describe('发给业主的：渠道 → 状态 → 条数'),
      toProxies: z.record(z.string(), z.record(z.string(), z.number().int())).describe('发给业主所委托的受托人的（尚未代投者）：渠道 → 状态 → 条数'),
    }),
  ),
})

const NonVotersReply = z.object({
  total: z.number().int(),
  buildings: z.array(
    z.object({
      building: z.string(),
      count: z.number().int(),
      voters: z.array(z.object({ voterId: z.string(), units: z.string(), name: z.string(), reached: z.array(z.string()), lastReachedAt: z.string().nullable() })),
    }),
  ),
})

const REACHED: Record<string, string> = { chatbot: '公众号', app_message: '小程序', sms: '短信', paper_signed: '书面签收', notice_board: '公告栏' }

async function nonVoterTable(c: Parameters<Parameters<typeof route>[0]['handler']>[0], pid: string) {
  const list = await nonVoters(ctxOf(c), pid)
  const rows: (string | number)[][] = [['楼栋', '房屋', '业主（已遮掩）', '已通知渠道', '最近通知时间']]
  for (const b of list.buildings) for (const v of b.voters) rows.push([b.building, v.units, v.name, v.reached.map((r) => REACHED[r] ?? r).join('、') || '未通知', v.lastReachedAt ?? ''])
  return [{ name: '未投票业主', rows }]
}

export const reminderRoutes = [
  route({
    method: 'put',
    path: '/api/polls/:pid/reminders',
    summary: '设置投票提醒（截止前若干小时，只发给尚未投票的业主，及其尚未代投的受托人）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    body: RemindersBody,
    responses: { 200: { description: '提醒及发送情况', schema: RemindersReply } },
    handler: async (c, { params, body }) => ({ status: 200, json: await setReminders(ctxOf(c), params.pid, c.get('scope')!.communityId, body.hoursBeforeClose) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/reminders',
    summary: '投票提醒及按渠道的发送数量',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: '提醒及发送情况', schema: RemindersReply } },
    handler: async (c, { params }) => ({ status: 200, json: await reminderReport(ctxOf(c), params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/non-voters',
    summary: '未投票业主（按楼栋，姓名遮掩，含已通知渠道），供上门走访',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: '未投票业主', schema: NonVotersReply } },
    handler: async (c, { params }) => ({ status: 200, json: await nonVoters(ctxOf(c), params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/non-voters.csv',
    summary: '未投票业主（CSV）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    handler: async (c, { params }) => tableDownload(c, 'csv', '未投票业主', await nonVoterTable(c, params.pid)),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/non-voters.xlsx',
    summary: '未投票业主（XLSX）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: 'XLSX', contentType: XLSX_TYPE } },
    handler: async (c, { params }) => tableDownload(c, 'xlsx', '未投票业主', await nonVoterTable(c, params.pid)),
  }),
]
