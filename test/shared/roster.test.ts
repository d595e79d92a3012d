import { describe, expect, it } from 'vitest'
import { ROSTER_COLUMNS, ROSTER_EXAMPLE_ROWS, unitKeyOf, validateRoster, type RawRosterRecord, type RowError } from '../../shared/roster'

/** ISO 7064 MOD 11-2, recursive form: independent of the implementation's weight table. */
function checkChar(first17: string): string {
  let p = 0
  for (const ch of first17) p = (2 * (p + Number(ch))) % 11
  const c = (12 - p) % 11
  return c === 10 ? 'X' : String(c)
}
const makeId = (birth: string, seq: number) => {
  const body = `320102${birth}${String(seq).padStart(3, '0')}`
  return body + checkChar(body)
}
/** A unique valid ID number per n. */
const idFor = (n: number) => makeId('19850610', n)

const today = new Date('2025-01-01T00:00:00Z')

type Cells = Partial<Record<'楼栋' | '单元' | '房号' | '房屋类型' | '专有部分面积' | '面积来源' | '业主姓名' | '证件号码' | '手机号' | '是否代表人' | '开发商持有', string>>

/** A valid single-owner unit of its own on `line`, with `cells` changed. */
function rec(line: number, cells: Cells = {}): RawRosterRecord {
  return {
    line,
    values: {
      楼栋: '9栋',
      单元: '',
      房号: `R${line}`,
      房屋类型: '住宅',
      专有部分面积: '100',
      面积来源: '不动产登记',
      业主姓名: `业主${line}`,
      证件号码: idFor(line),
      手机号: '',
      是否代表人: '',
      开发商持有: '',
      ...cells,
    },
  }
}

const brief = (errors: RowError[]) => errors.map((e) => [e.line, e.code, e.column ?? null])

describe('ROSTER_COLUMNS and the template', () => {
  it('lists the eleven columns in order, with the required ones marked', () => {
    expect(ROSTER_COLUMNS.map((c) => c.header)).toEqual(['楼栋', '单元', '房号', '房屋类型', '专有部分面积', '面积来源', '业主姓名', '证件号码', '手机号', '是否代表人', '开发商持有'])
    expect(ROSTER_COLUMNS.filter((c) => c.required).map((c) => c.key)).toEqual(['building', 'room', 'area', 'areaSource', 'ownerName', 'idNumber'])
    for (const c of ROSTER_COLUMNS) expect(c.description.length).toBeGreaterThan(4)
  })

  it('example rows are valid data but refused when left in an upload', () => {
    const records = ROSTER_EXAMPLE_ROWS.map((values, i) => ({ line: i + 2, values: { ...values } }))
    const res = validateRoster(records, { today })
    expect(res.ok).toBe(false)
    if (res.ok) return
    expect(brief(res.errors)).toEqual([
      [2, 'example_row', null],
      [3, 'example_row', null],
      [4, 'example_row', null],
      [5, 'example_row', null],
    ])
    // with other names they are fine
    const renamed = records.map((r) => ({ ...r, values: { ...r.values, 业主姓名: `${r.values['业主姓名']}甲` } }))
    const ok = validateRoster(renamed, { today })
    expect(ok.ok).toBe(true)
    if (!ok.ok) return
    expect(ok.units.map((u) => [u.unitKey, u.unitType, u.areaE4, u.areaScale, u.developerHeld, u.owners.length])).toEqual([
      ['1栋|1单元|101', 'residence', 895000, 2, false, 2],
      ['1栋|1单元|102', 'residence', 1203500, 2, false, 1],
      ['地下车库||B-018', 'parking', 120000, 2, true, 1],
      ['2栋||商铺3', 'commercial', 567800, 2, true, 1],
    ])
  })
})

