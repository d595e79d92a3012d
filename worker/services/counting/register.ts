import { looksLikeExcelDate } from '../../../shared/unit-key'
import { ballotNumber } from '../../../shared/ballot-number'
import type { TableRecord } from '../../lib/spreadsheet'
import { PaperSigner } from '../../../shared/api/polls'
import type { PaperSignedBy } from '../ballots/cast'
import type { CountedPaper, CountingError } from './counting'

/**
 * The counting register (计票登记表): one row per paper ballot, as the counters read it out. A
 * ballot is named by the room written on it or by its printed ballot number (选票编号), or both.
 */
export const REGISTER_COLUMNS = [
  { header: '选票编号', required: false, description: '票面印的选票编号，如 12-0037-6；填了可不填楼栋、单元、房号（都填须是同一户）' },
  { header: '楼栋', required: false, description: '票面所写楼栋，如 1栋；未填选票编号时必填' },
  { header: '单元', required: false, description: '票面所写单元；没有单元的留空' },
  { header: '房号', required: false, description: '票面所写房号，如 101；未填选票编号时必填' },
  { header: '表决意见', required: false, description: '单一事项：同意、反对或弃权；选举或选聘：所选候选人姓名，用顿号分隔，未选任何人写“弃权”' },
  { header: '废票原因', required: false, description: '废票填写原因（如“字迹无法辨认”“所选超过应选人数”），填写即为废票' },
  { header: '收到时间', required: false, description: '选票收回的北京时间，如 2026-12-06 17:30；须不晚于表决截止时间；不填视为截止时封箱' },
  { header: '照片SHA256', required: false, description: '签字票面照片的 SHA-256（64位十六进制），可不填' },
  { header: '签署人', required: false, description: '业主本人签署的留空；他人签署的填“委托代理人”“监护人”或“法定代表人”（单位业主）' },
  { header: '签署人姓名', required: false, description: '他人签署时必填：票面签名人的姓名' },
  { header: '委托书照片SHA256', required: false, description: '他人签署时必填：授权委托书、监护关系证明或法定代表人身份证明照片的 SHA-256' },
] as const

export const REGISTER_EXAMPLE = [
  ['', '1栋', '1单元', '101', '同意', '', '2026-12-06 17:30', '', '', '', ''],
  [ballotNumber(12, 2), '', '', '', '', '字迹无法辨认', '', '', '', '', ''],
  ['', '2栋', '', '302', '反对', '', '', '', '委托代理人', '王小明', 'a'.repeat(64)],
]

/** 指导规则 第26条: who may sign for an owner, as counters write it on the register */
const SIGNERS: Record<string, PaperSignedBy['as'] | null> = {
  本人: null,
  业主本人: null,
  委托代理人: 'proxy',
  代理人: 'proxy',
  受托人: 'proxy',
  监护人: 'guardian',
  法定代表人: 'legal_representative',
}

const CHOICES: Record<string, 'agree' | 'oppose' | 'abstain'> = { 同意: 'agree', 反对: 'oppose', 弃权: 'abstain', 赞成: 'agree', 不同意: 'oppose', 不赞成: 'oppose' }

/** An opinion as counters type it: "同 意", "同意。", "√同意" are 同意. */
const opinionOf = (typed: string) => typed.replace(/\s+/g, '').replace(/^[√✓✔☑]+/u, '').replace(/[。.，,！!；;]+$/u, '')

/**
 * A 收到时间 Excel holds as a date: its serial number (days since 1899-12-30, the fraction the time
 * of day) as the Beijing wall time it shows, "2026-12-07 07:00:00", which the count reads.
 */
function excelDateTime(serial: string): string | null {
  const n = Number(serial)
  if (!Number.isFinite(n) || n <= 0 || n > 2_958_465) return null
  const ms = Math.round((n * 86_400_000) / 1000) * 1000
  const d = new Date(Date.UTC(1899, 11, 30) + ms)
  const two = (x: number) => String(x).padStart(2, '0')
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}

