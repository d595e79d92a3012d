import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalBallotLeaf, leafHash, merkleProof, merkleRoot, verifyProof, verifyReceipt } from '../../shared/merkle'

// An independent RFC 6962 §2.1 reference, recursive as the RFC writes it, on node:crypto.
const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest()
const refLeaf = (s: string) => h(Buffer.from([0]), Buffer.from(s, 'utf8'))
function refMth(d: Buffer[]): Buffer {
  if (d.length === 0) return h()
  if (d.length === 1) return d[0]!
  let k = 1
  while (k * 2 < d.length) k *= 2
  return h(Buffer.from([1]), refMth(d.slice(0, k)), refMth(d.slice(k)))
}
const leaves = (n: number) => Array.from({ length: n }, (_, i) => `leaf-${i}`)

describe('Merkle tree (RFC 6962)', () => {
  it('leaf hash and roots match the reference for sizes 0..17', async () => {
    expect(await leafHash('abc')).toBe(refLeaf('abc').toString('hex'))
    for (let n = 0; n <= 17; n++) {
      const ls = leaves(n)
      const ours = await merkleRoot(await Promise.all(ls.map(leafHash)))
      expect(ours, `size ${n}`).toBe(refMth(ls.map(refLeaf)).toString('hex'))
    }
    // the empty tree is SHA-256 of nothing
    expect(await merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('every proof of every tree up to 17 leaves verifies; tampering of any kind fails', async () => {
    for (let n = 1; n <= 17; n++) {
      const hashes = await Promise.all(leaves(n).map(leafHash))
      const root = await merkleRoot(hashes)
      for (let i = 0; i < n; i++) {
        const proof = await merkleProof(hashes, i)
        expect(await verifyProof(hashes[i]!, proof, root), `n=${n} i=${i}`).toBe(true)
        if (n > 1) {
          expect(await verifyProof(hashes[(i + 1) % n]!, proof, root)).toBe(false)
          expect(await verifyProof(hashes[i]!, { ...proof, index: (i + 1) % n }, root)).toBe(false)
          // (a claimed larger size can verify a left-subtree proof: RFC 9162 binds the size through
          // the signed tree head, here the signed result's ballot count; an impossible size fails)
          expect(await verifyProof(hashes[i]!, { ...proof, size: i }, root)).toBe(false)
          expect(await verifyProof(hashes[i]!, { ...proof, path: proof.path.slice(1) }, root)).toBe(false)
          if (proof.path.length > 1) expect(await verifyProof(hashes[i]!, { ...proof, path: [...proof.path].reverse() }, root)).toBe(false)
        }
        expect(await verifyProof(hashes[i]!, proof, '0'.repeat(64))).toBe(false)
      }
    }
  })

  it('property: random trees and indexes verify, and a different leaf does not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.string(), async (n, seed, other) => {
        const ls = leaves(n)
        const hashes = await Promise.all(ls.map(leafHash))
        const root = await merkleRoot(hashes)
        const i = seed % n
        const proof = await merkleProof(hashes, i)
        expect(await verifyProof(hashes[i]!, proof, root)).toBe(true)
        if (!ls.includes(other)) expect(await verifyProof(await leafHash(other), proof, root)).toBe(false)
      }),
      { numRuns: 60 },
    )
  })

  it('a receipt check from the canonical ballot leaf', async () => {
    const ballot = { pollId: 'p1', receipt: 'r1', voterId: 'v1', choice: 'agree', channel: 'app', version: 2, castAt: '2026-11-22T00:00:00.000Z' }
    const leaf = canonicalBallotLeaf(ballot)
    expect(JSON.parse(leaf)).toEqual(['gongyi-ballot/1', 'p1', 'r1', 'v1', 'agree', 'app', 2, '2026-11-22T00:00:00.000Z'])
    const hashes = [await leafHash('x'), await leafHash(leaf), await leafHash('y')]
    const root = await merkleRoot(hashes)
    expect(await verifyReceipt({ leaf, proof: await merkleProof(hashes, 1), root })).toBe(true)
    expect(await verifyReceipt({ leaf: canonicalBallotLeaf({ ...ballot, choice: 'oppose' }), proof: await merkleProof(hashes, 1), root })).toBe(false)
  })

  it('20,000 leaves: root in well under a second', async () => {
    const hashes = await Promise.all(leaves(20_000).map(leafHash))
    const t = performance.now()
    const root = await merkleRoot(hashes)
    const ms = performance.now() - t
    console.log(`[merkle] 20,000-leaf root: ${ms.toFixed(0)} ms`)
    expect(root).toBe(refMth(leaves(20_000).map(refLeaf)).toString('hex'))
    expect(ms).toBeLessThan(5000)
  })
})

