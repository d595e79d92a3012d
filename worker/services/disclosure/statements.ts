import { and, desc, eq, inArray } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { StatementBody } from '../../../shared/api/disclosure'
import { checkStatement, deadlineAfter, periodZh, yuan, DISPLAY_WORKING_DAYS, displayEndsAt, quarter, quarterOfDate, STATEMENT_KINDS, statementPeriod, type StatementLineInput, type StatementProblem, type UnknownAmount } from '../../../shared/statements'
import { CommunitySettings } from '../../../shared/community'
import { beijingDate, shanghaiDate } from '../../../shared/time'
import { communities, emergencyUses, notices, pollResults, polls, statements } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { sha256Hex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { canonicalJson } from '../../lib/signing'
import { onSheetRows, type SheetRows } from '../../../shared/statement-table'
import type { Role } from '../../env'
import { recordAudit } from '../audit'
import { enqueueForOwners } from '../notifications/outbox'
import { actorOf, type ServiceCtx } from '../context'
import { publishNotice } from '../notices/notices'
import { callerFirm, servingFirm } from './fees'

type Row = typeof statements.$inferSelect
/** problems of the whole table (no row) first, then by row; stable, so a row keeps its order of checks */
const bySheetRow = (a: StatementProblem, b: StatementProblem) => (a.line ?? 0) - (b.line ?? 0)

const present = (s: Row) => ({
  id: s.id,
  kind: s.kind,
  period: s.period,
  discloser: s.discloser,
  version: s.version,
  replacesId: s.replacesId,
  correctionReason: s.correctionReason,
  content: s.content,
  contentHash: s.contentHash,
  publishedAt: s.publishedAt.toISOString(),
})

/** At most this many problems are returned; the total is always reported. */
const MAX_REPORTED_PROBLEMS = 500
const reject = (problems: StatementProblem[]): never => {
  throw new AppError('STATEMENT_INVALID', { errorCount: problems.length, errors: problems.slice(0, MAX_REPORTED_PROBLEMS) })
}

/**
 * A statement uploaded as a table: the problems of its rows, where each part sits in the sheet,
 * and the amounts that did not parse (statement-table.ts). Everything is then reported in one
 * answer, by sheet row: the rows' own problems and the arithmetic of the rows that parsed.
 */
export interface FromSheet {
  errors: StatementProblem[]
  rows: SheetRows
  unknown: ReadonlySet<UnknownAmount>
}

/**
 * Publishes a statement: the arithmetic (shared/statements.ts), the roll-forward from the previous
 * period, the decision behind each maintenance-fund use (a passed `fund_use` poll of this
 * community), then an immutable, hashed version. A second statement for a period is a correction.
 */
export async function publishStatement(ctx: ServiceCtx, communityId: string, roles: ReadonlySet<Role>, input: z.infer<typeof StatementBody>, sheet?: FromSheet) {
  const actor = actorOf(ctx)
  const allowed = STATEMENT_KINDS[input.kind].disclosers as readonly string[]
  const discloser = roles.has('firm_staff') && allowed.includes('firm') ? 'firm' : roles.has('committee') && allowed.includes('committee') ? 'committee' : null
  if (!discloser) throw new AppError('FORBIDDEN', { reason: 'not_a_discloser_of_this_kind', disclosers: allowed })
  const firmId = discloser === 'firm' ? await callerFirm(ctx, communityId) : null
  const q = statementPeriod(input.period)!
  // a period's accounts exist once it has ended: a 2026Q4 statement is published from 2027-01-01 on
  const today = shanghaiDate(ctx.clock.now())
  const periodProblems: StatementProblem[] = []
  if (q.start > today) periodProblems.push({ line: null, field: 'period', code: 'future_period', message: '不能发布尚未开始的期间的报表' })
  else if (q.end >= today) periodProblems.push({ line: null, field: 'period', code: 'period_not_ended', message: `${periodZh(input.period)} 尚未结束（截至 ${beijingDate(q.end)}），期满后才能发布该期报表` })
  const problems = checkStatement(input.kind, input.content, sheet?.unknown)
  return withTransaction(ctx.db, async (tx) => {
    const latestOf = async (period: string) =>
      (await tx.select().from(statements).where(and(eq(statements.communityId, communityId), eq(statements.kind, input.kind), eq(statements.period, period))).orderBy(desc(statements.version)).limit(1))[0]
    const previous = await latestOf(q.previous)
    if (previous && !sheet?.unknown.has('openingFen') && previous.closingFen !== input.content.openingFen) {
      problems.push({ line: null, field: 'openingFen', code: 'opening_mismatch', message: `期初余额应等于上期（${q.previous}）期末余额 ${yuan(previous.closingFen)}，表中为 ${yuan(input.content.openingFen)}` })
    }
    if (input.kind === 'maintenance_fund') problems.push(...(await unauthorisedUses(tx, communityId, input.content.lines)))
    // one answer: the period, the rows' own problems, then the arithmetic, in sheet order
    const all = sheet ? [...periodProblems, ...[...sheet.errors, ...onSheetRows(problems, sheet.rows)].sort(bySheetRow)] : [...periodProblems, ...problems]
    if (all.length) reject(all)
    const current = await latestOf(input.period)
    if (current) {
      // a correction is the publisher's own (disclosure.md): the committee answers a firm's figures
      // by an objection, not by replacing them, and one firm does not rewrite another's
      if (current.discloser !== discloser || current.firmId !== firmId) throw new AppError('STATEMENT_NOT_YOURS', { currentId: current.id, discloser: current.discloser })
      if (input.replacesId !== current.id || !input.correctionReason) throw new AppError('STATEMENT_EXISTS', { currentId: current.id, version: current.version })
    } else if (input.replacesId) throw new AppError('NOT_FOUND', { reason: 'nothing_to_replace' })
    const contentHash = await sha256Hex(canonicalJson({ kind: input.kind, period: input.period, communityId, content: input.content }))
    const [s] = await tx
      .insert(statements)
      .values({
        id: nanoid(),
        communityId,
        kind: input.kind,
        period: input.period,
        discloser,
        firmId,
        version: (current?.version ?? 0) + 1,
        replacesId: current?.id ?? null,
        correctionReason: current ? input.correctionReason! : null,
        content: input.content,
        openingFen: input.content.openingFen,
        closingFen: input.content.closingFen,
        contentHash,
        publishedBy: actor.userId,
        publishedAt: ctx.clock.now(),
      })
      .returning()
    // disclosure.md: on the board and online; the notice's QR opens the statement it names. A
    // correction's notice supersedes the old one, which leaves the board and points to it.
    const label = STATEMENT_KINDS[input.kind].label
    const [oldNotice] = current ? await tx.select().from(notices).where(and(eq(notices.statementId, current.id), eq(notices.kind, 'disclosure'))).orderBy(desc(notices.version)).limit(1) : []
    if (oldNotice) await tx.update(notices).set({ endsAt: ctx.clock.now() }).where(eq(notices.id, oldNotice.id))
    await publishNotice(tx, ctx, {
      ...(oldNotice ? { version: oldNotice.version + 1, supersedesId: oldNotice.id } : {}),
      communityId,
      kind: 'disclosure',
      title: current ? `${periodZh(input.period)} ${label}（更正，第${s!.version}版）` : `${periodZh(input.period)} ${label}`,
      body: [
        `期初余额 ${yuan(input.content.openingFen)}，本期收入 ${yuan(input.content.totals.incomeFen)}，支出 ${yuan(input.content.totals.expenseFen)}，期末余额 ${yuan(input.content.closingFen)}。`,
        current ? `更正理由：${input.correctionReason}` : null,
        `公示期内（${DISPLAY_WORKING_DAYS}个工作日）业主可对任一行提出异议，公开答复。报表摘要（SHA-256）：${contentHash}`,
      ]
        .filter((l) => l !== null)
        .join('\n'),
      statementId: s!.id,
      startsAt: s!.publishedAt,
      endsAt: displayEndsAt(s!.publishedAt),
      pinned: false,
      issuedBy: actor.userId,
      issuerLabel: discloser === 'firm' ? '物业服务企业' : '业主委员会',
    })
    await recordAudit(tx, ctx, {
      communityId,
      action: current ? 'statement.corrected' : 'statement.published',
      subjectType: 'statement',
      subjectId: s!.id,
      details: { kind: input.kind, period: input.period, version: s!.version, contentHash },
    })
    await enqueueForOwners(tx, ctx, communityId, 'all_owners', 'statement_published', { title: `${periodZh(input.period)} ${STATEMENT_KINDS[input.kind].label}${current ? '（更正）' : ''}`, text: '新的收支报表已公示，公示期内可提出异议', path: `/h5/statements/${s!.id}` }, `statement:${s!.id}`)
    return present(s!)
  })
}

/**
 * 民法典 第281条: the maintenance fund is used by the owners' decision (a passed `fund_use` poll of
 * this community) or, in an emergency, by a confirmed emergency-use record of this community.
 */
async function unauthorisedUses(tx: Db, communityId: string, lines: StatementLineInput[]): Promise<StatementProblem[]> {
  const pollIds = [...new Set(lines.flatMap((l) => (l.authorisedBy && 'pollId' in l.authorisedBy ? [l.authorisedBy.pollId] : [])))]
  const emergencyIds = [...new Set(lines.flatMap((l) => (l.authorisedBy && 'emergencyId' in l.authorisedBy ? [l.authorisedBy.emergencyId] : [])))]
  const passed = pollIds.length
    ? await tx
        .select({ id: polls.id, document: pollResults.document })
        .from(polls)
        .innerJoin(pollResults, eq(pollResults.pollId, polls.id))
        .where(and(inArray(polls.id, pollIds), eq(polls.communityId, communityId), eq(polls.matter, 'fund_use'), eq(polls.status, 'closed')))
    : []
  const okPolls = new Set(passed.filter((p) => (p.document as { outcome?: string }).outcome === 'passed').map((p) => p.id))
  const confirmed = emergencyIds.length
    ? await tx
        .select({ id: emergencyUses.id })
        .from(emergencyUses)
        .where(and(inArray(emergencyUses.id, emergencyIds), eq(emergencyUses.communityId, communityId), inArray(emergencyUses.status, ['confirmed', 'reviewed'])))
    : []
  const okEmergencies = new Set(confirmed.map((e) => e.id))
  const problems: StatementProblem[] = []
  lines.forEach((l, i) => {
    const by = l.authorisedBy
    if (!by) return
    if ('pollId' in by && !okPolls.has(by.pollId)) {
      problems.push({ line: i + 1, field: 'authorisedBy', code: 'decision_not_passed', message: `第${i + 1}行 所引用的表决不是本小区已通过的维修资金使用表决` })
    }
    if ('emergencyId' in by && !okEmergencies.has(by.emergencyId)) {
      problems.push({ line: i + 1, field: 'authorisedBy', code: 'emergency_not_confirmed', message: `第${i + 1}行 所引用的应急使用记录不存在或尚未经社区确认` })
    }
  })
  return problems
}

export async function statementCommunity(ctx: Pick<ServiceCtx, 'db'>, id: string) {
  const [s] = await ctx.db.select({ communityId: statements.communityId }).from(statements).where(eq(statements.id, id))
  return s?.communityId ?? null
}

/** One statement with every version of its period and what changed from the version before. */
export async function statementDetail(ctx: ServiceCtx, id: string) {
  const [s] = await ctx.db.select().from(statements).where(eq(statements.id, id))
  if (!s) throw new AppError('NOT_FOUND')
  const versions = await ctx.db
    .select()
    .from(statements)
    .where(and(eq(statements.communityId, s.communityId), eq(statements.kind, s.kind), eq(statements.period, s.period)))
    .orderBy(statements.version)
  const before = versions.find((v) => v.version === s.version - 1)
  let diff = null
  if (before) {
    const n = Math.max(before.content.lines.length, s.content.lines.length)
    const changed = []
    for (let i = 0; i < n; i++) {
      const a = before.content.lines[i] ?? null
      const b = s.content.lines[i] ?? null
      if (JSON.stringify(a) !== JSON.stringify(b)) changed.push({ line: i + 1, before: a, after: b })
    }
    diff = { fromVersion: before.version, changed, closingFen: { before: before.closingFen, after: s.closingFen } }
  }
  return {
    ...present(s),
    versions: versions.map((v) => ({ id: v.id, version: v.version, publishedAt: v.publishedAt.toISOString(), correctionReason: v.correctionReason })),
    diff,
  }
}

export async function listStatements(ctx: ServiceCtx, communityId: string) {
  const rows = await ctx.db.select().from(statements).where(eq(statements.communityId, communityId)).orderBy(desc(statements.period), statements.kind, desc(statements.version))
  const latest = new Map<string, Row>()
  for (const r of rows) if (!latest.has(`${r.kind}:${r.period}`)) latest.set(`${r.kind}:${r.period}`, r)
  return [...latest.values()].map(present)
}

/** Kinds a serving firm owes every quarter; a missing one past its deadline is overdue. */
export const QUARTERLY_FIRM_KINDS = ['service_fee', 'public_revenue'] as const
const LOOKBACK_QUARTERS = 8

/** Public revenue: by the end of the first month after the quarter, always; the others by the community's setting (`statementDeadlineMonths`). */
export const firmStatementDeadline = (kind: (typeof QUARTERLY_FIRM_KINDS)[number], period: string, months: number) =>
  kind === 'public_revenue' ? quarter(period)!.deadline : deadlineAfter(period, months)!

/** The community's `statementDeadlineMonths` setting (default 1). */
export async function statementDeadlineMonths(ctx: Pick<ServiceCtx, 'db'>, communityId: string) {
  const [community] = await ctx.db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId))
  return CommunitySettings.parse(community?.settings ?? {}).statementDeadlineMonths
}

/**
 * Overdue statements: for each quarter since the serving firm's contract began (at most the last
 * eight), each kind the firm owes quarterly with no statement once the deadline has passed.
 */
export async function overdueStatements(ctx: ServiceCtx, communityId: string) {
  const firm = await servingFirm(ctx, communityId)
  if (!firm) return []
  const months = await statementDeadlineMonths(ctx, communityId)
  const today = shanghaiDate(ctx.clock.now())
  const published = new Set((await listStatements(ctx, communityId)).map((s) => `${s.kind}:${s.period}`))
  const out: { kind: string; period: string; deadline: string }[] = []
  let period = quarter(quarterOfDate(today))!.previous
  for (let i = 0; i < LOOKBACK_QUARTERS; i++) {
    const q = quarter(period)!
    if (q.end < firm.startsOn) break
    for (const kind of QUARTERLY_FIRM_KINDS) {
      const deadline = firmStatementDeadline(kind, period, months)
      if (deadline < today && !published.has(`${kind}:${period}`)) out.push({ kind, period, deadline })
    }
    period = q.previous
  }
  return out
}
