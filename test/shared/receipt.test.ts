import { describe, expect, it } from 'vitest'
import { parseShortReceipt, shortReceipt } from '../../shared/receipt'
import { randomToken } from '../../worker/lib/crypto'

describe('the short form of a receipt', () => {
  it('is ten Crockford characters in two groups, and points back at the first 8 characters of the long receipt', () => {
    for (let i = 0; i < 500; i++) {
      const receipt = randomToken(16)
      const short = shortReceipt(receipt)
      expect(short).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/)
      expect(parseShortReceipt(short)).toEqual({ short, longPrefix: receipt.slice(0, 8) })
    }
  })

  it('is typed in any case, with spaces or without the dash, and I, L, O read as 1, 1, 0', () => {
    const receipt = randomToken(16)
    const short = shortReceipt(receipt)
    const sloppy = short.toLowerCase().replace('-', ' ').replace(/1/g, 'l').replace(/0/g, 'o')
    expect(parseShortReceipt(sloppy)?.short).toBe(short)
    expect(parseShortReceipt(short.replace('-', ''))?.short).toBe(short)
  })

  it('is not confused with a long receipt or with rubbish', () => {
    expect(parseShortReceipt(randomToken(16))).toBeNull()
    expect(parseShortReceipt('ABCDE-FGHIU')).toBeNull() // U is not in the alphabet
    expect(parseShortReceipt('1234')).toBeNull()
  })
})
