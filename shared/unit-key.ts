/**
 * A unit's address as a key: how the roll, a binding and the counting desk find one unit. Apart
 * from the roll's validation (roster.ts), so the lean Worker (issue 17: its size limit) takes only this.
 */
import { toHalfWidth } from './half-width'

/** One part of a unit's address as it enters the key: half-width, no whitespace, letters upper-cased. */
export function normalizeUnitPart(s: string): string {
  return toHalfWidth(s).replace(/\s+/g, '').toUpperCase()
}

/**
 * The key of a unit: '1栋|1单元|101'. Parts are normalised (normalizeUnitPart), so ' １栋 ' and
 * '1栋' are one unit, as are 'a座' and 'A座'; '1栋' and '1号楼' stay distinct.
 */
export function unitKeyOf(building: string, unit: string, room: string): string {
  return `${normalizeUnitPart(building)}|${normalizeUnitPart(unit)}|${normalizeUnitPart(room)}`
}

/**
 * A unit key without the words around the numbers: 3栋|2单元|501室 and 3号楼|2|501 read alike. How
 * counters type fast at the count, and how one roll may spell one flat twice.
 */
export const looseUnitKey = (unitKey: string) =>
  unitKey
    .split('|')
    .map((part) => part.replace(/^第/, '').replace(/(号楼|栋|幢|座|楼|单元|室|号)$/, ''))
    .join('|')
