/**
 * The owners' roll (业主名册): its columns, the template's example rows, and the validation that
 * turns raw rows into units (专有部分) with their owners. An importer elsewhere maps a CSV, XLSX
 * or JSON file to `{ line, values }` records keyed by the Chinese column headers.
 *
 * Validation reports every problem in the file, sorted by line, so the uploader can fix them all
 * in one pass; a roster with any problem yields no units at all.
 */
import { formatArea, parseArea, type RegisteredArea } from './decimal'
import { toHalfWidth } from './half-width'
import { idNumberProblem, normalizeIdNumber } from './id-number'
import { normalizePhone } from './phone'
import { isValidUscc } from './uscc'
import { runSteps, type Steps } from './steps'
import { looksLikeExcelDate, looseUnitKey, normalizeUnitPart } from './unit-key'

export { normalizeUnitPart, unitKeyOf } from './unit-key'

export type UnitType = 'residence' | 'parking' | 'commercial' | 'other'
/** 《解释》第8条: the register first, else the survey, else the sales contract. */
export type AreaSource = 'register' | 'survey' | 'contract'
export type RosterField =
  | 'building'
  | 'unit'
  | 'room'
  | 'unitType'
  | 'area'
  | 'areaSource'
  | 'ownerName'
  | 'idNumber'
  | 'phone'
  | 'representative'
  | 'developerHeld'

export interface RosterColumn {
  key: RosterField
  /** the column header in the file, exactly */
  header: string
  /** the column must be present; its cells must be filled (证件号码: except on developer-held rows) */
  required: boolean
  /** one line for the template */
  description: string
}

/** In template order. */
export const ROSTER_COLUMNS: readonly RosterColumn[] = [
  { key: 'building', header: '楼栋', required: true, description: '楼栋名称，如“1栋”“A座”“地下车库”' },
  { key: 'unit', header: '单元', required: false, description: '单元名称，如“1单元”；不分单元的楼栋留空' },
  { key: 'room', header: '房号', required: true, description: '房号或车位号，如“101”“B-018”' },
  { key: 'unitType', header: '房屋类型', required: false, description: '住宅、车位、商业、其他 之一；留空视为住宅' },
  { key: 'area', header: '专有部分面积', required: true, description: '专有部分建筑面积，单位平方米，照登记簿填写，最多四位小数，如 89.50、95.363' },
  { key: 'areaSource', header: '面积来源', required: true, description: '不动产登记、实测、合同 之一（依次优先采用）' },
  { key: 'ownerName', header: '业主姓名', required: true, description: '业主姓名或单位名称；共有房屋每位共有人各占一行' },
  {
    key: 'idNumber',
    header: '证件号码',
    required: true,
    description: '18位居民身份证号码，单位业主填统一社会信用代码；开发商持有的房屋可不填',
  },
  { key: 'phone', header: '手机号', required: false, description: '11位中国大陆手机号，可不填' },
  { key: 'representative', header: '是否代表人', required: false, description: '是 或 否；共有房屋须指定且只能指定一位代表人，留空视为否' },
  { key: 'developerHeld', header: '开发商持有', required: false, description: '是 或 否；开发商未售出或已售未交付的房屋填“是”，留空视为否' },
]

/**
 * Example rows for the template, keyed by header. They pass validation, except that a roster
 * still containing them is refused (`example_row`): the ID numbers use region code 110000,
 * which is never issued to a person, so they cannot be anyone's.
 */
export const ROSTER_EXAMPLE_ROWS: readonly Readonly<Record<string, string>>[] = [
  {
    楼栋: '1栋', 单元: '1单元', 房号: '101', 房屋类型: '住宅', 专有部分面积: '89.50', 面积来源: '不动产登记',
    业主姓名: '张三', 证件号码: '110000198001010019', 手机号: '13800138000', 是否代表人: '是', 开发商持有: '否',
  },
  {
    楼栋: '1栋', 单元: '1单元', 房号: '101', 房屋类型: '住宅', 专有部分面积: '89.50', 面积来源: '不动产登记',
    业主姓名: '李四', 证件号码: '110000198203150028', 手机号: '', 是否代表人: '否', 开发商持有: '否',
  },
  {
    楼栋: '1栋', 单元: '1单元', 房号: '102', 房屋类型: '', 专有部分面积: '120.35', 面积来源: '实测',
    业主姓名: '王五', 证件号码: '11000019751120007X', 手机号: '13900139000', 是否代表人: '', 开发商持有: '',
  },
  {
    楼栋: '地下车库', 单元: '', 房号: 'B-018', 房屋类型: '车位', 专有部分面积: '12.00', 面积来源: '合同',
    业主姓名: '某某房地产开发有限公司', 证件号码: '91110000MA00EXAM7K', 手机号: '', 是否代表人: '', 开发商持有: '是',
  },
  {
    楼栋: '2栋', 单元: '', 房号: '商铺3', 房屋类型: '商业', 专有部分面积: '56.78', 面积来源: '合同',
    业主姓名: '某某房地产开发有限公司', 证件号码: '', 手机号: '', 是否代表人: '', 开发商持有: '是',
  },
]

