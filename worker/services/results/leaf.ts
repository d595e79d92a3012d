import { canonicalBallotLeaf } from '../../../shared/merkle'

/**
 * The Merkle leaf of a ballot. An election ballot's choice field carries its marks
 * ("marked:<id>+<id>", in the order cast), so the commitment covers what was marked.
 */
export function ballotLeaf(pollId: string, b: { receipt: string; voterId: string; choice: string; marks: string[] | null; channel: string; version: number; castAt: Date }) {
  const choice = b.choice === 'marked' ? `marked:${(b.marks ?? []).join('+')}` : b.choice
  return canonicalBallotLeaf({ pollId, receipt: b.receipt, voterId: b.voterId, choice, channel: b.channel, version: b.version, castAt: b.castAt.toISOString() })
}
