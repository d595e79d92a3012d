import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalBallotLeaf, leafHash, merkleProof, merkleRoot, merkleTree, proofFromTree, verifyProof, type MerkleProof } from '../../shared/merkle'
import { verifyReceipt } from '../../shared/verify-result'

// ── An independent RFC 6962 §2.1 reference on node:crypto, written as the RFC writes it ─────────
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest()
/** leaf hash: SHA-256(0x00 ‖ d) */
const L = (d: string | Buffer) => sha(Buffer.from([0x00]), typeof d === 'string' ? Buffer.from(d, 'utf8') : d)
/** node hash: SHA-256(0x01 ‖ left ‖ right) */
const N = (left: Buffer, right: Buffer) => sha(Buffer.from([0x01]), left, right)
const hex = (b: Buffer) => b.toString('hex')
/** k: the largest power of two smaller than n */
const splitOf = (n: number) => {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}
/** MTH(D[n]) over leaf hashes */
function refMth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha()
  if (d.length === 1) return d[0]!
  const k = splitOf(d.length)
  return N(refMth(d.slice(0, k)), refMth(d.slice(k)))
}
/** PATH(m, D[n]) (RFC 6962 §2.1.1) */
function refPath(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return []
  const k = splitOf(d.length)
  return m < k ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))] : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))]
}
/** Which side each PATH element sits on, leaf upward: the shape a (m, n) proof is checked against. */
function sides(m: number, n: number): ('left' | 'right')[] {
  if (n <= 1) return []
  const k = splitOf(n)
  return m < k ? [...sides(m, k), 'right'] : [...sides(m - k, n - k), 'left']
}

const leaves = (n: number) => Array.from({ length: n }, (_, i) => `leaf-${i}`)
const hashesOf = (n: number) => Promise.all(leaves(n).map((s) => leafHash(s)))
const flipHex = (h: string, at = 0) => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1)

