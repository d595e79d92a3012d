/**
 * The areas of a signed result document, in both the versions that exist. Pure, shared with the
 * mini-program.
 *
 * - `gongyi.poll-result/1` (before areas were kept as registered): every area is an integer in
 *   hundredths of m² (`areaCenti`, `notReturnedAreaCenti`), printed with two decimals.
 * - `gongyi.poll-result/2`: every area is an integer in ten-thousandths of m² (`areaE4`) beside the
 *   exact decimal people read (`area`: '283.963'), all printed with `areaScale` decimals (those of
 *   the electorate's most precise registered area, at least two).
 *
 * A signed document is never rewritten: readers call `resultAreas` and get the version-2 shape
 * whichever version was signed, so a result published before the change reads as it always did.
 * (A version-1 document's `shortfalls` keep their numbers in hundredths; readers use its `summary`
 * text, or recompute them from the normalised tally.)
 */
import { AREA_MIN_SUM_SCALE, centiToE4, centiWhereExact, formatArea } from './decimal'

export const RESULT_TYPE = 'gongyi.poll-result/2'

/** A weight as a version-2 document carries it, and as readers of either version get it. */
export interface AreaWeight {
  areaE4: number
  /** exact, with the document's `areaScale` decimals */
  area: string
  voters: number
}

/**
 * Every `…areaE4` / `…AreaE4` number gets its exact text beside it (`area`, `notReturnedArea`), and
 * its hundredths (`areaCenti`, as version 1 gave them) where they are exact (shared/decimal.ts
 * `centiWhereExact`): a checker written for version 1 still reads a result of two-decimal areas.
 */
export function withAreaText<T>(value: T, scale: number): T {
  return rewrite(value, /^(.*[aA]rea)E4$/, (e4) => e4, scale, true) as T
}

/**
 * The document with its areas as version 2 gives them, and the decimals they print with. A
 * version-1 document's `areaCenti` become `areaE4` (×100) and `area` (two decimals); nothing else
 * changes.
 */
export function resultAreas(doc: Record<string, unknown>): { doc: Record<string, unknown>; scale: number } {
  if (doc.type === RESULT_TYPE) {
    const scale = Number.isInteger(doc.areaScale) ? (doc.areaScale as number) : AREA_MIN_SUM_SCALE
    return { doc, scale }
  }
  return { doc: rewrite(doc, /^(.*[aA]rea)Centi$/, centiToE4, AREA_MIN_SUM_SCALE) as Record<string, unknown>, scale: AREA_MIN_SUM_SCALE }
}

/** Replaces each numeric field whose name matches `key` (group 1: the stem) by `<stem>E4` and `<stem>`. */
function rewrite(v: unknown, key: RegExp, toE4: (n: number) => number, scale: number, centiTwin = false): unknown {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, key, toE4, scale, centiTwin))
  if (v === null || typeof v !== 'object') return v
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    const m = key.exec(k)
    if (m && typeof x === 'number' && Number.isSafeInteger(toE4(x))) {
      const e4 = toE4(x)
      out[`${m[1]}E4`] = e4
      out[m[1]!] = formatArea(e4, scale)
      if (centiTwin) Object.assign(out, centiWhereExact(e4, `${m[1]}Centi`))
    } else out[k] = rewrite(x, key, toE4, scale, centiTwin)
  }
  return out
}