export interface RawRosterRecord {
  /** the line in the source file, used in every message about this record */
  line: number
  values: Record<string, string>
  /** columns whose XLSX cell Excel holds as a date, with the cell's name ("C12") */
  dates?: Record<string, string>
}

export type RosterErrorCode =
  | 'empty'
  | 'required'
  | 'unknown_value'
  | 'address_format'
  | 'date_cell'
  | 'unit_looks_like_date'
  | 'area_format'
  | 'area_precision'
  | 'area_not_positive'
  | 'area_too_large'
  | 'id_length'
  | 'id_format'
  | 'id_birthdate'
  | 'id_checksum'
  | 'id_truncated'
  | 'unit_spelt_twice'
  | 'uscc_checksum'
  | 'id_name_mismatch'
  | 'phone_format'
  | 'example_row'
  | 'duplicate_owner'
  | 'area_mismatch'
  | 'area_source_mismatch'
  | 'type_mismatch'
  | 'developer_mismatch'
  | 'no_representative'
  | 'multiple_representatives'

export interface RowError {
  /** 0 for a problem of the whole file ('empty') */
  line: number
  /** the Chinese header of the column at fault */
  column?: string
  code: RosterErrorCode
  /** Chinese, naming the line; never repeats an ID number or phone number */
  message: string
}

export interface RosterOwner {
  name: string
  /** normalised; null only on developer-held rows left blank */
  idNumber: string | null
  /** which kind of number idNumber is */
  idKind: 'resident' | 'uscc' | null
  /** 11 digits */
  phone: string | null
  /** a unit's only owner is its representative whatever the column says */
  representative: boolean
  line: number
}

export interface RosterUnit {
  /** `${building}|${unit}|${room}` of the normalised parts: see unitKeyOf */
  unitKey: string
  building: string
  /** '' for a building without units */
  unit: string
  room: string
  unitType: UnitType
  /** ten-thousandths of m² */
  areaE4: number
  /** decimals as registered (0–4): the area prints as formatArea(areaE4, areaScale), e.g. '95.363' */
  areaScale: number
  areaSource: AreaSource
  developerHeld: boolean
  /** in file order */
  owners: RosterOwner[]
}

export type RosterValidation = { ok: true; units: RosterUnit[] } | { ok: false; errors: RowError[] }

export const UNIT_TYPE_LABELS: Readonly<Record<UnitType, string>> = { residence: '住宅', parking: '车位', commercial: '商业', other: '其他' }
export const AREA_SOURCE_LABELS: Readonly<Record<AreaSource, string>> = { register: '不动产登记', survey: '实测', contract: '合同' }

interface Choices<T> {
  /** cell text → value: the Chinese label, and for JSON uploads the English value itself */
  read: ReadonlyMap<string, T>
  /** what the message lists as allowed */
  labels: string
}
function choicesOf<T extends string>(labels: Readonly<Record<T, string>>): Choices<T> {
  const entries = Object.entries(labels) as [T, string][]
  const read = new Map<string, T>()
  for (const [value, label] of entries) read.set(label, value).set(value, value)
  return { read, labels: entries.map(([, label]) => label).join('、') }
}
const UNIT_TYPES = choicesOf(UNIT_TYPE_LABELS)
const AREA_SOURCES = choicesOf(AREA_SOURCE_LABELS)
const YES_NO: Choices<boolean> = { read: new Map([['是', true], ['否', false]]), labels: '是、否' }

const header = Object.fromEntries(ROSTER_COLUMNS.map((c) => [c.key, c.header])) as Record<RosterField, string>
const columnOrder = new Map(ROSTER_COLUMNS.map((c, i) => [c.header, i]))
const exampleRows = new Set(ROSTER_EXAMPLE_ROWS.filter((r) => r['证件号码']).map((r) => `${r['证件号码']}\u0000${r['业主姓名']}`))

