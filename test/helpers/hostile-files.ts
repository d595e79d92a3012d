import { crc32, deflateRawSync, constants as zlibConstants } from 'node:zlib'
import { strToU8, zipSync } from 'fflate'
import { toCsv, writeXlsx } from '../../worker/lib/spreadsheet'
import { idNumber, simpleRoster, type RosterRowInput } from './fixtures'

/**
 * Files built to hurt the reader (the hostile review of issue 12), and real-sized rolls to compare
 * them with: used by the tests and by test/bench/upload.bench.ts.
 */
export const ROSTER_HEADERS = ['楼栋', '单元', '房号', '房屋类型', '专有部分面积', '面积来源', '业主姓名', '证件号码', '手机号', '是否代表人', '开发商持有'] as const
export const rosterTable = (rows: RosterRowInput[]) => [[...ROSTER_HEADERS], ...rows.map((r) => ROSTER_HEADERS.map((k) => (r as unknown as Record<string, string>)[k] ?? ''))]

/** A roll of n units as our own XLSX (sheet 业主名册). */
export const rosterXlsx = (n: number) => writeXlsx([{ name: '业主名册', rows: rosterTable(simpleRoster(n)) }])

const u16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff]
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]

/** A zip of entries given as they are stored (deflated bytes and what each declares), for lying headers. */
export function rawZip(entries: { name: string; deflated: Uint8Array; size: number; crc: number }[]): Uint8Array {
  const local: number[] = []
  const central: number[] = []
  for (const e of entries) {
    const name = [...strToU8(e.name)]
    const offset = local.length
    const common = [...u16(20), ...u16(0), ...u16(8), ...u16(0), ...u16(0), ...u32(e.crc), ...u32(e.deflated.length), ...u32(e.size), ...u16(name.length), ...u16(0)]
    local.push(...u32(0x04034b50), ...common, ...name)
    for (const b of e.deflated) local.push(b)
    central.push(...u32(0x02014b50), ...u16(20), ...common, ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...name)
  }
  const eocd = [...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(entries.length), ...u16(entries.length), ...u32(central.length), ...u32(local.length), ...u16(0)]
  return new Uint8Array([...local, ...central, ...eocd])
}

const workbookParts = () => {
  const wb = strToU8(`<workbook xmlns:r="r"><sheets><sheet name="业主名册" sheetId="1" r:id="rId1"/></sheets></workbook>`)
  const rels = strToU8(`<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`)
  const entry = (name: string, data: Uint8Array) => ({ name, deflated: deflateRawSync(data), size: data.length, crc: crc32(data) })
  return [entry('xl/workbook.xml', wb), entry('xl/_rels/workbook.xml.rels', rels)]
}

/**
 * A zip bomb: a sheet that inflates to `megabytes` MB from about 2.5 KB per MB, declaring only
 * `declaredSize` bytes (or its true size, when honest). Deflate blocks flushed to a byte boundary
 * can be repeated, so this costs the test nothing to build.
 */
export function zipBomb(megabytes: number, declaredSize?: number): Uint8Array {
  const chunk = Buffer.from('<row><c><v>1</v></c></row>'.repeat(40_329).slice(0, 1024 * 1024))
  const part = deflateRawSync(chunk, { finishFlush: zlibConstants.Z_SYNC_FLUSH })
  const deflated = Buffer.concat([...Array.from({ length: megabytes }, () => part), Buffer.from([3, 0])])
  return rawZip([...workbookParts(), { name: 'xl/worksheets/sheet1.xml', deflated, size: declaredSize ?? megabytes * 1024 * 1024, crc: 0 }])
}

/** A real file with one entry's declared size or CRC-32 patched (in both headers). */
export function patchEntry(bytes: Uint8Array, name: string, patch: { size?: number; crc?: number }): Uint8Array {
  const out = new Uint8Array(bytes)
  const view = new DataView(out.buffer)
  const target = strToU8(name)
  const matches = (at: number) => target.every((b, i) => out[at + i] === b)
  for (let p = 0; p + 46 < out.length; p++) {
    const sig = view.getUint32(p, true)
    if (sig === 0x04034b50 && view.getUint16(p + 26, true) === target.length && matches(p + 30)) {
      if (patch.crc !== undefined) view.setUint32(p + 14, patch.crc, true)
      if (patch.size !== undefined) view.setUint32(p + 22, patch.size, true)
    } else if (sig === 0x02014b50 && view.getUint16(p + 28, true) === target.length && matches(p + 46)) {
      if (patch.crc !== undefined) view.setUint32(p + 16, patch.crc, true)
      if (patch.size !== undefined) view.setUint32(p + 24, patch.size, true)
    }
  }
  return out
}

/** The size an entry declares in the central directory. */
export function declaredSize(bytes: Uint8Array, name: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const target = strToU8(name)
  for (let p = 0; p + 46 < bytes.length; p++) {
    if (view.getUint32(p, true) === 0x02014b50 && view.getUint16(p + 28, true) === target.length && target.every((b, i) => bytes[p + 46 + i] === b)) return view.getUint32(p + 24, true)
  }
  throw new Error(`no entry ${name}`)
}

/** A hand-made workbook: one sheet of the given XML, optional shared strings. */
export function handXlsx(sheetData: string, sharedStrings?: string): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'xl/workbook.xml': strToU8(`<workbook xmlns:r="r"><sheets><sheet name="业主名册" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet><sheetData>${sheetData}</sheetData></worksheet>`),
  }
  if (sharedStrings !== undefined) files['xl/sharedStrings.xml'] = strToU8(`<sst>${sharedStrings}</sst>`)
  return zipSync(files)
}

/** 40,000 <row> tags never closed: quadratic for a regex that looks for each one's end. */
export const unclosedRows = () => handXlsx('<row>'.repeat(40_000))

/** Millions of empty shared strings in a file of a few kilobytes. */
export const emptySharedStrings = (n = 3_000_000) => handXlsx('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', '<si/>'.repeat(n))

/** A CSV of 10⁶ rows, every one of them wrong. */
export const badRowsCsv = (n = 1_000_000) => {
  const header = ROSTER_HEADERS.join(',')
  return new TextEncoder().encode(`${header}\r\n${'x,,,,,,,,,,\r\n'.repeat(n)}`)
}

/** The template filled with n units, as CSV. */
export const rosterCsv = (n: number) => toCsv(rosterTable(simpleRoster(n)))

export { idNumber }
