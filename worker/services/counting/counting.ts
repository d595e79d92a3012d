import { and, eq, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { ballotNumber, readBallotNumber } from '../../../shared/ballot-number'
import { CommunitySettings } from '../../../shared/community'
import { normalizeUnitPart } from '../../../shared/unit-key'
import { beijingDeadline, beijingTime } from '../../../shared/time'
import { ballots, countingSessions, paperIssues, pollCandidates, polls, pollVoters, rosterUnits, type CountingPerson } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { dbNow } from '../../db/clock'
import { withTransaction } from '../../db/tx'
import { randomToken } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { ballotRequestHash, type PaperSignedBy } from '../ballots/cast'
import { actorOf, type ServiceCtx } from '../context'
import { lockPoll, votingEnded } from '../polls/lifecycle'
import { rowsOf } from '../roles/resolve'
import { pollNumberOf } from '../results/paper-issues'
import { indexRoll, NO_UNIT, saysNoUnit, unitOnBallot, unitsWithRoom, type RollUnit } from './ballot-unit'

/**
 * Counting day (voting-rules.md, "Counting day"): after the close the committee opens the box in
 * public, counters read each paper ballot out and scrutineers watch (唱票、计票、监票); a paper
 * ballot counts if it was received by the closing time. Electronic channels are already closed by
 * the clock, and nothing else changes: not the electorate, not the electronic ballots.
 */

/**
 * One paper ballot as read at the count: by the room written on it, or by its printed ballot
 * number (选票编号), or both (then they must name the same voter). `line` is the register's row as
 * Excel shows it (null: a single entry).
 */
export interface CountedPaper {
  line: number | null
  ballotNumber?: string
  building?: string
  unit?: string
  room?: string
  choice?: 'agree' | 'oppose' | 'abstain'
  /** candidate polls: the names marked on the ballot */
  marks?: string[]
  spoiledReason?: string
  /** ISO with offset, or Beijing time "YYYY-MM-DD HH:mm[:ss]" from a register; absent: sealed at the close */
  receivedAt?: string
  photoSha256?: string
  /** signed by a proxy, a guardian or a legal representative (absent: the owner) */
  signedBy?: PaperSignedBy
}

export interface CountingError {
  line: number | null
  column: string
  code: string
  message: string
}

export async function openCounting(ctx: ServiceCtx, pollId: string, input: { counters: CountingPerson[]; scrutineers: CountingPerson[]; boxState: string }) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'announced') throw new AppError('RESOURCE_STATE', { status: p.status })
    const at = await votingEnded(tx, ctx.clock, pollId)
    if (!at.ended) throw new AppError('POLL_NOT_CLOSABLE', { closesAt: p.closesAt.toISOString() })
    await tx.insert(countingSessions).values({ pollId, communityId: p.communityId, counters: input.counters, scrutineers: input.scrutineers, boxState: input.boxState, openedBy: actor.userId, openedAt: at.now })
    await tx.update(polls).set({ status: 'counting' }).where(eq(polls.id, pollId))
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.counting_opened', subjectType: 'poll', subjectId: pollId, details: { counters: input.counters.length, scrutineers: input.scrutineers.length } })
    return countingSheet({ ...ctx, db: tx }, pollId)
  })
}

const BEIJING = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/

