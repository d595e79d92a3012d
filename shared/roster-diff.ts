/** What changed between two roster versions, reported to whoever imports the new one. */
export interface RosterDiff {
  previousVersion: number | null
  unitsAdded: string[]
  unitsRemoved: string[]
  /** areas as registered ('95.363') and in ten-thousandths of m² */
  areaChanged: { unitKey: string; from: string; to: string; fromE4: number; toE4: number }[]
  ownersChanged: string[]
}
