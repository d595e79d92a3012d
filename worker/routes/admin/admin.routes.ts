import { desc } from 'drizzle-orm'
import * as z from 'zod'
import { smsOutbox } from '../../../drizzle/schema'
import { access, route } from '../../lib/route'

const OutboxReply = z.object({
  messages: z.array(z.object({ id: z.number().int(), phone: z.string(), message: z.string(), createdAt: z.string() })),
})

export const adminRoutes = [
  route({
    method: 'get',
    path: '/api/admin/sms-outbox',
    summary: '开发模式短信发件箱（SMS_PROVIDER=console 时记录的短信）',
    tags: ['运维'],
    access: access.admin,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    responses: { 200: { description: '最近的短信，新的在前', schema: OutboxReply } },
    handler: async (c, { query }) => {
      const rows = await c.get('db').select().from(smsOutbox).orderBy(desc(smsOutbox.id)).limit(query.limit)
      return { status: 200, json: { messages: rows.map((r) => ({ id: r.id, phone: r.phone, message: r.message, createdAt: r.createdAt.toISOString() })) } }
    },
  }),
]
