import { sql } from 'drizzle-orm'
import * as z from 'zod'
import { access, route } from '../../lib/route'

export const HealthReply = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ reachable: z.boolean(), latencyMs: z.number().nullable() }),
})

export const VERSION = '0.1.0'

export const healthRoutes = [
  route({
    method: 'get',
    path: '/health',
    summary: '服务与数据库状态',
    tags: ['运维'],
    access: access.public,
    responses: { 200: { description: '正常', schema: HealthReply }, 503: { description: '数据库不可达', schema: HealthReply } },
    handler: async (c) => {
      const started = Date.now()
      let reachable = true
      try {
        await c.var.db.execute(sql`select 1`)
      } catch {
        reachable = false
      }
      const json = {
        status: reachable ? ('ok' as const) : ('degraded' as const),
        version: VERSION,
        database: { reachable, latencyMs: reachable ? Date.now() - started : null },
      }
      return { status: reachable ? 200 : 503, json }
    },
  }),
]
