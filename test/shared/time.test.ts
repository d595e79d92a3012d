import { describe, expect, it } from 'vitest'
import { displayEndsAt, UNSCHEDULED_YEAR_MARGIN_DAYS } from '../../shared/statements'
import { OFFICIAL_SCHEDULES } from '../../shared/workdays'
import { addMonths, addMonthsToDate, beijingDeadline } from '../../shared/time'

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

  it('running into a year whose holiday schedule is not in the table, it is lengthened, never cut short', () => {
    // counted here independently of shared/workdays.ts: the midnight (Beijing) after the 30th weekday after `date`
    const weekendsOnlyEnd = (date: string) => {
      let day = Date.parse(`${date}T00:00:00Z`)
      for (let left = 30; left > 0; ) {
        day += 86_400_000
        if (![0, 6].includes(new Date(day).getUTCDay())) left--
      }
      return day - 8 * 3_600_000 + 86_400_000
    }
    const margin = UNSCHEDULED_YEAR_MARGIN_DAYS * 86_400_000
    // the first year after the table, wherever the table ends
    const unscheduled = Math.max(...Object.keys(OFFICIAL_SCHEDULES).map(Number)) + 1
    expect(displayEndsAt(new Date(`${unscheduled}-03-02T10:00:00+08:00`)).getTime()).toBe(weekendsOnlyEnd(`${unscheduled}-03-02`) + margin)
    // one that starts in the last scheduled year (no holiday left in it after 20 December) and ends in the next gets it too
    const last = unscheduled - 1
    expect(displayEndsAt(new Date(`${last}-12-20T10:00:00+08:00`)).getTime()).toBe(weekendsOnlyEnd(`${last}-12-20`) + margin)
    // wholly within a scheduled year, no margin (early November has no holiday either)
    expect(displayEndsAt(new Date(`${last}-11-02T10:00:00+08:00`)).getTime()).toBe(weekendsOnlyEnd(`${last}-11-02`))
  })
})

describe('beijingDeadline: a limit ending at Beijing midnight is the day before, 24:00', () => {
  it('midnight and other instants', () => {
    expect(beijingDeadline('2026-12-07T16:00:00Z')).toBe('2026年12月7日 24:00')
    expect(beijingDeadline('2026-12-31T16:00:00Z')).toBe('2026年12月31日 24:00')
    expect(beijingDeadline('2026-12-07T16:00:00.001Z')).toBe('2026年12月8日 00:00')
    expect(beijingDeadline('2026-12-07T09:30:00Z')).toBe('2026年12月7日 17:30')
  })
})
