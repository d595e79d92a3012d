import { eq } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import type * as z from 'zod'
import type { CreateContractBody, CreateFirmBody } from '../../../shared/api/communities'
import { isValidUscc, normalizeUscc } from '../../../shared/uscc'
import { firmContracts, firms } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import type { ServiceCtx } from '../context'

export async function createFirm(ctx: ServiceCtx, input: z.infer<typeof CreateFirmBody>) {
  const uscc = normalizeUscc(input.uscc)
  if (!isValidUscc(uscc)) throw new AppError('USCC_INVALID')
  return withTransaction(ctx.db, async (tx) => {
    const [dup] = await tx.select({ id: firms.id }).from(firms).where(eq(firms.uscc, uscc))
    if (dup) throw new AppError('CONFLICT', { reason: 'uscc_exists', firmId: dup.id })
    const [f] = await tx.insert(firms).values({ id: nanoid(), name: input.name, uscc }).returning()
    await recordAudit(tx, ctx, { communityId: null, action: 'firm.created', subjectType: 'firm', subjectId: f!.id })
    return { id: f!.id, name: f!.name, uscc: f!.uscc }
  })
}

export async function listFirms(ctx: ServiceCtx) {
  const rows = await ctx.db.select().from(firms).orderBy(firms.name)
  return rows.map((f) => ({ id: f.id, name: f.name, uscc: f.uscc }))
}

/** A service contract: from its start date the firm's staff act for the firm in this community. */
export async function createContract(ctx: ServiceCtx, communityId: string, input: z.infer<typeof CreateContractBody>) {
  return withTransaction(ctx.db, async (tx) => {
    const [f] = await tx.select({ id: firms.id }).from(firms).where(eq(firms.id, input.firmId))
    if (!f) throw new AppError('NOT_FOUND', { resource: 'firm' })
    const [k] = await tx
      .insert(firmContracts)
      .values({ id: nanoid(), firmId: input.firmId, communityId, startsOn: input.startsOn, endsOn: input.endsOn ?? null, serviceGrade: input.serviceGrade ?? null })
      .returning()
    await recordAudit(tx, ctx, { communityId, action: 'firm.contract_recorded', subjectType: 'firm_contract', subjectId: k!.id, details: { firmId: input.firmId } })
    return { id: k!.id, firmId: k!.firmId, communityId: k!.communityId, startsOn: k!.startsOn, endsOn: k!.endsOn, serviceGrade: k!.serviceGrade }
  })
}
