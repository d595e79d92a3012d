/**
 * Complaints (投诉), modelled on the 12345 hotline's closed loop (接诉即办): 受理 → 派单 → 先行联系
 * → 处置 → 办结 → 回访/评价, closed only when the owner confirms or stays silent past a set time
 * (动态销号, seeds 002 and 003). Pure rules shared with the mini-program: which desk a category goes
 * to, how long it has, and which step may follow which.
 */
import { addWorkingDays } from './workdays'
import { shanghaiDate } from './time'

/**
 * Who answers. The departments follow seed 001's division of duties (南川府发〔2020〕10号 三):
 * 公安 public order, dangerous goods, blocked entrances, dogs; 应急管理/消防 fire safety and fire
 * lanes; 生态环境 pollution and noise; 城市管理 green space, trees, parking use, livestock;
 * 规划自然资源 illegal building and façades; 市场监管 lifts and prices; 住房城乡建设 load-bearing
 * structure, common parts, maintenance fund and the firms themselves.
 */
export const DESKS = {
  firm: '物业服务企业',
  police: '公安部门',
  fire: '应急管理（消防）部门',
  urban_management: '城市管理部门',
  ecology_environment: '生态环境部门',
  planning: '规划自然资源部门',
  market_regulation: '市场监管部门',
  housing: '住房城乡建设部门',
} as const
export type Desk = keyof typeof DESKS
export type Department = Exclude<Desk, 'firm'>
export const DESK_KEYS = Object.keys(DESKS) as Desk[]
export const DEPARTMENT_KEYS = DESK_KEYS.filter((d): d is Department => d !== 'firm')

/** The Beijing 12345 standard: emergency 2 h, water/power/gas 24 h, general 7 days, complex 15 days. */
export const URGENCIES = {
  emergency: { label: '紧急', hours: 2 },
  utility: { label: '水电气', hours: 24 },
  general: { label: '一般', hours: 7 * 24 },
  complex: { label: '复杂', hours: 15 * 24 },
} as const
export type Urgency = keyof typeof URGENCIES

export const COMPLAINT_CATEGORIES = {
  cleaning: { label: '环境卫生（保洁、垃圾清运）', desk: 'firm', urgency: 'general' },
  security_service: { label: '秩序维护（门岗、巡逻）', desk: 'firm', urgency: 'general' },
  greenery_upkeep: { label: '绿化养护', desk: 'firm', urgency: 'general' },
  common_repair: { label: '共用部位、共用设施设备报修', desk: 'firm', urgency: 'general' },
  service_attitude: { label: '服务态度', desk: 'firm', urgency: 'general' },
  utility_outage: { label: '停水、停电、停气', desk: 'firm', urgency: 'utility' },
  elevator_trapped: { label: '电梯困人', desk: 'firm', urgency: 'emergency' },
  urgent_hazard: { label: '漏水、燃气泄漏等紧急险情', desk: 'firm', urgency: 'emergency' },
  public_order: { label: '治安、堵塞小区或车库出入口', desk: 'police', urgency: 'general' },
  dangerous_goods: { label: '违规存放易燃易爆危险物品', desk: 'police', urgency: 'emergency' },
  dogs: { label: '违规饲养犬只', desk: 'police', urgency: 'general' },
  fire_lane: { label: '占用堵塞消防通道、损坏消防设施', desk: 'fire', urgency: 'general' },
  pollution_noise: { label: '环境污染、噪声扰民', desk: 'ecology_environment', urgency: 'general' },
  green_space: { label: '毁绿占绿、砍伐树木、违规养殖', desk: 'urban_management', urgency: 'general' },
  parking_use: { label: '擅自改变停车场用途', desk: 'urban_management', urgency: 'complex' },
  illegal_building: { label: '违法建设、擅自改变房屋外观', desk: 'planning', urgency: 'complex' },
  elevator_safety: { label: '电梯等特种设备安全隐患', desk: 'market_regulation', urgency: 'general' },
  fees: { label: '违规收费、收费未明码标价', desk: 'market_regulation', urgency: 'general' },
  structure_alteration: { label: '擅自变动房屋承重结构、占用共有部位', desk: 'housing', urgency: 'complex' },
  fund_misuse: { label: '专项维修资金、公共收益使用问题', desk: 'housing', urgency: 'complex' },
} as const satisfies Record<string, { label: string; desk: Desk; urgency: Urgency }>
export type ComplaintCategory = keyof typeof COMPLAINT_CATEGORIES
export const COMPLAINT_CATEGORY_KEYS = Object.keys(COMPLAINT_CATEGORIES) as ComplaintCategory[]

