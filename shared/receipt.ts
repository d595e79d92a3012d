/**
 * The short form of a ballot receipt, for people to copy onto paper and type back.
 *
 * A receipt is 16 random bytes in base64url (22 characters, case-sensitive: `Kq3-x_…`), which is
 * what the Merkle leaf commits to and what the API and the proof endpoint take. Its short form is
 * the first 50 of those bits in Crockford's base32, two groups of five (`K7QFM-2XD9A`): no case,
 * no look-alikes (I and L read as 1, O as 0), dashes and spaces ignored. It is derived, never
 * stored: the long receipt stays valid everywhere, and a short code is looked up by the 48 bits it
 * fixes of the long one (its first 8 base64url characters) and then compared in full. Among the
 * ballots of one poll, two receipts sharing 50 random bits is about n²/2⁵¹ (one in ten million
 * for 20,000 ballots); should it ever happen, the short code matches neither and the long one works.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
export const SHORT_RECEIPT_CHARS = 10

/** The leading bits of a base64url string, as a string of '0' and '1'. */
function bitsOf(b64url: string, n: number): string {
  let bits = ''
  for (const ch of b64url) {
    const v = B64URL.indexOf(ch)
    if (v < 0) throw new RangeError('not base64url')
    bits += v.toString(2).padStart(6, '0')
    if (bits.length >= n) break
  }
  if (bits.length < n) throw new RangeError('receipt too short')
  return bits.slice(0, n)
}

/** The receipt's short form, "K7QFM-2XD9A". */
export function shortReceipt(receipt: string): string {
  const bits = bitsOf(receipt, SHORT_RECEIPT_CHARS * 5)
  let out = ''
  for (let i = 0; i < bits.length; i += 5) out += CROCKFORD[parseInt(bits.slice(i, i + 5), 2)]
  return `${out.slice(0, 5)}-${out.slice(5)}`
}

/**
 * A typed short code, normalised ("k7qf m2xd9a" → "K7QFM-2XD9A"), with the first 8 characters of
 * every long receipt it can belong to; null when it is not a short code.
 */
export function parseShortReceipt(typed: string): { short: string; longPrefix: string } | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0')
  if (s.length !== SHORT_RECEIPT_CHARS || [...s].some((c) => !CROCKFORD.includes(c))) return null
  const bits = [...s].map((c) => CROCKFORD.indexOf(c).toString(2).padStart(5, '0')).join('')
  let longPrefix = ''
  for (let i = 0; i + 6 <= 48; i += 6) longPrefix += B64URL[parseInt(bits.slice(i, i + 6), 2)]
  return { short: `${s.slice(0, 5)}-${s.slice(5)}`, longPrefix }
}