/** Register rows → entries; the column-level faults of the file itself (a missing column, a bad hash). */
export function registerEntries(header: string[], records: TableRecord[]): { entries: CountedPaper[]; errors: CountingError[] } {
  const errors: CountingError[] = []
  // a ballot is named by its number or by its room: without a 选票编号 column, 楼栋 and 房号 are needed
  if (!header.includes('选票编号')) {
    for (const c of ['楼栋', '房号']) if (!header.includes(c)) errors.push({ line: 1, column: c, code: 'missing_column', message: `缺少“${c}”列（或用“选票编号”列）` })
  }
  if (errors.length) return { entries: [], errors }
  if (records.length === 0) return { entries: [], errors: [{ line: null, column: '', code: 'empty', message: '登记表没有任何选票' }] }
  const entries: CountedPaper[] = []
  for (const { line, values: v, dates } of records) {
    const get = (k: string) => (Object.hasOwn(v, k) ? (v[k] ?? '').trim() : '')
    // an address Excel turned into a date (3-12 → 12月3日) is named as such, not as a room nobody owns
    const dated = ['楼栋', '单元', '房号'].filter((k) => dates?.[k])
    for (const k of dated) errors.push({ line, column: k, code: 'date_cell', message: `第${line}行 ${k}（单元格 ${dates![k]}）被 Excel 识别成了日期，请把该列设为文本后重新输入` })
    // …or saved as text already (a CSV, pasted values): 3月12日, 2001/1/1 (shared/unit-key.ts)
    for (const k of ['楼栋', '单元', '房号'].filter((k) => !dates?.[k] && looksLikeExcelDate(get(k)))) {
      errors.push({ line, column: k, code: 'unit_looks_like_date', message: `第${line}行 ${k}“${get(k)}”像是被 Excel 识别成的日期，请把该列设为文本后重新输入` })
    }
    const e: CountedPaper = { line, building: get('楼栋'), unit: get('单元'), room: get('房号') }
    const number = get('选票编号')
    if (number) e.ballotNumber = number
    if (number && !e.building && !e.unit && !e.room) {
      // named by its number alone
    } else if (!e.building || !e.room) {
      const missing = e.building ? '房号' : '楼栋'
      errors.push({ line, column: missing, code: 'required', message: `第${line}行 缺少${missing}${number ? '' : '（或填写选票编号）'}` })
    }
    const opinion = get('表决意见')
    const reason = get('废票原因')
    if (reason) e.spoiledReason = reason
    else if (Object.hasOwn(CHOICES, opinionOf(opinion))) e.choice = CHOICES[opinionOf(opinion)]
    else if (opinion) e.marks = opinion.split(/[、，,;；\s]+/).filter(Boolean)
    const received = get('收到时间')
    if (received) e.receivedAt = (dates?.['收到时间'] && excelDateTime(received)) || received
    const photo = get('照片SHA256').toLowerCase()
    if (photo && !/^[0-9a-f]{64}$/.test(photo)) errors.push({ line, column: '照片SHA256', code: 'invalid_hash', message: `第${line}行 照片SHA256须为64位十六进制` })
    else if (photo) e.photoSha256 = photo
    const signer = readSigner(get('签署人'), get('签署人姓名'), get('委托书照片SHA256').toLowerCase())
    if ('error' in signer) errors.push({ line, column: signer.column, code: signer.code, message: `第${line}行 ${signer.error}` })
    else if (signer.signedBy) e.signedBy = signer.signedBy
    entries.push(e)
  }
  return { entries, errors }
}

/** The three signer columns → who signed (none: the owner), or what is wrong, by the same rule as the API's PaperSigner. */
function readSigner(as: string, name: string, document: string): { signedBy: PaperSignedBy | null } | { column: string; code: string; error: string } {
  if (!as && !name && !document) return { signedBy: null }
  if (!Object.hasOwn(SIGNERS, as)) {
    return as
      ? { column: '签署人', code: 'invalid_signer', error: `签署人“${as}”无法识别，请填委托代理人、监护人或法定代表人（本人签署的留空）` }
      : { column: '签署人', code: 'required', error: '填了签署人姓名或委托书照片，请在“签署人”一栏写明是委托代理人、监护人还是法定代表人' }
  }
  const kind = SIGNERS[as]!
  if (kind === null) return name || document ? { column: '签署人', code: 'invalid_signer', error: '业主本人签署的票不用填签署人姓名和委托书照片' } : { signedBy: null }
  const parsed = PaperSigner.safeParse({ as: kind, name, documentSha256: document || undefined })
  if (parsed.success) return { signedBy: parsed.data }
  const issue = parsed.error.issues[0]!
  const column = issue.path[0] === 'name' ? '签署人姓名' : '委托书照片SHA256'
  return { column, code: issue.path[0] === 'name' || !document ? 'required' : 'invalid_hash', error: issue.path[0] === 'documentSha256' && document ? '委托书照片SHA256须为64位十六进制' : issue.message }
}
