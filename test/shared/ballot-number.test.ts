import { describe, expect, it } from 'vitest'
import { ballotNumber, dammDigit, readBallotNumber } from '../../shared/ballot-number'

describe('printed ballot numbers (选票编号)', () => {
  it('uses the Damm check digit (the published example: 572 → 4)', () => {
    expect(dammDigit('572')).toBe(4)
    expect(dammDigit('5724')).toBe(0)
  })

  it('prints poll number, sequence and check digit, and reads them back however typed', () => {
    const n = ballotNumber(12, 37)
    expect(n).toMatch(/^12-0037-\d$/)
    for (const typed of [n, n.replaceAll('-', ''), ` ${n.replaceAll('-', '－')} `, n.replace('0037', '37'), n.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))]) {
      expect(readBallotNumber(typed, 12)).toEqual({ ok: true, seq: 37, text: n })
    }
    expect(ballotNumber(3, 12345)).toMatch(/^3-12345-\d$/)
    expect(readBallotNumber(ballotNumber(3, 12345), 3)).toMatchObject({ ok: true, seq: 12345 })
  })

  it('catches every single wrong digit and every swap of neighbouring digits', () => {
    for (const [poll, seq] of [[12, 37], [1, 1], [7, 4096], [123, 9999]] as const) {
      const good = ballotNumber(poll, seq).replaceAll('-', '')
      for (let i = 0; i < good.length; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === good[i]) continue
          const typo = good.slice(0, i) + d + good.slice(i + 1)
          expect(readBallotNumber(typo, poll).ok, typo).toBe(false)
        }
        if (i + 1 < good.length && good[i] !== good[i + 1]) {
          const swapped = good.slice(0, i) + good[i + 1] + good[i] + good.slice(i + 2)
          expect(readBallotNumber(swapped, poll).ok, swapped).toBe(false)
        }
      }
    }
  })

  it('names another poll’s ballot as such, and refuses what is no number', () => {
    expect(readBallotNumber(ballotNumber(11, 5), 12)).toEqual({ ok: false, reason: 'other_poll', pollNumber: 11 })
    expect(readBallotNumber(ballotNumber(11, 5).replaceAll('-', ''), 12)).toEqual({ ok: false, reason: 'other_poll', pollNumber: null })
    expect(readBallotNumber('3-2-501', 12)).toMatchObject({ ok: false })
    expect(readBallotNumber('abc', 12)).toEqual({ ok: false, reason: 'format' })
    expect(readBallotNumber('12-0000-' + dammDigit('120000'), 12)).toEqual({ ok: false, reason: 'format' })
  })
})
