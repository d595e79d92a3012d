/**
 * A district's own credit scheme (issue 15: the score uses "a scheme the district chooses and
 * publishes"). The housing department publishes its numbers for one preset with the document they
 * come from; anyone may read the current version and the history, since seeds 000, 003 and 004 ask
 * that firms be graded on evidence by published rules. A list computed under it names the version.
 */
import { and, desc, eq, sql } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type { z } from 'zod'
import type { CreditSchemeBody } from '../../../shared/api/credit'
import { CREDIT_SCHEMES, type CreditScheme } from '../../../shared/credit-score'
import { describeNumbers, numbersOf, withDistrictNumbers } from '../../../shared/credit-scheme'
import { districtCreditSchemes } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'

export type DistrictSchemeRow = typeof districtCreditSchemes.$inferSelect

/** The request's `scheme` naming the district's published scheme rather than a preset. */
export const DISTRICT_SCHEME = 'district'

/** How lists and notices name a version: the district's, never the preset's (whose name may say 暂定参数). */
export const districtSchemeName = (row: Pick<DistrictSchemeRow, 'district' | 'version'>) => `${row.district}物业服务企业信用评价方案（第${row.version}版）`

/** The scheme a stored version stands for: its preset with the department's numbers, name and source. */
export function schemeOfRow(row: DistrictSchemeRow): CreditScheme {
  const preset = CREDIT_SCHEMES[row.basedOn]
  if (!preset || !Object.hasOwn(CREDIT_SCHEMES, row.basedOn)) throw new Error(`district scheme ${row.id}: unknown preset ${row.basedOn}`)
  return withDistrictNumbers(preset, row.params, { id: DISTRICT_SCHEME, name: districtSchemeName(row), source: row.source })
}

/** The district's current (latest) version, or undefined when it has published none. */
export async function currentDistrictScheme(db: Db, district: string) {
  const [row] = await db.select().from(districtCreditSchemes).where(eq(districtCreditSchemes.district, district)).orderBy(desc(districtCreditSchemes.version)).limit(1)
  return row
}

export async function districtSchemeById(db: Db, id: string) {
  const [row] = await db.select().from(districtCreditSchemes).where(eq(districtCreditSchemes.id, id))
  return row
}

async function present(db: Db, row: DistrictSchemeRow) {
  const preset = CREDIT_SCHEMES[row.basedOn]!
  const scheme = schemeOfRow(row)
  const history = await db
    .select({ version: districtCreditSchemes.version, basedOn: districtCreditSchemes.basedOn, source: districtCreditSchemes.source, publishedAt: districtCreditSchemes.publishedAt })
    .from(districtCreditSchemes)
    .where(and(eq(districtCreditSchemes.district, row.district), sql`${districtCreditSchemes.version} <= ${row.version}`))
    .orderBy(desc(districtCreditSchemes.version))
  return {
    district: row.district,
    version: row.version,
    name: scheme.name,
    source: row.source,
    publishedAt: row.publishedAt.toISOString(),
    basedOn: { id: preset.id, name: preset.name, source: preset.source, period: preset.period, grading: preset.grading, numbers: numbersOf(preset) },
    numbers: numbersOf(scheme),
    description: describeNumbers(scheme),
    history: history.map((h) => ({ ...h, publishedAt: h.publishedAt.toISOString() })),
  }
}

/** Public: how the district grades firms now, and every version it published before. */
export async function getDistrictScheme(ctx: Pick<ServiceCtx, 'db'>, district: string) {
  const row = await currentDistrictScheme(ctx.db, district)
  if (!row) throw new AppError('NOT_FOUND', { district }, '本区县住建部门尚未公布评价方案，好差榜按所选预设方案计算')
  return present(ctx.db, row)
}

/**
 * The department publishes a new version (the body is validated against the preset by
 * CreditSchemeBody, so only numbers that fit reach here). Versions are numbered per district
 * under a lock on the district, so two departments' staff publishing at once get 1 and 2, not a
 * conflict; earlier versions stay, and lists computed under them keep naming them.
 */
export async function publishDistrictScheme(ctx: ServiceCtx, district: string, body: z.infer<typeof CreditSchemeBody>) {
  const actor = actorOf(ctx)
  return withTransaction(ctx.db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(4, hashtext(${district}))`)
    const [last] = await tx.select({ version: districtCreditSchemes.version }).from(districtCreditSchemes).where(eq(districtCreditSchemes.district, district)).orderBy(desc(districtCreditSchemes.version)).limit(1)
    const [row] = await tx
      .insert(districtCreditSchemes)
      .values({ id: nanoid(), district, version: (last?.version ?? 0) + 1, basedOn: body.basedOn, params: body.params, source: body.source, publishedBy: actor.userId, publishedAt: ctx.clock.now() })
      .returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'credit_scheme.published', subjectType: 'district_credit_scheme', subjectId: row!.id, details: { district, version: row!.version, basedOn: body.basedOn } })
    return present(tx, row!)
  })
}
