import * as z from 'zod'
import { MATTER_KEYS } from '../tally'

export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: '须为64位小写十六进制 SHA-256' })
/** An area as people read it (exact, as registered or as an exact sum) and as machines add it. */
const AreaFields = {
  area: z.string().describe('专有部分面积（平方米），精确值，按登记记载，如 95.363'),
  areaE4: z.number().int().describe('同一面积，单位 0.0001 平方米'),
  areaCenti: z.number().int().optional().describe('同一面积，单位 0.01 平方米（旧字段）：仅当恰为整百分之一平方米时给出'),
}
const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 时刻，如 2026-12-10T09:00:00+08:00')

export const CandidateInput = z.object({
  name: z.string().trim().min(1).max(100).describe('候选人姓名，或投标企业名称'),
  building: z.string().trim().max(30).optional().describe('选举：候选人所住楼栋'),
  unitLabel: z.string().trim().max(60).optional().describe('选举：候选人房屋'),
  statement: z.string().trim().max(2000).optional().describe('简短自述或投标说明'),
  firmId: z.string().max(40).optional().describe('选聘物业：投标企业'),
  bid: z
    .array(z.object({ item: z.string().trim().min(1).max(50), basis: z.string().trim().min(1).max(50), rateFen: z.number().int().min(0).max(1_000_000_000).describe('单价，单位：分') }))
    .max(50)
    .optional()
    .describe('选聘物业：按项目列出的收费标准'),
  documents: z.array(z.object({ name: z.string().trim().min(1).max(100), sha256 })).max(20).default([]),
})

const ELECTION_MATTERS = ['committee', 'manager']

export const PollDraftBody = z
  .object({
    title: z.string().trim().min(2).max(100),
    body: z.string().trim().min(10).max(50_000).describe('议题全文'),
    matter: z.enum(MATTER_KEYS as [string, ...string[]]).describe('民法典第278条所列九类事项之一'),
    kind: z.enum(['single', 'election']).default('single').describe('single：同意/反对/弃权；election：在候选人中选择'),
    seats: z.number().int().min(1).max(50).optional().describe('选举：应选人数；选聘物业为1'),
    candidates: z.array(CandidateInput).min(1).max(100).optional(),
    attachments: z.array(z.object({ name: z.string().trim().min(1).max(100), sha256 })).max(50).default([]),
    scopeBuildings: z.array(z.string().trim().min(1).max(30)).min(1).max(200).nullable().default(null).describe('仅部分楼栋表决时列出楼栋；全体表决为 null'),
    opensAt: instant,
    closesAt: instant,
  })
  .refine((b) => Date.parse(b.closesAt) > Date.parse(b.opensAt), { message: '结束时间须晚于开始时间', path: ['closesAt'] })
  .refine((b) => b.kind === 'single' || ELECTION_MATTERS.includes(b.matter), { message: '只有选举业委会（committee）或选聘物业（manager）可以采用候选人表决', path: ['kind'] })
  .refine((b) => (b.kind === 'election' ? b.seats !== undefined && b.candidates !== undefined : b.seats === undefined && b.candidates === undefined), {
    message: '候选人表决须填写应选人数和候选人；单一事项表决不得填写',
    path: ['candidates'],
  })
  .refine((b) => b.kind !== 'election' || b.matter !== 'manager' || b.seats === 1, { message: '选聘物业只能选出一家（seats = 1）', path: ['seats'] })
  .refine((b) => !b.candidates || new Set(b.candidates.map((c) => c.name)).size === b.candidates.length, { message: '候选人不能重名', path: ['candidates'] })

export const AnnounceBody = z.object({
  noticeOverrideReason: z.string().trim().min(5).max(500).optional().describe('公告不足15日时必须填写，并在议题和结果中公示'),
})
export const ExtendBody = z.object({ closesAt: instant, reason: z.string().trim().min(5).max(500) })
export const CancelBody = z.object({ reason: z.string().trim().min(5).max(500) })
export const AmendBody = z.object({ text: z.string().trim().min(5).max(5000).describe('更正公告全文') })

export const PollStatus = z.enum(['draft', 'announced', 'open', 'voting_ended', 'counting', 'closed', 'cancelled'])