describe('validateRoster: a valid roster', () => {
  it('groups co-owners, normalises every field, and makes a sole owner the representative', () => {
    const records: RawRosterRecord[] = [
      rec(2, { 楼栋: ' １栋 ', 单元: '２单元', 房号: '1０1', 业主姓名: '  张  三 ', 证件号码: makeId('19900101', 7).toLowerCase(), 手机号: '+86 138-1234-5678', 是否代表人: '是', 专有部分面积: '89.5' }),
      { line: 3, values: { 楼栋: '1栋', 单元: '2单元', 房号: '101', 专有部分面积: '８９.５０', 面积来源: '不动产登记', 业主姓名: '李四', 证件号码: idFor(3), 是否代表人: '否' } },
      rec(4, { 楼栋: 'a座', 房号: 'b-1', 业主姓名: '王五', 是否代表人: '否', 专有部分面积: '120.35', 面积来源: '实测', 房屋类型: '' }),
      { line: 5, values: { 楼栋: '', 单元: '', 房号: ' ', 业主姓名: '' } }, // blank row: skipped
      rec(6, { 楼栋: '车库', 房号: 'P1', 房屋类型: '车位', 业主姓名: '某某开发有限公司', 证件号码: '', 开发商持有: '是', 面积来源: '合同' }),
      rec(7, { 楼栋: '车库', 房号: 'P2', 房屋类型: '车位', 业主姓名: '某某开发有限公司', 证件号码: '91350100M000100Y43', 开发商持有: '是', 面积来源: '合同' }),
      rec(8, { 房屋类型: '商业' }),
      rec(9, { 房屋类型: '其他', 证件号码: ` ${makeId('19900101', 8)} ` }),
    ]
    const res = validateRoster(records, { today })
    expect(res).toMatchObject({ ok: true })
    if (!res.ok) return
    expect(res.units).toHaveLength(6)
    const [coOwned, single, p1, p2, shop, other] = res.units
    expect(coOwned).toEqual({
      unitKey: '1栋|2单元|101',
      building: '1栋',
      unit: '2单元',
      room: '101',
      unitType: 'residence',
      // one area, written 89.5 on the first row and ８９.５０ on the second: kept as the first wrote it
      areaE4: 895000,
      areaScale: 1,
      areaSource: 'register',
      developerHeld: false,
      owners: [
        { name: '张 三', idNumber: makeId('19900101', 7).toUpperCase(), idKind: 'resident', phone: '13812345678', representative: true, line: 2 },
        { name: '李四', idNumber: idFor(3), idKind: 'resident', phone: null, representative: false, line: 3 },
      ],
    })
    expect(single).toMatchObject({ unitKey: 'A座||B-1', unitType: 'residence', areaE4: 1203500, areaScale: 2, areaSource: 'survey' })
    expect(single!.owners).toEqual([{ name: '王五', idNumber: idFor(4), idKind: 'resident', phone: null, representative: true, line: 4 }])
    expect(p1).toMatchObject({ unitKey: '车库||P1', unitType: 'parking', developerHeld: true, areaSource: 'contract' })
    expect(p1!.owners[0]).toMatchObject({ idNumber: null, idKind: null, representative: true })
    expect(p2!.owners[0]).toMatchObject({ idNumber: '91350100M000100Y43', idKind: 'uscc' })
    expect(shop!.unitType).toBe('commercial')
    expect(other!.unitType).toBe('other')
    expect(other!.owners[0]!.idNumber).toBe(makeId('19900101', 8))
    expect(makeId('19900101', 7)).toMatch(/X$/)
  })

  it('takes the English values a JSON upload may send for type and area source', () => {
    const res = validateRoster([rec(2, { 房屋类型: 'parking', 面积来源: 'survey' }), rec(3, { 房屋类型: 'commercial', 面积来源: 'contract' })], { today })
    expect(res.ok && res.units.map((u) => [u.unitType, u.areaSource])).toEqual([
      ['parking', 'survey'],
      ['commercial', 'contract'],
    ])
    const bad = validateRoster([rec(2, { 房屋类型: 'Parking' })], { today })
    expect(bad.ok ? '' : bad.errors[0]!.message).toBe('第2行 房屋类型“Parking”无法识别，应为 住宅、车位、商业、其他 之一')
  })

  it('unitKeyOf normalises the same way', () => {
    expect(unitKeyOf(' １栋 ', '２ 单元', 'a０1')).toBe('1栋|2单元|A01')
    expect(unitKeyOf('1号楼', '', '101')).not.toBe(unitKeyOf('1栋', '', '101'))
  })

  it('reads a column missing from a record as blank', () => {
    const { 手机号: _p, 是否代表人: _r, 开发商持有: _d, 房屋类型: _t, 单元: _u, ...values } = rec(2).values
    const res = validateRoster([{ line: 2, values }], { today })
    expect(res.ok).toBe(true)
  })

  it('tolerates whitespace around header keys', () => {
    const values = Object.fromEntries(Object.entries(rec(2).values).map(([k, v]) => [` ${k} `, v]))
    expect(validateRoster([{ line: 2, values }], { today }).ok).toBe(true)
  })

  it('passes today on to the birth-date check', () => {
    const id = makeId('20250301', 1)
    expect(validateRoster([rec(2, { 证件号码: id })], { today: new Date('2025-03-01T00:00:00Z') }).ok).toBe(true)
    const res = validateRoster([rec(2, { 证件号码: id })], { today: new Date('2025-02-28T00:00:00Z') })
    expect(res.ok ? [] : brief(res.errors)).toEqual([[2, 'id_birthdate', '证件号码']])
  })
})

