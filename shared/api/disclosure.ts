import * as z from 'zod'
import { STATEMENT_KINDS, statementPeriod } from '../statements'
import { FEE_BASES, FEE_BASIS_UNIT } from '../fees'

const phone = z.string().trim().regex(/^[0-9+\-() ]{5,20}$/, { message: '电话号码格式不正确' })
const isoDate = z.iso.date()
const fen = z.number().int().min(0).max(10_000_000_000).describe('单位：分')

export const FirmProfileBody = z.object({
  licenceValidUntil: isoDate.nullable().describe('营业执照有效期至（长期有效为 null）'),
  projectManager: z.object({ name: z.string().trim().min(1).max(50), phone }),
  complaintPhone: phone,
  priceHotline: phone.default('12358').describe('价格举报电话'),
  serviceGrade: z.string().trim().min(1).max(20).describe('服务等级'),
  contractors: z.array(z.object({ kind: z.enum(['elevator', 'fire']), name: z.string().trim().min(1).max(100), phone })).max(20),
})

export const FeeBasis = z.enum(FEE_BASES)
export { FEE_BASIS_UNIT }
export const FeeItemBody = z.object({
  item: z.string().trim().min(1).max(50).describe('收费项目，如“物业服务费（住宅）”'),
  payer: z.string().trim().min(1).max(50).describe('缴费人，如“业主”'),
  basis: FeeBasis,
  rateFen: fen,
  startsOn: isoDate.describe('执行日期；调整收费须提前一个月公示'),
  regime: z.enum(['guided', 'market']).describe('政府指导价 / 市场调节价'),
})

export const ReferencePriceBody = z
  .object({
    district: z.string().trim().min(1).max(50),
    serviceGrade: z.string().trim().min(1).max(20),
    item: z.string().trim().min(1).max(50),
    basis: FeeBasis,
    baseFen: fen,
    minFen: fen,
    maxFen: fen,
    effectiveFrom: isoDate,
  })
  .refine((b) => b.minFen <= b.baseFen && b.baseFen <= b.maxFen, { message: '须满足 下限 ≤ 基准价 ≤ 上限', path: ['baseFen'] })

const Reference = z.object({ baseFen: z.number().int(), minFen: z.number().int(), maxFen: z.number().int(), effectiveFrom: z.string() })
export const FeeLine = z.object({
  id: z.string(),
  item: z.string(),
  payer: z.string(),
  basis: FeeBasis,
  rateFen: z.number().int(),
  startsOn: z.string(),
  regime: z.enum(['guided', 'market']),
  postedAt: z.string(),
  reference: Reference.nullable().describe('政府指导价（基准价与浮动范围）'),
  aboveRange: z.boolean().describe('高于指导价上限：向业主和业委会提示'),
})
export const FeeScheduleReply = z.object({
  firm: z.object({ id: z.string(), name: z.string(), uscc: z.string() }).nullable(),
  serviceGrade: z.string().nullable(),
  inForce: z.array(FeeLine),
  upcoming: z.array(FeeLine).describe('已公示、尚未执行的调整'),
  flagged: z.array(FeeLine),
})
export const FirmProfileReply = z.object({
  firm: z.object({ id: z.string(), name: z.string(), uscc: z.string() }),
  content: FirmProfileBody,
  postedAt: z.string(),
  versions: z.number().int(),
})

export const StatementLineBody = z.object({
  direction: z.enum(['income', 'expense', 'allocation']),
  category: z.string().trim().min(1).max(50),
  amountFen: z.number().int().min(0).max(100_000_000_000),
  note: z.string().trim().max(200).optional(),
  use: z.string().max(40).optional().describe('公共收益分配用途（六类之一）'),
  authorisedBy: z
    .union([z.object({ pollId: z.string().min(1).max(40) }).strict(), z.object({ emergencyId: z.string().min(1).max(40) }).strict()])
    .optional()
    .describe('维修资金：批准该笔使用的表决（pollId），或经确认的应急使用记录（emergencyId）'),
})
export const StatementBody = z.object({
  kind: z.enum(['service_fee', 'public_revenue', 'maintenance_fund', 'shared_utility', 'elevator', 'committee_funds']),
  period: z.string().regex(/^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$/, { message: '期间格式为 2026Q3（季度）、2026-10（月份）或 2026（年度）' }),
  content: z.object({
    openingFen: z.number().int().min(-100_000_000_000).max(100_000_000_000),
    lines: z.array(StatementLineBody).min(1).max(2000),
    totals: z.object({ incomeFen: z.number().int().min(0), expenseFen: z.number().int().min(0) }),
    closingFen: z.number().int().min(-100_000_000_000).max(100_000_000_000),
  }),
  replacesId: z.string().max(40).optional().describe('更正时：被更正的版本'),
  correctionReason: z.string().trim().min(5).max(500).optional(),
}).refine((b) => (STATEMENT_KINDS[b.kind].grains as readonly string[]).includes(statementPeriod(b.period)?.grain ?? ''), {
  message: '该类报表的期间不对：物业服务费、公共收益、电梯、业委会经费按季度（2026Q3）；公共水电可按月（2026-10）；维修资金年度报表按年（2026）',
  path: ['period'],
})

