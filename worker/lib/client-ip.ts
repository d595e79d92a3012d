/**
 * Which address a request comes from, for the per-address limits (services/auth/rate-limit.ts).
 * Only what a trusted party says is believed:
 * - Node: the socket's peer; `X-Forwarded-For` only when that peer is one of TRUSTED_PROXIES (the
 *   load balancer or reverse proxy in front of us). The header is read from the right, skipping
 *   our own proxies: the first address no proxy of ours vouches for is the client. Anything to its
 *   left was written by the client and is ignored, so nobody can choose their own address.
 * - Cloudflare Workers: `CF-Connecting-IP`, which Cloudflare's edge sets (and overwrites) itself.
 */

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

function v4ToInt(ip: string): number | null {
  const m = V4.exec(ip)
  if (!m) return null
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return null
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
export function normalizeIp(ip: string): string {
  const s = ip.trim().toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  return mapped ? mapped[1]! : s
}

/**
 * The key a per-address limit counts by: an IPv4 address itself; for IPv6, its /64 network. One
 * subscriber is handed a whole /64 (often more), so counting each of its 2^64 addresses apart
 * would let one person through every limit (security review, session 11: 40 of 40 codes sent from
 * one /64 against 30 from one IPv4 address). Anything else (a test's name for a client) as is.
 */
export function limitKeyOf(ip: string): string {
  const s = normalizeIp(ip).replace(/%.*$/, '')
  if (!s.includes(':') || !/^[0-9a-f:.]+$/.test(s)) return s
  const [head, tail] = s.split('::') as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  // an embedded IPv4 tail (::ffff:… is handled above) counts as two groups
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  if (groups.length < 4 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g) && !g.includes('.'))) return s
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

/** Whether a TRUSTED_PROXIES entry (an address, or an IPv4 range like 10.0.0.0/8) is valid. */
export function isProxyEntry(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/')
  if (extra !== undefined || !addr) return false
  if (bits === undefined) return v4ToInt(addr) !== null || /^[0-9a-f:]+$/i.test(addr) && addr.includes(':')
  return v4ToInt(addr) !== null && /^\d{1,2}$/.test(bits) && Number(bits) <= 32
}

function matches(ip: string, entry: string): boolean {
  const [addr, bits] = entry.split('/')
  if (bits === undefined) return normalizeIp(addr!) === ip
  const a = v4ToInt(ip)
  const base = v4ToInt(addr!)
  if (a === null || base === null) return false
  const n = Number(bits)
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0
  return ((a & mask) >>> 0) === ((base & mask) >>> 0)
}

export const isTrustedProxy = (ip: string, trusted: readonly string[]) => trusted.some((e) => matches(normalizeIp(ip), e))

/** The client's address behind zero or more of our own proxies (Node entry). */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: readonly string[]): string {
  if (!peer) return 'unknown'
  let ip = normalizeIp(peer)
  if (!forwardedFor || !isTrustedProxy(ip, trusted)) return ip
  const hops = forwardedFor.split(',').map((h) => normalizeIp(h)).filter(Boolean)
  while (hops.length) {
    ip = hops.pop()!
    if (!isTrustedProxy(ip, trusted)) return ip
  }
  return ip
}
