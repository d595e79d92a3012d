import { eq } from 'drizzle-orm'
import { pollResults } from '../../../drizzle/schema'
import { verifyReceipt } from '../../../shared/verify-result'
import { AppError } from '../../lib/errors'
import { canonicalJson, verifyDocument } from '../../lib/signing'
import { proofFor } from '../ballots/read'
import type { ServiceCtx } from '../context'
import { publicJwks } from './keys'
import { publishIfDue } from './close'

export type SignatureCheck = { valid: true; kid: string } | { valid: false; reason: string }
export type ReceiptCheck =
  | { receipt: string; outcome: 'counted'; treeSize: number }
  | { receipt: string; outcome: 'superseded' | 'not_found' | 'invalid_proof' }

/**
 * A published result as the H5 page shows it: the document that was *signed* (not the stored
 * copy), checked against the keys published at /.well-known/jwks.json. A stored copy that differs
 * from what was signed is reported as a failed check, never shown as the result.
 */
export async function checkedResult(ctx: ServiceCtx, pollId: string): Promise<{ document: Record<string, unknown>; signature: SignatureCheck }> {
  await publishIfDue(ctx, pollId)
  const [r] = await ctx.db.select().from(pollResults).where(eq(pollResults.pollId, pollId))
  if (!r) throw new AppError('RESULT_NOT_PUBLISHED')
  try {
    const { payload, kid } = await verifyDocument(r.jws, await publicJwks(ctx.config))
    if (canonicalJson(payload) !== canonicalJson(r.document)) return { document: payload, signature: { valid: false, reason: '保存的结果与签名的内容不一致' } }
    return { document: payload, signature: { valid: true, kid } }
  } catch {
    return { document: r.document as Record<string, unknown>, signature: { valid: false, reason: '签名与公布的公钥不符' } }
  }
}

/** A receipt against the signed root: the same check a phone can run offline (shared/verify-result.ts). */
export async function checkReceipt(ctx: ServiceCtx, pollId: string, receipt: string, signed: Record<string, unknown>): Promise<ReceiptCheck> {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(receipt)) return { receipt, outcome: 'not_found' }
  let proof: Awaited<ReturnType<typeof proofFor>>
  try {
    proof = await proofFor(ctx, pollId, receipt)
  } catch (e) {
    if (e instanceof AppError && e.code === 'RECEIPT_NOT_FOUND') return { receipt, outcome: 'not_found' }
    throw e
  }
  if (!proof.standing) return { receipt, outcome: 'superseded' }
  const ballots = signed.ballots as { merkleRoot?: string; treeSize?: number } | undefined
  const ok = await verifyReceipt({ leaf: proof.leaf!, proof: proof.proof!, root: String(ballots?.merkleRoot ?? ''), treeSize: ballots?.treeSize })
  return ok ? { receipt, outcome: 'counted', treeSize: ballots!.treeSize! } : { receipt, outcome: 'invalid_proof' }
}
