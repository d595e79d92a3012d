import { looseUnitKey, normalizeUnitPart, unitKeyOf } from '../../../shared/unit-key'

/**
 * Which unit of the roll a counted paper ballot names by the building, 单元 and room written on it.
 * The roll is asked in one index, by building and room read loosely (shared/unit-key.ts: 3栋 and
 * 3号楼, 101 and 101室 alike), each unit keeping its key as the roll spells it. Every rule for
 * reading the written unit is in unitOnBallot; whether the printed ballot number settles a 单元
 * left out is enterCountedPaper's, with the number.
 */

/** What a counter writes in the 单元 column for a unit that has none (a shop): not the same as leaving it out. */
export const NO_UNIT = new Set(['无', '-', '/'])

/** 单元 “无” (or “-”, “/”) as written on a ballot. */
export const saysNoUnit = (unit: string | undefined) => NO_UNIT.has(normalizeUnitPart(unit ?? ''))

type RosterUnit = { unitKey: string; voterId: string | null }

export interface RollUnit {
  unitKey: string
  looseKey: string
  building: string
  /** the 单元 as the roll spells it ('' when none) */
  unit: string
  voterId: string | null
  /** its voter votes in this poll through it (a scoped poll's voter may own units outside its buildings) */
  counts: boolean
}

/** loose building → the roll's names for it (3栋, 3号楼) and, by loose room, its units with that room */
export type Roll = Map<string, { names: Set<string>; rooms: Map<string, RollUnit[]> }>

/** Every unit of the roll, parking and units outside the poll among them: a ballot leaving out its 单元 is read against them all. */
export function indexRoll(units: RosterUnit[], counts: (u: RosterUnit) => boolean): Roll {
  const roll: Roll = new Map()
  for (const u of units) {
    const [building, unit] = u.unitKey.split('|') as [string, string]
    const looseKey = looseUnitKey(u.unitKey)
    const [looseBuilding, , looseRoom] = looseKey.split('|') as [string, string, string]
    const ofName = roll.get(looseBuilding) ?? roll.set(looseBuilding, { names: new Set(), rooms: new Map() }).get(looseBuilding)!
    ofName.names.add(building)
    const rollUnit = { unitKey: u.unitKey, looseKey, building, unit, voterId: u.voterId, counts: counts(u) }
    const alike = ofName.rooms.get(looseRoom)
    if (alike) alike.push(rollUnit)
    else ofName.rooms.set(looseRoom, [rollUnit])
  }
  return roll
}

/** The voter a ballot's unit names; `ask`: several units of the roll have the room and the counter must write the 单元; null: none in the poll. */
export type UnitOnBallot = { voterId: string } | { ask: RollUnit[] } | null

export function unitOnBallot(roll: Roll, written: { building?: string; unit?: string; room?: string }): UnitOnBallot {
  const noUnit = saysNoUnit(written.unit)
  const key = unitKeyOf(written.building ?? '', noUnit ? '' : (written.unit ?? ''), written.room ?? '')
  const looseKey = looseUnitKey(key)
  const [building, unit] = key.split('|')
  const [looseBuilding, , looseRoom] = looseKey.split('|')
  // a building written as the roll names it is that building (3号楼 is not 3栋); written otherwise
  // ("3" for 3栋, as counters type fast), it is every building of that loose name
  const ofName = roll.get(looseBuilding!)
  const asNamed = ofName?.names.has(building!) ?? false
  const alike = (ofName?.rooms.get(looseRoom!) ?? []).filter((u) => !asNamed || u.building === building)
  // a ballot that names its 单元 (or says it has none) is read among the units in the poll alone
  const inPoll = alike.filter((u) => u.counts)
  const voterOf = (u: RollUnit | undefined) => (u ? { voterId: u.voterId! } : null)

  if (noUnit) {
    // a shop: the building and room read as for any unit (6号楼 无 101室 is 6栋's 101 where the roll
    // has only 6栋), among the units in the poll that have no 单元, however the roll marks that
    // (nothing, 无, -, /). Two voters' such units with that room: the counter is asked
    const shops = inPoll.filter((u) => u.unit === '' || NO_UNIT.has(u.unit))
    if (new Set(shops.map((u) => u.voterId)).size > 1) return { ask: shops }
    return voterOf(shops[0])
  }
  if (!unit) {
    // the 单元 left out (a counter reading "3号楼 101" off a form): decided by the whole roll's
    // units with that room, parking and units outside the poll among them. One unit, or one
    // owner's flats all in the poll: that voter's, if in the poll. More: the counter is asked
    // for the 单元, never given a guess
    if (alike.length <= 1 || alike.every((u) => u.counts && u.voterId === alike[0]!.voterId)) return voterOf(inPoll[0])
    return { ask: alike }
  }
  // the 单元 written: as the roll spells it, else read loosely ("3-2-501" for 3栋2单元501室)
  // where that names one voter (a roll imported before unit_spelt_twice may spell one flat twice)
  const matching = inPoll.filter((u) => u.looseKey === looseKey)
  const voters = new Set(matching.map((u) => u.voterId))
  return voterOf(matching.find((u) => u.unitKey === key) ?? (voters.size === 1 ? matching[0] : undefined))
}

/**
 * The units in the poll with the room written, in the building as written (read as unitOnBallot
 * reads it), whatever their 单元: what to show a counter whose written 单元 names none of them.
 */
export function unitsWithRoom(roll: Roll, written: { building?: string; room?: string }): RollUnit[] {
  const key = unitKeyOf(written.building ?? '', '', written.room ?? '')
  const [building] = key.split('|')
  const [looseBuilding, , looseRoom] = looseUnitKey(key).split('|')
  const ofName = roll.get(looseBuilding!)
  const asNamed = ofName?.names.has(building!) ?? false
  return (ofName?.rooms.get(looseRoom!) ?? []).filter((u) => u.counts && (!asNamed || u.building === building))
}
