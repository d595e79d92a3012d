/**
 * A Merkle tree over the standing ballots of a poll, exactly as RFC 6962 §2.1 (Certificate
 * Transparency; unchanged in RFC 9162 §2.1.1) defines it, so anyone can check a published root with
 * any RFC 6962 implementation:
 *   leaf hash  = SHA-256(0x00 ‖ leaf)        node hash = SHA-256(0x01 ‖ left ‖ right)
 *   MTH({})    = SHA-256("")                 MTH({d0}) = leaf hash of d0
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two smaller than n
 * The 0x00/0x01 prefixes keep a leaf from ever passing for an inner node (second-preimage attack).
 *
 * Hashes cross the API as 64-character lowercase hex; inside, levels are kept as bytes so a tree of
 * 20,000 ballots costs only its ~20,000 digests. WebCrypto only (no Node APIs): the same code runs on
 * the server, in a Worker, in the H5 result page and in the mini-program.
 */

export interface MerkleProof {
  /** the leaf's position, 0-based, in the order the leaves were committed */
  index: number
  /** the number of leaves in the tree */
  size: number
  /** RFC 6962 §2.1.1 PATH(index, D[size]): sibling hashes from the leaf upward, lowercase hex */
  path: string[]
}

const enc = new TextEncoder()
const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01
const HASH_HEX = /^[0-9a-f]{64}$/

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
function toHex(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += BYTE_HEX[x]
  return s
}

/** '0'-'9' → 0-9, 'a'-'f' → 10-15 (the caller has checked the string is lowercase hex) */
const nibble = (c: number) => (c <= 57 ? c - 48 : c - 87)

/** Lowercase 64-hex → 32 bytes, or null if it is not exactly that. */
function hashBytes(h: unknown): Uint8Array | null {
  if (typeof h !== 'string' || !HASH_HEX.test(h)) return null
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = (nibble(h.charCodeAt(2 * i)) << 4) | nibble(h.charCodeAt(2 * i + 1))
  return out
}

function hashesBytes(leafHashes: string[]): Uint8Array[] {
  return leafHashes.map((h, i) => {
    const b = hashBytes(h)
    if (!b) throw new TypeError(`leaf hash ${i} is not 64 lowercase hex characters`)
    return b
  })
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data))
}

function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(65)
  buf[0] = NODE_PREFIX
  buf.set(left, 1)
  buf.set(right, 33)
  return sha256(buf)
}

/**
 * One level up: pairs left to right, an odd last node promoted unchanged. Repeated to one node this
 * builds the very tree of RFC 6962's recursive MTH (its left subtree is always the perfect tree of
 * the largest power of two below n), with each level's digests started together.
 */
async function levelUp(level: Uint8Array[]): Promise<Uint8Array[]> {
  const pairs: Promise<Uint8Array>[] = []
  for (let i = 0; i + 1 < level.length; i += 2) pairs.push(nodeHash(level[i]!, level[i + 1]!))
  const next = await Promise.all(pairs)
  if (level.length % 2 === 1) next.push(level[level.length - 1]!)
  return next
}

/** SHA-256(0x00 ‖ UTF-8(leaf)), lowercase hex. */
export async function leafHash(leaf: string): Promise<string> {
  const bytes = enc.encode(leaf)
  const buf = new Uint8Array(bytes.length + 1)
  buf[0] = LEAF_PREFIX
  buf.set(bytes, 1)
  return toHex(await sha256(buf))
}

/** RFC 6962 MTH over leaf hashes (from leafHash). Throws TypeError on a malformed hash. */
export async function merkleRoot(leafHashes: string[]): Promise<string> {
  if (leafHashes.length === 0) return toHex(await sha256(new Uint8Array(0)))
  let level = hashesBytes(leafHashes)
  while (level.length > 1) level = await levelUp(level)
  return toHex(level[0]!)
}

/** Every level of the tree, leaves first, root last: built once, it answers any number of proofs. */
export type MerkleTree = Uint8Array[][]

export async function merkleTree(leafHashes: string[]): Promise<MerkleTree> {
  if (leafHashes.length === 0) throw new RangeError('an empty tree has no proofs')
  const levels = [hashesBytes(leafHashes)]
  while (levels[levels.length - 1]!.length > 1) levels.push(await levelUp(levels[levels.length - 1]!))
  return levels
}