describe('validateRoster: problems', () => {
  it('one flat spelt two ways (1栋 / 1号楼, 101 / 101室) is refused on the later row; rooms that differ are not', () => {
    const spelt = validateRoster([rec(2, { 楼栋: '1栋', 单元: '1单元', 房号: '101' }), rec(3, { 楼栋: '1号楼', 单元: '1', 房号: '101室' }), rec(4, { 楼栋: '1号楼', 单元: '1单元', 房号: '102' })], { today })
    expect(spelt.ok ? [] : brief(spelt.errors)).toEqual([[3, 'unit_spelt_twice', '楼栋']])
    expect(spelt.ok ? '' : spelt.errors[0]!.message).toBe('第3行 与第2行（1栋 1单元 101）像是同一套房屋，只是写法不同，请统一写法（如都写“1栋”或都写“1号楼”）')
    expect(validateRoster([rec(2, { 楼栋: '1栋', 房号: '101' }), rec(3, { 楼栋: '1栋', 房号: '102' }), rec(4, { 楼栋: '2栋', 房号: '101' })], { today }).ok).toBe(true)
  })

  it('a shop listed with a blank 单元 and again with 无 (or - or /) is one shop spelt twice, not two', () => {
    for (const mark of ['无', '-', '/']) {
      const twice = validateRoster([rec(2, { 楼栋: '5栋', 单元: '', 房号: 'S01' }), rec(3, { 楼栋: '5栋', 单元: mark, 房号: 'S01' })], { today })
      expect(twice.ok ? [] : brief(twice.errors), mark).toEqual([[3, 'unit_spelt_twice', '楼栋']])
    }
    // a real 单元 is another flat
    expect(validateRoster([rec(2, { 楼栋: '5栋', 单元: '', 房号: 'S01' }), rec(3, { 楼栋: '5栋', 单元: '1单元', 房号: 'S01' })], { today }).ok).toBe(true)
  })

  it('an empty roster, or one of blank rows only, is an error', () => {
    expect(validateRoster([], { today })).toEqual({ ok: false, errors: [{ line: 0, code: 'empty', message: '业主名册中没有任何数据行' }] })
    const blank = validateRoster([{ line: 2, values: { 楼栋: ' ', 房号: '' } }], { today })
    expect(blank.ok ? [] : brief(blank.errors)).toEqual([[0, 'empty', null]])
  })

  it('reports every kind of problem at once, each on its line', () => {
    const sharedId = idFor(900)
    const records: RawRosterRecord[] = [
      rec(2, { 楼栋: '' }),
      rec(3, { 房屋类型: '别墅' }),
      rec(4, { 房号: 'A|B' }),
      rec(5, { 专有部分面积: '89.55555' }),
      rec(6, { 专有部分面积: '0' }),
      rec(7, { 专有部分面积: '-3' }),
      rec(8, { 专有部分面积: '2000000' }),
      rec(9, { 证件号码: '12345' }),
      rec(10, { 证件号码: '3.20102198506E+17' }),
      rec(11, { 证件号码: makeId('19000229', 11) }),
      rec(12, { 证件号码: idFor(12).slice(0, 17) + (idFor(12)[17] === '0' ? '1' : '0') }),
      rec(13, { 证件号码: '91350100M000100Y44' }),
      rec(14, { 手机号: '12345' }),
      rec(15, { 是否代表人: '对' }),
      rec(16, { 面积来源: '' }),
      rec(17, { 证件号码: '' }),
      rec(18, { 业主姓名: '' }),
      rec(19, { 证件号码: sharedId, 业主姓名: '赵六' }),
      rec(20, { 证件号码: sharedId, 业主姓名: '赵七' }),
      // co-owned units: each pair agrees on everything but one field
      rec(21, { 房号: 'U1', 是否代表人: '是' }),
      rec(22, { 房号: 'U1', 专有部分面积: '101' }),
      rec(23, { 房号: 'U2', 是否代表人: '是' }),
      rec(24, { 房号: 'U2', 面积来源: '实测' }),
      rec(25, { 房号: 'U3', 是否代表人: '是' }),
      rec(26, { 房号: 'U3', 房屋类型: '商业' }),
      rec(27, { 房号: 'U4', 开发商持有: '是' }),
      rec(28, { 房号: 'U4', 开发商持有: '否' }),
      rec(29, { 房号: 'U5' }),
      rec(30, { 房号: 'U5', 是否代表人: '否' }),
      rec(31, { 房号: 'U6', 是否代表人: '是' }),
      rec(32, { 房号: 'U6' }),
      rec(33, { 房号: 'U6', 是否代表人: '是' }),
      rec(34, { 房号: 'U7', 证件号码: idFor(13), 业主姓名: '孙八' }),
      rec(35, { 房号: 'U7', 证件号码: idFor(13).replace('X', 'x'), 业主姓名: '孙八' }),
      rec(36, { 房号: 'U8', 开发商持有: '是', 证件号码: '', 业主姓名: '某某开发有限公司' }),
      rec(37, { 房号: 'U8', 开发商持有: '是', 证件号码: '', 业主姓名: '某某开发有限公司' }),
      { line: 38, values: { ...ROSTER_EXAMPLE_ROWS[2]! } },
      rec(39, { 开发商持有: '也许', 证件号码: '' }),
      { line: 40, values: { 楼栋: '', 业主姓名: '   ' } },
      rec(41, { 楼栋: '９栋', 房号: 'r41', 证件号码: idFor(48).toLowerCase(), 手机号: '13912345678' }),
    ]
    expect(idFor(13)).toMatch(/X$/)
    expect(idFor(48)).toMatch(/X$/)
    const res = validateRoster(records, { today })
    expect(res.ok).toBe(false)
    if (res.ok) return
    expect(brief(res.errors)).toEqual([
      [2, 'required', '楼栋'],
      [3, 'unknown_value', '房屋类型'],
      [4, 'address_format', '房号'],
      [5, 'area_precision', '专有部分面积'],
      [6, 'area_not_positive', '专有部分面积'],
      [7, 'area_not_positive', '专有部分面积'],
      [8, 'area_too_large', '专有部分面积'],
      [9, 'id_length', '证件号码'],
      [10, 'id_format', '证件号码'],
      [11, 'id_birthdate', '证件号码'],
      [12, 'id_checksum', '证件号码'],
      [13, 'uscc_checksum', '证件号码'],
      [14, 'phone_format', '手机号'],
      [15, 'unknown_value', '是否代表人'],
      [16, 'required', '面积来源'],
      [17, 'required', '证件号码'],
      [18, 'required', '业主姓名'],
      [20, 'id_name_mismatch', '业主姓名'],
      [22, 'area_mismatch', '专有部分面积'],
      [24, 'area_source_mismatch', '面积来源'],
      [26, 'type_mismatch', '房屋类型'],
      [28, 'developer_mismatch', '开发商持有'],
      [29, 'no_representative', '是否代表人'],
      [31, 'multiple_representatives', '是否代表人'],
      [35, 'duplicate_owner', '证件号码'],
      [37, 'duplicate_owner', '业主姓名'],
      [38, 'example_row', null],
      [39, 'unknown_value', '开发商持有'],
    ])
    // every message names its line, and none repeats an ID or phone number
    for (const e of res.errors) {
      if (e.line > 0) expect(e.message.startsWith(`第${e.line}行 `), e.message).toBe(true)
      expect(e.message).not.toMatch(/\d{11}/)
    }
    const msg = (line: number) => res.errors.find((e) => e.line === line)!.message
    expect(msg(12)).toBe('第12行 身份证号码校验位错误')
    expect(msg(10)).toContain('存成了数字')
    expect(msg(22)).toBe('第22行 专有部分面积“101”与同一房屋（9栋 U1）第21行的“100”不一致')
    expect(msg(5)).toBe('第5行 专有部分面积“89.55555”有5位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）')
    expect(msg(29)).toContain('第29、30行')
    expect(msg(31)).toContain('第31、33行')
    expect(msg(35)).toContain('第34行')
    expect(msg(20)).toContain('第19行')
  })

  it('a unit-level check ignores rows whose own value is unreadable', () => {
    const res = validateRoster([rec(2, { 房号: 'U', 是否代表人: '是', 专有部分面积: 'abc' }), rec(3, { 房号: 'U', 专有部分面积: '101' })], { today })
    expect(res.ok ? [] : brief(res.errors)).toEqual([[2, 'area_format', '专有部分面积']])
  })

  it('a co-owned developer-held unit needs no representative but allows at most one', () => {
    const dev = (line: number, rep: string) => rec(line, { 房号: 'D', 开发商持有: '是', 是否代表人: rep })
    expect(validateRoster([dev(2, ''), dev(3, '')], { today }).ok).toBe(true)
    const two = validateRoster([dev(2, '是'), dev(3, '是')], { today })
    expect(two.ok ? [] : brief(two.errors)).toEqual([[2, 'multiple_representatives', '是否代表人']])
  })

  it('a sole owner marked 否 is still the representative', () => {
    const res = validateRoster([rec(2, { 是否代表人: '否' })], { today })
    expect(res.ok && res.units[0]!.owners[0]!.representative).toBe(true)
  })

  it('reports the problems of many rows without stopping', () => {
    const records = Array.from({ length: 500 }, (_, i) => rec(i + 2, { 手机号: '123' }))
    const res = validateRoster(records, { today })
    expect(res.ok ? 0 : res.errors.length).toBe(500)
  })

  it('a leading or trailing full-width space is not part of an ID number', () => {
    const res = validateRoster([rec(2, { 证件号码: `\u3000${idFor(2)}\u3000` })], { today })
    expect(res.ok && res.units[0]!.owners[0]!.idNumber).toBe(idFor(2))
  })
})