describe('Merkle tree: known answers (RFC 6962 §2.1)', () => {
  it('leaf hash is SHA-256(0x00 ‖ UTF-8 leaf)', async () => {
    expect(await leafHash('')).toBe(hex(sha(Buffer.from([0]))))
    expect(await leafHash('abc')).toBe(hex(L('abc')))
    expect(await leafHash('同意 ✓')).toBe(hex(sha(Buffer.from([0]), Buffer.from('同意 ✓', 'utf8'))))
  })

  it('roots of 1, 2, 3, 4, 5, 7 and 8 leaves, the tree written out by hand', async () => {
    const l = leaves(8).map(L)
    const [a, b, c, d, e, f, g, h] = l as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer]
    const expected: Record<number, Buffer> = {
      1: a,
      2: N(a, b),
      3: N(N(a, b), c),
      4: N(N(a, b), N(c, d)),
      5: N(N(N(a, b), N(c, d)), e),
      7: N(N(N(a, b), N(c, d)), N(N(e, f), g)),
      8: N(N(N(a, b), N(c, d)), N(N(e, f), N(g, h))),
    }
    for (const [n, root] of Object.entries(expected)) {
      expect(await merkleRoot(await hashesOf(Number(n))), `size ${n}`).toBe(hex(root))
    }
  })

  it('the empty tree is SHA-256 of nothing', async () => {
    expect(await merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it("Certificate Transparency's published test vectors (merkle_tree_test.cc) for sizes 1..8", async () => {
    // leaf inputs are bytes; all below 0x80, so each is the same bytes as a UTF-8 string
    const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex').toString('latin1'))
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ]
    const hashes = await Promise.all(inputs.map((s) => leafHash(s)))
    for (let n = 1; n <= 8; n++) expect(await merkleRoot(hashes.slice(0, n)), `size ${n}`).toBe(roots[n - 1])
  })

  it('roots equal the recursive reference for every size 0..70', async () => {
    const all = await hashesOf(70)
    const ref = leaves(70).map(L)
    for (let n = 0; n <= 70; n++) expect(await merkleRoot(all.slice(0, n)), `size ${n}`).toBe(hex(refMth(ref.slice(0, n))))
  })

  it('refuses malformed leaf hashes and out-of-range indexes', async () => {
    const hs = await hashesOf(3)
    await expect(merkleRoot([hs[0]!, hs[1]!.toUpperCase()])).rejects.toThrow(TypeError)
    await expect(merkleRoot([hs[0]!, hs[1]!.slice(2)])).rejects.toThrow(TypeError)
    await expect(merkleProof(hs, 3)).rejects.toThrow(RangeError)
    await expect(merkleProof(hs, -1)).rejects.toThrow(RangeError)
    await expect(merkleProof(hs, 0.5)).rejects.toThrow(RangeError)
    await expect(merkleProof([], 0)).rejects.toThrow(RangeError)
  })
})

describe('Merkle inclusion proofs (RFC 6962 PATH, RFC 9162 §2.1.3.2 verification)', () => {
  it('for every index of trees of 1..17 leaves: PATH as the RFC defines it, and it verifies', async () => {
    for (let n = 1; n <= 17; n++) {
      const hs = await hashesOf(n)
      const ref = leaves(n).map(L)
      const root = await merkleRoot(hs)
      for (let i = 0; i < n; i++) {
        const proof = await merkleProof(hs, i)
        expect(proof, `n=${n} i=${i}`).toEqual({ index: i, size: n, path: refPath(i, ref).map(hex) })
        expect(await verifyProof(hs[i]!, proof, root), `n=${n} i=${i}`).toBe(true)
      }
    }
  })

  it('one built tree answers every proof without hashing again, and its top is the root', async () => {
    for (const n of [1, 2, 7, 16, 33]) {
      const hs = await hashesOf(n)
      const tree = await merkleTree(hs)
      expect(Buffer.from(tree.at(-1)![0]!).toString('hex')).toBe(await merkleRoot(hs))
      for (let i = 0; i < n; i++) expect(proofFromTree(tree, i), `n=${n} i=${i}`).toEqual(await merkleProof(hs, i))
      expect(() => proofFromTree(tree, n)).toThrow(RangeError)
    }
    await expect(merkleTree([])).rejects.toThrow(RangeError)
  })

  it('any tampering fails: leaf, index, path (swapped, flipped, short, long), root', async () => {
    for (let n = 1; n <= 17; n++) {
      const hs = await hashesOf(n)
      const root = await merkleRoot(hs)
      const otherRoot = await merkleRoot([...hs, await leafHash('extra')])
      for (let i = 0; i < n; i++) {
        const proof = await merkleProof(hs, i)
        const ok = (leaf: string, p: MerkleProof, r = root) => verifyProof(leaf, p, r)
        // wrong leaf: every other leaf of the same tree, and one from outside it
        for (let j = 0; j < n; j++) if (j !== i) expect(await ok(hs[j]!, proof), `n=${n} i=${i} leaf ${j}`).toBe(false)
        expect(await ok(await leafHash('not a ballot'), proof)).toBe(false)
        // the leaf string itself is not its leaf hash (domain separation is not optional)
        expect(await ok(hex(sha(Buffer.from(leaves(n)[i]!))), proof)).toBe(false)
        // wrong index: every other position
        for (let j = 0; j < n; j++) if (j !== i) expect(await ok(hs[i]!, { ...proof, index: j }), `n=${n} i=${i} index ${j}`).toBe(false)
        // swapped neighbours, each element with one bit changed, a step missing, a step too many
        for (let k = 0; k + 1 < proof.path.length; k++) {
          const path = [...proof.path]
          ;[path[k], path[k + 1]] = [path[k + 1]!, path[k]!]
          expect(await ok(hs[i]!, { ...proof, path }), `n=${n} i=${i} swap ${k}`).toBe(false)
        }
        for (let k = 0; k < proof.path.length; k++) {
          const path = proof.path.map((p, x) => (x === k ? flipHex(p, 63) : p))
          expect(await ok(hs[i]!, { ...proof, path }), `n=${n} i=${i} flip ${k}`).toBe(false)
        }
        if (proof.path.length > 0) {
          expect(await ok(hs[i]!, { ...proof, path: proof.path.slice(1) })).toBe(false)
          expect(await ok(hs[i]!, { ...proof, path: proof.path.slice(0, -1) })).toBe(false)
        }
        expect(await ok(hs[i]!, { ...proof, path: [...proof.path, hs[i]!] })).toBe(false)
        // wrong root
        expect(await ok(hs[i]!, proof, otherRoot)).toBe(false)
        expect(await ok(hs[i]!, proof, flipHex(root, 10))).toBe(false)
        expect(await ok(hs[i]!, proof, '0'.repeat(64))).toBe(false)
      }
    }
  })

  it('wrong size fails unless the root cannot tell: exactly when the path has the same shape', async () => {
    let accepted = 0
    let refused = 0
    for (let n = 1; n <= 17; n++) {
      const hs = await hashesOf(n)
      const root = await merkleRoot(hs)
      for (let i = 0; i < n; i++) {
        const proof = await merkleProof(hs, i)
        for (let s = 0; s <= 2 * n + 2; s++) {
          if (s === n) continue
          const sameShape = s > i && JSON.stringify(sides(i, s)) === JSON.stringify(sides(i, n))
          expect(await verifyProof(hs[i]!, { ...proof, size: s }, root), `n=${n} i=${i} size ${s}`).toBe(sameShape)
          if (sameShape) accepted++
          else refused++
        }
      }
    }
    // Inherent in RFC 6962: the root commits to the leaves, the signed tree size pins the size.
    // Index 0 of three leaves, (0,1),2, reads the same as (0,1),(2,3) of four:
    expect(sides(0, 3)).toEqual(sides(0, 4))
    expect(refused).toBeGreaterThan(accepted)
  })

  it('malformed proofs are false, never a throw', async () => {
    const hs = await hashesOf(5)
    const root = await merkleRoot(hs)
    const proof = await merkleProof(hs, 2)
    const bad: unknown[] = [
      null,
      'proof',
      { ...proof, path: 'x' },
      { ...proof, path: [...proof.path.slice(0, -1), 'zz'] },
      { ...proof, path: [proof.path[0]!.toUpperCase(), ...proof.path.slice(1)] },
      { ...proof, index: -1 },
      { ...proof, index: 2.5 },
      { ...proof, index: Number.NaN },
      { ...proof, size: '5' },
      { ...proof, size: 2 },
      { ...proof, size: 0 },
    ]
    for (const p of bad) expect(await verifyProof(hs[2]!, p as MerkleProof, root), JSON.stringify(p)).toBe(false)
    expect(await verifyProof(hs[2]!.toUpperCase(), proof, root)).toBe(false)
    expect(await verifyProof(hs[2]!, proof, root.toUpperCase())).toBe(false)
    expect(await verifyProof(hs[2]!, proof, '')).toBe(false)
    expect(await verifyProof(hs[2]!, proof, root)).toBe(true)
  })

  it('property: random sizes and indexes, the root matches the reference, the proof verifies, and a random tampering fails', async () => {
    const tamper = fc.constantFrom('leaf', 'index', 'swap', 'flip', 'drop', 'extra', 'root')
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 700 }), fc.nat(), fc.nat(), tamper, async (n, seedIndex, seedOther, how) => {
        const hs = await hashesOf(n)
        const root = await merkleRoot(hs)
        expect(root).toBe(hex(refMth(leaves(n).map(L))))
        const i = seedIndex % n
        const proof = await merkleProof(hs, i)
        expect(await verifyProof(hs[i]!, proof, root)).toBe(true)
        const k = proof.path.length ? seedOther % proof.path.length : 0
        const j = n > 1 ? (i + 1 + (seedOther % (n - 1))) % n : i // another index
        let forged: [string, MerkleProof, string]
        switch (how) {
          case 'leaf':
            forged = [n > 1 ? hs[j]! : await leafHash('other'), proof, root]
            break
          case 'index':
            if (n === 1) return
            forged = [hs[i]!, { ...proof, index: j }, root]
            break
          case 'swap': {
            if (proof.path.length < 2) return
            const path = [...proof.path]
            const a = Math.min(k, path.length - 2)
            ;[path[a], path[a + 1]] = [path[a + 1]!, path[a]!]
            forged = [hs[i]!, { ...proof, path }, root]
            break
          }
          case 'flip':
            if (!proof.path.length) return
            forged = [hs[i]!, { ...proof, path: proof.path.map((p, x) => (x === k ? flipHex(p, seedOther % 64) : p)) }, root]
            break
          case 'drop':
            if (!proof.path.length) return
            forged = [hs[i]!, { ...proof, path: proof.path.filter((_, x) => x !== k) }, root]
            break
          case 'extra':
            forged = [hs[i]!, { ...proof, path: [...proof.path, root] }, root]
            break
          case 'root':
            forged = [hs[i]!, proof, flipHex(root, seedOther % 64)]
            break
        }
        expect(await verifyProof(...forged)).toBe(false)
      }),
      { numRuns: 120 },
    )
  })

  it('20,000 leaves: root and one proof, timed', async () => {
    const n = 20_000
    const t0 = performance.now()
    const hs = await hashesOf(n)
    const t1 = performance.now()
    const root = await merkleRoot(hs)
    const t2 = performance.now()
    const proof = await merkleProof(hs, 12_345)
    const t3 = performance.now()
    const tree = await merkleTree(hs)
    const t4 = performance.now()
    for (let i = 0; i < 1000; i++) proofFromTree(tree, (i * 7919) % n)
    const t5 = performance.now()
    console.log(
      `[merkle] 20,000 leaves: leaf hashes ${(t1 - t0).toFixed(0)} ms, root ${(t2 - t1).toFixed(0)} ms, one proof from scratch ${(t3 - t2).toFixed(0)} ms; ` +
        `tree once ${(t4 - t3).toFixed(0)} ms, then 1,000 proofs from it ${(t5 - t4).toFixed(1)} ms`,
    )
    expect(proofFromTree(tree, 12_345)).toEqual(proof)
    expect(root).toBe(hex(refMth(leaves(n).map(L))))
    expect(proof.path).toHaveLength(15)
    expect(await verifyProof(hs[12_345]!, proof, root)).toBe(true)
    expect(t2 - t1).toBeLessThan(5_000) // generous: the target is well under a second
  })
})

