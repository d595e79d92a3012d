import type { Context } from 'hono'
import type { Caller, HonoEnv, Services } from '../env'

/** What a domain verb receives: the per-request services, who acts, and the request id for the audit trail. */
export interface ServiceCtx extends Services {
  actor: Caller | null
  requestId: string
  clientIp: string
}

export function ctxOf(c: Context<HonoEnv>): ServiceCtx {
  // c.get, not c.var: Hono's `var` copies every variable into a new object on each read
  return {
    config: c.get('config'),
    db: c.get('db'),
    clock: c.get('clock'),
    sms: c.get('sms'),
    wechat: c.get('wechat'),
    oa: c.get('oa'),
    actor: c.get('caller'),
    requestId: c.get('requestId'),
    clientIp: c.get('clientIp'),
  }
}

/** The acting user, for verbs that only run behind an authenticated route. */
export function actorOf(ctx: ServiceCtx): Caller {
  if (!ctx.actor) throw new Error('domain verb called without an authenticated actor')
  return ctx.actor
}
