import * as z from 'zod'
import { CommunitySettings, SettingsPatch } from '../community'
import { DEPARTMENT_KEYS, type Department } from '../complaints'

const text = (max: number) => z.string().trim().min(1).max(max)

export const CreateCommunityBody = z.object({
  name: text(100).describe('小区名称'),
  district: text(50).describe('区县'),
  street: text(50).describe('街道（乡镇）'),
  residentsCommittee: text(50).describe('社区居委会'),
  settings: SettingsPatch.optional(),
})

export const UpdateSettingsBody = SettingsPatch.refine((s) => Object.keys(s).length > 0, { message: '至少修改一项设置' })

export const CommunityReply = z.object({
  id: z.string(),
  name: z.string(),
  district: z.string(),
  street: z.string(),
  residentsCommittee: z.string(),
  settings: CommunitySettings,
  currentRosterVersion: z.number().int().nullable(),
})
export const CommunityListReply = z.object({ communities: z.array(CommunityReply) })

export const AuditQuery = z.object({
  before: z.coerce.number().int().positive().optional().describe('只返回编号小于此值的记录（翻页）'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export const AuditReply = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      actorUserId: z.string().nullable(),
      action: z.string(),
      subjectType: z.string(),
      subjectId: z.string(),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
})

export const CreateFirmBody = z.object({ name: text(100), uscc: z.string().trim().length(18).describe('统一社会信用代码') })
export const FirmReply = z.object({ id: z.string(), name: z.string(), uscc: z.string() })
export const FirmListReply = z.object({ firms: z.array(FirmReply) })
const isoDate = z.iso.date()
export const CreateContractBody = z
  .object({ firmId: z.string().min(1), startsOn: isoDate, endsOn: isoDate.optional(), serviceGrade: z.string().max(20).optional() })
  .refine((b) => !b.endsOn || b.endsOn >= b.startsOn, { message: '合同结束日期不能早于开始日期', path: ['endsOn'] })
export const ContractReply = z.object({
  id: z.string(),
  firmId: z.string(),
  communityId: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  serviceGrade: z.string().nullable(),
})

export const GrantCommitteeBody = z.object({ phone: z.string().min(1).max(20).describe('委员手机号；尚未注册的手机号会先建账号') })
export const GrantRoleBody = z.discriminatedUnion('role', [
  z.object({ role: z.literal('firm_staff'), phone: z.string().min(1).max(20), firmId: z.string().min(1) }),
  z.object({
    role: z.literal('community_staff'),
    phone: z.string().min(1).max(20),
    district: text(50),
    street: text(50),
    residentsCommittee: text(50).optional().describe('留空表示整个街道'),
  }),
  z.object({
    role: z.literal('department_staff'),
    phone: z.string().min(1).max(20),
    district: text(50),
    department: z.enum(DEPARTMENT_KEYS as [Department, ...Department[]]).describe('区县职能部门：housing 为住建部门（管理物业企业信用档案）'),
  }),
])
export const RoleGrantReply = z.object({
  id: z.string(),
  userId: z.string(),
  phoneMasked: z.string().nullable(),
  role: z.enum(['committee', 'firm_staff', 'community_staff', 'department_staff']),
  communityId: z.string().nullable(),
  firmId: z.string().nullable(),
  district: z.string().nullable(),
  street: z.string().nullable(),
  residentsCommittee: z.string().nullable(),
  grantedAt: z.string(),
  department: z.string().nullable(),
})
export const RoleGrantListReply = z.object({ grants: z.array(RoleGrantReply) })
