import { asc, eq } from 'drizzle-orm'
import { CommunitySettings } from '../../../shared/community'
import { areaReply, ownedAreaScale } from '../../../shared/decimal'
import { ballots, deliveries, pollEvents, pollResults, polls, pollVoters, proxies } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { standingBallots } from '../ballots/standing'
import type { ServiceCtx } from '../context'
import { candidatesOf } from '../polls/lifecycle'
import { countingRecord } from '../counting/counting'
import { deemableVoters } from './close'
import { choicesPublished } from './secrecy'

const CHOICE_ZH = { agree: '同意', oppose: '反对', abstain: '弃权', spoiled: '废票', marked: '选择' } as const
const CHANNEL_ZH: Record<string, string> = { app: '小程序', h5: '网页', chatbot: '公众号', paper: '纸质票', proxy: '委托代理' }

/**
 * The per-voter list owners of the community may check (units, masked name, choice, channel).
 * Choices appear once the result is published (secrecy.ts), whatever the community shows of the
 * aggregate split while the poll is open.
 */
export async function voterList(ctx: ServiceCtx, pollId: string) {
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p || !p.rosterVersionId) throw new AppError('RESOURCE_STATE', { status: p?.status })
  const settings = CommunitySettings.parse(p.settings ?? {})
  const showChoice = await choicesPublished(ctx.db, pollId)
  const voters = await ctx.db.select().from(pollVoters).where(eq(pollVoters.pollId, pollId)).orderBy(asc(pollVoters.unitLabels))
  const standing = new Map((await standingBallots(ctx.db, pollId, settings.paperVsElectronic)).map((b) => [b.voterId, b]))
  const nameOf = new Map((await candidatesOf(ctx.db, pollId)).map((c) => [c.id, c.name]))
  const followed = p.status === 'closed' ? await followedMajority(ctx, pollId, nameOf) : null
  return {
    showChoice,
    voters: voters.map((v) => {
      const b = standing.get(v.voterId)
      return {
        voterId: v.voterId,
        units: v.unitLabels,
        name: v.maskedName,
        // as registered (a voter of several units: their exact sum)
        ...areaReply(v.areaE4, ownedAreaScale(v.areaScale, v.unitCount)),
        voted: Boolean(b),
        choice: showChoice && b ? b.choice : null,
        marks: showChoice && b?.marks ? b.marks.map((m) => nameOf.get(m) ?? m) : null,
        channel: b ? b.channel : null,
        // who signed for the owner is for the committee and the owner; the whole community learns
        // only that someone did (监护人 would tell every neighbour the owner lacks capacity)
        signedByOther: Boolean(b?.signedAs),
        // 指导规则 第26条: a delivered non-voter the signed result counted with the majority
        followedMajority: !b && followed?.voters.has(v.voterId) ? followed.to : null,
      }
    }),
  }
}

/** Whom follow_majority counted the delivered non-voters for, by the signed result; null if no one. */
async function followedMajority(ctx: ServiceCtx, pollId: string, nameOf: Map<string, string>) {
  const [r] = await ctx.db.select({ document: pollResults.document }).from(pollResults).where(eq(pollResults.pollId, pollId))
  const doc = r?.document as { tally?: { followMajority?: { to: string[] } } | null; election?: { followMajority?: { to: string[] } } | null } | undefined
  const to = doc?.tally?.followMajority?.to ?? doc?.election?.followMajority?.to ?? []
  if (to.length === 0) return null
  // the voters the count could deem, by its own rule: a delivery that did not tell the owner what
  // silence means (an SMS, a subscribe message) deemed no one
  const delivered = await deemableVoters(ctx.db, pollId)
  return { voters: new Set(delivered.map((d) => d.voterId)), to: to.map((x) => (x === 'agree' ? '同意' : x === 'oppose' ? '反对' : (nameOf.get(x) ?? x))) }
}

export function voterListTable(list: Awaited<ReturnType<typeof voterList>>): (string | number)[][] {
  return [
    ['房屋', '业主', '专有部分面积（平方米）', '是否投票', '表决意见', '投票方式'],
    ...list.voters.map((v) => [
      v.units,
      v.name,
      v.area,
      v.voted ? '是' : '否',
      v.followedMajority ? `随多数：${v.followedMajority.join('、')}` : v.choice === 'marked' ? `选择：${v.marks!.join('、')}` : v.choice ? CHOICE_ZH[v.choice] : list.showChoice ? '' : '（截止后公布）',
      v.channel ? `${CHANNEL_ZH[v.channel] ?? v.channel}${v.signedByOther ? '（他人代签）' : ''}` : '',
    ]),
  ]
}

