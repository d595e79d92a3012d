import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { UnitType } from '../../shared/roster'
import { deriveVoters, VoterInputError, type VoterSourceUnit } from '../../shared/voters'

const unit = (unitKey: string, areaE4: number, owners: string[], more: Partial<VoterSourceUnit> & { rep?: string } = {}): VoterSourceUnit => {
  const { rep, ...rest } = more
  return {
    unitKey,
    unitType: 'residence',
    areaE4,
    areaScale: 2,
    developerHeld: false,
    owners: owners.map((ownerKey, i) => ({ ownerKey, representative: rep === undefined ? i === 0 : ownerKey === rep })),
    ...rest,
  }
}
const off = { parkingCountsArea: false }
const on = { parkingCountsArea: true }

describe('deriveVoters', () => {
  it('one buyer of three units is one voter whose areas add up', () => {
    const { voters, unitVoter } = deriveVoters([unit('a', 8950, ['h1']), unit('b', 10000, ['h2']), unit('c', 5000, ['h1']), unit('d', 1, ['h1'])], off)
    expect(voters).toEqual([
      { voterKey: 'owner:h1', kind: 'owner', ownerKeys: ['h1'], representativeKey: 'h1', unitKeys: ['a', 'c', 'd'], areaE4: 13951, areaScale: 2 },
      { voterKey: 'owner:h2', kind: 'owner', ownerKeys: ['h2'], representativeKey: 'h2', unitKeys: ['b'], areaE4: 10000, areaScale: 2 },
    ])
    expect([...unitVoter]).toEqual([
      ['a', 'owner:h1'],
      ['b', 'owner:h2'],
      ['c', 'owner:h1'],
      ['d', 'owner:h1'],
    ])
  })

  it('all developer-held units form one voter, whoever is written as their owner', () => {
    const { voters, unitVoter } = deriveVoters(
      [
        unit('a', 100, ['dev1'], { developerHeld: true, rep: 'none' }),
        unit('b', 200, ['h1']),
        unit('c', 300, ['dev2'], { developerHeld: true, rep: 'dev2' }),
        unit('d', 400, ['dev1'], { developerHeld: true }),
      ],
      off,
    )
    expect(voters).toHaveLength(2)
    expect(voters[0]).toEqual({ voterKey: 'developer', kind: 'developer', ownerKeys: ['dev1', 'dev2'], representativeKey: 'dev2', unitKeys: ['a', 'c', 'd'], areaE4: 800, areaScale: 2 })
    expect(unitVoter.get('d')).toBe('developer')
    expect(unitVoter.get('b')).toBe('owner:h1')
  })

  it('the developer is represented by its only owner even if no row says so; several unnamed stay null', () => {
    const one = deriveVoters([unit('a', 1, ['dev'], { developerHeld: true, rep: 'x' }), unit('b', 1, ['dev'], { developerHeld: true, rep: 'x' })], off)
    expect(one.voters[0]!.representativeKey).toBe('dev')
    const two = deriveVoters([unit('a', 1, ['d1', 'd2'], { developerHeld: true, rep: 'x' })], off)
    expect(two.voters[0]!.representativeKey).toBeNull()
  })

  it('a co-owned unit is one voter, represented by its named co-owner; the same co-owners again add up', () => {
    const { voters } = deriveVoters(
      [unit('a', 9000, ['wife', 'husband'], { rep: 'wife' }), unit('b', 1000, ['husband', 'wife'], { rep: 'husband' }), unit('c', 500, ['husband'])],
      off,
    )
    expect(voters).toEqual([
      { voterKey: 'owner:husband,wife', kind: 'owner', ownerKeys: ['husband', 'wife'], representativeKey: 'wife', unitKeys: ['a', 'b'], areaE4: 10000, areaScale: 2 },
      // owning one unit alone makes a separate voter
      { voterKey: 'owner:husband', kind: 'owner', ownerKeys: ['husband'], representativeKey: 'husband', unitKeys: ['c'], areaE4: 500, areaScale: 2 },
    ])
  })

  it('a co-owned voter takes the representative of its first unit that names one', () => {
    const { voters } = deriveVoters([unit('a', 1, ['x', 'y'], { rep: 'none' }), unit('b', 1, ['x', 'y'], { rep: 'y' })], off)
    expect(voters[0]!.representativeKey).toBe('y')
  })

  it('a sole owner represents themself whatever the flag says', () => {
    const { voters } = deriveVoters([unit('a', 1, ['x'], { rep: 'none' })], off)
    expect(voters[0]!.representativeKey).toBe('x')
  })

  it('parking off: parking units leave the electorate, and an owner of only parking is no voter', () => {
    const units = [
      unit('home', 9000, ['h1']),
      unit('p1', 1200, ['h1'], { unitType: 'parking' }),
      unit('p2', 1200, ['h2'], { unitType: 'parking' }),
      unit('p3', 1200, ['dev'], { unitType: 'parking', developerHeld: true }),
    ]
    const { voters, unitVoter } = deriveVoters(units, off)
    expect(voters).toEqual([{ voterKey: 'owner:h1', kind: 'owner', ownerKeys: ['h1'], representativeKey: 'h1', unitKeys: ['home'], areaE4: 9000, areaScale: 2 }])
    expect([...unitVoter.keys()]).toEqual(['home'])

    const withParking = deriveVoters(units, on)
    expect(withParking.voters.map((v) => [v.voterKey, v.unitKeys, v.areaE4])).toEqual([
      ['owner:h1', ['home', 'p1'], 10200],
      ['owner:h2', ['p2'], 1200],
      ['developer', ['p3'], 1200],
    ])
    expect(withParking.unitVoter.size).toBe(4)
  })

  it('refuses input a validated roster cannot produce', () => {
    expect(() => deriveVoters([unit('a', 1, ['x']), unit('a', 1, ['y'])], off)).toThrow(VoterInputError)
    expect(() => deriveVoters([unit('a', 0, ['x'])], off)).toThrow(VoterInputError)
    expect(() => deriveVoters([unit('a', 1.5, ['x'])], off)).toThrow(VoterInputError)
    expect(() => deriveVoters([unit('a', 1, [])], off)).toThrow(VoterInputError)
    expect(() => deriveVoters([unit('a', 1, ['x,y'])], off)).toThrow(VoterInputError)
    expect(() => deriveVoters([unit('a', Number.MAX_SAFE_INTEGER, ['x']), unit('b', 1, ['x'])], off)).toThrow(VoterInputError)
  })

  it('an empty list has no voters', () => {
    expect(deriveVoters([], off)).toEqual({ voters: [], unitVoter: new Map() })
  })

  it('areas are conserved and every included unit has exactly one voter', () => {
    const owner = fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5')
    const arbUnit = fc.record({
      unitType: fc.constantFrom<UnitType>('residence', 'parking', 'commercial', 'other'),
      areaE4: fc.integer({ min: 1, max: 10_000_000_000 }),
      areaScale: fc.integer({ min: 0, max: 4 }),
      developerHeld: fc.boolean(),
      owners: fc.uniqueArray(owner, { minLength: 1, maxLength: 3 }),
      repIndex: fc.nat(),
    })
    fc.assert(
      fc.property(fc.array(arbUnit, { maxLength: 40 }), fc.boolean(), (raw, parkingCountsArea) => {
        const units: VoterSourceUnit[] = raw.map((u, i) => ({
          unitKey: `u${i}`,
          unitType: u.unitType,
          areaE4: u.areaE4,
          areaScale: u.areaScale,
          developerHeld: u.developerHeld,
          owners: u.owners.map((ownerKey, j) => ({ ownerKey, representative: j === u.repIndex % u.owners.length })),
        }))
        const { voters, unitVoter } = deriveVoters(units, { parkingCountsArea })
        const included = units.filter((u) => parkingCountsArea || u.unitType !== 'parking')
        expect(voters.reduce((s, v) => s + v.areaE4, 0)).toBe(included.reduce((s, u) => s + u.areaE4, 0))
        expect([...unitVoter.keys()].sort()).toEqual(included.map((u) => u.unitKey).sort())
        const listed = voters.flatMap((v) => v.unitKeys)
        expect(listed.sort()).toEqual(included.map((u) => u.unitKey).sort())
        const byKey = new Map(voters.map((v) => [v.voterKey, v]))
        expect(byKey.size).toBe(voters.length)
        for (const u of included) {
          const v = byKey.get(unitVoter.get(u.unitKey)!)!
          expect(v.unitKeys).toContain(u.unitKey)
          if (u.developerHeld) expect(v.kind).toBe('developer')
          else expect(v.ownerKeys).toEqual([...u.owners.map((o) => o.ownerKey)].sort())
        }
        for (const v of voters) {
          expect(v.areaScale).toBe(Math.max(...v.unitKeys.map((k) => units.find((u) => u.unitKey === k)!.areaScale)))
          expect(v.areaE4).toBe(v.unitKeys.reduce((s, k) => s + units.find((u) => u.unitKey === k)!.areaE4, 0))
          if (v.kind === 'owner') expect(v.representativeKey !== null && v.ownerKeys.includes(v.representativeKey)).toBe(true)
        }
      }),
    )
  })
})