export const PollEvent = z.object({ kind: z.string(), text: z.string(), at: z.string() })
export const CandidateReply = CandidateInput.extend({ id: z.string(), ordinal: z.number().int() })
export const PollReply = z.object({
  id: z.string(),
  communityId: z.string(),
  kind: z.enum(['single', 'election']),
  /** the community's short reference (第12号) */
  number: z.number().int().nullable(),
  seats: z.number().int().nullable(),
  candidates: z.array(CandidateReply),
  title: z.string(),
  body: z.string(),
  matter: z.string(),
  matterLabel: z.string(),
  approvalClass: z.enum(['ordinary', 'special']),
  classifiedBy: z.string(),
  attachments: z.array(z.object({ name: z.string(), sha256: z.string() })),
  scopeBuildings: z.array(z.string()).nullable(),
  opensAt: z.string(),
  closesAt: z.string(),
  originalClosesAt: z.string(),
  status: PollStatus,
  announcedAt: z.string().nullable(),
  noticeOverrideReason: z.string().nullable(),
  textHash: z.string().nullable(),
  electorate: z
    .object({
      totalArea: z.string().describe('冻结名单的专有部分总面积（平方米），精确值'),
      totalAreaE4: z.number().int().describe('单位 0.0001 平方米'),
      totalAreaCenti: z.number().int().optional().describe('同一面积，单位 0.01 平方米（旧字段）：仅当恰为整百分之一平方米时给出'),
      totalVoters: z.number().int(),
      rosterVersionId: z.string(),
    })
    .nullable(),
  cancelReason: z.string().nullable(),
  events: z.array(PollEvent),
})
export const PollListReply = z.object({ polls: z.array(PollReply.omit({ body: true, events: true, candidates: true })) })

export const Choice = z.enum(['agree', 'oppose', 'abstain'])
export const BallotBody = z.object({
  choice: Choice.optional().describe('单一事项：同意 / 反对 / 弃权'),
  marks: z.array(z.string().min(1).max(40)).max(50).optional().describe('候选人表决：所选候选人 id（不超过应选人数；空数组为弃权）'),
  voterId: z.string().min(1).max(40).optional().describe('代表多个投票权人（或作为受托人）时指定'),
  channel: z.enum(['app', 'h5']).default('app'),
})
/**
 * Who signed a paper ballot when it was not the owner (指导规则 第26条; 《解释》第9条), and the
 * document that lets them: a proxy's written 授权委托书, a guardian's proof of guardianship, a
 * legal representative's 法定代表人身份证明 (the roster does not say which owners are companies, so
 * the document is what shows it), each photographed.
 */
export const SIGNED_AS_ZH = { proxy: '委托代理人', guardian: '监护人', legal_representative: '法定代表人' } as const
/** the document each signer shows, in the words on the page */
export const SIGNER_DOCUMENT_ZH = { proxy: '授权委托书', guardian: '监护关系证明', legal_representative: '法定代表人身份证明' } as const
const SignerKind = z.enum(['proxy', 'guardian', 'legal_representative'], { error: '签署人须为委托代理人、监护人或法定代表人' })
export const PaperSigner = z.object({
  as: SignerKind.describe('proxy 委托代理人／guardian 监护人／legal_representative 法定代表人'),
  name: z.string().trim().min(2, { message: '请填写签署人姓名' }).max(40),
  documentSha256: z
    .string({ error: '他人代签的表决票，须附授权委托书、监护关系证明或法定代表人身份证明的照片' })
    .regex(/^[0-9a-f]{64}$/, { message: '须为64位小写十六进制 SHA-256' })
    .describe('证明文件照片的 SHA-256'),
})
const SignedBy = PaperSigner.optional().describe('他人代签时填写；不填为业主本人签署')
export const PaperBallotBody = z.object({
  voterId: z.string().min(1).max(40),
  choice: z.enum(['agree', 'oppose', 'abstain', 'spoiled']).optional().describe('spoiled = 废票'),
  marks: z.array(z.string().min(1).max(40)).max(50).optional().describe('候选人表决：票面所选候选人'),
  spoiledReason: z.string().trim().min(2).max(200).optional().describe('废票理由，如“字迹无法辨认”“所选超过应选人数”'),
  photoSha256: sha256.describe('签字纸质表决票照片的 SHA-256'),
  signedBy: SignedBy,
})
export const BallotReply = z.object({
  receipt: z.string().describe('投票回执，可用于核验本票已计入公布的结果'),
  shortReceipt: z.string().describe('10位短回执，如 K7QFM-2XD9A'),
  voterId: z.string(),
  version: z.number().int(),
  choice: z.enum(['agree', 'oppose', 'abstain', 'spoiled', 'marked']),
  marks: z.array(z.string()).nullable(),
  channel: z.string(),
  castAt: z.string(),
})
export const MyBallotsReply = z.object({
  voters: z.array(
    z.object({
      voterId: z.string(),
      unitLabels: z.string(),
      ...AreaFields,
      via: z.enum(['owner', 'proxy']),
      ballots: z.array(BallotReply.extend({ current: z.boolean(), counts: z.boolean().describe('这张票计入结果：同一投票权人网上票和纸质票都有效时，按本小区规则只计其中一张'), kind: z.string(), disputed: z.boolean(), signedBy: z.object({ as: SignerKind, name: z.string() }).nullable().describe('他人代签的纸质票：签署人') })),
    }),
  ),
})

