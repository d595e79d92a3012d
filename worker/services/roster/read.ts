import { and, asc, count, desc, eq, inArray } from 'drizzle-orm'
import { centiWhereExact, formatArea, sumScale } from '../../../shared/decimal'
import { maskPhone } from '../../../shared/phone'
import { communities, rosterOwners, rosterUnits, rosterVersions } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'

/** A roster's total area for the API: exact, with as many decimals as its most precise unit (at least two). */
export const rosterTotal = (totalAreaE4: number, areaScale: number) => ({ totalArea: formatArea(totalAreaE4, sumScale(areaScale)), totalAreaE4, ...centiWhereExact(totalAreaE4, 'totalAreaCenti') })

export async function currentRosterVersionId(ctx: ServiceCtx, communityId: string): Promise<string> {
  const [c] = await ctx.db.select({ v: communities.currentRosterVersionId }).from(communities).where(eq(communities.id, communityId))
  if (!c) throw new AppError('NOT_FOUND')
  if (!c.v) throw new AppError('ROSTER_NOT_IMPORTED')
  return c.v
}

export async function listRosterVersions(ctx: ServiceCtx, communityId: string) {
  const rows = await ctx.db.select().from(rosterVersions).where(eq(rosterVersions.communityId, communityId)).orderBy(desc(rosterVersions.version))
  return rows.map((v) => ({
    id: v.id,
    version: v.version,
    source: v.source,
    unitCount: v.unitCount,
    voterCount: v.voterCount,
    ...rosterTotal(v.totalAreaE4, v.areaScale),
    importedAt: v.importedAt.toISOString(),
    diff: v.diff ?? null,
  }))
}

/** The current roster, a page at a time. Phones are masked here: only the owner sees their own. */
export async function listRosterUnits(ctx: ServiceCtx, communityId: string, q: { building?: string; page: number; pageSize: number }) {
  const versionId = await currentRosterVersionId(ctx, communityId)
  const [v] = await ctx.db.select({ version: rosterVersions.version }).from(rosterVersions).where(eq(rosterVersions.id, versionId))
  const where = and(eq(rosterUnits.rosterVersionId, versionId), q.building ? eq(rosterUnits.building, q.building) : undefined)
  const [{ total } = { total: 0 }] = await ctx.db.select({ total: count() }).from(rosterUnits).where(where)
  const units = await ctx.db
    .select()
    .from(rosterUnits)
    .where(where)
    .orderBy(asc(rosterUnits.unitKey))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
  const owners = units.length
    ? await ctx.db.select().from(rosterOwners).where(inArray(rosterOwners.unitId, units.map((u) => u.id)))
    : []
  return {
    version: v!.version,
    total,
    units: units.map((u) => ({
      unitKey: u.unitKey,
      building: u.building,
      unit: u.unitLabel,
      room: u.room,
      unitType: u.unitType,
      // as registered: 95.363 stays '95.363', 88.50 stays '88.50'
      area: formatArea(u.areaE4, u.areaScale),
      areaE4: u.areaE4,
      ...centiWhereExact(u.areaE4),
      areaSource: u.areaSource,
      developerHeld: u.developerHeld,
      voterId: u.voterId,
      owners: owners
        .filter((o) => o.unitId === u.id)
        .map((o) => ({ id: o.id, name: o.name, idLast4: o.idLast4, phoneMasked: o.phone ? maskPhone(o.phone) : null, representative: o.representative })),
    })),
  }
}
