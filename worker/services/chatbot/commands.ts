import { and, count, eq, inArray, or, sql } from 'drizzle-orm'
import { SIGNED_AS_ZH } from '../../../shared/api/polls'
import { parseCommand, type ChatCommand, type VoteChoice } from '../../../shared/chatbot'
import { categoryFromWords, COMPLAINT_CATEGORIES, DESKS, type Desk } from '../../../shared/complaints'
import { shortReceipt } from '../../../shared/receipt'
import { periodZh, yuan } from '../../../shared/statements'
import { beijingDeadline, beijingTime } from '../../../shared/time'
import { ballots, bindings, communities, oaFollowers, oaLinkCodes, pollResults, polls, type PendingChatVote } from '../../../drizzle/schema'
import { hmacHex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { consume } from '../auth/rate-limit'
import { CommunitySettings } from '../../../shared/community'
import { castBallot } from '../ballots/cast'
import { countsAmong } from '../ballots/standing'
import { ballotContent } from '../ballots/content'
import { castableVoters, resolveVoter, verifiedOwnerKeys } from '../ballots/eligibility'
import { pollsAsProxy, pollsAsProxySql } from '../ballots/proxies'
import type { ServiceCtx } from '../context'
import { quarterAccounts } from '../disclosure/accounts'
import { getFirmProfile } from '../disclosure/fees'
import { candidatesOf, displayStatus, type PollRow } from '../polls/lifecycle'
import { listNotices } from '../notices/notices'
import { fileComplaint } from '../oversight/complaints'
import { rowsOf } from '../roles/resolve'
import { CHOICE_TEXT, fitReply, helpText, NOT_BOUND } from './replies'
import { linkOpenid } from './link'

/** A vote said in chat waits this long for `确认`. */
const PENDING_MS = 10 * 60_000
/** A one-time binding code (绑定 123456) lives this long. */
export const LINK_CODE_MS = 10 * 60_000
const LINK_ATTEMPTS_PER_HOUR = 10

const STATUS_TEXT: Record<string, string> = { draft: '草稿', announced: '已公告，尚未开始投票', open: '投票中', ended: '投票已截止，等待计票', closed: '已公布结果', cancelled: '已取消' }

interface Owner {
  userId: string
  communityIds: string[]
}

const base = (ctx: ServiceCtx) => ctx.config.PUBLIC_BASE_URL.replace(/\/$/, '')
export const linkCodeDigest = (ctx: Pick<ServiceCtx, 'config'>, code: string) => hmacHex(ctx.config.JWT_SECRET, `oa-link:${code}`)

async function ownerOf(ctx: ServiceCtx, openid: string): Promise<Owner | null> {
  const [f] = await ctx.db.select({ userId: oaFollowers.userId }).from(oaFollowers).where(eq(oaFollowers.openid, openid))
  if (!f?.userId) return null
  const rows = await ctx.db
    .selectDistinct({ communityId: bindings.communityId })
    .from(bindings)
    .where(and(eq(bindings.userId, f.userId), eq(bindings.status, 'verified')))
  return { userId: f.userId, communityIds: rows.map((r) => r.communityId) }
}

/** Poll `number` in the owner's communities (an owner of two communities gets the first that has it). */
async function pollByNumber(ctx: ServiceCtx, owner: Owner, number: number): Promise<PollRow | null> {
  if (owner.communityIds.length === 0) return null
  const [p] = await ctx.db
    .select()
    .from(polls)
    .where(and(inArray(polls.communityId, owner.communityIds), eq(polls.number, number), sql`${polls.status} <> 'draft'`))
    .orderBy(polls.createdAt)
    .limit(1)
  return p ?? null
}

/**
 * The poll a follower means by `number`: in their own communities first, else among the running
 * polls they vote in as a named proxy elsewhere. Numbers are per compound, so when two of those
 * share it none is picked: the reply (a string) sends their links instead, to vote on the page.
 */
async function pollFor(ctx: ServiceCtx, owner: Owner, number: number): Promise<PollRow | string> {
  const own = await pollByNumber(ctx, owner, number)
  if (own) return own
  const named = await ctx.db
    .select()
    .from(polls)
    .where(and(sql`${polls.id} in (${pollsAsProxySql(owner.userId)})`, eq(polls.number, number)))
    .orderBy(polls.createdAt)
    .limit(5)
  if (named.length === 1) return named[0]!
  if (named.length === 0) return noSuchPoll(number)
  return fitReply(`您受托投票的议题中有${named.length}个第${number}号，请打开链接投票：\n${named.map((p) => `《${p.title}》：${pollLink(ctx, p)}`).join('\n')}`)
}

async function communityName(ctx: ServiceCtx, communityId: string): Promise<string> {
  const [c] = await ctx.db.select({ name: communities.name }).from(communities).where(eq(communities.id, communityId))
  return c?.name ?? ''
}

const noSuchPoll = (n: number) => `没有找到第${n}号议题。回复“议题”查看正在表决的议题。`
const pollLink = (ctx: ServiceCtx, p: PollRow) => `${base(ctx)}/h5/polls/${p.id}`

export async function runCommand(ctx: ServiceCtx, openid: string, text: string, messageKey: string | null): Promise<string> {
  const cmd = parseCommand(text)
  if (cmd.kind === 'help') return cmd.understood === false ? `没看懂您的消息。${helpText()}` : helpText()
  if (cmd.kind === 'bind') return bind(ctx, openid, cmd.code)
  const owner = await ownerOf(ctx, openid)
  if (!owner) return NOT_BOUND
  if (owner.communityIds.length === 0) {
    // A proxy who owns no flat anywhere here (a daughter voting for her mother) has no compound:
    // the compound's notices, fees and accounts are not theirs to read. They read and vote in the
    // polls they are named for, as on the page (the role `proxy`), and are shown those polls for
    // anything else, instead of being asked to verify as an owner they are not.
    const asProxy = await pollsAsProxy(ctx.db, owner.userId)
    if (asProxy.length === 0) return `您的账号还没有通过业主身份核验。请打开 ${base(ctx)}/h5/login 登录后完成实名绑定。`
    if (!PROXY_COMMANDS.has(cmd.kind)) return proxyPolls(ctx, asProxy)
  }
  return answer(ctx, openid, owner, cmd, messageKey)
}

/** What a proxy who owns no flat here may say: about the polls they are named for (pollFor finds only those: they have no compound). */
const PROXY_COMMANDS = new Set<ChatCommand['kind']>(['view', 'vote', 'elect', 'confirm', 'cancel'])

function proxyPolls(ctx: ServiceCtx, rows: Awaited<ReturnType<typeof pollsAsProxy>>): string {
  const example = rows[0]?.number ?? 1
  return fitReply(
    `您受业主委托代为投票的议题：\n${rows.map((r) => `第${r.number}号《${r.title}》，${beijingDeadline(r.closesAt)} 截止：${base(ctx)}/h5/polls/${r.pollId}`).join('\n')}\n\n可以打开链接投票，也可以在这里回复“查看 ${example}”看详情，“投票 ${example} 同意”投票。`,
  )
}

async function answer(ctx: ServiceCtx, openid: string, owner: Owner, cmd: Exclude<ChatCommand, { kind: 'help' | 'bind' }>, messageKey: string | null): Promise<string> {
  switch (cmd.kind) {
    case 'list':
      return listOpen(ctx, owner)
    case 'view': {
      const p = await pollFor(ctx, owner, cmd.number)
      return typeof p === 'string' ? p : viewPoll(ctx, p)
    }
    case 'vote':
    case 'elect':
      return prepareVote(ctx, openid, owner, cmd)
    case 'confirm':
      return confirmVote(ctx, openid, owner, messageKey, cmd.soft === true)
    case 'cancel': {
      await ctx.db.update(oaFollowers).set({ pendingVote: null }).where(eq(oaFollowers.openid, openid))
      return '已取消，没有投出任何票。'
    }
    case 'mine':
      return myVotes(ctx, owner)
    case 'result': {
      const p = await pollByNumber(ctx, owner, cmd.number)
      return p ? result(ctx, p) : noSuchPoll(cmd.number)
    }
    case 'accounts':
      return accounts(ctx, owner.communityIds[0]!)
    case 'contacts':
      return contacts(ctx, owner.communityIds[0]!)
    case 'complain':
      return cmd.text ? fileByChat(ctx, owner, cmd.text) : complain(ctx, owner.communityIds[0]!)
  }
}

async function bind(ctx: ServiceCtx, openid: string, code: string | null): Promise<string> {
  const link = `${base(ctx)}/h5/wechat/link`
  if (!code) {
    const [f] = await ctx.db.select({ userId: oaFollowers.userId }).from(oaFollowers).where(eq(oaFollowers.openid, openid))
    if (f?.userId) return `您的微信已绑定共议账号。如需改绑其他账号，请打开 ${link} 用新账号登录。`
    return `请打开链接，用手机号登录并完成业主身份核验：${link}\n在微信里打开会自动绑定本微信；在其他浏览器打开，页面会显示8位绑定码，回复“绑定 绑定码”即可。`
  }
  // a code could be guessed by messaging: 10 tries an hour per follower (the count commits with the reply)
  try {
    await consume({ db: ctx.db, clock: ctx.clock, secret: ctx.config.ID_HASH_SECRET }, `oa-bind:${openid}`, LINK_ATTEMPTS_PER_HOUR, 3600)
  } catch (e) {
    if (e instanceof AppError && e.code === 'RATE_LIMITED') return '绑定尝试次数过多，请一小时后再试。'
    throw e
  }
  const digest = await linkCodeDigest(ctx, code)
  const [used] = await ctx.db
    .update(oaLinkCodes)
    .set({ usedAt: ctx.clock.now() })
    .where(and(eq(oaLinkCodes.codeHash, digest), sql`${oaLinkCodes.usedAt} is null`, sql`${oaLinkCodes.expiresAt} > ${ctx.clock.now().toISOString()}::timestamptz`))
    .returning({ userId: oaLinkCodes.userId })
  if (!used) return `绑定码无效或已过期。请重新打开 ${link} 获取新的绑定码。`
  await linkOpenid(ctx, openid, used.userId, 'chat_code')
  return '绑定成功！回复“议题”查看正在表决的议题，回复“帮助”查看全部指令。'
}

/** The announced polls, not yet closed, in which this follower may cast a ballot (as owner or proxy), the soonest to close first. */
async function runningFor(ctx: ServiceCtx, owner: Owner) {
  const now = ctx.clock.now()
  const announced = await ctx.db
    .select()
    .from(polls)
    .where(and(or(inArray(polls.communityId, owner.communityIds), sql`${polls.id} in (${pollsAsProxySql(owner.userId)})`), eq(polls.status, 'announced'), sql`${polls.closesAt} > ${now.toISOString()}::timestamptz`))
    .orderBy(polls.closesAt)
    .limit(10)
  const out: { p: PollRow; mine: Awaited<ReturnType<typeof castableVoters>> }[] = []
  for (const p of announced) {
    const mine = await castableVoters(ctx.db, p.id, p.communityId, owner.userId)
    if (mine.length > 0) out.push({ p, mine })
  }
  return out
}

/**
 * The poll a choice said without its number (同意) is for: the one poll open to this follower now.
 * With several, they are asked which, with each poll's number; with none, told so.
 */
async function onlyOpenPoll(ctx: ServiceCtx, owner: Owner, choice: VoteChoice): Promise<PollRow | string> {
  const now = ctx.clock.now()
  const open = (await runningFor(ctx, owner)).filter(({ p }) => displayStatus(p, now) === 'open').map(({ p }) => p)
  if (open.length === 1) return open[0]!
  if (open.length === 0) return '您目前没有正在投票的议题。回复“议题”查看已公告的议题。'
  return fitReply(`您有${open.length}个议题正在投票，请说明投哪一个，如“${open[0]!.number}号${CHOICE_TEXT[choice]}”：\n${open.map((p) => `第${p.number}号《${p.title}》`).join('\n')}`)
}

async function listOpen(ctx: ServiceCtx, owner: Owner): Promise<string> {
  const now = ctx.clock.now()
  const running = await runningFor(ctx, owner)
  const lines: string[] = []
  const numbers = running.map(({ p }) => p.number)
  for (const { p, mine } of running) {
    const elsewhere = !owner.communityIds.includes(p.communityId)
    const [voted] = await ctx.db
      .select({ n: count() })
      .from(ballots)
      .where(and(eq(ballots.pollId, p.id), eq(ballots.current, true), inArray(ballots.voterId, mine.map((v) => v.voterId))))
    const state = displayStatus(p, now) === 'open' ? `投票截止 ${beijingDeadline(p.closesAt)}` : `${beijingTime(p.opensAt)} 开始投票`
    // a poll they vote in as a proxy elsewhere is said so; where its number is not unique here, "投票 编号" cannot reach it: its link instead
    const shared = elsewhere && numbers.filter((n) => n === p.number).length > 1
    lines.push(`第${p.number}号《${p.title}》${elsewhere ? '（受托代投）' : ''}\n${state}｜${(voted?.n ?? 0) > 0 ? '您已投票' : '您尚未投票'}${shared ? `｜请打开链接投票：${pollLink(ctx, p)}` : ''}`)
  }
  if (lines.length === 0) return '您目前没有需要表决的议题。'
  return fitReply(`正在表决的议题：\n${lines.join('\n')}\n\n回复“查看 编号”看详情，“投票 编号 同意”投票。`)
}

async function viewPoll(ctx: ServiceCtx, p: PollRow): Promise<string> {
  const status = displayStatus(p, ctx.clock.now())
  const lines = [`第${p.number}号《${p.title}》`, `状态：${STATUS_TEXT[status] ?? status}`, `投票时间：${beijingTime(p.opensAt)} 至 ${beijingDeadline(p.closesAt)}`]
  lines.push(p.body.length > 300 ? `${p.body.slice(0, 300)}……` : p.body)
  if (p.kind === 'election') {
    const candidates = await candidatesOf(ctx.db, p.id)
    lines.push(`候选人（最多选 ${p.seats} 名）：`, ...candidates.map((c) => `${c.ordinal}. ${c.name}${c.building ? `（${c.building}）` : ''}`))
    if (status === 'open') lines.push(`投票请回复：投票 ${p.number} 选 候选人编号（如：投票 ${p.number} 选 1 3）`)
  } else if (status === 'open') {
    lines.push(`投票请回复：投票 ${p.number} 同意 / 反对 / 弃权`)
  }
  return fitReply(lines.join('\n'), pollLink(ctx, p))
}

async function prepareVote(ctx: ServiceCtx, openid: string, owner: Owner, cmd: Extract<ChatCommand, { kind: 'vote' | 'elect' }>): Promise<string> {
  // an election's number is always said (its candidates are numbered per poll)
  const p = cmd.kind === 'vote' && cmd.number === null ? await onlyOpenPoll(ctx, owner, cmd.choice) : await pollFor(ctx, owner, cmd.number as number)
  if (typeof p === 'string') return p
  if (displayStatus(p, ctx.clock.now()) !== 'open') return `第${p.number}号《${p.title}》当前不在投票期内（${beijingTime(p.opensAt)} 至 ${beijingDeadline(p.closesAt)}）。`
  let voter
  try {
    voter = await resolveVoter(ctx.db, p.id, p.communityId, owner.userId)
  } catch (e) {
    if (e instanceof AppError && e.code === 'VOTER_AMBIGUOUS') return fitReply('您代表多个投票权人，请在网页上选择以哪一位的名义投票。', pollLink(ctx, p))
    throw e
  }
  let choiceText: string
  let content
  if (cmd.kind === 'vote') {
    if (p.kind !== 'single') return `第${p.number}号是选举，请回复“投票 ${p.number} 选 候选人编号”。`
    content = await ballotContent(ctx.db, p.id, { choice: cmd.choice }, { paper: false })
    choiceText = CHOICE_TEXT[cmd.choice]
  } else {
    if (p.kind !== 'election') return `第${p.number}号不是选举，请回复“投票 ${p.number} 同意 / 反对 / 弃权”。`
    const candidates = await candidatesOf(ctx.db, p.id)
    const picked = cmd.ordinals.map((n) => candidates.find((c) => c.ordinal === n))
    if (picked.some((c) => !c)) return `候选人编号有误：第${p.number}号的候选人编号为 1 至 ${candidates.length}。`
    if (picked.length > (p.seats ?? 0)) return `最多只能选 ${p.seats} 名候选人。`
    content = await ballotContent(ctx.db, p.id, { marks: picked.map((c) => c!.id) }, { paper: false })
    choiceText = `选 ${picked.map((c) => `${c!.ordinal}. ${c!.name}`).join('、')}`
  }
  const pending: PendingChatVote & { proxyId: string | null; via: 'owner' | 'proxy' } = {
    pollId: p.id,
    communityId: p.communityId,
    voterId: voter.voterId,
    choice: content.choice as PendingChatVote['choice'],
    marks: content.marks,
    until: new Date(ctx.clock.now().getTime() + PENDING_MS).toISOString(),
    proxyId: voter.proxyId,
    via: voter.via,
  }
  await ctx.db.update(oaFollowers).set({ pendingVote: pending }).where(eq(oaFollowers.openid, openid))
  // a proxy is told whose compound too: unit labels and titles repeat from compound to compound
  const as = voter.via === 'proxy' ? `受托代 ${await communityName(ctx, p.communityId)} ${voter.unitLabels} 投票` : `投票权人：${voter.unitLabels}`
  return `请确认：第${p.number}号《${p.title}》\n您的选择：${choiceText}\n${as}\n回复“确认”投出，回复“取消”放弃（10分钟内有效）。`
}

async function confirmVote(ctx: ServiceCtx, openid: string, owner: Owner, messageKey: string | null, soft: boolean): Promise<string> {
  const [f] = await ctx.db.select({ pending: oaFollowers.pendingVote }).from(oaFollowers).where(eq(oaFollowers.openid, openid))
  const pending = f?.pending as (PendingChatVote & { proxyId: string | null; via: 'owner' | 'proxy' }) | null | undefined
  // "好的" with no vote waiting is a courtesy, not a mistake: the menu
  if (!pending || Date.parse(pending.until) <= ctx.clock.now().getTime()) return soft ? helpText() : '没有待确认的投票。请先回复“投票 编号 同意/反对/弃权”。'
  await ctx.db.update(oaFollowers).set({ pendingVote: null }).where(eq(oaFollowers.openid, openid))
  const out = await castBallot(
    { ...ctx, actor: { userId: owner.userId, phone: null, isAdmin: false } },
    {
      pollId: pending.pollId,
      communityId: pending.communityId,
      voterId: pending.voterId,
      choice: pending.choice,
      marks: pending.marks,
      spoiledReason: null,
      channel: pending.via === 'proxy' ? 'proxy' : 'chatbot',
      proxyId: pending.via === 'proxy' ? pending.proxyId : null,
      ownerCasting: pending.via === 'owner',
      idempotencyKey: messageKey ? `oa:${messageKey}` : undefined,
    },
  )
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pending.pollId))
  return fitReply(
    `已投票：第${p!.number}号《${p!.title}》“${CHOICE_TEXT[out.choice]}”。\n回执号：${shortReceipt(out.receipt)}\n请保存回执号，结果公布后可核验您的票已计入。截止前可重新投票，以最后一次为准。`,
    pollLink(ctx, p!),
  )
}

