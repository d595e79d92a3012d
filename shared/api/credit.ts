import { QuarterQuery } from './complaints'
import * as z from 'zod'

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: '须为 SHA-256（64位十六进制）' })
const isoDate = z.iso.date()
export const Evidence = z.array(z.object({ name: z.string().trim().min(1).max(200), sha256: sha256.optional(), note: z.string().trim().max(500).optional() })).max(20)

export const CreditRecordBody = z.object({
  firmId: z.string().min(1).max(40),
  category: z.enum(['base', 'good', 'bad']).describe('base 基础信息；good 良好行为（表彰等）；bad 不良行为（处罚、一票否决等）'),
  item: z.string().trim().min(1).max(200),
  pointsCenti: z.number().int().min(0).max(100_00).describe('分值，单位 0.01 分；不良行为为扣分'),
  occurredOn: isoDate,
  expiresOn: isoDate.nullable().default(null).describe('有效期至（留空按评价方案，一般为一年）'),
  seriousDishonesty: z.boolean().default(false).describe('严重失信（列入黑名单 / 评为最低等级）'),
  evidence: Evidence.min(1, { message: '部门录入的记录须附证据' }),
})
export const GenerateBody = QuarterQuery
export const AppealBody = z.object({ reason: z.string().trim().min(5).max(2000), evidence: Evidence.default([]) })
export const DecideBody = z.object({ upheld: z.boolean().describe('true 维持；false 撤销该记录'), note: z.string().trim().min(1).max(2000) })

export const CreditRecordReply = z.object({
  id: z.string(),
  firmId: z.string(),
  district: z.string(),
  category: z.enum(['base', 'good', 'bad']),
  item: z.string(),
  pointsCenti: z.number().int(),
  occurredOn: z.string(),
  expiresOn: z.string().nullable(),
  seriousDishonesty: z.boolean(),
  source: z.enum(['system', 'department']),
  sourceRef: z.string().nullable(),
  evidence: Evidence,
  status: z.enum(['in_force', 'appealed', 'withdrawn']),
  enteredAt: z.string(),
  appeal: z.string().nullable(),
  appealedAt: z.string().nullable(),
  decision: z.enum(['upheld', 'withdrawn']).nullable(),
  decisionNote: z.string().nullable(),
  decidedAt: z.string().nullable(),
})
export const CreditFileReply = z.object({ firmId: z.string(), records: z.array(CreditRecordReply) })
export const GenerateReply = z.object({ quarter: z.string(), created: z.array(CreditRecordReply) })

// The quarterly good/bad list (好差榜)
export const ComputeListBody = GenerateBody.extend({ scheme: z.enum(['yantai-2022', 'beijing-2026']).describe('本区县选定并公布的评价方案') })
const Part = z.object({
  part: z.string(),
  label: z.string(),
  rawCenti: z.number().int().optional(),
  capCenti: z.number().int().optional(),
  rate: z.object({ hits: z.number().int(), of: z.number().int() }).optional(),
  weightCenti: z.number().int().optional(),
  pointsCenti: z.number().int(),
})
const Counted = z.object({ id: z.string(), category: z.string(), item: z.string(), pointsCenti: z.number().int(), occurredOn: z.string() })
export const CreditListReply = z.object({
  id: z.string(),
  district: z.string(),
  quarter: z.string(),
  schemeId: z.string(),
  schemeName: z.string(),
  schemeSource: z.string().describe('评价方案依据的文件'),
  schemeProvisional: z.string().nullable().describe('方案中哪些数值为暂定（非文件原文）；null 为全部依据文件'),
  asOf: z.string(),
  status: z.enum(['draft', 'published']),
  entries: z.array(
    z.object({
      firmId: z.string(),
      firmName: z.string(),
      scoreCenti: z.number().int().describe('得分，单位 0.01 分'),
      grade: z.string(),
      rank: z.number().int().describe('同分并列取较前名次'),
      blacklisted: z.boolean(),
      list: z.enum(['good', 'bad']).nullable(),
      badTwoQuartersRunning: z.boolean().describe('连续两个季度列入差榜'),
      parts: z.array(Part).describe('每一项输入和权重'),
      counted: z.array(Counted.passthrough()),
      expired: z.array(Counted.passthrough()),
    }),
  ),
  computedAt: z.string(),
  publishedAt: z.string().nullable(),
  noticeCodes: z.array(z.string()),
})