/**
 * Everything a dispute needs, for the committee: the frozen electorate, every ballot version with
 * its channel, proxies, delivery records, every public notice, and the signed result. Before the
 * result is published it says who voted and how (channel, time, versions, who entered it), never
 * what: choices, marks and a spoiled ballot's reason are withheld (secrecy.ts).
 */
export async function evidenceFile(ctx: ServiceCtx, pollId: string) {
  const [p] = await ctx.db.select().from(polls).where(eq(polls.id, pollId))
  if (!p) throw new AppError('NOT_FOUND')
  const [electorate, allBallots, proxyRows, deliveryRows, events, results] = await Promise.all([
    ctx.db.select().from(pollVoters).where(eq(pollVoters.pollId, pollId)),
    ctx.db.select().from(ballots).where(eq(ballots.pollId, pollId)).orderBy(asc(ballots.castAt)),
    ctx.db.select().from(proxies).where(eq(proxies.pollId, pollId)),
    ctx.db.select().from(deliveries).where(eq(deliveries.pollId, pollId)),
    ctx.db.select().from(pollEvents).where(eq(pollEvents.pollId, pollId)).orderBy(asc(pollEvents.at)),
    ctx.db.select().from(pollResults).where(eq(pollResults.pollId, pollId)),
  ])
  const result = results[0]
  const showChoice = result !== undefined
  return {
    type: 'gongyi.poll-evidence/1',
    generatedAt: ctx.clock.now().toISOString(),
    choicesWithheld: !showChoice,
    poll: { ...p, settings: p.settings },
    electorate: electorate.map((v) => ({ voterId: v.voterId, units: v.unitLabels, name: v.maskedName, ...areaReply(v.areaE4, ownedAreaScale(v.areaScale, v.unitCount)), kind: v.kind })),
    ballots: allBallots.map((b) => ({
      receipt: b.receipt,
      voterId: b.voterId,
      version: b.version,
      ...(showChoice ? { choice: b.choice, marks: b.marks ?? null, spoiledReason: b.spoiledReason } : {}),
      channel: b.channel,
      kind: b.kind,
      current: b.current,
      castByUserId: b.castByUserId,
      proxyId: b.proxyId,
      paperPhotoSha256: b.paperPhotoSha256,
      signedBy: b.signedAs ? { as: b.signedAs, name: b.signerName, documentSha256: b.signerDocumentSha256 } : null,
      castAt: b.castAt.toISOString(),
      receivedAt: b.receivedAt?.toISOString() ?? null,
      dispute: b.disputedAt ? { at: b.disputedAt.toISOString(), reason: b.disputeReason } : null,
    })),
    // a written proxy (no grantor account): the photo of the signed sheet, and who recorded it
    proxies: proxyRows.map((x) => ({
      id: x.id,
      voterId: x.voterId,
      grantorUserId: x.grantorUserId,
      written: x.grantorUserId === null ? { documentSha256: x.writtenDocumentSha256, recordedByUserId: x.recordedByUserId } : null,
      proxyUserId: x.proxyUserId,
      status: x.status,
      createdAt: x.createdAt.toISOString(),
      endedAt: x.endedAt?.toISOString() ?? null,
    })),
    // which deliveries told the owner what silence means: the ones the count could deem on
    deliveries: deliveryRows.map((d) => ({ voterId: d.voterId, method: d.method, tellsNonVoterRule: d.tellsNonVoterRule, evidenceSha256: d.evidenceSha256, recordedAt: d.recordedAt.toISOString() })),
    // the public count of paper ballots: who counted and scrutinised, the box, the flags, the confirmation
    counting: await countingRecord(ctx, pollId),
    notices: events.map((e) => ({ kind: e.kind, text: e.text, at: e.at.toISOString() })),
    result: result ? { document: result.document, jws: result.jws, merkleRoot: result.merkleRoot, publishedAt: result.publishedAt.toISOString() } : null,
  }
}