describe('validateRoster: addresses Excel turned into dates', () => {
  it('a date as Excel shows it, saved as text, is refused on its cell; numbers that only look like one are not', () => {
    const dated = ['2001/1/1', '2001-01-01', '1/1/2001', '3月12日', '2001年1月1日', '2001年1月', '３月１２日', '12-Mar', '2-mar-01', 'Mar-01']
    const honest = ['101', '1-101', '3-2', '2/3', '3-12', '1单元', '甲3', 'B-018', '12-1-1101', '1501-2-3', '13月1日', '2001/13/1', 'Mars-01', '商铺3']
    const res = validateRoster([...dated.map((room, i) => rec(i + 2, { 房号: room })), ...honest.map((room, i) => rec(i + 20, { 房号: room }))], { today })
    expect(res.ok).toBe(false)
    if (res.ok) return
    expect(brief(res.errors)).toEqual(dated.map((_, i) => [i + 2, 'unit_looks_like_date', '房号']))
    expect(res.errors[0]!.message).toBe('第2行 房号“2001/1/1”像是被 Excel 识别成的日期（在 Excel 中输入 3-12 这样的编号会变成 3月12日），请把该列设为文本后重新输入')
  })

  it('a cell the XLSX holds as a date is refused naming the cell, whatever its digits read as', () => {
    const res = validateRoster([{ ...rec(2, { 单元: '46093' }), dates: { 单元: 'B2' } }, rec(3)], { today })
    expect(!res.ok && res.errors).toEqual([{ line: 2, column: '单元', code: 'date_cell', message: '第2行 单元（单元格 B2）被 Excel 识别成了日期，请把该列设为文本后重新输入' }])
  })
})

describe('validateRoster: areas as registered (《解释》第8条)', () => {
  it('keeps up to four decimals exactly as written, and refuses a fifth naming the row', () => {
    const res = validateRoster(
      [rec(2, { 房号: '1', 专有部分面积: '95.363' }), rec(3, { 房号: '2', 专有部分面积: '120.1234' }), rec(4, { 房号: '3', 专有部分面积: '88.50' }), rec(5, { 房号: '4', 专有部分面积: '120' })],
      { today },
    )
    expect(res.ok && res.units.map((u) => [u.room, u.areaE4, u.areaScale])).toEqual([
      ['1', 953630, 3],
      ['2', 1201234, 4],
      ['3', 885000, 2],
      ['4', 1200000, 0],
    ])
    const bad = validateRoster([rec(2, { 房号: '1', 专有部分面积: '95.363' }), rec(3, { 房号: '2', 专有部分面积: '120.12345' })], { today })
    expect(bad.ok ? [] : bad.errors).toEqual([
      { line: 3, column: '专有部分面积', code: 'area_precision', message: '第3行 专有部分面积“120.12345”有5位小数，最多四位（按不动产登记簿记载填写，不要四舍五入）' },
    ])
  })
})