/** A received-at as written: ISO with an offset, or a Beijing wall time from a register. */
function parseReceived(s: string): Date | null {
  const m = BEIJING.exec(s.trim())
  const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}T${m[4]!.padStart(2, '0')}:${m[5]}:${m[6] ?? '00'}+08:00` : s.trim()
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return null
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

/**
 * Enters paper ballots read at the count, checked as a whole: every bad entry is reported with
 * its register row and nothing is stored if any is bad. Errors speak to the committee.
 */
export async function enterCountedPaper(ctx: ServiceCtx, pollId: string, entries: CountedPaper[], fileErrors: CountingError[] = []) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'counting') throw new AppError('RESOURCE_STATE', { status: p.status, reason: '请先开始计票（登记计票人、监票人和票箱状态）' })
    const [session] = await tx.select().from(countingSessions).where(eq(countingSessions.pollId, pollId))
    if (session?.confirmedAt) throw new AppError('RESOURCE_STATE', { reason: '监票人已确认计票结果，不能再登记' })

    // the frozen electorate by the rooms printed on ballots: the roster units of the poll's version
    // whose voter is in the electorate, in its scope (a scoped poll's voter may own units outside it)
    const rosterOfPoll = await tx.select({ unitKey: rosterUnits.unitKey, voterId: rosterUnits.voterId }).from(rosterUnits).where(eq(rosterUnits.rosterVersionId, p.rosterVersionId!))
    const electorate = new Set((await tx.select({ voterId: pollVoters.voterId }).from(pollVoters).where(eq(pollVoters.pollId, pollId))).map((v) => v.voterId))
    const scope = p.scopeBuildings ? new Set(p.scopeBuildings) : null
    const counts = (u: { unitKey: string; voterId: string | null }) => u.voterId !== null && electorate.has(u.voterId) && (!scope || scope.has(u.unitKey.split('|')[0]!))
    const roll = indexRoll(rosterOfPoll, counts)
    const pollNo = pollNumberOf(p)
    const issued = await tx.select({ seq: paperIssues.seq, voterId: paperIssues.voterId }).from(paperIssues).where(eq(paperIssues.pollId, pollId))
    const voterOfSeq = new Map(issued.map((r) => [r.seq, r.voterId]))
    const seqOfVoter = new Map(issued.map((r) => [r.voterId, r.seq]))
    const labelOf = new Map((await tx.select({ voterId: pollVoters.voterId, units: pollVoters.unitLabels }).from(pollVoters).where(eq(pollVoters.pollId, pollId))).map((r) => [r.voterId, r.units]))
    const paperAlready = new Set(
      (await tx.select({ voterId: ballots.voterId }).from(ballots).where(and(eq(ballots.pollId, pollId), eq(ballots.kind, 'paper'), eq(ballots.current, true)))).map((b) => b.voterId),
    )
    const candidates = await tx.select({ id: pollCandidates.id, name: pollCandidates.name }).from(pollCandidates).where(eq(pollCandidates.pollId, pollId))
    const byName = new Map<string, string[]>()
    for (const c of candidates) byName.set(c.name, [...(byName.get(c.name) ?? []), c.id])

    // rows the file itself got wrong are reported once, with the rest
    const errors: CountingError[] = [...fileErrors]
    const skip = new Set(fileErrors.map((e) => e.line))
    const bad = (e: CountedPaper, column: string, code: string, message: string) => errors.push({ line: e.line, column, code, message: e.line === null ? message : `第${e.line}行 ${message}` })
    const firstLineOf = new Map<string, number | null>()
    /** The voter a ballot names, by its printed number and/or its room; null (reported) when it names none. */
    const voterNamed = (e: CountedPaper): { voterId: string; where: string } | null => {
      let byNumber: { voterId: string; text: string } | null = null
      if (e.ballotNumber) {
        const raw = e.ballotNumber.trim()
        const r = readBallotNumber(raw, pollNo)
        if (!r.ok) {
          if (r.reason === 'format') bad(e, '选票编号', 'invalid_ballot_number', `选票编号“${raw}”格式不对，应为“表决序号-发放序号-校验位”，如 ${ballotNumber(pollNo, 37)}`)
          else if (r.reason === 'check') bad(e, '选票编号', 'ballot_number_check', `选票编号“${raw}”校验位不符，可能抄错了一位或两位颠倒，请对照票面核对`)
          else bad(e, '选票编号', 'other_poll_ballot', `选票编号“${raw}”：该选票编号不属于本次表决${r.pollNumber ? `（是第${r.pollNumber}号表决的选票）` : ''}，本次是第${pollNo}号表决`)
          return null
        }
        const voterId = voterOfSeq.get(r.seq)
        if (!voterId) {
          bad(e, '选票编号', 'ballot_not_issued', `选票编号 ${r.text}：本次表决没有发放这个编号的选票`)
          return null
        }
        byNumber = { voterId, text: r.text }
      }
      if (!e.building && !e.room && byNumber) return { voterId: byNumber.voterId, where: `${byNumber.text}（${labelOf.get(byNumber.voterId) ?? ''}）` }
      const where = [e.building, saysNoUnit(e.unit) ? '' : e.unit, e.room].map((part) => normalizeUnitPart(part ?? '')).filter(Boolean).join('-')
      const found = unitOnBallot(roll, e)
      if (found && 'ask' in found) {
        // the printed number settles it, when it names one of them
        if (byNumber && found.ask.some((u) => u.counts && u.voterId === byNumber.voterId)) return { voterId: byNumber.voterId, where: `${byNumber.text}（${labelOf.get(byNumber.voterId) ?? ''}）` }
        const unitName = (u: RollUnit) => (u.unit && !NO_UNIT.has(u.unit) ? u.unit : '不分单元的')
        const buildings = [...new Set(found.ask.map((u) => u.building))]
        const named = [...new Set(found.ask.map((u) => (buildings.length > 1 ? `${u.building}${unitName(u)}` : unitName(u))))].sort((x, y) => x.localeCompare(y, 'zh-CN', { numeric: true }))
        const place = buildings.length > 1 ? '' : `${buildings[0]}的`
        bad(e, '单元', 'unit_missing', `${where}：${place}${named.join('、')}都有这个房号，请填写${buildings.length > 1 ? '楼栋和' : ''}单元${named.some((n) => n.endsWith('不分单元的')) ? '（不分单元的房屋，单元填“无”）' : ''}`)
        return null
      }
      const voterId = found?.voterId
      if (!voterId) {
        // a 单元 written that the building has not for this room (9单元 for 1单元, a slip of the
        // pen): the counter is shown the 单元 that have it, to check against the ballot
        const others = e.unit && !saysNoUnit(e.unit) ? unitsWithRoom(roll, e) : []
        if (others.length) {
          const names = [...new Set(others.map((u) => `${u.building}${u.unit && !NO_UNIT.has(u.unit) ? u.unit : '不分单元的'}`))].sort((x, y) => x.localeCompare(y, 'zh-CN', { numeric: true }))
          bad(e, '单元', 'unit_not_found', `${where}：没有这个单元的这个房号；有这个房号的是 ${names.join('、')}，请对照选票核对单元`)
        } else bad(e, '房号', 'not_in_electorate', `${where}：该房屋不在本次表决的投票权人名单中`)
        return null
      }
      if (byNumber && byNumber.voterId !== voterId) {
        bad(e, '选票编号', 'number_room_mismatch', `选票编号 ${byNumber.text} 发给的是 ${labelOf.get(byNumber.voterId) ?? ''}，与票面房号 ${where} 不是同一户，请核对`)
        return null
      }
      return { voterId, where: byNumber ? `${byNumber.text}（${where}）` : where }
    }
    const ready: { line: number | null; voterId: string; choice: 'agree' | 'oppose' | 'abstain' | 'spoiled' | 'marked'; marks: string[] | null; spoiledReason: string | null; receivedAt: Date; photo: string | null; signedBy: PaperSignedBy | null }[] = []
    for (const e of entries) {
      if (e.line !== null && skip.has(e.line)) continue
      const named = voterNamed(e)
      if (!named) continue
      const { voterId, where } = named
      if (firstLineOf.has(voterId)) {
        const first = firstLineOf.get(voterId)
        bad(e, e.ballotNumber ? '选票编号' : '房号', 'duplicate_in_register', `${where}：与${first === null ? '前一张' : `第${first}行`}是同一投票权人的选票，一户只能登记一张`)
        continue
      }
      firstLineOf.set(voterId, e.line)
      if (paperAlready.has(voterId)) bad(e, e.ballotNumber ? '选票编号' : '房号', 'already_entered', `${where}：该投票权人已登记过纸质票`)
      // voting-rules.md: a paper ballot counts if it was received by the closing time
      const receivedAt = e.receivedAt ? parseReceived(e.receivedAt) : p.closesAt
      if (!receivedAt) bad(e, '收到时间', 'invalid_time', `收到时间“${e.receivedAt}”无法识别，请写成 2026-12-06 18:00（北京时间）`)
      else if (receivedAt > p.closesAt) {
        // within the closing minute, minutes alone would print two equal times: give the seconds
        const sameMinute = Math.floor(receivedAt.getTime() / 60_000) === Math.floor(p.closesAt.getTime() / 60_000)
        const at = (d: Date) => beijingTime(d, { seconds: sameMinute })
        bad(e, '收到时间', 'received_after_close', `收到时间 ${at(receivedAt)} 晚于表决截止时间 ${sameMinute ? at(p.closesAt) : beijingDeadline(p.closesAt)}，该票不计入`)
      }
      // what every entry carries, whatever the ballot says
      const paper = { line: e.line, voterId, receivedAt: receivedAt ?? p.closesAt, photo: e.photoSha256 ?? null, signedBy: e.signedBy ?? null }
      let content: (typeof ready)[number] | null = null
      if (e.spoiledReason) {
        content = { ...paper, choice: 'spoiled', marks: null, spoiledReason: e.spoiledReason }
      } else if (p.kind === 'single') {
        if (!e.choice || e.marks) {
          const typed = e.marks?.join(' ')
          bad(e, '表决意见', 'invalid_choice', `${typed ? `表决意见“${typed.slice(0, 20)}”看不懂：` : ''}请填写同意、反对或弃权（无法辨认的票请登记为废票并写明原因）`)
        }
        else content = { ...paper, choice: e.choice, marks: null, spoiledReason: null }
      } else {
        const names = e.marks ?? []
        const ids = names.map((n) => byName.get(n))
        if (e.choice && e.choice !== 'abstain') bad(e, '表决意见', 'election', '候选人表决请填写所选候选人姓名（不选为弃权）')
        else if (ids.some((x) => x === undefined)) bad(e, '表决意见', 'unknown_candidate', `不是本次表决的候选人：${names.filter((_, i) => !ids[i]).join('、')}`)
        else if (ids.some((x) => x!.length > 1)) bad(e, '表决意见', 'ambiguous_candidate', '候选人重名，请按候选人序号核对后登记')
        else if (new Set(names).size !== names.length) bad(e, '表决意见', 'duplicate_mark', '同一候选人填写了两次，应登记为废票')
        else if (names.length > p.seats!) bad(e, '表决意见', 'too_many_marks', `所选 ${names.length} 人超过应选 ${p.seats} 人，应登记为废票`)
        else content = { ...paper, choice: names.length ? 'marked' : 'abstain', marks: ids.map((x) => x![0]!), spoiledReason: null }
      }
      if (content) ready.push(content)
    }
    // in the sheet's order, as the person correcting it reads it down (the file's own faults and
    // the count's were two lists, one after the other); a stable sort keeps one line's in order
    if (errors.length) throw new AppError('COUNTING_INVALID', { errors: errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) })

    // versions continue each voter's history (an electronic ballot may exist; both stay on record)
    const versions = new Map(
      rowsOf<{ voter_id: string; v: number | string }>(await tx.execute(sql`select voter_id, max(version) as v from ballots where poll_id = ${pollId} group by voter_id`)).map((r) => [r.voter_id, Number(r.v)]),
    )
    const enteredAt = sql`${dbNow(ctx.clock)}`
    const ids = ready.map(() => nanoid())
    for (let i = 0; i < ready.length; i += 500) {
      const chunk = ready.slice(i, i + 500)
      const hashes = await Promise.all(
        chunk.map((r) => ballotRequestHash({ voterId: r.voterId, choice: r.choice, marks: r.marks, channel: 'paper', paperPhotoSha256: r.photo ?? undefined, spoiledReason: r.spoiledReason, signedBy: r.signedBy ?? undefined })),
      )
      await tx.insert(ballots).values(
        chunk.map((r, k) => ({
          id: ids[i + k]!,
          pollId,
          communityId: p.communityId,
          voterId: r.voterId,
          version: (versions.get(r.voterId) ?? 0) + 1,
          choice: r.choice,
          marks: r.marks,
          spoiledReason: r.spoiledReason,
          channel: 'paper' as const,
          kind: 'paper' as const,
          current: true,
          castByUserId: actor.userId,
          proxyId: null,
          paperPhotoSha256: r.photo,
          signedAs: r.signedBy?.as ?? null,
          signerName: r.signedBy?.name ?? null,
          signerDocumentSha256: r.signedBy?.documentSha256 ?? null,
          receipt: randomToken(16),
          idempotencyKey: null,
          requestHash: hashes[k]!,
          castAt: enteredAt,
          receivedAt: r.receivedAt,
        })),
      )
    }
    // choices stay out of the audit log, as for every ballot
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.paper_counted', subjectType: 'poll', subjectId: pollId, details: { entered: ready.length, signedByOther: ready.filter((r) => r.signedBy).length } })
    return {
      entered: ready.length,
      paperEntered: await paperEnteredAtCount(tx, pollId),
      ballots: ready.map((r, k) => {
        const seq = seqOfVoter.get(r.voterId)
        return { line: r.line, ballotId: ids[k]!, units: labelOf.get(r.voterId) ?? '', ballotNumber: seq === undefined ? null : ballotNumber(pollNo, seq) }
      }),
    }
  })
}

/** Paper ballots standing from the count (entered after the close, not withdrawn). */
async function paperEnteredAtCount(db: Db, pollId: string) {
  const [entered] = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from ballots where poll_id = ${pollId} and kind = 'paper' and current and received_at is not null`))
  return Number(entered?.n ?? 0)
}