async function myVotes(ctx: ServiceCtx, owner: Owner): Promise<string> {
  const current = rowsOf<{ poll_id: string; voter_id: string; kind: string; settings: unknown; number: number | null; title: string; choice: keyof typeof CHOICE_TEXT; channel: string; cast_at: string | Date; receipt: string; signed_as: keyof typeof SIGNED_AS_ZH | null; signer_name: string | null }>(
    await ctx.db.execute(sql`
      select b.poll_id, b.voter_id, b.kind, p.settings, p.number, p.title, b.choice, b.channel, b.cast_at, b.receipt, b.signed_as, b.signer_name
      from ballots b join polls p on p.id = b.poll_id
      where b.current and b.voter_id in (
        select pv.voter_id from poll_voters pv where pv.poll_id = b.poll_id and pv.representative_owner_key in (${verifiedOwnerKeys(sql`${owner.userId}`, sql`p.community_id`)}))
      order by b.cast_at desc`),
  ).map((r) => ({ ...r, voterId: r.voter_id, current: true, signedAs: r.signed_as }))
  // per voter, the one standing ballot that counts (an app and a paper ballot may both stand)
  const rows = current
    .filter((b) => countsAmong(b, current.filter((o) => o.poll_id === b.poll_id), CommunitySettings.parse(b.settings ?? {}).paperVsElectronic))
    .slice(0, 8)
  if (rows.length === 0) return '您还没有投过票。回复“议题”查看正在表决的议题。'
  const channel: Record<string, string> = { app: '小程序', h5: '网页', chatbot: '公众号', paper: '纸质票', proxy: '受托人代投' }
  return fitReply(
    `您计入结果的票：\n${rows.map((r) => `第${r.number}号《${r.title}》：${CHOICE_TEXT[r.choice]}，${channel[r.channel] ?? r.channel}${r.signed_as ? `（${SIGNED_AS_ZH[r.signed_as]}${r.signer_name}代签）` : ''}，${beijingTime(new Date(r.cast_at))}\n回执号 ${shortReceipt(r.receipt)}`).join('\n')}`,
  )
}

