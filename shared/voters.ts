/**
 * Who is one voter (业主, counted once: 《解释》第9条, 指导规则 第25条), derived from a roster's units.
 *
 * Owners arrive as opaque `ownerKey`s (the server passes keyed hashes of ID numbers, or of the
 * name where a developer-held row has none), so no ID number is needed or kept here.
 *
 * - All developer-held units (unsold, or sold but undelivered) form one voter, key 'developer'.
 * - Any other unit's voter is the exact set of its owners: units with the same set form one
 *   voter and their areas add up. This covers the same buyer of several units, and the same
 *   co-owners of several units (《解释》第9条 counts "同一买受人" once; joint buyers of two units
 *   are the same buyer twice). A person who owns one unit alone and another jointly belongs to
 *   two voters: the joint unit's vote is not that person's alone to cast.
 * - 指导规则 第25条 leaves parking to the community. With `parkingCountsArea` false, parking units
 *   are outside the electorate altogether: they add no area, they are absent from `unitVoter`,
 *   and an owner of nothing but parking spaces is no voter. Voting rights follow the 专有部分 of
 *   homes and shops; counting such an owner by head but not by area would split the two tests.
 *   With it true, parking units are units like any other.
 */
import type { UnitType } from './roster'

export interface VoterSourceUnit {
  unitKey: string
  unitType: UnitType
  /** ten-thousandths of m², as registered */
  areaE4: number
  /** decimals as registered (0–4) */
  areaScale: number
  developerHeld: boolean
  owners: { ownerKey: string; representative: boolean }[]
}

export interface Voter {
  /** 'developer', or 'owner:' + the voter's sorted ownerKeys joined by ',' */
  voterKey: string
  kind: 'owner' | 'developer'
  /** sorted, distinct */
  ownerKeys: string[]
  /**
   * Who casts this voter's ballot. A sole owner is their own representative. Otherwise the
   * representative named by the voter's first unit (input order) that names one; should its
   * units name different people, the first unit's choice stands. null when no unit names one
   * and the voter has several owners (only possible for the developer, or with unvalidated input).
   */
  representativeKey: string | null
  /** in input order */
  unitKeys: string[]
  /** the sum of its units' areas, ten-thousandths of m² */
  areaE4: number
  /** the most decimals any of its units was registered with: the sum prints exactly with these */
  areaScale: number
}

export interface DerivedVoters {
  /** in order of each voter's first unit in the input */
  voters: Voter[]
  /** unitKey → voterKey for every unit in the electorate */
  unitVoter: Map<string, string>
}

/** Input the derivation cannot make sense of; a validated roster never produces it. */
export class VoterInputError extends Error {
  override name = 'VoterInputError'
}

export const DEVELOPER_VOTER_KEY = 'developer'

export function deriveVoters(units: readonly VoterSourceUnit[], opts: { parkingCountsArea: boolean }): DerivedVoters {
  const byKey = new Map<string, Voter>()
  const unitVoter = new Map<string, string>()
  const seenUnits = new Set<string>()
  const developerOwners = new Set<string>()

  for (const u of units) {
    if (seenUnits.has(u.unitKey)) throw new VoterInputError(`unit listed twice: ${u.unitKey}`)
    seenUnits.add(u.unitKey)
    if (!Number.isSafeInteger(u.areaE4) || u.areaE4 <= 0) throw new VoterInputError(`area of ${u.unitKey} is not a positive safe integer`)
    for (const o of u.owners) {
      if (o.ownerKey === '' || o.ownerKey.includes(',')) throw new VoterInputError(`ownerKey of ${u.unitKey} is empty or contains ','`)
    }
    if (u.unitType === 'parking' && !opts.parkingCountsArea) continue

    const ownerKeys = u.owners.length === 1 ? [u.owners[0]!.ownerKey] : [...new Set(u.owners.map((o) => o.ownerKey))].sort()
    let voterKey: string
    if (u.developerHeld) voterKey = DEVELOPER_VOTER_KEY
    else {
      if (ownerKeys.length === 0) throw new VoterInputError(`unit ${u.unitKey} has no owner`)
      voterKey = `owner:${ownerKeys.join(',')}`
    }

    let voter = byKey.get(voterKey)
    if (!voter) {
      voter = { voterKey, kind: u.developerHeld ? 'developer' : 'owner', ownerKeys: [], representativeKey: null, unitKeys: [], areaE4: 0, areaScale: 0 }
      byKey.set(voterKey, voter)
    }
    if (u.developerHeld) for (const k of ownerKeys) developerOwners.add(k)
    else voter.ownerKeys = ownerKeys
    if (voter.representativeKey === null) voter.representativeKey = u.owners.find((o) => o.representative)?.ownerKey ?? null
    voter.unitKeys.push(u.unitKey)
    voter.areaE4 += u.areaE4
    voter.areaScale = Math.max(voter.areaScale, u.areaScale)
    if (!Number.isSafeInteger(voter.areaE4)) throw new VoterInputError(`area of voter ${voterKey} exceeds a safe integer`)
    unitVoter.set(u.unitKey, voterKey)
  }

  const developer = byKey.get(DEVELOPER_VOTER_KEY)
  if (developer) developer.ownerKeys = [...developerOwners].sort()
  const voters = [...byKey.values()]
  for (const v of voters) if (v.representativeKey === null && v.ownerKeys.length === 1) v.representativeKey = v.ownerKeys[0]!
  return { voters, unitVoter }
}
