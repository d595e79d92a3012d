import { describe, expect, it } from 'vitest'
import { maskName, maskPhone, normalizePhone } from '../../shared/phone'

describe('normalizePhone', () => {
  it('accepts 11 digits starting 13–19', () => {
    for (const p of ['13812345678', '14700000000', '15912345678', '16612345678', '17712345678', '18812345678', '19912345678']) {
      expect(normalizePhone(p)).toBe(p)
    }
  })
  it('drops a country prefix, spaces and dashes', () => {
    expect(normalizePhone('+86 138 1234 5678')).toBe('13812345678')
    expect(normalizePhone('+86-138-1234-5678')).toBe('13812345678')
    expect(normalizePhone('8613812345678')).toBe('13812345678')
    expect(normalizePhone('0086 13812345678')).toBe('13812345678')
    expect(normalizePhone(' 138-1234-5678 ')).toBe('13812345678')
  })
  it('reads full-width digits as a Chinese input method types them, as the roll does', () => {
    expect(normalizePhone('１３８１２３４５６７８')).toBe('13812345678')
    expect(normalizePhone('＋８６　１３８－１２３４－５６７８')).toBe('13812345678')
    expect(normalizePhone('1381234567８')).toBe('13812345678')
  })
  it('refuses anything else', () => {
    for (const p of ['', '1381234567', '138123456789', '12812345678', '10012345678', '23812345678', '+85213812345678', '+8613812345678x', '١٣٨١٢٣٤٥٦٧٨', '１３８１２３４５６７', '(+86)13812345678', '+87 13812345678', '138.1234.5678']) {
      expect(normalizePhone(p), p).toBeNull()
    }
  })
})

describe('maskPhone', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('+86 139 0013 9000')).toBe('139****9000')
  })
  it('masks a non-number whole', () => {
    expect(maskPhone('12345')).toBe('***')
  })
})

describe('maskName', () => {
  it('keeps the first character of a Chinese name', () => {
    expect(maskName('张三丰')).toBe('张**')
    expect(maskName('张三')).toBe('张*')
    expect(maskName('欧阳修')).toBe('欧**')
    expect(maskName(' 买买提·艾力 ')).toBe('买*****')
  })
  it('counts characters, not UTF-16 units', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**')
  })
  it('masks a one-character name whole', () => {
    expect(maskName('张')).toBe('*')
  })
  it('gives other names a fixed-length mask', () => {
    expect(maskName('John Smith')).toBe('J***')
    expect(maskName('Al')).toBe('A***')
    expect(maskName('')).toBe('')
  })
})