/**
 * A paper ballot entered at the count by mistake (a wrong room, a wrong choice typed) is withdrawn
 * before the scrutineers confirm: it stops standing, stays on record with who withdrew it and why
 * (audit log), and the ballot can be entered again as read. Only entries made at the count: paper
 * ballots entered while voting was open are the owner's to dispute.
 */
export async function withdrawCountedPaper(ctx: ServiceCtx, pollId: string, ballotId: string, reason: string) {
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'counting') throw new AppError('RESOURCE_STATE', { status: p.status })
    const [session] = await tx.select().from(countingSessions).where(eq(countingSessions.pollId, pollId))
    if (session?.confirmedAt) throw new AppError('RESOURCE_STATE', { reason: '监票人已确认计票结果，不能再撤销' })
    const [b] = await tx.select({ voterId: ballots.voterId, kind: ballots.kind, current: ballots.current, receivedAt: ballots.receivedAt }).from(ballots).where(and(eq(ballots.id, ballotId), eq(ballots.pollId, pollId)))
    if (!b || b.kind !== 'paper' || !b.receivedAt) throw new AppError('NOT_FOUND')
    if (!b.current) throw new AppError('RESOURCE_STATE', { reason: '这张票的录入已撤销' })
    await tx.update(ballots).set({ current: false }).where(eq(ballots.id, ballotId))
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.paper_withdrawn', subjectType: 'ballot', subjectId: ballotId, details: { pollId, reason } })
    const [v] = await tx.select({ units: pollVoters.unitLabels }).from(pollVoters).where(and(eq(pollVoters.pollId, pollId), eq(pollVoters.voterId, b.voterId)))
    return { withdrawn: ballotId, units: v?.units ?? '', paperEntered: await paperEnteredAtCount(tx, pollId) }
  })
}

