/** What changed between two roster versions, reported to whoever imports the new one. */
export interface RosterDiff {
  previousVersion: number | null
  unitsAdded: string[]
  unitsRemoved: string[]
  areaChanged: { unitKey: string; fromCenti: number; toCenti: number }[]
  ownersChanged: string[]
}
