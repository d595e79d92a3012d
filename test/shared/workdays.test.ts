import { describe, expect, it } from 'vitest'
import { addWorkingDays, calendarCovers, isWorkingDay, OFFICIAL_SCHEDULES, workingDaysBetween } from '../../shared/workdays'
import { TEST_EPOCH } from '../helpers/harness'

describe('working days on the official calendar', () => {
  it('holidays are off, 调休 weekends are worked, other weekends are off', () => {
    expect(isWorkingDay('2026-10-08')).toBe(true) // Thursday after National Day
    expect(isWorkingDay('2026-10-05')).toBe(false) // National Day holiday, a Monday
    expect(isWorkingDay('2026-10-10')).toBe(true) // Saturday worked (调休)
    expect(isWorkingDay('2026-10-11')).toBe(false) // plain Sunday
    expect(isWorkingDay('2026-02-14')).toBe(true) // Saturday worked before the Spring Festival
    expect(isWorkingDay('2026-02-23')).toBe(false) // Monday, last day of the Spring Festival break
    expect(isWorkingDay('2025-10-08')).toBe(false) // 2025: National Day and Mid-Autumn, eight days
  })

  it('counts across a long holiday: 30 working days from 2026-09-18 end on 2026-11-05 (48 calendar days, not 45)', () => {
    // 9-20 (Sun) is worked, 9-25..27 and 10-01..07 are off, 10-10 (Sat) is worked
    expect(addWorkingDays('2026-09-18', 30)).toBe('2026-11-05')
    expect(workingDaysBetween('2026-09-18', '2026-11-05')).toBe(30)
    expect(addWorkingDays('2026-11-20', 0)).toBe('2026-11-20')
    expect(addWorkingDays('2026-11-20', 1)).toBe('2026-11-23') // Friday → Monday
  })

  it('each year has its holidays as the notices list them', () => {
    const offCount = (y: number) => OFFICIAL_SCHEDULES[y]!.off.reduce((n, [a, b]) => n + (Date.parse(b) - Date.parse(a)) / 86_400_000 + 1, 0)
    expect(offCount(2025)).toBe(28)
    expect(offCount(2026)).toBe(33)
    for (const y of Object.values(OFFICIAL_SCHEDULES)) for (const d of y.worked) expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay())
  })

  it('covers the year of the clock (add the next notice to shared/workdays.ts when it is published)', () => {
    expect(calendarCovers(TEST_EPOCH.getUTCFullYear())).toBe(true)
  })

  it('refuses what is not a date', () => {
    expect(() => isWorkingDay('2026-13-01')).toThrow(RangeError)
    expect(() => addWorkingDays('2026-11-20', -1)).toThrow(RangeError)
  })
})

describe('times as a person reads them', () => {
  it('Beijing time in Chinese form, eight hours ahead of UTC', async () => {
    const { beijingTime, beijingDate } = await import('../../shared/time')
    expect(beijingTime(new Date('2026-12-06T00:09:43.248Z'))).toBe('2026年12月6日 08:09')
    expect(beijingTime('2026-12-31T16:30:00Z')).toBe('2027年1月1日 00:30')
    expect(beijingDate('2026-03-05')).toBe('2026年3月5日')
    expect(beijingDate(new Date('2026-03-04T17:00:00Z'))).toBe('2026年3月5日')
  })
})