export type CountingFlag = { kind: 'paper_and_electronic' | 'issued_not_returned' | 'not_issued' | 'paper_replaced' | 'signer_over_limit' | 'same_photo'; units: string; text: string }

/** The counting sheet: the session and what must be settled before the result (voting-rules.md). */
export async function countingSheet(ctx: ServiceCtx, pollId: string) {
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p) throw new AppError('NOT_FOUND')
  const settings = CommunitySettings.parse(p.settings ?? {})
  const [session] = await ctx.db.select().from(countingSessions).where(eq(countingSessions.pollId, pollId))
  const flags: CountingFlag[] = []
  // which stands is standingBallots' rule: the owner's own ballot before a proxy's, then the
  // community's preferred kind; said per household, as it was decided
  const both = rowsOf<{ units: string; paper_own: boolean; electronic_own: boolean }>(
    await ctx.db.execute(sql`
      select pv.unit_labels as units,
             bool_or(b.kind = 'paper' and b.signed_as is null) as paper_own,
             bool_or(b.kind = 'electronic' and b.channel <> 'proxy') as electronic_own
      from poll_voters pv join ballots b on b.poll_id = pv.poll_id and b.voter_id = pv.voter_id and b.current
      where pv.poll_id = ${pollId}
      group by pv.unit_labels, pv.voter_id
      having bool_or(b.kind = 'paper') and bool_or(b.kind = 'electronic')
      order by pv.unit_labels`),
  )
  const stands = settings.paperVsElectronic === 'paper' ? '纸质票' : '电子票'
  for (const r of both) {
    const why =
      r.paper_own && !r.electronic_own
        ? '以业主本人的纸质票为准（业主本人投票优先于受托人代投）'
        : r.electronic_own && !r.paper_own
          ? '以业主本人的电子票为准（业主本人投票优先于他人代签的纸质票）'
          : `按本小区规则以${stands}为准`
    flags.push({ kind: 'paper_and_electronic', units: r.units, text: `${r.units}：既有纸质票又有电子票，${why}，两张均留档` })
  }
  // a household whose paper ballot did not come back may still have voted online or by its proxy:
  // that vote counts, and the sheet must not read as if the household were left out
  const missing = rowsOf<{ units: string; voted: boolean }>(
    await ctx.db.execute(sql`
      select pv.unit_labels as units,
             exists (select 1 from ballots b where b.poll_id = pi.poll_id and b.voter_id = pi.voter_id and b.kind = 'electronic' and b.current) as voted
      from paper_issues pi join poll_voters pv on pv.poll_id = pi.poll_id and pv.voter_id = pi.voter_id
      where pi.poll_id = ${pollId}
        and not exists (select 1 from ballots b where b.poll_id = pi.poll_id and b.voter_id = pi.voter_id and b.kind = 'paper' and b.current)
      order by pv.unit_labels`),
  )
  for (const r of missing) {
    flags.push({ kind: 'issued_not_returned', units: r.units, text: r.voted ? `${r.units}：已发放纸质票未收回；该户已在网上投票（或由受托人代投），该票已计入` : `${r.units}：已发放纸质票未收回，未投票` })
  }
  // where the committee records which households were handed a paper ballot, a paper ballot from a
  // household that was not is a ballot nobody can account for: before the scrutineers, not refused
  // (a replacement handed out at the door and not recorded is the usual story)
  const [tracked] = rowsOf<{ n: string | number }>(await ctx.db.execute(sql`select count(*) as n from paper_issues where poll_id = ${pollId}`))
  if (Number(tracked?.n ?? 0) > 0) {
    const unissued = rowsOf<{ units: string }>(
      await ctx.db.execute(sql`
        select pv.unit_labels as units
        from ballots b join poll_voters pv on pv.poll_id = b.poll_id and pv.voter_id = b.voter_id
        where b.poll_id = ${pollId} and b.kind = 'paper' and b.current
          and not exists (select 1 from paper_issues pi where pi.poll_id = b.poll_id and pi.voter_id = b.voter_id)
        order by pv.unit_labels`),
    )
    for (const r of unissued) flags.push({ kind: 'not_issued', units: r.units, text: `${r.units}：收到纸质票，但发放记录中没有向该户发放过纸质票，请核对原票和发放登记` })
  }
  // a household's paper ballot entered while voting ran, then entered again: the later one stands,
  // and the scrutineers compare both with the sheets (the owner was told of each, paper.ts)
  const reentered = rowsOf<{ units: string; n: string | number }>(
    await ctx.db.execute(sql`
      select pv.unit_labels as units, count(*) as n
      from ballots b join poll_voters pv on pv.poll_id = b.poll_id and pv.voter_id = b.voter_id
      where b.poll_id = ${pollId} and b.kind = 'paper' and b.received_at is null
      group by pv.unit_labels, pv.voter_id having count(*) > 1
      order by pv.unit_labels`),
  )
  for (const r of reentered) flags.push({ kind: 'paper_replaced', units: r.units, text: `${r.units}：投票期间纸质票录入了 ${Number(r.n)} 次，以最后一次为准，请对照原票核对` })
  // one person may hold at most proxyLimit owners' proxies (the community's rules): paper proxies
  // are known only by the name signed, which two people can share, so an excess is put before the
  // scrutineers to check against the 授权委托书, not refused. The flag names the rooms, never the
  // signer: the counting record is published with the result
  const signers = rowsOf<{ units: string[] }>(
    await ctx.db.execute(sql`
      select array_agg(pv.unit_labels order by pv.unit_labels) as units
      from ballots b join poll_voters pv on pv.poll_id = b.poll_id and pv.voter_id = b.voter_id
      where b.poll_id = ${pollId} and b.kind = 'paper' and b.current and b.signed_as = 'proxy'
      group by b.signer_name having count(*) > ${settings.proxyLimit}
      order by b.signer_name`),
  )
  for (const r of signers) {
    const units = r.units.join('、')
    flags.push({ kind: 'signer_over_limit', units, text: `${units}：由同一姓名的委托代理人代签，共 ${r.units.length} 户，超过本小区每人最多受托 ${settings.proxyLimit} 户的规定，请核对授权委托书` })
  }
  // each paper ballot is its own sheet, so its photo is its own: one photo recorded for the
  // ballots of several households is a copy entered by mistake, or ballots no owner filled in.
  // Put before the scrutineers, not refused (the photos are the committee's, kept as evidence)
  const samePhoto = rowsOf<{ units: string[] }>(
    await ctx.db.execute(sql`
      select array_agg(pv.unit_labels order by pv.unit_labels) as units
      from ballots b join poll_voters pv on pv.poll_id = b.poll_id and pv.voter_id = b.voter_id
      where b.poll_id = ${pollId} and b.kind = 'paper' and b.current and b.paper_photo_sha256 is not null
      group by b.paper_photo_sha256 having count(*) > 1
      order by min(pv.unit_labels)`),
  )
  for (const r of samePhoto) {
    const units = r.units.join('、')
    flags.push({ kind: 'same_photo', units, text: `${units}：${r.units.length} 户的纸质票录入的是同一张照片，每张选票应有自己的照片，请对照原票核对` })
  }
  const issued = tracked
  return {
    status: p.status === 'announced' ? ('voting_ended' as const) : p.status,
    session: session
      ? {
          counters: session.counters,
          scrutineers: session.scrutineers,
          boxState: session.boxState,
          openedAt: session.openedAt.toISOString(),
          confirmedAt: session.confirmedAt?.toISOString() ?? null,
          confirmedBy: session.confirmedBy ?? null,
          settlement: session.settlement ?? null,
        }
      : null,
    paperEntered: await paperEnteredAtCount(ctx.db, pollId),
    paperIssued: Number(issued?.n ?? 0),
    flags,
  }
}

