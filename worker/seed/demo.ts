import { and, desc, eq, gt, lte } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { idCheckChar } from '../../shared/id-number'
import { usccCheckChar } from '../../shared/uscc'
import { communities, polls, users } from '../../drizzle/schema'
import { quarter, quarterOfDate } from '../../shared/statements'
import { shanghaiDate } from '../../shared/time'
import { postFeeItem, postFirmProfile } from '../services/disclosure/fees'
import { publishStatement } from '../services/disclosure/statements'
import { postNotice } from '../services/notices/notices'
import { announcePoll, draftPoll } from '../services/polls/lifecycle'
import type { Services } from '../env'
import { requestBinding } from '../services/bindings/bindings'
import { createCommunity } from '../services/communities/communities'
import type { ServiceCtx } from '../services/context'
import { createContract, createFirm } from '../services/firms/firms'
import { importRoster } from '../services/roster/import'
import { grantCommittee, grantRole } from '../services/roles/grants'

export const DEMO_COMMUNITY = '幸福里小区（演示）'
export const DEMO_PHONES = {
  admin: '13800000000',
  owner: '13800000001',
  committee: '13800000002',
  firm: '13800000003',
  staff: '13800000004',
} as const
const JURISDICTION = { district: '示例区', street: '示例街道', residentsCommittee: '幸福里社区居委会' }

/** A made-up but checksum-valid resident ID number (GB 11643). */
export const demoIdNumber = (seq: number) => {
  const first17 = `110101${19500101 + (seq % 28) + 10000 * (seq % 40)}${String(seq % 1000).padStart(3, '0')}`
  return first17 + idCheckChar(first17)
}

async function userFor(s: Services, phone: string) {
  const [u] = await s.db.select({ id: users.id }).from(users).where(eq(users.phone, phone))
  if (u) return u.id
  const id = nanoid()
  await s.db.insert(users).values({ id, phone })
  return id
}

/** Roster rows for three buildings, a co-owned flat, an owner of two flats, developer-held units and parking. */
function demoRoster() {
  const rows: Record<string, string>[] = []
  let seq = 1
  for (const building of ['1栋', '2栋', '3栋'])
    for (const unit of ['1单元', '2单元'])
      for (let floor = 1; floor <= 6; floor++)
        for (const door of ['01', '02']) {
          const room = `${floor}${door}`
          const developer = building === '3栋' && floor === 6
          const base = { 楼栋: building, 单元: unit, 房号: room, 房屋类型: '住宅', 专有部分面积: door === '01' ? '89.50' : '121.36', 面积来源: '不动产登记' }
          if (developer) {
            rows.push({ ...base, 业主姓名: '示例置业有限公司', 证件号码: '', 手机号: '', 是否代表人: '', 开发商持有: '是' })
            continue
          }
          const isDemoOwner = building === '1栋' && unit === '1单元' && room === '101'
          // 1栋1单元102 belongs to the same buyer as 101: one voter, areas added (《解释》第9条)
          const sameBuyer = building === '1栋' && unit === '1单元' && room === '102'
          const name = isDemoOwner || sameBuyer ? '王建国' : `业主${String(seq).padStart(3, '0')}`
          const id = isDemoOwner || sameBuyer ? demoIdNumber(0) : demoIdNumber(seq)
          const phone = isDemoOwner ? DEMO_PHONES.owner : ''
          const coOwned = building === '2栋' && unit === '1单元' && room === '101'
          rows.push({ ...base, 业主姓名: name, 证件号码: id, 手机号: phone, 是否代表人: coOwned ? '是' : '', 开发商持有: '否' })
          if (coOwned) rows.push({ ...base, 业主姓名: `${name}之配偶`, 证件号码: demoIdNumber(seq + 500), 手机号: '', 是否代表人: '否', 开发商持有: '否' })
          seq++
        }
  for (let n = 1; n <= 6; n++) {
    rows.push({ 楼栋: '地下车库', 单元: '', 房号: `P${n}`, 房屋类型: '车位', 专有部分面积: '12.50', 面积来源: '合同', 业主姓名: `业主${String(n).padStart(3, '0')}`, 证件号码: demoIdNumber(n), 手机号: '', 是否代表人: '', 开发商持有: '否' })
  }
  return rows
}

