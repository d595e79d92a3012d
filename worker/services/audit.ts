import { auditLog } from '../../drizzle/schema'
import type { Db } from '../db/types'
import type { ServiceCtx } from './context'

export interface AuditEntry {
  communityId: string | null
  action: string
  subjectType: string
  subjectId: string
  /** ids, counts and codes only: never names, phones or ID numbers */
  details?: Record<string, unknown>
}

/** Appends to the audit log; call it with the transaction that makes the change. */
export async function recordAudit(tx: Db, ctx: Pick<ServiceCtx, 'actor' | 'requestId'>, entry: AuditEntry) {
  await tx.insert(auditLog).values({
    communityId: entry.communityId,
    actorUserId: ctx.actor?.userId ?? null,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    details: entry.details ?? null,
    requestId: ctx.requestId,
  })
}