export const ProxyBody = z.object({
  proxyPhone: z.string().min(1).max(20).describe('受托人手机号（不必是本小区业主，也不必用过本服务：收到消息后用这个手机号登录即可代投）'),
  proxyPhoneAgain: z.string().min(1).max(20).optional().describe('再输一遍受托人手机号（建议让业主输两遍：错一位就委托给了陌生人）；给出时须与 proxyPhone 是同一个号码'),
  voterId: z.string().min(1).max(40).optional(),
})
export const ProxyReply = z.object({
  id: z.string(),
  voterId: z.string(),
  proxyUserId: z.string(),
  status: z.enum(['active', 'used', 'revoked']),
  written: z.boolean().describe('业委会按业主签署的授权委托书录入的委托（而不是业主在网上委托）'),
})

export const DeliveryBody = z.object({
  voterIds: z.array(z.string().min(1).max(40)).min(1).max(50_000),
  method: z.enum(['app_message', 'chatbot', 'paper_signed', 'notice_board']),
  evidenceSha256: sha256.optional(),
})

const WeightSchema = z.object({ ...AreaFields, voters: z.number().int() })
export const TurnoutReply = z.object({
  status: PollStatus,
  asOf: z.string().describe('统计时间：业主看到的参与情况最多5秒前统计一次，业委会和工作人员看到的是当下的'),
  total: WeightSchema,
  participated: WeightSchema,
  /** the 2/3 lines the quorum needs (3·part ≥ 2·total) */
  quorumNeeds: WeightSchema,
  quorumReached: z.boolean(),
  split: z.object({ agree: WeightSchema, oppose: WeightSchema, abstain: WeightSchema }).nullable().describe('截止后公布：各意见的面积和户数'),
  splitWhileOpen: z
    .object({ agree: z.number().int(), oppose: z.number().int(), abstain: z.number().int(), asOf: z.string() })
    .nullable()
    .describe('表决期间默认不公开；小区设置公开时，只给各意见户数，每满10户首次在线投票才更新一次，以免推算出某一户的意见'),
})

export const CommentBody = z.object({ body: z.string().trim().min(1).max(2000), parentId: z.string().max(40).optional() })
export const HideCommentBody = z.object({ reason: z.string().trim().min(2).max(200) })
export const CommentReply = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  authorLabel: z.string(),
  authorRole: z.enum(['owner', 'committee']),
  body: z.string().nullable(),
  hidden: z.object({ reason: z.string(), at: z.string() }).nullable(),
  createdAt: z.string(),
})
export const CommentListReply = z.object({ comments: z.array(CommentReply) })

export const ResultReply = z.object({
  document: z.record(z.string(), z.unknown()),
  jws: z.string().describe('结果文件的 JWS 签名（ES256），公钥见 /.well-known/jwks.json'),
  merkleRoot: z.string(),
})
export const ProofReply = z.object({
  receipt: z.string(),
  standing: z.boolean().describe('该回执对应的票是否为最终计入的票'),
  leaf: z.string().nullable(),
  leafHash: z.string().nullable(),
  proof: z.object({ index: z.number().int(), size: z.number().int(), path: z.array(z.string()) }).nullable(),
  merkleRoot: z.string(),
})

export const VoterListReply = z.object({
  showChoice: z.boolean(),
  voters: z.array(
    z.object({
      voterId: z.string(),
      units: z.string(),
      name: z.string().describe('打码后的姓名'),
      ...AreaFields,
      voted: z.boolean(),
      choice: z.enum(['agree', 'oppose', 'abstain', 'spoiled', 'marked']).nullable(),
      marks: z.array(z.string()).nullable().describe('候选人表决：所选候选人姓名'),
      channel: z.string().nullable(),
      signedByOther: z.boolean().describe('纸质票由他人代签（不公开身份和姓名）'),
      followedMajority: z.array(z.string()).nullable().describe('随多数：未投票但已送达通知、按议事规则计入的一方或候选人'),
    }),
  ),
})
export const DisputeBody = z.object({ reason: z.string().trim().min(5).max(500).describe('异议理由，如“纸质票不是本人签字”') })

