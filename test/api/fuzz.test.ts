/**
 * Hostile input, always (issue 17). For every operation in /openapi.json, fast-check builds
 * requests from the operation's own description — path parameters, query, headers and a body shaped
 * by its JSON Schema, then bent (wrong types, NUL bytes, huge numbers, random bytes, wrong media
 * types) — and sends them through the real app as a caller the route admits, so they reach
 * validation and the handler rather than stopping at access control. No answer may be a 5xx, and
 * a refused request (4xx) may not change the database: the row count and the row versions (xmin)
 * of every table are the same after it as before.
 *
 * Runs on its own database (test/helpers/db.ts openPrivateTestDatabase), so other files running at
 * the same time cannot move the counts. Reproduce a failure with the seed fast-check prints:
 * FUZZ_SEED=<seed> FUZZ_RUNS=<n> npx vitest run --config test/vitest.config.ts test/api/fuzz.test.ts
 */
import fc from 'fast-check'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiRoutes } from '../../worker/app'
import type { Role } from '../../worker/env'
import { openApiPath } from '../../worker/lib/openapi'
import type { AnyRoute } from '../../worker/lib/route'
import { rowsOf } from '../../worker/services/roles/resolve'
import { openPrivateTestDatabase } from '../helpers/db'
import { startHarness, type Harness } from '../helpers/harness'
import { everyRouteWorld } from '../helpers/world'

/** requests per operation; the whole file stays well under a minute per database */
const RUNS = Number(process.env.FUZZ_RUNS ?? 6)
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined

/**
 * Tables a refused request may write, by design: failed sign-in and binding attempts are counted
 * (rate_limits, otp_codes.attempts) precisely because they were refused.
 */
const WRITTEN_WHEN_REFUSED = new Set(['rate_limits', 'otp_codes'])

let h: Harness
let world: Awaited<ReturnType<typeof everyRouteWorld>>
let doc: { paths: Record<string, Record<string, Operation>> }
let snapshotSql: string

interface Operation {
  parameters: { name: string; in: 'path' | 'query'; schema: Schema }[]
  requestBody?: { content: Record<string, { schema?: Schema }> }
}
type Schema = Record<string, any>