export const COMPLAINT_STATUSES = {
  dispatched: '已派单',
  contacted: '已先行联系',
  handling: '处置中',
  returned: '已退回待改派',
  resolved: '已办结待评价',
  closed: '已销号',
} as const
export type ComplaintStatus = keyof typeof COMPLAINT_STATUSES

/** Working days a desk has to send back a complaint that is not its to answer. */
export const SEND_BACK_WORKING_DAYS = 2
/** Working days the first contact may take (先行联系). */
export const FIRST_CONTACT_WORKING_DAYS = 1
/** Working days community staff have after an escalation before it goes to the street. */
export const STREET_ESCALATION_WORKING_DAYS = 2
/** Days an owner has to say whether they are satisfied; silence then closes it (动态销号). */
export const REVIEW_DAYS = 7

const HOUR_MS = 3_600_000
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS

/** The end (24:00 Beijing time) of the working day `n` working days after the Beijing date of `at`. */
export function endOfWorkingDay(at: Date, n: number): Date {
  const day = addWorkingDays(shanghaiDate(at), n)
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS + 24 * HOUR_MS)
}

/**
 * A desk's deadlines from the moment a complaint is dispatched to it. Resolution counts in hours
 * (2 h, 24 h, 7 × 24 h, 15 × 24 h, as 12345 counts them); first contact and sending back in
 * working days, but never later than the resolution itself (an emergency is contacted in 2 h).
 */
export function deadlinesFrom(at: Date, urgency: Urgency) {
  const resolveBy = new Date(at.getTime() + URGENCIES[urgency].hours * HOUR_MS)
  const contact = endOfWorkingDay(at, FIRST_CONTACT_WORKING_DAYS)
  return {
    firstContactBy: contact < resolveBy ? contact : resolveBy,
    resolveBy,
    sendBackBy: endOfWorkingDay(at, SEND_BACK_WORKING_DAYS),
  }
}

export const routeOf = (category: ComplaintCategory) => COMPLAINT_CATEGORIES[category]

/**
 * The category of a complaint written in free words (the chat-bot's `投诉 …`), by the first rule
 * whose words it contains; the most urgent rules come first. Text that matches none goes to the
 * firm as a repair: a desk that is not responsible sends it back within 2 working days and
 * community staff re-dispatch it (the 12345 loop), so a wrong guess costs time, never the case.
 */
const CATEGORY_WORDS: [ComplaintCategory, RegExp][] = [
  ['elevator_trapped', /困人|被困|关在电梯/u],
  ['urgent_hazard', /燃气泄漏|煤气泄漏|漏气|爆管|水管爆|漏水|渗水|跑水/u],
  ['dangerous_goods', /易燃|易爆|危险品|煤气罐|液化气罐/u],
  ['fire_lane', /消防通道|消防栓|灭火器|消防设施|楼道充电|飞线充电/u],
  ['utility_outage', /停水|停电|停气|没水|没电|断水|断电/u],
  ['elevator_safety', /电梯.*(隐患|年检|检验|超期|不安全)/u],
  ['common_repair', /坏|故障|维修|报修|不亮|停运/u],
  ['fees', /收费|乱收|多收|物业费|停车费|明码标价/u],
  ['fund_misuse', /维修资金|维修基金|公共收益|广告费/u],
  ['illegal_building', /违建|违章搭建|加盖|私搭|改变外观|封阳台/u],
  ['structure_alteration', /承重墙|拆墙|砸墙|占用楼道|占用公共/u],
  ['green_space', /毁绿|种菜|砍树|占绿|养鸡|养鸭/u],
  ['parking_use', /车位改|停车场.*改|车库改/u],
  ['pollution_noise', /噪音|噪声|扰民|油烟|异味|污水|排污/u],
  ['dogs', /狗|犬/u],
  ['public_order', /治安|偷|盗|打架|堵门|堵塞出入口|车库出入口/u],
  ['cleaning', /垃圾|保洁|卫生|清扫|脏/u],
  ['greenery_upkeep', /绿化|草坪|修剪/u],
  ['security_service', /门岗|保安|巡逻|门禁/u],
  ['service_attitude', /态度|骂人|不理|推诿/u],
]

export function categoryFromWords(text: string): { category: ComplaintCategory; guessed: boolean } {
  for (const [category, words] of CATEGORY_WORDS) if (words.test(text)) return { category, guessed: true }
  return { category: 'common_repair', guessed: false }
}
