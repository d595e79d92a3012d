import { and, desc, eq, inArray } from 'drizzle-orm'
import { ballots, pollResults, polls } from '../../../drizzle/schema'
import { CommunitySettings } from '../../../shared/community'
import { centiWhereExact } from '../../../shared/decimal'
import { leafHash, merkleTree, proofFromTree, type MerkleTree } from '../../../shared/merkle'
import { parseShortReceipt } from '../../../shared/receipt'
import { noResult } from '../results/close'
import { ballotLeaf } from '../results/leaf'
import { AppError } from '../../lib/errors'
import { actorOf, type ServiceCtx } from '../context'
import { castableVoters } from './eligibility'
import { resolveReceipt } from './receipt'
import { countsAmong } from './standing'
import { presentBallot } from './cast'

/** Every ballot version cast for the voters this user owns, paper entries included (so an owner can dispute one); for a proxy, its own. */
export async function myBallots(ctx: ServiceCtx, pollId: string, communityId: string) {
  const actor = actorOf(ctx)
  const voters = await castableVoters(ctx.db, pollId, communityId, actor.userId)
  const rows = voters.length
    ? await ctx.db
        .select()
        .from(ballots)
        .where(and(eq(ballots.pollId, pollId), inArray(ballots.voterId, voters.map((v) => v.voterId))))
        .orderBy(desc(ballots.version))
    : []
  // a voter may have a standing ballot of each kind (app and paper); the community's rule, frozen
  // with the poll, says which one counts (standing.ts), and the owner is told which
  const [poll] = await ctx.db.select({ settings: polls.settings }).from(polls).where(eq(polls.id, pollId))
  const prefer = CommunitySettings.parse(poll?.settings ?? {}).paperVsElectronic
  return {
    voters: voters.map((v) => ({
      voterId: v.voterId,
      unitLabels: v.unitLabels,
      area: v.area,
      areaE4: v.areaE4,
      ...centiWhereExact(v.areaE4),
      via: v.via,
      // a proxy sees the ballots it cast, never the owner's own (secret ballot: only the voter sees their choice)
      ballots: rows
        .filter((b) => b.voterId === v.voterId && (v.via === 'owner' || b.castByUserId === actor.userId))
        // a proxy is not told which of the owner's ballots counts: that would say the owner also
        // voted (on paper, say). For them `counts` is whether their ballot still stands
        .map((b) => ({ ...presentBallot(b), current: b.current, counts: v.via === 'owner' ? countsAmong(b, rows, prefer) : b.current, kind: b.kind, disputed: b.disputedAt !== null })),
    })),
  }
}

/**
 * The inclusion proof for a receipt, against the published root. The receipt is the bearer's
 * secret: the long one, or the short code people copy onto paper and the chat-bot gives (50 random
 * bits, see shared/receipt.ts), answered with the long receipt it stands for.
 *
 * Each ballot's proof has exactly two addresses, the long receipt as issued and the short code as
 * printed ("K7QFM-2XD9A"): the answer is cached as immutable by its path, and a lenient reading
 * (any case, spaces, look-alike letters) would let one code fill the cache under endless
 * spellings. A person's typing is read leniently by the H5 result page instead. Before the result
 * is published nothing is looked up, so the endpoint never says whether a code exists.
 */
export async function proofFor(ctx: ServiceCtx, pollId: string, typed: string) {
  const [r] = await ctx.db.select().from(pollResults).where(eq(pollResults.pollId, pollId))
  if (!r) throw await noResult(ctx.db, pollId)
  const short = parseShortReceipt(typed)
  if (short && short.short !== typed) {
    throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'receipt', code: 'short_receipt_form', message: `短回执号请按票上的写法填写：${short.short}` }] })
  }
  const receipt = short ? await resolveReceipt(ctx, pollId, typed) : typed
  if (!receipt) throw new AppError('RECEIPT_NOT_FOUND')
  const [b] = await ctx.db.select().from(ballots).where(and(eq(ballots.pollId, pollId), eq(ballots.receipt, receipt)))
  if (!b) throw new AppError('RECEIPT_NOT_FOUND')
  const leaf = ballotLeaf(pollId, b)
  const hash = await leafHash(leaf)
  const index = r.leaves.indexOf(hash)
  if (index < 0) return { receipt, standing: false, leaf: null, leafHash: null, proof: null, merkleRoot: r.merkleRoot }
  return { receipt, standing: true, leaf, leafHash: hash, proof: proofFromTree(await treeOf(pollId, r.merkleRoot, r.leaves), index), merkleRoot: r.merkleRoot }
}

/**
 * The proof endpoint is public: building a 20,000-leaf tree per request would let anyone spend half
 * a second of CPU per call. A published result never changes (a trigger refuses it), so the built
 * tree is kept per isolate for the last few polls asked about, keyed by poll and root.
 */
const TREES_KEPT = 8
const trees = new Map<string, Promise<MerkleTree>>()
function treeOf(pollId: string, root: string, leaves: string[]) {
  const key = `${pollId}:${root}`
  let tree = trees.get(key)
  if (tree) trees.delete(key) // re-inserted below: the map's order is the recency order
  else tree = merkleTree(leaves)
  trees.set(key, tree)
  tree.catch(() => trees.delete(key))
  while (trees.size > TREES_KEPT) trees.delete(trees.keys().next().value!)
  return tree
}
