import { sql } from 'drizzle-orm'
import * as z from 'zod'
import { access, route } from '../../lib/route'

export const HealthReply = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ reachable: z.boolean(), latencyMs: z.number().nullable() }),
})

export const LiveReply = z.object({ status: z.literal('ok'), version: z.string() })

export const VERSION = '0.1.0'

export const healthRoutes = [
  // Liveness without the database: on PGlite (one connection) a long import's transaction makes
  // every query wait, /health's included, though the process answers. This says the process does.
  route({
    method: 'get',
    path: '/health/live',
    summary: '服务进程存活（不查询数据库）',
    tags: ['运维'],
    access: access.public,
    responses: { 200: { description: '正常', schema: LiveReply } },
    handler: async () => ({ status: 200, json: { status: 'ok' as const, version: VERSION } }),
  }),
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
        await c.get('db').execute(sql`select 1`)
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
