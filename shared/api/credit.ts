import { QuarterQuery } from './complaints'
import * as z from 'zod'
import { BEIJING_2026, CREDIT_SCHEMES, YANTAI_2022 } from '../credit-score'
import { districtNumberIssues, NUMBER_BOUNDS } from '../credit-scheme'

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
export const ComputeListBody = z.object({
  quarter: ListQuarter,
  scheme: z
    .enum(['yantai-2022', 'beijing-2026', 'district'])
    .describe('评价方案：yantai-2022、beijing-2026 为本系统预设方案（按预设数值）；district 为本区县住建部门公布的方案的现行版本（以某一预设为基础、按部门公布的数值）'),
})

// The district's own numbers for a preset (issue 15): the department publishes them with the document they come from
const centi = (what: string) =>
  z
    .number({ error: `${what}须为整数（单位 0.01 分）` })
    .int({ message: `${what}须为整数（单位 0.01 分）` })
    .min(NUMBER_BOUNDS.centi.min, { message: `${what}不能为负数` })
    .max(NUMBER_BOUNDS.centi.max, { message: `${what}不能超过 1000 分（100000）` })
const months = z
  .number({ error: '记录有效期须为整数（月）' })
  .int({ message: '记录有效期须为整数（月）' })
  .min(NUMBER_BOUNDS.months.min, { message: '记录有效期至少 1 个月' })
  .max(NUMBER_BOUNDS.months.max, { message: '记录有效期不能超过 60 个月' })
const gradeLabel = z.string({ error: '须填写等级名称' }).min(1, { message: '须填写等级名称' }).max(20)
export const RankNumbersBody = z.object({
  shares: z
    .array(
      z.object({
        grade: gradeLabel,
        cumulativePercent: z
          .number({ error: '累计比例须为整数（百分比）' })
          .int({ message: '累计比例须为整数（百分比）' })
          .min(NUMBER_BOUNDS.percent.min, { message: '累计比例至少为 1' })
          .max(NUMBER_BOUNDS.percent.max, { message: '累计比例不能超过 100' }),
      }),
      { error: '须按从好到差的顺序给出各等级的累计比例' },
    )
    .min(1, { message: '须给出各等级的累计比例' })
    .max(10)
    .describe('从好到差，各等级占本区县企业的累计百分比（整数，逐级递增，最后一级为 100）；等级名称与预设方案相同'),
  baseCapCenti: centi('基础信息上限').describe('基础信息上限，单位 0.01 分'),
  goodCapCenti: centi('良好行为上限').describe('良好行为上限，单位 0.01 分'),
  complaintWeightsCenti: z
    .object(
      { response: centi('投诉响应率分值'), resolution: centi('投诉按时办结率分值'), satisfaction: centi('投诉满意率分值') },
      { error: '须给出投诉响应率、按时办结率、满意率的分值' },
    )
    .describe('接诉即办：各项比率为 100% 时的分值，单位 0.01 分'),
  ownerSatisfactionWeightCenti: centi('业主满意率分值').describe('业主满意率为 100% 时的分值，单位 0.01 分'),
  validityMonths: months.describe('记录自发生起计入的月数（记录另有有效期的除外）'),
})
export const ThresholdNumbersBody = z.object({
  thresholds: z
    .array(z.object({ grade: gradeLabel, minCenti: centi('最低分') }), { error: '须按从好到差的顺序给出各等级的最低分' })
    .min(1, { message: '须给出各等级的最低分' })
    .max(10)
    .describe('从好到差，各等级的最低分（单位 0.01 分，逐级递减）；等级名称与预设方案相同，低于全部分数线为最低等级'),
  baseCapCenti: centi('基础信息上限').describe('基础信息上限，单位 0.01 分'),
  goodCapCenti: centi('良好行为上限').describe('良好行为上限，单位 0.01 分'),
  validityMonths: months.describe('记录自发生起计入的月数（记录另有有效期的除外）'),
})
const SchemeSource = z
  .string({ error: '须填写方案依据的文件（如通知文号和标题）' })
  .trim()
  .min(4, { message: '须填写方案依据的文件（如通知文号和标题），至少 4 个字' })
  .max(500, { message: '方案依据的文件不能超过 500 个字' })
  .describe('部门公布该方案的文件，如通知文号和标题')
export const CreditSchemeBody = z
  .discriminatedUnion(
    'basedOn',
    [
      z.object({ basedOn: z.literal(BEIJING_2026.id).describe('以北京市方案为基础（按排名比例评级，每半年一次）'), source: SchemeSource, params: RankNumbersBody }),
      z.object({ basedOn: z.literal(YANTAI_2022.id).describe('以烟台市方案为基础（按分数线评级，每季度一次）'), source: SchemeSource, params: ThresholdNumbersBody }),
    ],
    { error: `须以本系统的预设方案之一为基础：${Object.keys(CREDIT_SCHEMES).join('、')}` },
  )
  // the rules across fields (grades and their order from the preset, shares increasing to 100, floors decreasing)
  .superRefine((b, ctx) => {
    for (const i of districtNumberIssues(CREDIT_SCHEMES[b.basedOn]!, b.params)) ctx.addIssue({ code: 'custom', path: ['params', ...i.path], message: i.message })
  })

const NumbersReply = z.union([RankNumbersBody, ThresholdNumbersBody])
const SchemeVersion = z.object({ version: z.number().int(), basedOn: z.string(), source: z.string(), publishedAt: z.string() })
export const CreditSchemeReply = z.object({
  district: z.string(),
  version: z.number().int().describe('现行版本（每次公布加一，历次版本均保留）'),
  name: z.string().describe('方案名称，好差榜和公告中显示'),
  source: z.string().describe('部门公布该方案的文件'),
  publishedAt: z.string(),
  basedOn: z.object({
    id: z.string(),
    name: z.string(),
    source: z.string(),
    period: z.enum(['quarter', 'half_year', 'year']).describe('评价周期，与预设方案相同'),
    grading: z.enum(['rank', 'thresholds']),
    numbers: NumbersReply.describe('预设方案自带的数值（供对照）'),
  }),
  numbers: NumbersReply.describe('本区县公布的数值：计算好差榜时实际使用'),
  description: z.string().describe('数值的文字说明，与好差榜公告中相同'),
  history: z.array(SchemeVersion).describe('历次公布的版本，从新到旧'),
})
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
  schemeProvisional: z.string().nullable().describe('方案中哪些数值为暂定（非文件原文）；null 为全部依据文件（区县公布的方案均为 null）'),
  schemeBasedOn: z.string().describe('评价方法所属的预设方案（评价周期和等级名称由它决定）'),
  districtSchemeVersion: z.number().int().nullable().describe('按本区县公布的方案计算时，所用的版本；按预设方案计算为 null'),
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
