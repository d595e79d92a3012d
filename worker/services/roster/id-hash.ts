import { hmacHex } from '../../lib/crypto'
import type { ServiceCtx } from '../context'

/**
 * The keyed hash kept instead of an ID number (never stored in the clear), by the roll's import
 * and by a binding's check. Apart from import.ts so that a binding (in the lean Worker, issue 17:
 * its size limit) does not take the roll's validation with it.
 */
export const idHashOf = (ctx: Pick<ServiceCtx, 'config'>, idNumber: string) => hmacHex(ctx.config.ID_HASH_SECRET, `id:${idNumber}`)