interface Row {
  line: number
  /** null when building or room is missing or malformed: such a row joins no unit */
  unitKey: string | null
  building: string
  unit: string
  room: string
  unitType: UnitType | undefined
  area: RegisteredArea | undefined
  areaSource: AreaSource | undefined
  developerHeld: boolean | undefined
  representative: boolean | undefined
  name: string
  /** normalised, even when invalid (a duplicate is a duplicate) */
  idNumber: string | null
  idKind: 'resident' | 'uscc' | null
  phone: string | null
}

type IdCheck = { kind: 'resident' | 'uscc' } | { code: RosterErrorCode; message: string }

/**
 * Excel keeps 15 significant digits: an 18-digit number typed in a Number cell and saved as CSV
 * ends in 000. Most then fail the check digit; about 1 in 11 passes it, a wrong number that would
 * import silently (validateRosterSteps flags those when the file shows the cause).
 */
const EXCEL_15_DIGITS = '身份证号码末三位是000，校验位不符：多半是 Excel 把号码当数字保存、只留下15位有效数字造成的，请把该列设为文本后重新输入'

function checkIdNumber(id: string, today: Date | undefined): IdCheck {
  if (/^\d+(\.\d+)?E\+?\d+$/.test(id)) {
    return { code: 'id_format', message: '证件号码被 Excel 存成了数字，请把该列设为文本后重新输入' }
  }
  if (id.length !== 18) return { code: 'id_length', message: `证件号码应为18位，实为${Array.from(id).length}位` }
  const problem = idNumberProblem(id, { today })
  if (problem === null) return { kind: 'resident' }
  // 17 digits fit both shapes: a wrong ID number passes the code's own check 1 time in 31, so
  // the code must also carry a valid organisation code (wrongly accepted 1 time in ~340).
  if (isValidUscc(id, { orgCode: /^\d{17}/.test(id) })) return { kind: 'uscc' }
  if (problem === 'birthdate') return { code: 'id_birthdate', message: '身份证号码中的出生日期无效' }
  if (problem === 'checksum') return { code: 'id_checksum', message: id.endsWith('000') ? EXCEL_15_DIGITS : '身份证号码校验位错误' }
  // Letters before the last place: meant as a unified social credit code.
  if (/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(id) && /[A-Z]/.test(id.slice(0, 17))) {
    return { code: 'uscc_checksum', message: '统一社会信用代码校验位错误' }
  }
  return { code: 'id_format', message: '证件号码格式不正确，应为18位居民身份证号码或统一社会信用代码' }
}

type Fail = (line: number, column: RosterField | undefined, code: RosterErrorCode, text: string) => void

/** A cell, trimmed; a header with stray whitespace around it still finds its column. */
function cellOf(values: Readonly<Record<string, unknown>>, h: string): string {
  let v = values[h]
  if (v === undefined) {
    for (const k of Object.keys(values)) if (k.trim() === h) v = values[k]
  }
  return v == null ? '' : String(v).trim()
}

/** The remedy for an address Excel turned into a date: the value typed is gone from the cell, so it is typed again. */
const RETYPE = '请把该列设为文本后重新输入'

function readAddressPart(record: RawRosterRecord, f: RosterField, required: boolean, fail: Fail): string | null {
  const { line, values } = record
  const cell = record.dates?.[header[f]]
  // the cell holds a date serial (3-12 became 12 March): its digits would pass for a room number
  if (cell) {
    fail(line, f, 'date_cell', `${header[f]}（单元格 ${cell}）被 Excel 识别成了日期，${RETYPE}`)
    return null
  }
  const typed = cellOf(values, header[f])
  const part = normalizeUnitPart(typed)
  if (part === '') {
    if (required) fail(line, f, 'required', `${header[f]}不能为空`)
    return required ? null : ''
  }
  // the same, saved as text (a CSV from Excel): what is left is the date as Excel showed it
  if (looksLikeExcelDate(part)) {
    fail(line, f, 'unit_looks_like_date', `${header[f]}“${typed}”像是被 Excel 识别成的日期（在 Excel 中输入 3-12 这样的编号会变成 3月12日），${RETYPE}`)
    return null
  }
  if (part.includes('|')) {
    fail(line, f, 'address_format', `${header[f]}不能包含字符“|”`)
    return null
  }
  return part
}

