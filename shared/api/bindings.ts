import * as z from 'zod'

export const RequestBindingBody = z.object({
  name: z.string().trim().min(1).max(50).describe('业主姓名（与名册一致）'),
  idNumber: z.string().trim().min(15).max(20).describe('身份证号码（单位业主为统一社会信用代码）；只保存带密钥的哈希与后4位'),
  building: z.string().trim().min(1).max(30),
  unit: z.string().trim().max(30).default(''),
  room: z.string().trim().min(1).max(30),
})

export const BindingStatus = z.enum(['verified', 'pending', 'rejected', 'revoked', 'ended'])

export const BindingReply = z.object({
  id: z.string(),
  communityId: z.string(),
  communityName: z.string(),
  unitKey: z.string(),
  status: BindingStatus,
  reason: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
})
export const BindingListReply = z.object({ bindings: z.array(BindingReply) })

export const ReviewBindingReply = BindingReply.extend({
  claimedName: z.string(),
  claimedIdLast4: z.string(),
  rosterOwners: z.array(z.object({ id: z.string(), name: z.string(), idLast4: z.string().nullable(), representative: z.boolean() })),
})
export const ReviewBindingListReply = z.object({ bindings: z.array(ReviewBindingReply) })
export const BindingListQuery = z.object({ status: BindingStatus.optional() })

export const ApproveBindingBody = z.object({ ownerId: z.string().min(1).describe('名册中该房屋的哪一位业主（roster owner id）') })
export const RejectBindingBody = z.object({ reason: z.string().trim().min(2).max(200).describe('驳回理由，申请人可见') })
