import { oaFollowers } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { recordAudit } from '../audit'
import type { ServiceCtx } from '../context'

/**
 * Links this official-account follower to an account (网页授权 on the link page or at sign-in, or a
 * one-time code sent as 绑定). A linked WeChat signs in without a code and votes by chat, so the
 * link is on the audit log (the account, how it was linked; not the openid). Its own module: the
 * sign-in pages of the lean Worker use it without the chat-bot.
 */
export async function linkOpenid(ctx: Pick<ServiceCtx, 'db' | 'clock' | 'actor' | 'requestId'>, openid: string, userId: string, via: 'link_page' | 'sign_in' | 'chat_code') {
  const now = ctx.clock.now()
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .insert(oaFollowers)
      .values({ openid, userId, linkedAt: now, linkedVia: via })
      .onConflictDoUpdate({ target: oaFollowers.openid, set: { userId, linkedAt: now, linkedVia: via, pendingVote: null } })
    await recordAudit(tx, ctx, { communityId: null, action: 'oa.linked', subjectType: 'user', subjectId: userId, details: { via } })
  })
}
