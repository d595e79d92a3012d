import { oaFollowers } from '../../../drizzle/schema'
import type { ServiceCtx } from '../context'

/**
 * Links this official-account follower to an account (网页授权 on the link page or at sign-in, or a
 * one-time code sent as 绑定). Its own module: the sign-in pages of the lean Worker use it without
 * the chat-bot.
 */
export async function linkOpenid(ctx: Pick<ServiceCtx, 'db' | 'clock'>, openid: string, userId: string) {
  const now = ctx.clock.now()
  await ctx.db
    .insert(oaFollowers)
    .values({ openid, userId, linkedAt: now })
    .onConflictDoUpdate({ target: oaFollowers.openid, set: { userId, linkedAt: now, pendingVote: null } })
}