async function result(ctx: ServiceCtx, p: PollRow): Promise<string> {
  const [r] = await ctx.db.select().from(pollResults).where(eq(pollResults.pollId, p.id))
  if (!r) return fitReply(`第${p.number}号《${p.title}》的结果尚未公布（投票截止：${beijingDeadline(p.closesAt)}）。`, pollLink(ctx, p))
  const d = r.document as { outcomeText?: string }
  return fitReply(`第${p.number}号《${p.title}》表决结果（${beijingTime(r.publishedAt)} 公布，已签名）：\n${d.outcomeText ?? ''}`, `${base(ctx)}/h5/polls/${p.id}/result`)
}

async function accounts(ctx: ServiceCtx, communityId: string): Promise<string> {
  const a = await quarterAccounts(ctx, communityId)
  const link = `${base(ctx)}/h5/c/${communityId}/accounts`
  if (a.kinds.length === 0) return fitReply(`${periodZh(a.period)} 尚无公示的收支报表。`, link)
  const lines = a.kinds.map((k) => `${k.label}：收入 ${yuan(k.incomeFen)}，支出 ${yuan(k.expenseFen)}，期末结余 ${yuan(k.closingFen)}`)
  const overdue = a.overdue.length ? `\n逾期未公示：${a.overdue.length} 项` : ''
  return fitReply(`${periodZh(a.period)} 收支公示：\n${lines.join('\n')}${overdue}`, link)
}