/**
 * Seeds the demo community once (embedded mode): a roster, a committee member, a firm under
 * contract with one staff member, community staff, and a demo owner already bound to 1栋1单元101.
 */
export async function seedDemo(s: Services) {
  const people = [
    { role: 'admin', phone: DEMO_PHONES.admin, note: '平台管理员（ADMIN_PHONES）' },
    { role: 'owner', phone: DEMO_PHONES.owner, note: '业主 王建国，已绑定 1栋1单元101、102' },
    { role: 'committee', phone: DEMO_PHONES.committee, note: '业委会委员' },
    { role: 'firm_staff', phone: DEMO_PHONES.firm, note: '物业公司会计' },
    { role: 'community_staff', phone: DEMO_PHONES.staff, note: '社区工作人员' },
  ]
  const [existing] = await s.db.select().from(communities).where(eq(communities.name, DEMO_COMMUNITY))
  if (existing) {
    // however old .data/ is, the demo has a poll open for voting when it starts
    const pollId = (await openDemoPoll(s, existing.id)) ?? (await seedDemoPoll(await ctxFor(s, DEMO_PHONES.committee), existing.id))
    return { communityId: existing.id, communityName: existing.name, people, pollId, pollNumber: await pollNumberOf(s, pollId) }
  }

  const adminId = await userFor(s, DEMO_PHONES.admin)
  const ctx: ServiceCtx = { ...s, actor: { userId: adminId, phone: DEMO_PHONES.admin, isAdmin: true }, requestId: 'seed', clientIp: 'seed' }
  const community = await createCommunity(ctx, { name: DEMO_COMMUNITY, ...JURISDICTION })
  const rows = demoRoster()
  const header = Object.keys(rows[0]!)
  await importRoster(ctx, community.id, 'json', header, rows.map((values, i) => ({ line: i + 1, values })))
  await grantCommittee(ctx, community.id, DEMO_PHONES.committee)
  const first17 = '91110101MA0000001'
  const firm = await createFirm(ctx, { name: '示例物业服务有限公司', uscc: first17 + usccCheckChar(first17) })
  await createContract(ctx, community.id, { firmId: firm.id, startsOn: '2026-01-01', serviceGrade: '二级' })
  await grantRole(ctx, { role: 'firm_staff', phone: DEMO_PHONES.firm, firmId: firm.id })
  await grantRole(ctx, { role: 'community_staff', phone: DEMO_PHONES.staff, ...JURISDICTION })
  const ownerId = await userFor(s, DEMO_PHONES.owner)
  const ownerCtx: ServiceCtx = { ...ctx, actor: { userId: ownerId, phone: DEMO_PHONES.owner, isAdmin: false } }
  for (const room of ['101', '102']) {
    await requestBinding(ownerCtx, community.id, { name: '王建国', idNumber: demoIdNumber(0), building: '1栋', unit: '1单元', room })
  }
  await seedDisclosureAndNotices(s, ctx, community.id)
  const pollId = await seedDemoPoll(await ctxFor(s, DEMO_PHONES.committee), community.id)
  return { communityId: community.id, communityName: community.name, people, pollId, pollNumber: await pollNumberOf(s, pollId) }
}

/**
 * What a newcomer needs to see every page: the firm's profile and fees, last quarter's public
 * revenue, the enforcement-contacts board and a notice.
 */