/** A fixed-choice cell; `blank` is the value of an empty cell, undefined when it must be filled. */
function readChoice<T>(values: Record<string, string>, line: number, f: RosterField, choices: Choices<T>, blank: T | undefined, fail: Fail): T | undefined {
  const v = toHalfWidth(cellOf(values, header[f])).trim()
  if (v === '') {
    if (blank === undefined) fail(line, f, 'required', `${header[f]}不能为空`)
    return blank
  }
  const hit = choices.read.get(v)
  if (hit === undefined) fail(line, f, 'unknown_value', `${header[f]}“${v}”无法识别，应为 ${choices.labels} 之一`)
  return hit
}

/** 《解释》第8条: the area as the register gives it, up to four decimals, kept exactly as written. */
function readArea(text: string, line: number, fail: Fail): RegisteredArea | undefined {
  if (text === '') {
    fail(line, 'area', 'required', `${header.area}不能为空`)
    return undefined
  }
  const parsed = parseArea(text, header.area)
  if (!parsed.ok) {
    fail(line, 'area', parsed.code, parsed.message)
    return undefined
  }
  return parsed.area
}

/** One record's own checks; null for a record whose cells are all blank. */
function readRow(record: RawRosterRecord, today: Date | undefined, fail: Fail): Row | null {
  const { line, values } = record
  let blank = true
  for (const v of Object.values(values)) {
    if (v != null && String(v).trim() !== '') {
      blank = false
      break
    }
  }
  if (blank) return null
  const ascii = (f: RosterField) => toHalfWidth(cellOf(values, header[f])).trim()

  const building = readAddressPart(record, 'building', true, fail)
  const unit = readAddressPart(record, 'unit', false, fail)
  const room = readAddressPart(record, 'room', true, fail)
  const unitType = readChoice(values, line, 'unitType', UNIT_TYPES, 'residence', fail)
  const area = readArea(ascii('area'), line, fail)
  const areaSource = readChoice(values, line, 'areaSource', AREA_SOURCES, undefined, fail)

  const name = cellOf(values, header.ownerName).replace(/\s+/g, ' ')
  if (name === '') fail(line, 'ownerName', 'required', `${header.ownerName}不能为空`)

  const representative = readChoice(values, line, 'representative', YES_NO, false, fail)
  const developerHeld = readChoice(values, line, 'developerHeld', YES_NO, false, fail)

  let idNumber: string | null = normalizeIdNumber(ascii('idNumber').replace(/\s+/g, ''))
  let idKind: Row['idKind'] = null
  if (idNumber === '') {
    idNumber = null
    // An unreadable developer-held cell leaves it open whether the number was needed.
    if (developerHeld === false) fail(line, 'idNumber', 'required', `${header.idNumber}不能为空（仅开发商持有的房屋可不填）`)
  } else {
    const check = checkIdNumber(idNumber, today)
    if ('kind' in check) idKind = check.kind
    else fail(line, 'idNumber', check.code, check.message)
    if (exampleRows.has(`${idNumber}\u0000${name}`)) fail(line, undefined, 'example_row', '是模板中的示例数据，请删除后再导入')
  }

  let phone: string | null = null
  const phoneText = ascii('phone')
  if (phoneText !== '') {
    phone = normalizePhone(phoneText)
    if (phone === null) fail(line, 'phone', 'phone_format', `${header.phone}不是有效的中国大陆手机号（11位，1开头）`)
  }

  return {
    line,
    unitKey: building !== null && unit !== null && room !== null ? `${building}|${unit}|${room}` : null,
    building: building ?? '',
    unit: unit ?? '',
    room: room ?? '',
    unitType,
    area,
    areaSource,
    developerHeld,
    representative,
    name,
    idNumber,
    idKind,
    phone,
  }
}

const lineList = (rows: readonly Row[]) => rows.map((r) => r.line).join('、')
const unitLabel = (r: Row) => [r.building, r.unit, r.room].filter(Boolean).join(' ')

/**
 * The checks of a unit listed on several rows: its rows agree on the unit's facts, list no owner
 * twice, and (co-owned) name one representative. Returns the unit's facts, undefined where unreadable.
 */