describe('canonical ballot leaf and receipt check', () => {
  const ballot = { pollId: 'p1', receipt: 'r1', voterId: 'v1', choice: 'agree', channel: 'app', version: 2, castAt: '2026-11-22T00:00:00.000Z' }

  it('is a fixed-order JSON array, byte for byte', () => {
    expect(canonicalBallotLeaf(ballot)).toBe('["gongyi-ballot/1","p1","r1","v1","agree","app",2,"2026-11-22T00:00:00.000Z"]')
    // quotes, backslashes and control characters escaped; Chinese text literal (UTF-8 when hashed)
    const odd = { ...ballot, voterId: 'a"b\\c', choice: '同意\n\u0001', channel: 'paper' }
    expect(canonicalBallotLeaf(odd)).toBe('["gongyi-ballot/1","p1","r1","a\\"b\\\\c","同意\\n\\u0001","paper",2,"2026-11-22T00:00:00.000Z"]')
    // a lone surrogate is escaped, not replaced, so two ballots cannot share its UTF-8 bytes
    expect(canonicalBallotLeaf({ ...ballot, choice: '\ud800' })).toContain('"\\ud800"')
  })

  it('refuses a version or time that would not serialise one way only', () => {
    expect(() => canonicalBallotLeaf({ ...ballot, version: Number.NaN })).toThrow(RangeError)
    expect(() => canonicalBallotLeaf({ ...ballot, version: 1.5 })).toThrow(RangeError)
    expect(() => canonicalBallotLeaf({ ...ballot, castAt: '2026-11-22T00:00:00Z' })).toThrow(RangeError)
    expect(() => canonicalBallotLeaf({ ...ballot, castAt: '2026-11-22 08:00:00+08' })).toThrow(RangeError)
  })

  it('property: distinct ballots give distinct leaves, and the leaf reads back to the ballot', () => {
    const arb = fc.record({
      pollId: fc.string(),
      receipt: fc.string(),
      voterId: fc.string({ unit: 'grapheme' }),
      choice: fc.string({ unit: 'binary' }),
      channel: fc.string(),
      version: fc.nat(),
      castAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    })
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const la = canonicalBallotLeaf(a)
        expect(JSON.parse(la)).toEqual(['gongyi-ballot/1', a.pollId, a.receipt, a.voterId, a.choice, a.channel, a.version, a.castAt])
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(la).not.toBe(canonicalBallotLeaf(b))
      }),
      { numRuns: 300 },
    )
  })

  it('verifyReceipt: the published leaf, its proof and the signed root', async () => {
    const leaf = canonicalBallotLeaf(ballot)
    const hashes = [await leafHash('x'), await leafHash(leaf), await leafHash('y')]
    const root = await merkleRoot(hashes)
    const proof = await merkleProof(hashes, 1)
    expect(await verifyReceipt({ leaf, proof, root })).toBe(true)
    expect(await verifyReceipt({ leaf, proof, root, treeSize: 3 })).toBe(true)
    // a different choice, a size the signed result does not name, another root
    expect(await verifyReceipt({ leaf: canonicalBallotLeaf({ ...ballot, choice: 'oppose' }), proof, root })).toBe(false)
    expect(await verifyReceipt({ leaf, proof, root, treeSize: 4 })).toBe(false)
    expect(await verifyReceipt({ leaf, proof, root: await merkleRoot(hashes.slice(0, 2)) })).toBe(false)
    // the leaf hash passed as if it were the leaf
    expect(await verifyReceipt({ leaf: hashes[1]!, proof, root })).toBe(false)
    expect(await verifyReceipt(null as never)).toBe(false)
    expect(await verifyReceipt({ leaf, proof: null as never, root })).toBe(false)
  })
})
