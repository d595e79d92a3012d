import type { Context } from 'hono'
import { RosterJsonBody, RosterUnitsQuery, RosterUnitsReply, RosterVersionListReply, RosterVersionReply } from '../../../shared/api/roster'
import { AREA_SOURCE_LABELS, ROSTER_COLUMNS, ROSTER_EXAMPLE_ROWS, UNIT_TYPE_LABELS } from '../../../shared/roster'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { refuseNul } from '../../lib/input'
import { access, issuesDetails, route } from '../../lib/route'
import { readTableUpload, tableDownload, XLSX_TYPE } from '../../lib/download'
import { ctxOf } from '../../services/context'
import { importRoster, type RosterRecord, type RosterSource } from '../../services/roster/import'
import { listRosterUnits, listRosterVersions } from '../../services/roster/read'
import { CidParams } from '../params'

const tags = ['业主名册']
/** A 20,000-unit roll as XLSX is about 1 MB; as JSON a few MB. */
const MAX_ROSTER_BYTES = 25 * 1024 * 1024

/** JSON rows may use the template's Chinese headers or the English keys. */
function jsonRecords(body: unknown): { header: string[]; records: RosterRecord[] } {
  const parsed = RosterJsonBody.safeParse(body)
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', issuesDetails(parsed.error))
  const headerOfKey = new Map(ROSTER_COLUMNS.map((c) => [c.key as string, c.header]))
  const seen = new Set<string>()
  const records = parsed.data.rows.map((row, i) => {
    const values: Record<string, string> = {}
    for (const [k, v] of Object.entries(row)) {
      const header = headerOfKey.get(k) ?? k
      seen.add(header)
      values[header] = v === null ? '' : typeof v === 'boolean' ? (v ? '是' : '否') : String(v).trim()
    }
    return { line: i + 1, values }
  })
  return { header: [...seen], records }
}

async function readUpload(c: Context<HonoEnv>): Promise<{ source: RosterSource; header: string[]; headerLine?: number; records: RosterRecord[] }> {
  const type = (c.req.header('content-type') ?? '').toLowerCase()
  if (type.startsWith('application/json')) {
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      throw new AppError('INVALID_JSON')
    }
    refuseNul(body, 'body')
    return { source: 'json', ...jsonRecords(body) }
  }
  const table = await readTableUpload(c, ['application/json'], { sheet: [ROSTER_SHEET], columns: ROSTER_COLUMNS.map((col) => col.header) })
  return { source: table.kind, header: table.header, headerLine: table.headerLine, records: table.records }
}

/** The template's sheet: read by name, so a hidden or extra first sheet is not taken for the roll. */
const ROSTER_SHEET = '业主名册'
/**
 * 证件号码 and 手机号 as text, so Excel keeps all 18 digits (a General cell turns them into
 * 1.10101199003077E+17); drop-downs where only a few words are accepted.
 */
function templateFormats() {
  const at = (header: string) => ROSTER_COLUMNS.findIndex((c) => c.header === header)
  const yesNo = ['是', '否']
  return {
    textColumns: [at('楼栋'), at('单元'), at('房号'), at('证件号码'), at('手机号')],
    choices: [
      { column: at('房屋类型'), values: Object.values(UNIT_TYPE_LABELS) },
      { column: at('面积来源'), values: Object.values(AREA_SOURCE_LABELS) },
      { column: at('是否代表人'), values: yesNo },
      { column: at('开发商持有'), values: yesNo },
    ],
  }
}
const templateRows = () => [ROSTER_COLUMNS.map((c) => c.header), ...ROSTER_EXAMPLE_ROWS.map((r) => ROSTER_COLUMNS.map((c) => r[c.header] ?? ''))]

export const rosterRoutes = [
  route({
    method: 'post',
    path: '/api/communities/:cid/roster',
    summary: '导入业主名册（CSV、XLSX 或 JSON）；任何一行有误则整份不导入',
    tags,
    access: access.community(['committee', 'community_staff', 'admin']),
    params: CidParams,
    upload: {
      contentTypes: ['text/csv', XLSX_TYPE, 'application/json'],
      description: '按模板（GET /api/roster/template.xlsx）填写；JSON 为 { rows: [{ 楼栋, 单元, 房号, ... }] }',
    },
    maxBodyBytes: MAX_ROSTER_BYTES,
    responses: { 201: { description: '新的名册版本及与上一版本的差异', schema: RosterVersionReply } },
    handler: async (c, { params }) => {
      const upload = await readUpload(c)
      return { status: 201, json: await importRoster(ctxOf(c), params.cid, upload.source, upload.header, upload.records, upload.headerLine) }
    },
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/roster/versions',
    summary: '名册版本及每次导入的差异',
    tags,
    access: access.community(['committee', 'community_staff', 'admin']),
    params: CidParams,
    responses: { 200: { description: '版本列表，新的在前', schema: RosterVersionListReply } },
    handler: async (c, { params }) => ({ status: 200, json: { versions: await listRosterVersions(ctxOf(c), params.cid) } }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:cid/roster/units',
    summary: '当前名册中的房屋与业主（手机号打码）',
    tags,
    access: access.community(['committee', 'community_staff', 'admin']),
    params: CidParams,
    query: RosterUnitsQuery,
    responses: { 200: { description: '一页房屋', schema: RosterUnitsReply } },
    handler: async (c, { params, query }) => ({ status: 200, json: await listRosterUnits(ctxOf(c), params.cid, query) }),
  }),
  route({
    method: 'get',
    path: '/api/roster/template.csv',
    summary: '业主名册模板（CSV）',
    tags,
    access: access.public,
    responses: { 200: { description: '模板', contentType: 'text/csv' } },
    handler: async (c) => tableDownload(c, 'csv', '业主名册模板', [{ name: '业主名册', rows: templateRows() }]),
  }),
  route({
    method: 'get',
    path: '/api/roster/template.xlsx',
    summary: '业主名册模板（XLSX，含填写说明）',
    tags,
    access: access.public,
    responses: { 200: { description: '模板', contentType: XLSX_TYPE } },
    handler: async (c) =>
      tableDownload(c, 'xlsx', '业主名册模板', [
        { name: ROSTER_SHEET, rows: templateRows(), columnWidths: ROSTER_COLUMNS.map(() => 14), ...templateFormats() },
        { name: '填写说明', rows: [['列', '必填', '说明'], ...ROSTER_COLUMNS.map((col) => [col.header, col.required ? '是' : '否', col.description])] },
      ]),
  }),
]
