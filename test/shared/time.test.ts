import { describe, expect, it } from 'vitest'
import { displayEndsAt } from '../../shared/statements'
import { addMonths, addMonthsToDate } from '../../shared/time'

describe('addMonths (民法典 第202条: no corresponding day → the last day of the month)', () => {
  it('month ends', () => {
    expect(addMonthsToDate('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonthsToDate('2028-01-31', 1)).toBe('2028-02-29')
    expect(addMonthsToDate('2026-03-31', 1)).toBe('2026-04-30')
    expect(addMonthsToDate('2026-08-31', 3)).toBe('2026-11-30')
    expect(addMonthsToDate('2026-11-30', 3)).toBe('2027-02-28')
    expect(addMonthsToDate('2026-01-15', 1)).toBe('2026-02-15')
    expect(addMonthsToDate('2026-12-31', 2)).toBe('2027-02-28')
  })

  it('an instant keeps its Beijing wall-clock time and is clamped on the Beijing calendar', () => {
    // 31 January 20:00 Beijing = 12:00 UTC → 28 February 20:00 Beijing
    expect(addMonths(new Date('2026-01-31T12:00:00Z'), 1).toISOString()).toBe('2026-02-28T12:00:00.000Z')
    // 31 January 02:00 Beijing is still 30 January in UTC: the Beijing date decides
    expect(addMonths(new Date('2026-01-30T18:00:00Z'), 1).toISOString()).toBe('2026-02-27T18:00:00.000Z')
    expect(addMonths(new Date('2026-05-10T01:00:00Z'), 3).toISOString()).toBe('2026-08-10T01:00:00.000Z')
  })
})

describe('the display period of a statement: 30 working days on the official calendar', () => {
  it('across the National Day holiday it runs well past 45 calendar days', () => {
    // published 2026-09-25 (Beijing); 1–7 October are off, with weekend days worked around them
    const ends = displayEndsAt(new Date('2026-09-25T02:00:00Z'))
    const days = (ends.getTime() - new Date('2026-09-25T00:00:00+08:00').getTime()) / 86_400_000
    expect(days).toBeGreaterThan(40)
    expect(ends.toISOString().endsWith('T16:00:00.000Z')).toBe(true) // midnight in Beijing
  })

  it('an ordinary stretch: 30 working days are six weeks', () => {
    // Monday 2026-11-02 → the 30th working day after it is Monday 2026-12-14; display ends at its midnight
    expect(displayEndsAt(new Date('2026-11-02T02:00:00Z')).toISOString()).toBe('2026-12-14T16:00:00.000Z')
  })
})
