import { and, eq, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { CommunitySettings } from '../../../shared/community'
import { sumScale } from '../../../shared/decimal'
import { leafHash, merkleRoot } from '../../../shared/merkle'
import { electionLines, electionShortfalls, tallyLines, tallyShortfalls } from '../../../shared/result-text'
import { RESULT_TYPE, withAreaText } from '../../../shared/result-document'
import { MATTERS, tallyE4, tallyElectionE4, type Matter, type TallyE4 } from '../../../shared/tally'
import { deliveries, pollEvents, pollResults, polls, pollVoters } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import type { Db } from '../../db/types'
import type { Services } from '../../env'
import { dbNow } from '../../db/clock'
import { AppError } from '../../lib/errors'
import { signDocument } from '../../lib/signing'
import { recordAudit } from '../audit'
import { lockPollForClose } from '../ballots/cast'
import { standingBallots } from '../ballots/standing'
import type { ServiceCtx } from '../context'
import { candidatesOf, lockPoll, votingEnded } from '../polls/lifecycle'
import { ballotLeaf } from './leaf'
import { paperCounts } from './paper-issues'
import { countingRecord } from '../counting/counting'
import { rowsOf } from '../roles/resolve'
import { publishNotice } from '../notices/notices'
import { enqueuePollNotification } from '../notifications/outbox'
import { signingKeys } from './keys'

/** How long a result notice stays on the board (the record itself is kept for good). */
export const RESULT_NOTICE_DAYS = 30

/** A rejected motion is no decision: never the opposite decision (voting-rules.md, outcomes). */
export const OUTCOME_TEXT: Record<TallyE4['outcome'], string> = {
  passed: '表决通过。',
  rejected: '未获通过：参与表决人数和面积达到法定要求，但同意票未达到法定比例。本次表决未形成决定，不等于作出相反的决定。',
  no_quorum: '表决不成立：参与表决的专有部分面积或人数未达到总数的三分之二（民法典第二百七十八条）。',
}

type ElectionSummary = ReturnType<typeof tallyElectionE4> & {
  seats: number
  vacantSeats: number
  candidates: (ReturnType<typeof tallyElectionE4>['candidates'][number] & { name: string })[]
  electedNames: string[]
}

/** Seats no candidate fills stay vacant: a by-election follows, there is no runoff. */
function electionText(e: ElectionSummary): string {
  if (!e.quorum) return OUTCOME_TEXT.no_quorum
  const elected = e.electedNames.length ? `当选：${e.electedNames.join('、')}。` : '没有候选人获得参与表决的专有部分面积和人数过半数，无人当选。'
  return e.vacantSeats > 0 ? `${elected}空缺 ${e.vacantSeats} 席，另行补选。` : elected
}

/**
 * Closes a poll whose voting period has ended (by the database's clock), counts it with the
 * shared tally from the frozen electorate, commits to the standing ballots with a Merkle root,
 * and publishes a signed result, all in one transaction that first waits out ballots in flight.
 */
export async function closePoll(ctx: ServiceCtx, pollId: string) {
  const keys = await signingKeys(ctx.config)
  return withTransaction(ctx.db, async (tx) => {
    await lockPollForClose(tx, pollId)
    const p = await lockPoll(tx, pollId)
    if (p.status !== 'announced' && p.status !== 'counting') throw new AppError('RESOURCE_STATE', { status: p.status })
    const clock = await votingEnded(tx, ctx.clock, pollId)
    if (!clock.ended) throw new AppError('POLL_NOT_CLOSABLE', { closesAt: p.closesAt.toISOString() })
    const closedAt = clock.now
    // voting-rules.md, counting day: where paper ballots were handed out they are counted in public
    // after the close, and the result waits for the scrutineers' confirmation
    const { counts: paper, votedOtherwise } = await paperCounts(tx, pollId)
    const counting = await countingRecord({ ...ctx, db: tx }, pollId)
    if ((paper.issued > 0 || p.status === 'counting') && !counting?.confirmedAt) throw new AppError('COUNTING_REQUIRED', { issued: paper.issued })
    const settings = CommunitySettings.parse(p.settings ?? {})
    const electorate = await tx.select({ voterId: pollVoters.voterId, areaE4: pollVoters.areaE4 }).from(pollVoters).where(eq(pollVoters.pollId, pollId))
    const standing = await standingBallots(tx, pollId, settings.paperVsElectronic)
    const delivered = await deemableVoters(tx, pollId)
    // One synthetic unit per voter carrying the voter's area within scope: the same count as by units.
    // Areas as registered, in ten-thousandths: the same count as the published areaCenti protocol
    const units = electorate.map((v) => ({ unitId: v.voterId, voterId: v.voterId, areaE4: v.areaE4 }))
    // every area of the result prints with the decimals of the electorate's most precise unit
    const scale = sumScale(p.areaScale ?? 0)
    const candidates = await candidatesOf(tx, pollId)
    let counted: TallyE4 | null = null
    let election: ElectionSummary | null = null
    if (p.kind === 'election') {
      const t = tallyElectionE4({
        units,
        ballots: standing.map((b) => ({ voterId: b.voterId, marks: b.marks ?? [], spoiled: b.choice === 'spoiled' })),
        candidates: candidates.map((c) => c.id),
        seats: p.seats!,
        spoiledParticipate: settings.spoiledParticipate,
        // 指导规则 第26条, per candidate: the same rule and the same delivery record as one matter
        nonVoters: settings.nonVoterRule,
        delivered: delivered.map((d) => d.voterId),
      })
      const nameOf = new Map(candidates.map((c) => [c.id, c.name]))
      election = {
        ...t,
        seats: p.seats!,
        vacantSeats: t.quorum ? p.seats! - t.elected.length : p.seats!,
        candidates: t.candidates.map((c) => ({ ...c, name: nameOf.get(c.candidateId)! })),
        electedNames: t.elected.map((id) => nameOf.get(id)!),
      }
    } else {
      counted = tallyE4({
        units,
        ballots: standing.map((b) => ({ voterId: b.voterId, choice: b.choice as 'agree' | 'oppose' | 'abstain' | 'spoiled' })),
        approval: p.approvalClass,
        nonVoters: settings.nonVoterRule,
        // 指导规则 第26条: only voters whose notice delivery is on record may be deemed to follow
        delivered: delivered.map((d) => d.voterId),
        spoiledParticipate: settings.spoiledParticipate,
      })
    }
    const outcome = counted ? counted.outcome : election!.quorum ? (election!.elected.length ? 'elected' : 'none_elected') : 'no_quorum'
    const outcomeText = counted ? OUTCOME_TEXT[counted.outcome] : electionText(election!)
    // The wording owners read (notice and result page) is signed with the numbers it states.
    const candidateNames = new Map(candidates.map((c) => [c.id, c.name]))
    const nameOfCandidate = (id: string) => candidateNames.get(id) ?? id
    const summary = counted ? tallyLines(counted, p.approvalClass, scale) : electionLines(election!, nameOfCandidate, scale)
    const shortfalls = counted ? tallyShortfalls(counted, p.approvalClass, scale) : electionShortfalls(election!, nameOfCandidate, scale)
    const sorted = [...standing].sort((a, b) => (a.receipt < b.receipt ? -1 : 1))
    const leaves = await Promise.all(sorted.map((b) => leafHash(ballotLeaf(pollId, b))))
    const root = await merkleRoot(leaves)
    const events = await tx.select().from(pollEvents).where(eq(pollEvents.pollId, pollId)).orderBy(pollEvents.at)
    const document = {
      // version 2: areas in ten-thousandths with their exact text (shared/result-document.ts)
      type: RESULT_TYPE,
      pollId,
      communityId: p.communityId,
      title: p.title,
      matter: p.matter,
      matterLabel: MATTERS[p.matter as Matter]?.label ?? p.matter,
      approvalClass: p.approvalClass,
      textHash: p.textHash,
      rosterVersionId: p.rosterVersionId,
      scopeBuildings: p.scopeBuildings ?? null,
      announcedAt: p.announcedAt?.toISOString() ?? null,
      noticeOverrideReason: p.noticeOverrideReason,
      opensAt: p.opensAt.toISOString(),
      closesAt: p.closesAt.toISOString(),
      originalClosesAt: p.originalClosesAt.toISOString(),
      extensions: events.filter((e) => e.kind === 'extended').map((e) => ({ at: e.at.toISOString(), text: e.text })),
      amendments: events.filter((e) => e.kind === 'amended').map((e) => ({ at: e.at.toISOString(), text: e.text })),
      rules: { nonVoters: settings.nonVoterRule, spoiledParticipate: settings.spoiledParticipate, paperVsElectronic: settings.paperVsElectronic, revotePolicy: settings.revotePolicy },
      kind: p.kind,
      areaScale: scale,
      tally: withAreaText(counted, scale),
      election: withAreaText(election, scale),
      outcome,
      outcomeText,
      summary,
      shortfalls,
      // 已发放未回收: reported, never counted (voting-rules.md)
      paperBallots: withAreaText(paper, scale),
      // who counted, who scrutinised, the box, the flags and how they were settled
      counting,
      ballots: { standing: standing.length, merkleRoot: root, treeSize: leaves.length, leafFormat: 'shared/merkle.ts canonicalBallotLeaf (elections: choice = "marked:<id>+<id>"), sorted by receipt' },
      closedAt: closedAt.toISOString(),
    }
    const jws = await signDocument(keys, document, { issuer: ctx.config.PUBLIC_BASE_URL, issuedAt: closedAt })
    await tx.insert(pollResults).values({ pollId, communityId: p.communityId, document, jws, merkleRoot: root, leaves, publishedAt: closedAt })
    await tx.update(polls).set({ status: 'closed', closedAt }).where(eq(polls.id, pollId))
    // 指导规则 第39条: results are announced within 3 days of closing; here, at the close itself
    await publishNotice(tx, ctx, {
      communityId: p.communityId,
      kind: 'result',
      title: `表决结果公告：${p.title}`,
      body: [
        outcomeText,
        // a vote of some buildings hangs on the whole compound's board: its figures are of that scope
        p.scopeBuildings ? `表决范围：${p.scopeBuildings.join('、')}（以下人数和面积只计这一范围内的业主）` : null,
        ...summary,
        paper.issued
          ? `纸质表决票：发放 ${paper.issued} 张，收回 ${paper.returned} 张，已发放未回收 ${paper.notReturned} 张${votedOtherwise ? `（其中 ${votedOtherwise} 户已在网上投票或由受托人代投，其票已计入）` : ''}。`
          : null,
        counting
          ? `公开计票：计票人 ${counting.counters.map((x) => `${x.name}（${x.unitOrOffice}）`).join('、')}；监票人 ${counting.scrutineers.map((x) => `${x.name}（${x.unitOrOffice}）`).join('、')}，已由 ${(counting.confirmedBy ?? []).join('、')} 确认。`
          : null,
        p.noticeOverrideReason ? `本次表决公告期不足15日，理由：${p.noticeOverrideReason}` : null,
        `全部选票的默克尔根：${root}。结果文件已签名，可凭投票回执核验本人选票已计入。`,
      ]
        .filter((l) => l !== null)
        .join('\n'),
      pollId,
      startsAt: closedAt,
      endsAt: new Date(closedAt.getTime() + RESULT_NOTICE_DAYS * 86_400_000),
      pinned: true,
      issuedBy: ctx.actor?.userId ?? null,
      issuerLabel: '业主委员会',
    }, closedAt)
    await tx.insert(pollEvents).values({ id: nanoid(), pollId, communityId: p.communityId, kind: 'closed', text: `表决结束并公布结果：${outcomeText}`, actorUserId: ctx.actor?.userId ?? null, at: ctx.clock.now() })
    await recordAudit(tx, ctx, { communityId: p.communityId, action: 'poll.closed', subjectType: 'poll', subjectId: pollId, details: { outcome, merkleRoot: root, standing: standing.length } })
    await enqueuePollNotification(tx, ctx, pollId, 'result_published', { dedupe: 'result' })
    return { document, jws, merkleRoot: root }
  })
}

/**
 * The voters the follow-majority rule may deem if they do not vote: only those a delivery on record
 * told what silence means (指导规则 第26条). The count and the per-voter list read it alike.
 */
export async function deemableVoters(db: Db, pollId: string) {
  return db.selectDistinct({ voterId: deliveries.voterId }).from(deliveries).where(and(eq(deliveries.pollId, pollId), eq(deliveries.tellsNonVoterRule, true)))
}

/** No result yet for a poll that exists (and is public: not a draft); a poll that does not, is not found. */
export async function noResult(db: Db, pollId: string): Promise<AppError> {
  const [p] = await db.select({ status: polls.status }).from(polls).where(eq(polls.id, pollId))
  return new AppError(p && p.status !== 'draft' ? 'RESULT_NOT_PUBLISHED' : 'NOT_FOUND')
}

/**
 * A result due without anyone's act: voting has closed and no paper ballots were handed out, so
 * there is nothing to count in public. Published on the first read after the close (until the
 * scheduled jobs land). A concurrent read that publishes first wins; this one then reads that.
 */
export async function publishIfDue(ctx: ServiceCtx, pollId: string): Promise<void> {
  const [r] = await ctx.db.select({ pollId: pollResults.pollId }).from(pollResults).where(eq(pollResults.pollId, pollId))
  if (r) return
  const [due] = rowsOf<{ due: boolean }>(
    await ctx.db.execute(sql`select (status = 'announced' and ${dbNow(ctx.clock)} >= closes_at
                                     and not exists (select 1 from paper_issues where poll_id = ${pollId})) as due
                              from polls where id = ${pollId}`),
  )
  if (!due?.due) return
  try {
    await closePoll(ctx, pollId)
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'RESOURCE_STATE')) throw e
  }
}

/**
 * The scheduled side of `publishIfDue`: every poll whose voting has ended with no paper ballots
 * handed out gets its result published without waiting for a reader. Each poll is its own
 * transaction under the close's lock, so two instances running this at once publish once.
 */
export async function publishDueResults(services: Services, limit = 50): Promise<number> {
  const due = rowsOf<{ id: string }>(
    await services.db.execute(sql`select p.id from polls p
      where p.status = 'announced' and p.closes_at <= ${dbNow(services.clock)}
        and not exists (select 1 from poll_results r where r.poll_id = p.id)
        and not exists (select 1 from paper_issues i where i.poll_id = p.id)
      order by p.closes_at limit ${limit}`),
  )
  const ctx: ServiceCtx = { ...services, actor: null, requestId: 'scheduler:results', clientIp: 'scheduler' }
  for (const p of due) await publishIfDue(ctx, p.id)
  return due.length
}