async function seedDisclosureAndNotices(s: Services, admin: ServiceCtx, communityId: string) {
  const as = async (phone: string): Promise<ServiceCtx> => ({ ...admin, actor: { userId: await userFor(s, phone), phone, isAdmin: false } })
  const firm = await as(DEMO_PHONES.firm)
  const committee = await as(DEMO_PHONES.committee)
  const staff = await as(DEMO_PHONES.staff)
  await postFirmProfile(firm, communityId, {
    licenceValidUntil: null,
    projectManager: { name: '李经理', phone: '13800000101' },
    complaintPhone: '010-55550000',
    priceHotline: '12358',
    serviceGrade: '二级',
    contractors: [
      { kind: 'elevator', name: '示例电梯维保有限公司', phone: '010-55550001' },
      { kind: 'fire', name: '示例消防技术服务有限公司', phone: '010-55550002' },
    ],
  })
  await postFeeItem(firm, communityId, { item: '物业服务费（住宅）', payer: '业主', basis: 'per_m2_month', rateFen: 180, startsOn: '2026-01-01', regime: 'guided' })
  await postFeeItem(firm, communityId, { item: '地面停车服务费', payer: '车位使用人', basis: 'per_vehicle_month', rateFen: 15_000, startsOn: '2026-01-01', regime: 'market' })
  const now = s.clock.now()
  const last = quarter(quarterOfDate(shanghaiDate(now)))!.previous
  await publishStatement(firm, communityId, new Set(['firm_staff']), {
    kind: 'public_revenue',
    period: last,
    content: {
      openingFen: 0,
      lines: [
        { direction: 'income', category: '电梯广告', amountFen: 360_000 },
        { direction: 'income', category: '地面停车（共有道路）', amountFen: 1_200_000 },
        { direction: 'expense', category: '物业服务企业分成（合同约定20%）', amountFen: 312_000 },
        { direction: 'allocation', category: '转入专项维修资金', amountFen: 800_000, use: 'fund_topup' },
      ],
      totals: { incomeFen: 1_560_000, expenseFen: 312_000 },
      closingFen: 1_248_000,
    },
  })
  await postNotice(staff, communityId, new Set(['community_staff']), {
    kind: 'enforcement_contacts',
    title: '幸福里小区执法部门联系公示',
    body: '小区内遇到以下问题，可直接联系相关部门。',
    contacts: [
      { department: '公安（派出所）', handles: '治安、噪音扰民、高空抛物', phone: '110 / 010-55551100' },
      { department: '消防', handles: '消防通道堵塞、电动车楼道充电', phone: '119' },
      { department: '城管', handles: '违章搭建、毁绿种菜', phone: '12319' },
      { department: '市场监管', handles: '物业乱收费、明码标价', phone: '12315' },
    ],
    pinned: true,
  })
  await postNotice(committee, communityId, new Set(['committee']), { kind: 'general', title: '关于二次供水水箱清洗的通知', body: '下周六 9:00—17:00 清洗水箱，期间停水，请提前储水。' })
}

async function ctxFor(s: Services, phone: string): Promise<ServiceCtx> {
  return { ...s, actor: { userId: await userFor(s, phone), phone, isAdmin: false }, requestId: 'seed', clientIp: 'seed' }
}

/** 第N号: how the chat-bot's commands and the pages name the poll (a fresh demo's is 1). */
async function pollNumberOf(s: Services, pollId: string): Promise<number> {
  const [p] = await s.db.select({ number: polls.number }).from(polls).where(eq(polls.id, pollId))
  return p!.number! // announced, so numbered
}

/** The demo's poll that is open now, or will be within a minute (a fresh one is a second away). */
async function openDemoPoll(s: Services, communityId: string): Promise<string | null> {
  const now = s.clock.now()
  const [poll] = await s.db
    .select({ id: polls.id })
    .from(polls)
    .where(and(eq(polls.communityId, communityId), eq(polls.status, 'announced'), lte(polls.opensAt, new Date(now.getTime() + 60_000)), gt(polls.closesAt, new Date(now.getTime() + 3_600_000))))
    .orderBy(desc(polls.closesAt))
    .limit(1)
  return poll?.id ?? null
}

/**
 * A poll open for two weeks from a second after now (announced with a recorded short-notice
 * reason, as the law allows): seeded with the demo, and again whenever the last one has closed.
 */
async function seedDemoPoll(committee: ServiceCtx, communityId: string) {
  const now = committee.clock.now()
  const poll = await draftPoll(committee, communityId, {
    title: '关于使用公共收益增设电动车充电桩的表决',
    body: '拟在地下车库增设电动车充电桩20个，费用约人民币8万元，从公共收益中列支。请业主表决。',
    matter: 'common_use',
    kind: 'single',
    attachments: [],
    scopeBuildings: null,
    opensAt: new Date(now.getTime() + 1_000).toISOString(),
    closesAt: new Date(now.getTime() + 14 * 86_400_000).toISOString(),
  })
  await announcePoll(committee, poll.id, '演示：公告期不足15日，仅用于本地体验')
  return poll.id
}
