import type { Context } from 'hono'
import type { Caller, HonoEnv, Services } from '../env'

/** What a domain verb receives: the per-request services, who acts, and the request id for the audit trail. */
export interface ServiceCtx extends Services {
  actor: Caller | null
  requestId: string
  clientIp: string
}

export function ctxOf(c: Context<HonoEnv>): ServiceCtx {
  const v = c.var
  return {
    config: v.config,
    db: v.db,
    clock: v.clock,
    sms: v.sms,
    wechat: v.wechat,
    oa: v.oa,
    actor: v.caller,
    requestId: v.requestId,
    clientIp: v.clientIp,
  }
}

/** The acting user, for verbs that only run behind an authenticated route. */
export function actorOf(ctx: ServiceCtx): Caller {
  if (!ctx.actor) throw new Error('domain verb called without an authenticated actor')
  return ctx.actor
}
