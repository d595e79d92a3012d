import { Inflate } from 'fflate'
import { SpreadsheetError } from './errors'
import type { Pacer } from '../pace'

/**
 * A zip archive read from its central directory, one entry at a time, inflated in small steps.
 * Nothing the archive declares is trusted: inflating stops at the byte that passes the entry's
 * declared size or the file's overall limit, and an entry whose CRC-32 or length does not match
 * what it declared is refused (a patched size would otherwise return a silently shortened sheet).
 */
export interface ZipEntry {
  name: string
  method: number
  crc: number
  compressedSize: number
  size: number
  localOffset: number
}

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
/** The Compound File signature of a legacy .xls (Excel 97–2003; WPS still saves it by default at some offices). */
export const isLegacyXls = (bytes: Uint8Array) => bytes.length >= 8 && OLE2.every((b, i) => bytes[i] === b)
export const legacyXlsError = () => new SpreadsheetError('legacy_xls', '这是旧版 Excel 文件（.xls），请在 Excel 或 WPS 中“另存为” .xlsx 格式后再上传')

const notXlsx = () => new SpreadsheetError('unreadable', '文件不是有效的 XLSX（Excel 2007 及以后）文件')
const damaged = (name: string) => new SpreadsheetError('unreadable', `文件已损坏（${name} 校验失败），请在 Excel 或 WPS 中重新保存后上传`)

export function zipEntries(bytes: Uint8Array): Map<string, ZipEntry> {
  if (isLegacyXls(bytes)) throw legacyXlsError()
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // End of central directory: 22 bytes plus a comment of at most 65,535
  let eocd = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw notXlsx()
  const count = view.getUint16(eocd + 10, true)
  let p = view.getUint32(eocd + 16, true)
  if (count === 0xffff || p === 0xffffffff) throw notXlsx() // ZIP64: no spreadsheet within our limits needs it
  const entries = new Map<string, ZipEntry>()
  const names = new TextDecoder('utf-8')
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw notXlsx()
    const nameLength = view.getUint16(p + 28, true)
    const skip = nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true)
    if (p + 46 + skip > bytes.length) throw notXlsx()
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLength)).replace(/^\//, '')
    entries.set(name, {
      name,
      method: view.getUint16(p + 10, true),
      crc: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      localOffset: view.getUint32(p + 42, true),
    })
    p += 46 + skip
  }
  return entries
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c
  }
  return t
})()
function crc32(crc: number, chunk: Uint8Array): number {
  let c = ~crc
  for (let i = 0; i < chunk.length; i++) c = CRC_TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

/** Compressed bytes fed per step: deflate expands at most ~1,032×, so one step yields at most ~2 MB. */
const STEP = 2 * 1024
const SLICE = 32 * 1024

export interface InflateBudget {
  /** bytes this file may still inflate, over all entries */
  remaining: number
}

/**
 * Inflates one entry into `sink`, chunk by chunk, yielding to the event loop as it goes. Refuses
 * the file when the entry passes `maxBytes`, the budget, or its own declared size, and when its
 * length or CRC-32 differ from what it declared.
 */
export async function inflateEntry(bytes: Uint8Array, entry: ZipEntry, sink: (chunk: Uint8Array) => void, budget: InflateBudget, pacer: Pacer, maxBytes = Infinity): Promise<void> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = entry.localOffset
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) throw notXlsx()
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true)
  const end = start + entry.compressedSize
  if (end > bytes.length) throw notXlsx()
  if (entry.size > maxBytes || entry.size > budget.remaining) throw tooLarge()
  let produced = 0
  let crc = 0
  // Output is handed on in slices of SLICE bytes with a chance to yield between them: one step of
  // a bomb inflates up to ~2 MB, and parsing that at once would hold the loop for too long.
  const take = async (chunk: Uint8Array) => {
    for (let p = 0; p < chunk.length; p += SLICE) {
      const piece = chunk.subarray(p, Math.min(chunk.length, p + SLICE))
      produced += piece.length
      // past what it declared: a lying header, refused before it costs more
      if (produced > entry.size) throw damaged(entry.name)
      budget.remaining -= piece.length
      if (budget.remaining < 0) throw tooLarge()
      crc = crc32(crc, piece)
      sink(piece)
      await pacer.spend(piece.length)
    }
  }
  if (entry.method === 0) {
    await take(bytes.subarray(start, end))
  } else if (entry.method === 8) {
    let out: Uint8Array[] = []
    const inflate = new Inflate((chunk) => {
      out.push(chunk)
    })
    for (let p = start; p < end; p += STEP) {
      const q = Math.min(end, p + STEP)
      try {
        inflate.push(bytes.subarray(p, q), q === end)
      } catch {
        throw damaged(entry.name)
      }
      const ready = out
      out = []
      for (const chunk of ready) await take(chunk)
      await pacer.spend(STEP)
    }
  } else throw notXlsx()
  if (produced !== entry.size || crc !== entry.crc) throw damaged(entry.name)
}

const tooLarge = () => new SpreadsheetError('too_large', '表格文件解压后过大（超过本系统对一份表格的上限），请删去无关的工作表和内容后再上传')