/**
 * The scrutineers confirm the count (names as on the signed counting sheet); in the same
 * transaction the result is computed, signed and published with the counting record.
 */
export async function confirmCounting<T>(ctx: ServiceCtx, pollId: string, input: { confirmedBy: string[]; settlement?: string }, publish: (ctx: ServiceCtx) => Promise<T>): Promise<T> {
  return withTransaction(ctx.db, async (tx) => {
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'counting') throw new AppError('RESOURCE_STATE', { status: p.status })
    const [session] = await tx.select().from(countingSessions).where(eq(countingSessions.pollId, pollId))
    const names = new Set(session!.scrutineers.map((s) => s.name))
    const unknown = input.confirmedBy.filter((n) => !names.has(n))
    if (unknown.length) throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'confirmedBy', code: 'not_a_scrutineer', message: `不是本次登记的监票人：${unknown.join('、')}` }] })
    const { now } = await votingEnded(tx, ctx.clock, pollId)
    await tx.update(countingSessions).set({ confirmedBy: [...new Set(input.confirmedBy)], settlement: input.settlement ?? null, confirmedAt: now }).where(eq(countingSessions.pollId, pollId))
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.counting_confirmed', subjectType: 'poll', subjectId: pollId, details: { confirmedBy: input.confirmedBy.length } })
    return publish({ ...ctx, db: tx })
  })
}

/** The counting record as the signed result and the evidence file carry it; null without a count. */
export async function countingRecord(ctx: ServiceCtx, pollId: string) {
  const sheet = await countingSheet(ctx, pollId)
  return sheet.session ? { ...sheet.session, paperEntered: sheet.paperEntered, flags: sheet.flags } : null
}
