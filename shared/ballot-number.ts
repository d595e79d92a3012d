/**
 * The number printed on each paper ballot (选票编号), what the counters type back at the count.
 *
 * `12-0037-6`: the community's poll number (第12号), the ballot's place in that poll's issue list
 * (at least four digits), and a Damm check digit over those digits. The poll number in front makes
 * a ballot of another poll recognisable as such; the check digit catches every single wrong digit
 * and every swap of two neighbouring digits (Damm 2004), the two usual slips when copying a number
 * by hand. Dashes may be left out when typing (`1200376`): the poll being counted fixes where the
 * poll number ends. Full-width digits and dashes, spaces and a leading "No." are ignored.
 */
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]

/** The Damm check digit of a string of digits (appending it makes the interim digit 0). */
export function dammDigit(digits: string): number {
  let interim = 0
  for (const ch of digits) interim = DAMM[interim]![ch.charCodeAt(0) - 48]!
  return interim
}

const seqText = (seq: number) => String(seq).padStart(4, '0')

/** The printed number of the `seq`-th paper ballot issued for poll number `pollNumber`. */
export function ballotNumber(pollNumber: number, seq: number): string {
  if (!Number.isSafeInteger(pollNumber) || pollNumber < 1 || !Number.isSafeInteger(seq) || seq < 1) throw new RangeError('poll number and sequence are positive integers')
  return `${pollNumber}-${seqText(seq)}-${dammDigit(`${pollNumber}${seqText(seq)}`)}`
}

export type BallotNumberReading =
  | { ok: true; seq: number; text: string }
  | { ok: false; reason: 'format' }
  | { ok: false; reason: 'check' }
  | { ok: false; reason: 'other_poll'; pollNumber: number | null }

/** Full-width digits and dashes as typed on a Chinese keyboard, to ASCII. */
const normalise = (s: string) =>
  s
    .replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\uff0d\u2010-\u2015\u2212_\s]/g, (ch) => (/\s/.test(ch) ? '' : '-'))
    .replace(/^no\.?/i, '')

/** Reads a typed ballot number against the poll being counted (number `pollNumber`). */
export function readBallotNumber(typed: string, pollNumber: number): BallotNumberReading {
  const s = normalise(typed.trim())
  const dashed = /^(\d{1,9})-(\d{1,9})-(\d)$/.exec(s)
  const bare = /^\d{6,19}$/.test(s) ? s : null
  if (!dashed && !bare) return { ok: false, reason: 'format' }
  // leading zeros of the sequence may be dropped when typed with dashes (12-37-6)
  const digits = dashed ? `${dashed[1]}${seqText(Number(dashed[2]))}${dashed[3]}` : bare!
  // a correct number, check digit included, runs the Damm interim digit back to 0
  if (dammDigit(digits) !== 0) return { ok: false, reason: 'check' }
  const own = String(pollNumber)
  if (dashed) {
    if (Number(dashed[1]) !== pollNumber) return { ok: false, reason: 'other_poll', pollNumber: Number(dashed[1]) }
    const seq = Number(dashed[2])
    return seq >= 1 ? { ok: true, seq, text: ballotNumber(pollNumber, seq) } : { ok: false, reason: 'format' }
  }
  const rest = digits.slice(own.length, -1)
  if (!digits.startsWith(own) || rest.length < 4) return { ok: false, reason: 'other_poll', pollNumber: null }
  const seq = Number(rest)
  return seq >= 1 ? { ok: true, seq, text: ballotNumber(pollNumber, seq) } : { ok: false, reason: 'format' }
}