async function contactLines(ctx: ServiceCtx, communityId: string): Promise<string[]> {
  const board = (await listNotices(ctx, communityId, false)).find((n) => n.kind === 'enforcement_contacts' && n.contacts?.length)
  return board?.contacts?.map((c) => `${c.department}（${c.handles}）：${c.phone}`) ?? []
}

async function contacts(ctx: ServiceCtx, communityId: string): Promise<string> {
  const lines = await contactLines(ctx, communityId)
  const link = `${base(ctx)}/h5/c/${communityId}/contacts`
  if (lines.length === 0) return fitReply('本小区尚未公示执法部门联系方式。', link)
  return fitReply(`执法部门联系方式：\n${lines.join('\n')}`, link)
}

/**
 * `投诉 <内容>` files a complaint in the owner's (first) community through the same service as the
 * app and H5, routed by the words it uses, and says who handles it and by when.
 */
async function fileByChat(ctx: ServiceCtx, owner: Owner, text: string): Promise<string> {
  const communityId = owner.communityIds[0]!
  if ([...text].length < 5) return '请把问题说清楚一些（至少5个字），例如：投诉 3栋2单元楼道灯坏了一个星期没人修'
  const { category, guessed } = categoryFromWords(text)
  const filed = await fileComplaint({ ...ctx, actor: { userId: owner.userId, phone: null, isAdmin: false } }, communityId, {
    category,
    body: text.slice(0, 2000),
    photos: [],
    place: '见诉求内容',
    hideFromFirm: false,
  })
  const route = COMPLAINT_CATEGORIES[category]
  const desk = filed.desk ? DESKS[filed.desk as Desk] : '社区（待派单）'
  const lines = [
    `已受理您的投诉（${route.label}）。`,
    `承办：${desk}，须在 ${beijingDeadline(filed.resolveBy)} 前办结，${beijingDeadline(filed.firstContactBy)} 前先行联系您。`,
    guessed ? '' : '未能从描述判断问题类型，先派给物业；不属于物业职责的，会退回由社区改派。',
    '办理进度和结果可在链接中查看；办结后请评价是否满意，不满意可以重新办理。',
  ].filter(Boolean)
  return fitReply(lines.join('\n'), `${base(ctx)}/h5/c/${communityId}/complaints`)
}

/** `投诉` alone: who to call. */
async function complain(ctx: ServiceCtx, communityId: string): Promise<string> {
  const out: string[] = []
  const profile = await getFirmProfile(ctx, communityId).catch(() => null)
  const phone = (profile?.content as { complaintPhone?: string } | undefined)?.complaintPhone
  if (profile && phone) out.push(`物业服务投诉：${profile.firm.name} 投诉电话 ${phone}`)
  const lines = await contactLines(ctx, communityId)
  if (lines.length) out.push('物业不处理或属于违法行为的，可联系：', ...lines)
  if (out.length === 0) out.push('本小区尚未公示投诉电话，请联系所在社区居委会。')
  return fitReply(`如何投诉：\n${out.join('\n')}`, `${base(ctx)}/h5/c/${communityId}/contacts`)
}
