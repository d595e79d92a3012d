import * as z from 'zod'
import { ErrorCodes } from '../../shared/errors'
import type { AnyRoute } from './route'

/** Hono `/api/polls/:pid` → OpenAPI `/api/polls/{pid}` */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>

const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ErrorCodes) as [keyof typeof ErrorCodes, ...(keyof typeof ErrorCodes)[]]),
    message: z.string().describe('给人看的中文说明'),
    requestId: z.string(),
    details: z.unknown().optional(),
  }),
})

function parameters(r: AnyRoute) {
  const out: Record<string, unknown>[] = []
  for (const [where, schema] of [['path', r.params], ['query', r.query], ['header', r.headers]] as const) {
    if (!schema) continue
    for (const [name, field] of Object.entries(schema.shape)) {
      const f = field as z.ZodType
      out.push({ name, in: where, required: where === 'path' || !f.safeParse(undefined).success, schema: jsonSchema(f, 'input') })
    }
  }
  return out
}

function accessText(r: AnyRoute): string {
  switch (r.access.kind) {
    case 'public':
      return '公开'
    case 'signed_in':
      return '任何已登录用户'
    case 'admin':
      return '平台管理员'
    case 'community':
      return `该小区的角色之一：${r.access.roles.join(', ')}`
    case 'firm':
      return '该物业企业的员工（或平台管理员）'
    case 'district':
      return '该区县住建部门（department_staff, housing；或平台管理员）'
  }
}

/** The OpenAPI 3.1 document, built from the same route list and zod schemas that validate requests. */
export function openApiDocument(routes: AnyRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const responses: Record<string, unknown> = {}
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema
          ? { content: { [spec.contentType ?? 'application/json']: { schema: jsonSchema(spec.schema, 'output') } } }
          : spec.contentType
            ? { content: { [spec.contentType]: {} } }
            : {}),
      }
    }
    responses.default = { description: '错误', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
    const requestBody = r.body
      ? { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } }
      : r.upload
        ? {
            required: true,
            description: r.upload.description,
            content: Object.fromEntries(r.upload.contentTypes.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])),
          }
        : undefined
    const op: Record<string, unknown> = {
      operationId: `${r.method}_${r.path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
      summary: r.summary,
      tags: r.tags,
      'x-access': accessText(r),
      parameters: parameters(r),
      responses,
    }
    if (requestBody) op.requestBody = requestBody
    if (r.access.kind !== 'public') op.security = [{ bearer: [] }]
    const p = openApiPath(r.path)
    paths[p] = { ...(paths[p] ?? {}), [r.method]: op }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gongyi 共议 API',
      version,
      description: '小区业主共同决策（一事一议）与物业信息公开的后端接口。错误统一为 { error: { code, message, requestId, details? } }。',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(ErrorBodySchema, 'output') },
    },
    paths,
  }
}