export const StatementReply = z.object({
  id: z.string(),
  kind: z.string(),
  period: z.string(),
  discloser: z.enum(['firm', 'committee']),
  version: z.number().int(),
  replacesId: z.string().nullable(),
  correctionReason: z.string().nullable(),
  content: StatementBody.shape.content,
  contentHash: z.string(),
  publishedAt: z.string(),
})
export const StatementDetailReply = StatementReply.extend({
  versions: z.array(z.object({ id: z.string(), version: z.number().int(), publishedAt: z.string(), correctionReason: z.string().nullable() })),
  diff: z
    .object({ fromVersion: z.number().int(), changed: z.array(z.object({ line: z.number().int(), before: StatementLineBody.nullable(), after: StatementLineBody.nullable() })), closingFen: z.object({ before: z.number().int(), after: z.number().int() }) })
    .nullable()
    .describe('与上一版本的差异'),
})
export const OverdueReply = z.object({ overdue: z.array(z.object({ kind: z.string(), period: z.string(), deadline: z.string() })) })

export const EmergencyUseBody = z.object({
  hazard: z.string().trim().min(5).max(2000).describe('危及房屋安全的情形，如“3栋电梯钢丝绳断股”'),
  works: z.string().trim().min(5).max(2000).describe('拟实施的维修、更新、改造'),
  contractor: z.string().trim().min(1).max(100).optional(),
  estimatedFen: fen.describe('预算，单位：分'),
})
export const EmergencyReviewBody = z.object({
  actualFen: fen.describe('实际费用，单位：分'),
  review: z.string().trim().min(5).max(5000).describe('完工后的审核：做了什么、花了多少、费用如何分摊'),
})
export const EmergencyUseReply = z.object({
  id: z.string(),
  communityId: z.string(),
  hazard: z.string(),
  works: z.string(),
  contractor: z.string().nullable(),
  estimatedFen: z.number().int(),
  status: z.enum(['approved', 'confirmed', 'reviewed']).describe('approved：业委会已批准；confirmed：社区已确认；reviewed：完工审核已公示'),
  approvedAt: z.string(),
  confirmedAt: z.string().nullable(),
  actualFen: z.number().int().nullable(),
  review: z.string().nullable(),
  reviewedAt: z.string().nullable(),
})

export const ObjectionBody = z.object({
  line: z.number().int().min(1).max(2000).optional().describe('对报表第几行提出异议；不填为对整张报表'),
  body: z.string().trim().min(5).max(2000),
})
export const AnswerBody = z.object({ answer: z.string().trim().min(5).max(5000) })
export const ObjectionReply = z.object({
  id: z.string(),
  statementId: z.string(),
  line: z.number().int().nullable(),
  body: z.string(),
  authorLabel: z.string(),
  createdAt: z.string(),
  answer: z.string().nullable(),
  answererLabel: z.string().nullable(),
  answeredAt: z.string().nullable(),
})

const Brief = z.object({ period: z.string(), incomeFen: z.number().int(), expenseFen: z.number().int(), closingFen: z.number().int() })
export const AccountsQuery = z.object({ period: z.string().regex(/^\d{4}Q[1-4]$/, { message: '期间格式为 2026Q3' }).optional() })
export const AccountsReply = z.object({
  period: z.string(),
  previousQuarter: z.string(),
  lastYear: z.string(),
  periods: z.array(z.string()).describe('已有报表的期间，新的在前'),
  kinds: z.array(
    z.object({
      kind: z.string(),
      label: z.string(),
      statementId: z.string(),
      version: z.number().int(),
      discloser: z.enum(['firm', 'committee']),
      contentHash: z.string(),
      publishedAt: z.string(),
      openingFen: z.number().int(),
      incomeFen: z.number().int(),
      expenseFen: z.number().int(),
      closingFen: z.number().int(),
      income: z.array(z.object({ category: z.string(), fen: z.number().int() })),
      expense: z.array(z.object({ category: z.string(), fen: z.number().int() })),
      allocations: z.array(z.object({ use: z.string(), label: z.string(), fen: z.number().int() })).describe('公共收益去向'),
      previousQuarter: Brief.nullable().describe('上一季度（环比）'),
      lastYear: Brief.nullable().describe('上年同期（同比）'),
    }),
  ),
  overdue: OverdueReply.shape.overdue,
})

export const OversightReply = z.object({
  communities: z.array(
    z.object({
      communityId: z.string(),
      name: z.string(),
      firm: z.string().nullable(),
      overdue: OverdueReply.shape.overdue,
      flaggedFees: z.array(z.object({ item: z.string(), rateFen: z.number().int(), maxFen: z.number().int() })).describe('高于指导价上限的收费'),
      unansweredObjections: z.number().int(),
      emergencyUsesAwaitingConfirmation: z.number().int().describe('业委会已批准、待社区确认的应急使用'),
    }),
  ),
})
