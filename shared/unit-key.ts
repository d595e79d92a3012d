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

const MONTHS = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC'
const day = (d: string) => Number(d) >= 1 && Number(d) <= 31
const month = (m: string) => Number(m) >= 1 && Number(m) <= 12
// Excel reads a typed two-digit year as 1930–2029 and keeps four-digit ones from 1900: a part
// such as "1501-2-3" (a year no sheet would make) is left alone
const year = (y: string) => Number(y) >= 1900 && Number(y) <= 2099
/**
 * How a date Excel made of an address part looks once saved as text (CSV, or pasted as values),
 * each with the check that it is a real date: 1-1-1 typed into a General cell comes out as
 * 2001/1/1 or 2001-01-01, 3-12 as 3月12日 (or 12-Mar in an English Excel), 2-3-1 as 2-Mar-01,
 * 2001-1 as 2001年1月. A room written 3-12, 2/3, 1-101 or 甲3 matches none: an honest number
 * may look just like that, so it is taken as written.
 */
const DATE_SHAPES: readonly [RegExp, (m: RegExpExecArray) => boolean][] = [
  [/^(\d{4})([/-])(\d{1,2})\2(\d{1,2})$/, (m) => year(m[1]!) && month(m[3]!) && day(m[4]!)],
  [/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (m) => month(m[1]!) && day(m[2]!) && year(m[3]!)],
  [/^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日$/, (m) => (m[1] === undefined || year(m[1])) && month(m[2]!) && day(m[3]!)],
  [/^(\d{4})年(\d{1,2})月$/, (m) => year(m[1]!) && month(m[2]!)],
  [new RegExp(`^(\\d{1,2})-(?:${MONTHS})(?:-(\\d{2}|\\d{4}))?$`), (m) => day(m[1]!)],
  [new RegExp(`^(?:${MONTHS})-(\\d{2}|\\d{4})$`), () => true],
]

/** An address part that reads as a date Excel made of what was typed (see DATE_SHAPES); compared as normalizeUnitPart leaves it. */
export function looksLikeExcelDate(part: string): boolean {
  const s = normalizeUnitPart(part)
  return DATE_SHAPES.some(([shape, real]) => {
    const m = shape.exec(s)
    return m !== null && real(m)
  })
}