beforeAll(async () => {
  h = await startHarness({ database: await openPrivateTestDatabase() })
  world = await everyRouteWorld(h)
  doc = (await h.request('GET', '/openapi.json')).json
  const tables = rowsOf<{ name: string }>(
    await h.db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`),
  )
    .map((t) => t.name)
    .filter((t) => !WRITTEN_WHEN_REFUSED.has(t))
  expect(tables.length).toBeGreaterThan(20)
  snapshotSql = tables
    .map((t) => `select '${t}' as t, count(*)::text as n, coalesce(sum(xmin::text::bigint), 0)::text as v from "${t}"`)
    .join(' union all ')
}, 120_000)

afterAll(async () => {
  await h?.close()
  await h?.database.close()
})

async function snapshot() {
  return rowsOf<{ t: string; n: string; v: string }>(await h.db.execute(sql.raw(snapshotSql)))
}

// ---- arbitraries --------------------------------------------------------------------------------

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c))
const asciiText = (maxLength: number) => fc.string({ unit: printable, maxLength })

/** values that break careless code: NUL bytes, astral characters, huge and negative numbers … */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '𠮷𠮷𠮷', ' ', '', '-1', '1e309', 'NaN', "'; drop table ballots; --", '../../etc/passwd', '２０２６Ｑ１', '2026-02-30', '0x10'),
  fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.1, -0),
  fc.constant('x'.repeat(70_000)),
  fc.constant(null),
  fc.boolean(),
)

const text = (min: number, max: number) =>
  fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ unit: 'grapheme', minLength: min, maxLength: max }))

/** A value that usually satisfies `s`, with any part of it sometimes replaced by a hostile one. */
function fromSchema(s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const sane = saneFromSchema(s, depth)
  return fc.oneof({ weight: 12, arbitrary: sane }, { weight: 1, arbitrary: hostileValue })
}

function saneFromSchema(s: Schema | undefined, depth: number): fc.Arbitrary<unknown> {
  if (!s || depth > 6 || s.$ref) return fc.jsonValue({ maxDepth: 2 })
  if (s.const !== undefined) return fc.constant(s.const)
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum)
  const alternatives = s.anyOf ?? s.oneOf
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((x: Schema) => fromSchema(x, depth + 1)))
  if (Array.isArray(s.allOf)) return fromSchema(s.allOf[0], depth + 1)
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t: string) => saneFromSchema({ ...s, type: t }, depth)))
  switch (s.type) {
    case 'string': {
      const min = s.minLength ?? 0
      const max = Math.max(min, Math.min(s.maxLength ?? 30, 60))
      if (s.format === 'date') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString())
      if (s.format === 'uuid') return fc.uuid()
      if (s.pattern) {
        try {
          return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= min && x.length <= (s.maxLength ?? Infinity))
        } catch {
          return text(min, max)
        }
      }
      return text(min, max)
    }
    case 'integer': {
      const min = Math.max(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000), Number.MIN_SAFE_INTEGER)
      const max = Math.min(s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000_000), Number.MAX_SAFE_INTEGER)
      return fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(max)) })
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array': {
      if (Array.isArray(s.prefixItems)) return fc.tuple(...s.prefixItems.map((x: Schema) => fromSchema(x, depth + 1)))
      const min = s.minItems ?? 0
      return fc.array(fromSchema(s.items, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 4, 4)) })
    }
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>
      if (Object.keys(props).length === 0) {
        const values = typeof s.additionalProperties === 'object' ? fromSchema(s.additionalProperties, depth + 1) : fc.jsonValue({ maxDepth: 1 })
        return fc.dictionary(asciiText(12), values, { maxKeys: 3 })
      }
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v, depth + 1)]))
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k: string) => k in props) })
    }
  }
  return fc.jsonValue({ maxDepth: 2 })
}

const asParam = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')
/** lone surrogates cannot be percent-encoded; a client would have sent U+FFFD */
const wellFormed = (v: string) => v.replace(/[\uD800-\uDFFF]/g, (c, i: number) => (/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(v.slice(i - 1, i + 1)) || /[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(v.slice(i, i + 2)) ? c : '\uFFFD'))
const encode = (v: string) => encodeURIComponent(wellFormed(v))

const headerValue = fc.oneof(asciiText(80), fc.constantFrom('', ' ', 'null', '0', '-1', 'x'.repeat(4000), 'W/"x"', '*'))
const MEDIA_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/csv',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '',
]

function requestArbitrary(r: AnyRoute, op: Operation) {
  const { fill } = world
  const pathParams = Object.fromEntries(
    op.parameters
      .filter((p) => p.in === 'path')
      .map((p) => [
        p.name,
        fc.oneof(
          { weight: 10, arbitrary: fc.constant(fill[p.name] ?? 'missing') },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
          { weight: 1, arbitrary: fromSchema(p.schema).map(asParam) },
        ),
      ]),
  )
  const queryParams = Object.fromEntries(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, fromSchema(p.schema).map(asParam)]))
  const query = fc.record({
    declared: fc.record(queryParams, { requiredKeys: [] }),
    extra: fc.dictionary(asciiText(8), fc.string({ maxLength: 20 }), { maxKeys: 2 }),
  })

  const content = op.requestBody?.content ?? {}
  const declaredTypes = Object.keys(content)
  const json = content['application/json']?.schema
  const bodies: fc.WeightedArbitrary<string | Uint8Array | undefined>[] = [{ weight: 1, arbitrary: fc.constant(undefined) }]
  if (r.method !== 'get' && r.method !== 'delete') {
    bodies.push(
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    )
    if (json) bodies.push({ weight: 8, arbitrary: fromSchema(json).map((v) => JSON.stringify(v) ?? 'null') })
    if (declaredTypes.some((t) => t !== 'application/json')) {
      const csvLines = fc.array(fc.array(fc.oneof(text(0, 12), fc.constantFrom('1栋', '1单元', '101', '88.50', '收入', '物业费', '期初余额')), { maxLength: 12 }), { maxLength: 12 })
      bodies.push(
        { weight: 3, arbitrary: csvLines.map((rows) => rows.map((cells) => cells.join(',')).join('\r\n')) },
        { weight: 2, arbitrary: fc.uint8Array({ maxLength: 3000 }) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3000 }).map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b])) },
        { weight: 3, arbitrary: fc.dictionary(asciiText(16), text(0, 40), { maxKeys: 6 }).map((d) => new URLSearchParams(d).toString()) },
      )
    }
  }
  const headers = fc.record(
    {
      'content-type': fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(declaredTypes.length ? declaredTypes : ['application/json'])) }, { weight: 2, arbitrary: fc.constantFrom(...MEDIA_TYPES) }),
      'idempotency-key': headerValue,
      'x-request-id': headerValue,
      cookie: fc.oneof(headerValue, asciiText(40).map((v) => `gy_access=${v}; gy_refresh=${v}`)),
      origin: fc.oneof(fc.constant(h.config.PUBLIC_BASE_URL), headerValue),
      'if-none-match': headerValue,
      'if-modified-since': headerValue,
      accept: fc.constantFrom('*/*', 'text/html', 'application/json', ''),
      'x-test-client-ip': fc.constantFrom('10.250.0.1', '10.250.0.2', '::1', 'not-an-ip'),
    },
    { requiredKeys: ['content-type'] },
  )
  const caller = fc.oneof(
    { weight: 10, arbitrary: fc.constant<'admitted'>('admitted') },
    { weight: 1, arbitrary: fc.constant<'none'>('none') },
    { weight: 1, arbitrary: headerValue.map((v) => `Bearer ${v}`) },
  )
  return fc.record({ pathParams: fc.record(pathParams), query, body: fc.oneof(...bodies), headers, caller })
}

/** a token the route admits: its first community role in A, the admin, or any signed-in owner */
function admittedToken(r: AnyRoute): string | undefined {
  switch (r.access.kind) {
    case 'public':
      return undefined
    case 'signed_in':
      return world.inA.owner
    case 'admin':
      return world.admin
    case 'community': {
      const role = r.access.roles.find((x) => x !== 'admin') as Role | undefined
      return role ? world.inA[role] : world.admin
    }
  }
}

// first: the fuzzing below may revoke the grants these tokens hold
describe('what fuzzing found, pinned', () => {
  it('a NUL byte in a path, a query or a body is refused before any SQL (PostgreSQL text cannot hold it)', async () => {
    const { fill, inA } = world
    const before = await snapshot()
    const path = await h.request('GET', `/api/communities/%00/audit`, { token: inA.committee })
    expect(path.status).toBe(404)
    const query = await h.request('GET', `/api/communities/${fill.cid}/notices?kind=a%00b`)
    expect(query.status).toBe(400)
    const body = await h.request('POST', `/api/communities/${fill.cid}/notices`, { token: inA.committee, json: { kind: 'general', title: '停\u0000水', body: '明日停水。' } })
    expect(body.status).toBe(400)
    expect(body.json.error.code).toBe('VALIDATION_FAILED')
    const csv = await h.request('POST', `/api/communities/${fill.cid}/roster`, { token: inA.committee, body: '楼栋,房号\n1栋,1\u00000', headers: { 'content-type': 'text/csv' } })
    expect(csv.status).toBeLessThan(500)
    expect(await snapshot()).toEqual(before)
  })

  it('a multipart form that does not parse is a 4xx page, not a 500', async () => {
    const res = await h.request('POST', '/h5/login', { body: '', headers: { 'content-type': 'multipart/form-data; boundary=x', origin: h.config.PUBLIC_BASE_URL } })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })
})

describe('every operation in /openapi.json, under hostile input', () => {
  it('the document lists every route of the app (so fuzzing it covers them all)', () => {
    const documented = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0)
    expect(documented).toBe(apiRoutes.length)
  })

  for (const r of apiRoutes) {
    it(`${r.method.toUpperCase()} ${r.path}: never a 5xx, and nothing written when refused`, async () => {
      const op = doc.paths[openApiPath(r.path)]![r.method]!
      await fc.assert(
        fc.asyncProperty(requestArbitrary(r, op), async (req) => {
          let path = r.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encode(req.pathParams[name] as string))
          const qs = new URLSearchParams()
          for (const [k, v] of Object.entries({ ...req.query.extra, ...req.query.declared })) qs.append(wellFormed(k), wellFormed(v as string))
          if ([...qs].length) path += `?${qs}`
          const headers: Record<string, string> = { ...req.headers }
          if (req.caller === 'admitted') {
            const token = admittedToken(r)
            if (token) headers.authorization = `Bearer ${token}`
          } else if (req.caller !== 'none') headers.authorization = req.caller
          if (req.body === undefined) delete headers['content-type']
          const before = await snapshot()
          const res = await h.request(r.method.toUpperCase(), path, { headers, body: req.body as BodyInit | undefined })
          expect(res.status, `${r.method.toUpperCase()} ${path} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500)
          if (res.status >= 400) expect(await snapshot(), `${r.method.toUpperCase()} ${path} refused with ${res.status} but wrote`).toEqual(before)
        }),
        { numRuns: RUNS, seed: SEED },
      )
    })
  }
})
