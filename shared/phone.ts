/** Mainland China mobile numbers, and the masks used wherever a person's data is shown to others. */
import { toHalfWidth } from './half-width'

/**
 * The 11-digit mobile number, or null. Full-width digits (１３８…, as a Chinese input method types
 * them) are read as digits, spaces and dashes are ignored, and a country prefix '+86', '0086' or
 * '86' is dropped when 11 digits follow it: one reading wherever a phone is typed (sign-in, the
 * roll, a proxy).
 */
export function normalizePhone(s: string): string | null {
  const compact = toHalfWidth(s).replace(/[\s-]/g, '')
  const m = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(compact)
  return m ? m[1]! : null
}

/** '13812345678' → '138****5678'. Anything that is not a mobile number is masked whole. */
export function maskPhone(s: string): string {
  const phone = normalizePhone(s)
  return phone ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '***'
}

/**
 * A Chinese name keeps its first character and masks each other one: '张三丰' → '张**',
 * '张三' → '张*' (so a compound surname shows only its first character: '欧阳修' → '欧**').
 * A one-character name is masked whole, since its only character would be the whole name.
 * Any other name keeps its first character followed by '***', whatever its length.
 */
export function maskName(s: string): string {
  const chars = Array.from(s.trim())
  const first = chars[0]
  if (first === undefined) return ''
  if (!/^\p{Script=Han}$/u.test(first)) return `${first}***`
  if (chars.length === 1) return '*'
  return first + '*'.repeat(chars.length - 1)
}
