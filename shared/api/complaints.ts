import * as z from 'zod'
import { COMPLAINT_CATEGORY_KEYS, type ComplaintCategory, COMPLAINT_STATUSES, DESK_KEYS, type Desk, URGENCIES } from '../complaints'

const note = z.string().trim().min(1).max(2000)
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: '照片须以 SHA-256（64位十六进制）标识' })

export const ComplaintCategoryEnum = z.enum(COMPLAINT_CATEGORY_KEYS as [ComplaintCategory, ...ComplaintCategory[]])
export const DeskEnum = z.enum(DESK_KEYS as [Desk, ...Desk[]])

export const FileComplaintBody = z.object({
  category: ComplaintCategoryEnum.describe('投诉类别，决定承办单位和办理时限'),
  body: z.string().trim().min(5, { message: '诉求内容请至少写5个字，说清楚在哪里、什么事' }).max(2000, { message: '诉求内容最多2000字' }).describe('诉求内容'),
  photos: z.array(sha256).max(9).default([]).describe('照片的 SHA-256'),
  place: z.string().trim().min(1).max(200).describe('地点，如“3栋2单元楼道”'),
  hideFromFirm: z.boolean().default(false).describe('不向物业公开投诉人身份（社区和职能部门仍可见）'),
})
export const DeskStepBody = z.object({ note: note.describe('联系情况、处置措施、办结说明或退回理由') })
export const DispatchBody = z.object({ desk: DeskEnum, note: note.describe('改派理由') })
export const ReviewBody = z.object({ satisfied: z.boolean(), comment: z.string().trim().min(1).max(1000).nullable().default(null) })

export const ComplaintReply = z.object({
  id: z.string(),
  communityId: z.string(),
  firmId: z.string().nullable(),
  category: z.string(),
  categoryLabel: z.string(),
  urgency: z.enum(Object.keys(URGENCIES) as [keyof typeof URGENCIES, ...(keyof typeof URGENCIES)[]]),
  body: z.string(),
  photos: z.array(z.string()),
  place: z.string(),
  hiddenFromFirm: z.boolean(),
  complainant: z.object({ userId: z.string(), unitKey: z.string() }).nullable().describe('投诉人；要求对物业保密时物业看到 null'),
  desk: z.string().nullable(),
  deskLabel: z.string(),
  status: z.enum(Object.keys(COMPLAINT_STATUSES) as [keyof typeof COMPLAINT_STATUSES, ...(keyof typeof COMPLAINT_STATUSES)[]]),
  escalation: z.number().int().describe('0 承办单位；1 已升级社区督办；2 已升级街道'),
  filedAt: z.string(),
  firstContactBy: z.string(),
  resolveBy: z.string(),
  sendBackBy: z.string(),
  contactedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  reviewBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  contactedOnTime: z.boolean().nullable(),
  resolvedOnTime: z.boolean().nullable(),
  satisfied: z.boolean().nullable(),
  reopenCount: z.number().int(),
  events: z
    .array(
      z.object({
        seq: z.number().int(),
        kind: z.string(),
        fromStatus: z.string().nullable(),
        toStatus: z.string(),
        desk: z.string().nullable(),
        actorRole: z.string(),
        actorUserId: z.string().nullable(),
        note: z.string().nullable(),
        at: z.string(),
      }),
    )
    .optional(),
})
export const ComplaintListReply = z.object({ complaints: z.array(ComplaintReply) })

const RateReply = z.object({ hits: z.number().int(), of: z.number().int(), percent: z.number().int().nullable() })
export const ComplaintRatesReply = z.object({
  period: z.string(),
  desks: z.array(
    z.object({
      desk: z.string(),
      deskLabel: z.string(),
      firmId: z.string().nullable(),
      filed: z.number().int(),
      response: RateReply.describe('响应率：按时先行联系'),
      resolution: RateReply.describe('解决率：按时办结'),
      satisfaction: RateReply.describe('满意率：评价满意（超期未评价不计）'),
    }),
  ),
})

// Owners' quarterly ratings of their firm (shared/ratings.ts)
const score = z.number().int().min(1).max(5)
export const RatingBody = z.object({
  scores: z.object({ cleaning: score, security: score, greenery: score, repairs: score, attitude: score }).describe('环境卫生、秩序维护、绿化养护、维修服务、服务态度，1–5分'),
  comment: z.string().trim().min(1).max(500).nullable().default(null),
})
const MyRating = z.object({ quarter: z.string(), firmId: z.string(), scores: z.record(z.string(), z.number().int()), comment: z.string().nullable(), updatedAt: z.string() })
export const MyRatingReply = z.object({ quarter: z.string(), rating: MyRating.nullable() })
export const SavedRatingReply = MyRating
export const RatingSummaryReply = z.object({
  quarter: z.string(),
  firms: z.array(
    z.object({
      firmId: z.string(),
      firmName: z.string(),
      responses: z.number().int(),
      shown: z.boolean().describe('少于3份评价时只显示份数'),
      dimensions: z.array(z.object({ dimension: z.string(), label: z.string(), counts: z.array(z.number().int()).describe('1–5分各多少人'), satisfied: z.number().int(), of: z.number().int(), percent: z.number().int().nullable() })),
      satisfied: z.number().int(),
      of: z.number().int(),
      percent: z.number().int().nullable().describe('满意率（4–5分占比，四舍五入）'),
      targetPercent: z.number().int(),
      meetsTarget: z.boolean().nullable(),
    }),
  ),
})

/** A quarter named in a query (2026Q4); years a real ledger can hold, so no date arithmetic overflows. */
export const QuarterQuery = z.object({ quarter: z.string().regex(/^20\d{2}Q[1-4]$/, { message: '季度格式如 2026Q4' }) })