export const PaperIssuedBody = z.object({ voterIds: z.array(z.string().min(1).max(40)).min(1).max(50_000).describe('按发放顺序；新发放的选票依次编号') })
export const PaperIssuedReply = z.object({ recorded: z.number().int(), numbered: z.number().int().describe('本次新编号的选票张数（已发放过的投票权人保留原编号）') })
export const PaperIssueListReply = z.object({
  pollNumber: z.number().int(),
  title: z.string(),
  ballots: z.array(
    z.object({
      ballotNumber: z.string().describe('印在纸质票上的选票编号，如 12-0037-6（表决序号-发放序号-校验位）'),
      voterId: z.string(),
      units: z.string(),
      maskedName: z.string(),
      issuedAt: z.string(),
    }),
  ),
})

// Counting day (计票): the public count of paper ballots after the close

const CountingPerson = z.object({ name: z.string().trim().min(1).max(40), unitOrOffice: z.string().trim().min(1).max(80).describe('所在房屋或单位（如街道办、居委会）') })
export const CountingOpenBody = z.object({
  counters: z.array(CountingPerson).min(1).max(20).describe('计票人'),
  scrutineers: z.array(CountingPerson).min(1).max(20).describe('监票人'),
  boxState: z.string().trim().min(2).max(500).describe('开箱时票箱状态，如“封条完好”'),
})
/** One paper ballot as the counters read it: the room printed on it, never an internal id. */
export const CountingBallotBody = z
  .object({
  ballotNumber: z.string().trim().min(1).max(40).optional().describe('票面印的选票编号（如 12-0037-6）；填了可不填房号，两者都填须是同一户'),
  building: z.string().trim().min(1).max(40).optional().describe('楼栋'),
  unit: z.string().trim().max(40).default('').describe('单元（没有单元可留空）'),
  room: z.string().trim().min(1).max(40).optional().describe('房号'),
  choice: z.enum(['agree', 'oppose', 'abstain']).optional().describe('单一事项：同意、反对、弃权'),
  marks: z.array(z.string().trim().min(1).max(80)).max(50).optional().describe('候选人表决：票面所选候选人姓名（空数组为弃权）'),
  spoiledReason: z.string().trim().min(2).max(200).optional().describe('废票：理由'),
  receivedAt: z.string().datetime({ offset: true }).optional().describe('选票投入票箱或收回的时间，须不晚于表决截止时间；不填为截止时封箱'),
  photoSha256: sha256.optional(),
  signedBy: SignedBy,
})
  .refine((b) => b.ballotNumber || (b.building && b.room), { message: '请填写票面的楼栋和房号，或选票编号', path: ['room'] })
export const CountingWithdrawBody = z.object({ reason: z.string().trim().min(2).max(200).describe('撤销理由，如“房号录错”') })
export const CountingConfirmBody = z.object({
  confirmedBy: z.array(z.string().trim().min(1).max(40)).min(1).max(20).describe('确认计票结果的监票人姓名'),
  settlement: z.string().trim().max(2000).optional().describe('对计票表所列问题的处理说明'),
})
const CountingFlag = z.object({ kind: z.enum(['paper_and_electronic', 'issued_not_returned', 'not_issued', 'paper_replaced', 'signer_over_limit', 'same_photo']), units: z.string(), text: z.string() })
export const CountingSheetReply = z.object({
  status: PollStatus,
  session: z.object({ counters: z.array(CountingPerson), scrutineers: z.array(CountingPerson), boxState: z.string(), openedAt: z.string(), confirmedAt: z.string().nullable(), confirmedBy: z.array(z.string()).nullable(), settlement: z.string().nullable() }).nullable(),
  paperEntered: z.number().int(),
  paperIssued: z.number().int().describe('已发放的纸质票张数'),
  flags: z.array(CountingFlag),
})
export const CountingEntryReply = z.object({
  entered: z.number().int(),
  paperEntered: z.number().int().describe('登记后本次计票已登记的纸质票总张数'),
  ballots: z.array(z.object({ line: z.number().int().nullable(), ballotId: z.string().describe('撤销录入时用'), units: z.string(), ballotNumber: z.string().nullable() })),
})
export const CountingWithdrawReply = z.object({ withdrawn: z.string(), units: z.string(), paperEntered: z.number().int() })
