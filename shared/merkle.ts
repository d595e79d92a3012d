/**
 * A Merkle tree over the standing ballots of a poll, as RFC 6962 §2.1 (Certificate Transparency)
 * defines it, so anyone can check a published root with any RFC 6962 implementation:
 *   leaf hash  = SHA-256(0x00 ‖ leaf)        node hash = SHA-256(0x01 ‖ left ‖ right)
 *   MTH({})    = SHA-256("")                 MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the
 *                                            largest power of two smaller than n
 * WebCrypto only: the same code runs on the server, in the H5 page and in the mini-program.
 */
const enc = new TextEncoder()

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
function unhex(s: string): Uint8Array {
  if (!/^[0-9a-f]*$/.test(s) || s.length % 2) throw new Error('not a lowercase hex string')
  const out = new Uint8Array(s.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16)
  return out
}
async function sha256(parts: Uint8Array[]): Promise<string> {
  const len = parts.reduce((n, p) => n + p.length, 0)
  const buf = new Uint8Array(len)
  let o = 0
  for (const p of parts) {
    buf.set(p, o)
    o += p.length
  }
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)))
}
const LEAF = new Uint8Array([0])
const NODE = new Uint8Array([1])
const nodeHash = (l: string, r: string) => sha256([NODE, unhex(l), unhex(r)])

export const leafHash = (leaf: string) => sha256([LEAF, enc.encode(leaf)])

/** the largest power of two strictly smaller than n (n ≥ 2) */
const split = (n: number) => {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

export async function merkleRoot(leafHashes: string[]): Promise<string> {
  if (leafHashes.length === 0) return sha256([])
  // Bottom-up by levels, pairing left to right and promoting an odd last node: the same tree as
  // the recursive RFC 6962 definition, with each level's digests computed together.
  let level = leafHashes
  while (level.length > 1) {
    const next: Promise<string>[] = []
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!))
    const hashed = await Promise.all(next)
    if (level.length % 2) hashed.push(level[level.length - 1]!)
    level = hashed
  }
  return level[0]!
}

export interface MerkleProof {
  index: number
  size: number
  /** sibling hashes from the leaf upward (RFC 6962 §2.1.1 PATH) */
  path: string[]
}

/** RFC 6962 PATH(m, D[n]). */
export async function merkleProof(leafHashes: string[], index: number): Promise<MerkleProof> {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) throw new RangeError('leaf index out of range')
  async function path(m: number, d: string[]): Promise<string[]> {
    if (d.length === 1) return []
    const k = split(d.length)
    return m < k ? [...(await path(m, d.slice(0, k))), await merkleRoot(d.slice(k))] : [...(await path(m - k, d.slice(k))), await merkleRoot(d.slice(0, k))]
  }
  return { index, size: leafHashes.length, path: await path(index, leafHashes) }
}

/** RFC 9162 §2.1.3.2: verifying an inclusion proof. */
export async function verifyProof(leafHashHex: string, proof: MerkleProof, root: string): Promise<boolean> {
  const { index, size, path } = proof
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false
  let fn = index
  let sn = size - 1
  let r = leafHashHex
  try {
    for (const p of path) {
      if (sn === 0) return false
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r)
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2)
            sn = Math.floor(sn / 2)
          }
        }
      } else {
        r = await nodeHash(r, p)
      }
      fn = Math.floor(fn / 2)
      sn = Math.floor(sn / 2)
    }
  } catch {
    return false
  }
  return sn === 0 && r === root
}

/**
 * The leaf a ballot contributes: JSON of a fixed-order array, so the encoding is unambiguous and
 * anyone can rebuild it from the published per-voter list and their receipt.
 */
export function canonicalBallotLeaf(b: { pollId: string; receipt: string; voterId: string; choice: string; channel: string; version: number; castAt: string }): string {
  return JSON.stringify(['gongyi-ballot/1', b.pollId, b.receipt, b.voterId, b.choice, b.channel, b.version, b.castAt])
}

/** What a voter's phone checks: the receipt's leaf is in the tree whose root the signed result names. */
export async function verifyReceipt(input: { leaf: string; proof: MerkleProof; root: string }): Promise<boolean> {
  return verifyProof(await leafHash(input.leaf), input.proof, input.root)
}
