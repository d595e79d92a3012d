import { and, eq } from 'drizzle-orm'
import { rosterUnits } from '../../../drizzle/schema'
import type { ServiceCtx } from '../context'
import { currentRosterVersionId } from '../roster/read'

/** "2栋" before "10栋", "101" before "1001": the order people count in. */
const natural = (a: string, b: string) => a.localeCompare(b, 'zh-CN', { numeric: true })
const uniqueSorted = (xs: string[]) => [...new Set(xs)].sort(natural)

/**
 * What an owner picks from when binding, taken from the current roster itself, so what they
 * choose is spelled exactly as the roster spells it ("1号楼" and "1栋" cannot be confused):
 * the buildings; then that building's units; then that unit's rooms. Names and ID numbers are
 * not part of it: they are what the owner must know.
 */
export async function bindingChoices(ctx: ServiceCtx, communityId: string, pick: { building?: string; unit?: string }) {
  const versionId = await currentRosterVersionId(ctx, communityId)
  const inVersion = eq(rosterUnits.rosterVersionId, versionId)
  const buildings = uniqueSorted((await ctx.db.selectDistinct({ b: rosterUnits.building }).from(rosterUnits).where(inVersion)).map((r) => r.b))
  const building = pick.building !== undefined && buildings.includes(pick.building) ? pick.building : null
  if (building === null) return { buildings, building: null, units: null, unit: null, rooms: null }
  const rows = await ctx.db
    .select({ unit: rosterUnits.unitLabel, room: rosterUnits.room, unitType: rosterUnits.unitType })
    .from(rosterUnits)
    .where(and(inVersion, eq(rosterUnits.building, building)))
  const units = uniqueSorted(rows.map((r) => r.unit))
  // a building without units (one unit, labelled '') goes straight to its rooms
  const unit = units.length === 1 ? units[0]! : pick.unit !== undefined && units.includes(pick.unit) ? pick.unit : null
  const rooms =
    unit === null
      ? null
      : rows
          .filter((r) => r.unit === unit)
          .map((r) => ({ room: r.room, unitType: r.unitType }))
          .sort((a, b) => natural(a.room, b.room))
  return { buildings, building, units, unit, rooms }
}