function checkSharedUnit(unitRows: readonly Row[], fail: Fail) {
  const first = unitRows[0]!
  const label = unitLabel(first)
  const agree = <T>(f: RosterField, code: RosterErrorCode, get: (r: Row) => T | undefined, show: (v: T) => string): T | undefined => {
    const ref = unitRows.find((r) => get(r) !== undefined)
    if (!ref) return undefined
    const want = get(ref)!
    for (const r of unitRows) {
      const v = get(r)
      if (v === undefined || v === want) continue
      fail(r.line, f, code, `${header[f]}“${show(v)}”与同一房屋（${label}）第${ref.line}行的“${show(want)}”不一致`)
    }
    return want
  }
  // one area, however written: 88.5 and 88.50 agree (the first row's writing is kept)
  const areaE4 = agree('area', 'area_mismatch', (r) => r.area?.e4, (e4) => formatArea(e4, 0))
  const area = areaE4 === undefined ? undefined : unitRows.find((r) => r.area?.e4 === areaE4)!.area
  const areaSource = agree('areaSource', 'area_source_mismatch', (r) => r.areaSource, (v) => AREA_SOURCE_LABELS[v])
  const unitType = agree('unitType', 'type_mismatch', (r) => r.unitType, (v) => UNIT_TYPE_LABELS[v])
  const developerHeld = agree('developerHeld', 'developer_mismatch', (r) => r.developerHeld, (v) => (v ? '是' : '否'))

  // Duplicates: the same ID number, or (no ID number on either) the same name.
  const seen = new Map<string, Row>()
  let distinct = 0
  for (const r of unitRows) {
    const identity = r.idNumber !== null ? `id:${r.idNumber}` : r.name !== '' ? `name:${r.name}` : null
    const earlier = identity === null ? undefined : seen.get(identity)
    if (earlier) {
      const why = r.idNumber !== null ? '证件号码相同' : '姓名相同且均未填证件号码'
      fail(r.line, r.idNumber !== null ? 'idNumber' : 'ownerName', 'duplicate_owner', `与第${earlier.line}行是同一房屋（${label}）的同一业主（${why}），重复登记`)
      continue
    }
    if (identity !== null) seen.set(identity, r)
    distinct++
  }

  // 指导规则 第25条 / 《解释》第9条: a co-owned unit votes through one representative.
  const reps = unitRows.filter((r) => r.representative === true)
  const unreadable = unitRows.some((r) => r.representative === undefined)
  if (reps.length > 1) {
    fail(first.line, 'representative', 'multiple_representatives', `房屋 ${label} 指定了${reps.length}位代表人（第${lineList(reps)}行），只能指定一位`)
  } else if (reps.length === 0 && !unreadable && distinct > 1 && developerHeld === false) {
    fail(first.line, 'representative', 'no_representative', `房屋 ${label} 有${distinct}位共有人（第${lineList(unitRows)}行），须在“${header.representative}”列中指定一位为“是”`)
  }
  return { area, areaSource, unitType, developerHeld, sole: distinct === 1 }
}

/** rows validated between two steps (shared/steps.ts): a few milliseconds' work */
const STEP_ROWS = 200

/**
 * Validates a roster and groups its records into units.
 *
 * - Records whose cells are all blank are skipped (spreadsheets end in blank rows). A column
 *   absent from a record reads as a blank cell; the importer checks the header itself.
 * - Cells are trimmed. Address parts, ID numbers, phone numbers, areas and the fixed-choice
 *   columns are read after full-width → half-width conversion; names are kept as written
 *   (a company's name has full-width brackets), with runs of whitespace collapsed.
 * - The fixed-choice columns take the Chinese label, or the English value itself ('parking',
 *   'survey') as a JSON upload may send it; 是否代表人 and 开发商持有 take only 是 / 否.
 * - Row problems are reported on their row. A disagreement inside a unit (area, area source,
 *   type, developer-held) is reported on each row that differs from the unit's first row giving
 *   a readable value. Representative problems are reported once, on the unit's first row,
 *   listing the unit's rows. A duplicate owner is reported on the later row.
 * - The same ID number under two different names anywhere in the file is reported on the later
 *   row (`id_name_mismatch`): one of the two is a typing error.
 */
export function validateRoster(records: readonly RawRosterRecord[], opts: { today?: Date } = {}): RosterValidation {
  return runSteps(validateRosterSteps(records, opts))
}

