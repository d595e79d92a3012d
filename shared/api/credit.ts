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

/** The quarter that closes an evaluation period: any quarter under a quarterly scheme, only Q2 (上半年) or Q4 (下半年) under a half-year one. */
export const ListQuarter = QuarterQuery.shape.quarter.describe('评价期末所在季度：按季度评价的方案（烟台）为该季度；按半年评价的方案（北京）只能是第二季度（上半年，1月1日至6月30日）或第四季度（下半年，7月1日至12月31日）')

// The good/bad list (好差榜) of one evaluation period: a quarter, or a half year under the Beijing scheme
export const ComputeListBody = z.object({ quarter: ListQuarter, scheme: z.enum(['yantai-2022', 'beijing-2026']).describe('本区县选定并公布的评价方案') })
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
  quarter: z.string().describe('评价期末所在季度，好差榜按它存取'),
  periodLabel: z.string().describe('评价期：季度方案如 2026Q4；半年方案如 2026年上半年、2026年下半年'),
  periodStart: z.string().nullable().describe('评价期第一天（评价期末为 asOf）；此前按滚动半年计算、不构成一个评价期的草稿为 null'),
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
      badTwoQuartersRunning: z.boolean().describe('连续两个评价期列入差榜：季度方案为连续两个季度，半年方案为连续两个半年度'),
      parts: z.array(Part).describe('每一项输入和权重'),
      counted: z.array(Counted.passthrough()),
      expired: z.array(Counted.passthrough()),
    }),
  ),
  computedAt: z.string(),
  publishedAt: z.string().nullable(),
  noticeCodes: z.array(z.string()),
})
