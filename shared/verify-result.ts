import { leafHash, verifyProof, type MerkleProof } from './merkle'

/**
 * What a voter's phone or the H5 result page checks without asking the server anything: the ballot
 * behind a receipt is one of the leaves of the tree whose root the signed result names.
 *
 * The other half, that the result document (with `ballots.merkleRoot` and `ballots.treeSize`) was
 * signed by the key published at /.well-known/jwks.json, is worker/lib/signing.ts verifyDocument.
 * It uses jose, which is not a dependency of this shared folder; the H5 result page can load
 * jose's browser build (the same WebCrypto-only code) and run the same compactVerify against the
 * JWKS, so a printed result's QR code can be checked offline.
 *
 * `leaf` is the canonical ballot line (shared/merkle.ts canonicalBallotLeaf) as published, `root`
 * the signed `ballots.merkleRoot`. Pass the signed `ballots.treeSize` as `treeSize` where it is at
 * hand: the root alone does not pin the size a proof claims (see verifyProof). False, never a
 * throw, for anything malformed.
 */
export async function verifyReceipt(input: { leaf: string; proof: MerkleProof; root: string; treeSize?: number }): Promise<boolean> {
  if (typeof input !== 'object' || input === null || typeof input.leaf !== 'string') return false
  if (input.treeSize !== undefined && input.proof?.size !== input.treeSize) return false
  return verifyProof(await leafHash(input.leaf), input.proof, input.root)
}