/** validateRoster in steps of a few hundred rows, for a server that must not hold its event loop through 20,000 (shared/steps.ts). */
export function* validateRosterSteps(records: readonly RawRosterRecord[], opts: { today?: Date } = {}): Steps<RosterValidation> {
  const errors: RowError[] = []
  const fail: Fail = (line, column, code, text) => {
    errors.push({ line, ...(column ? { column: header[column] } : {}), code, message: `第${line}行 ${text}` })
  }

  const today = opts.today ?? new Date()
  const rows: Row[] = []
  let step = 0
  for (const record of records) {
    if (++step % STEP_ROWS === 0) yield
    const row = readRow(record, today, fail)
    if (row) rows.push(row)
  }

  if (rows.length === 0) {
    errors.push({ line: 0, code: 'empty', message: '业主名册中没有任何数据行' })
    return { ok: false, errors }
  }

  // An ID ending in 000 that failed its check digit says the column went through Excel as a
  // number; the others ending in 000 are then as likely cut (1 in 11 passes the check by chance)
  if (errors.some((e) => e.message.endsWith(EXCEL_15_DIGITS))) {
    for (const r of rows) {
      if (r.idKind === 'resident' && r.idNumber?.endsWith('000')) {
        fail(r.line, 'idNumber', 'id_truncated', '身份证号码末三位是000，与本文件中被 Excel 截断的号码相同，多半也被截断了：请把该列设为文本后，按原件重新输入')
      }
    }
  }

  // The same ID number must carry the same name throughout the file.
  const nameOfId = new Map<string, Row>()
  for (const r of rows) {
    if (r.idNumber === null || r.idKind === null || r.name === '') continue
    const first = nameOfId.get(r.idNumber)
    if (!first) nameOfId.set(r.idNumber, r)
    else if (first.name.replace(/\s/g, '') !== r.name.replace(/\s/g, '')) {
      fail(r.line, 'ownerName', 'id_name_mismatch', `证件号码与第${first.line}行相同，但业主姓名不同`)
    }
  }

  const byUnit = new Map<string, Row[]>()
  for (const r of rows) {
    if (r.unitKey === null) continue
    const list = byUnit.get(r.unitKey)
    if (list) list.push(r)
    else byUnit.set(r.unitKey, [r])
  }

  // One flat spelt two ways ("1栋" on one row, "1号楼" on another) would be two units, and its area
  // counted twice: units alike but for the words around their numbers are refused, on the later one
  const firstOfLoose = new Map<string, Row>()
  for (const [, unitRows] of byUnit) {
    const r = unitRows[0]!
    const loose = spellingKey(r.unitKey!)
    const first = firstOfLoose.get(loose)
    if (!first) firstOfLoose.set(loose, r)
    else fail(r.line, 'building', 'unit_spelt_twice', `与第${first.line}行（${[first.building, first.unit, first.room].filter(Boolean).join(' ')}）像是同一套房屋，只是写法不同，请统一写法（如都写“1栋”或都写“1号楼”）`)
  }

  const units: RosterUnit[] = []
  for (const [unitKey, unitRows] of byUnit) {
    if (++step % STEP_ROWS === 0) yield
    const first = unitRows[0]!
    const shared =
      unitRows.length === 1
        ? { area: first.area, areaSource: first.areaSource, unitType: first.unitType, developerHeld: first.developerHeld, sole: true }
        : checkSharedUnit(unitRows, fail)
    const { area, areaSource, unitType, developerHeld, sole } = shared
    if (area === undefined || areaSource === undefined || unitType === undefined || developerHeld === undefined) continue
    units.push({
      unitKey,
      building: first.building,
      unit: first.unit,
      room: first.room,
      unitType,
      areaE4: area.e4,
      areaScale: area.scale,
      areaSource,
      developerHeld,
      owners: unitRows.map((r) => ({
        name: r.name,
        idNumber: r.idNumber,
        idKind: r.idKind,
        phone: r.phone,
        representative: sole || r.representative === true,
        line: r.line,
      })),
    })
  }

  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line || (columnOrder.get(a.column ?? '') ?? 99) - (columnOrder.get(b.column ?? '') ?? 99))
    return { ok: false, errors }
  }
  return { ok: true, units }
}

/**
 * One flat however the roll spells it: looseUnitKey, and a 单元 written as a mark for "none"
 * (无, -, /, a shop's usual entries) read as blank, so a shop listed once with a blank 单元 and once
 * with 无 is caught as spelt twice rather than imported twice with its area counted twice.
 */
function spellingKey(unitKey: string): string {
  const [building, unit, room] = looseUnitKey(unitKey).split('|')
  return `${building}|${/^(无|-|\/|—|_)$/.test(unit ?? '') ? '' : unit}|${room}`
}