/**
 * RFC 6962 PATH(index, D[size]) read off a built tree: at each level the sibling of the node on the
 * leaf's way to the root, none where that node is the promoted odd one (the recursive definition
 * adds no element there either). No digests: O(log size).
 */
export function proofFromTree(tree: MerkleTree, index: number): MerkleProof {
  const size = tree[0]!.length
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError('leaf index out of range')
  const path: string[] = []
  let i = index
  for (const level of tree.slice(0, -1)) {
    const sibling = i % 2 === 1 ? i - 1 : i + 1
    if (sibling < level.length) path.push(toHex(level[sibling]!))
    i = Math.floor(i / 2)
  }
  return { index, size, path }
}

/** PATH(index, D[size]) from the leaf hashes: a full tree build, O(size) digests. */
export async function merkleProof(leafHashes: string[], index: number): Promise<MerkleProof> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) throw new RangeError('leaf index out of range')
  return proofFromTree(await merkleTree(leafHashes), index)
}

/**
 * RFC 9162 §2.1.3.2, verifying an inclusion proof, step by step. False (never a throw) for anything
 * malformed, since proofs arrive from the network.
 *
 * A valid result means the leaf is in the tree with this root. The size is not bound by the root
 * alone: a proof can also verify under another size whose tree shape agrees along the leaf's path
 * (e.g. index 0 of 3 leaves also "verifies" as size 4). The trustworthy size is the signed result's
 * `ballots.treeSize`; verifyReceipt in shared/verify-result.ts checks it when given.
 */
export async function verifyProof(leafHash: string, proof: MerkleProof, root: string): Promise<boolean> {
  if (typeof proof !== 'object' || proof === null || !Array.isArray(proof.path)) return false
  const { index, size, path } = proof
  // 1. leaf_index must be within tree_size
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false
  let r = hashBytes(leafHash) // 3. r = hash
  if (!r || typeof root !== 'string' || !HASH_HEX.test(root)) return false
  // 2. fn = leaf_index, sn = tree_size - 1 (division, not bit shifts: sizes may pass 2^31)
  let fn = index
  let sn = size - 1
  // 4. for each p in inclusion_path
  for (const hex of path) {
    const p = hashBytes(hex)
    // a. sn = 0 with path left over: fail
    if (!p || sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      // b. p is a left sibling; after a promoted right edge, skip the levels with no sibling
      r = await nodeHash(p, r)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      // c. p is a right sibling
      r = await nodeHash(r, p)
    }
    // d. one level up
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  // 5. the path must have reached the root, and the hash must be the root
  return sn === 0 && toHex(r) === root
}

const ISO_MILLIS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * The leaf one standing ballot contributes, so anyone can rebuild it from the published per-voter
 * list and a receipt. Exactly the UTF-8 bytes of this JSON array, no whitespace:
 *   ["gongyi-ballot/1",pollId,receipt,voterId,choice,channel,version,castAt]
 * strings escaped as ECMAScript JSON.stringify does (only `"`, `\` and U+0000–U+001F are escaped,
 * as \b \t \n \f \r or lowercase \u00xx; a lone surrogate as lowercase \udxxx; all else literal,
 * so Chinese text stays as UTF-8), `version` a decimal integer, `castAt` as Date#toISOString gives
 * it (UTC, milliseconds). Python: json.dumps(arr, ensure_ascii=False, separators=(",", ":")).
 * A JSON array cannot be read two ways, unlike fields joined by a separator a value might contain;
 * the leading tag versions the format and keeps it apart from any other leaf we might hash.
 */
export function canonicalBallotLeaf(b: { pollId: string; receipt: string; voterId: string; choice: string; channel: string; version: number; castAt: string }): string {
  // NaN or 1.5 would serialise as "null" or an ambiguous float: refuse rather than commit to it
  if (!Number.isSafeInteger(b.version) || b.version < 0) throw new RangeError('ballot version must be a non-negative integer')
  if (!ISO_MILLIS_UTC.test(b.castAt)) throw new RangeError('castAt must be Date#toISOString (UTC, milliseconds)')
  for (const f of [b.pollId, b.receipt, b.voterId, b.choice, b.channel]) if (typeof f !== 'string') throw new TypeError('ballot leaf fields must be strings')
  return JSON.stringify(['gongyi-ballot/1', b.pollId, b.receipt, b.voterId, b.choice, b.channel, b.version, b.castAt])
}
