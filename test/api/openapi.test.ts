import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiRoutes } from '../../worker/app'
import { openApiPath } from '../../worker/lib/openapi'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

describe('GET /openapi.json', () => {
  it('describes exactly the routes the app serves (from the app’s own router)', async () => {
    const res = await h.request('GET', '/openapi.json')
    expect(res.status).toBe(200)
    expect(res.json.openapi).toBe('3.1.0')
    const documented = new Set<string>()
    for (const [path, ops] of Object.entries(res.json.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`)
    }
    const served = new Set(
      h.app.routes
        .filter((r) => r.method !== 'ALL' && r.path !== '/*' && r.path !== '/openapi.json')
        .map((r) => `${r.method} ${openApiPath(r.path)}`),
    )
    expect([...documented].sort()).toEqual([...served].sort())
    expect(served.size).toBe(apiRoutes.length)
  })

  it('derives request schemas from the zod validators: a documented required field is really required', async () => {
    const res = await h.request('GET', '/openapi.json')
    const op = res.json.paths['/api/communities'].post
    const schema = op.requestBody.content['application/json'].schema
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'district', 'street', 'residentsCommittee']))
    expect(op.security).toEqual([{ bearer: [] }])
    expect(op['x-access']).toBe('平台管理员')
    const otp = res.json.paths['/api/auth/otp/send'].post
    expect(otp.requestBody.content['application/json'].schema.required).toEqual(['phone'])
    expect(otp.security).toBeUndefined()
    // every protected operation says who may call it
    for (const ops of Object.values(res.json.paths as Record<string, Record<string, { 'x-access': string }>>)) {
      for (const o of Object.values(ops)) expect(o['x-access']).toBeTruthy()
    }
    expect(res.json.paths['/api/communities/{cid}/roster'].post.requestBody.content).toHaveProperty('text/csv')
  })
})

describe('GET /health', () => {
  it('reports version and a reachable database', async () => {
    const res = await h.request('GET', '/health')
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+$/), database: { reachable: true } })
  })

  it('unknown paths get the error shape with a request id', async () => {
    const res = await h.request('GET', '/nope', { headers: { 'x-request-id': 'req-123' } })
    expect(res.status).toBe(404)
    expect(res.json).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), requestId: 'req-123' } })
    expect(res.headers.get('x-request-id')).toBe('req-123')
  })
})
