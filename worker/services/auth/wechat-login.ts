import { count, eq } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { normalizePhone } from '../../../shared/phone'
import { bindings, notificationOutbox, proxies, refreshTokens, roleGrants, users } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { limitKeyOf } from '../../lib/client-ip'
import { AppError } from '../../lib/errors'
import { recordAudit } from '../audit'
import { actorOf, type ServiceCtx } from '../context'
import { consume } from './rate-limit'
import { startSession } from './sessions'

function wechatOf(ctx: ServiceCtx) {
  if (!ctx.wechat) throw new AppError('WECHAT_UNAVAILABLE', { reason: 'not_configured' })
  return ctx.wechat
}

/** Mini-program sign-in: code2Session gives the openid; the first sign-in creates the account. */
/** Sign-ins per IP per minute: codes are single-use, but each attempt costs a call to WeChat. */
export const WECHAT_LOGINS_PER_IP_PER_MINUTE = 30

export async function loginWithWeChat(ctx: ServiceCtx, code: string) {
  const client = wechatOf(ctx)
  await consume({ db: ctx.db, clock: ctx.clock, secret: ctx.config.ID_HASH_SECRET }, `wechat-login:ip:${limitKeyOf(ctx.clientIp)}`, WECHAT_LOGINS_PER_IP_PER_MINUTE, 60)
  const { openid, unionid } = await client.code2Session(code)
  const userId = await withTransaction(ctx.db, async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.wechatOpenid, openid))
    if (existing) return existing.id
    const id = nanoid()
    await tx.insert(users).values({ id, wechatOpenid: openid, wechatUnionid: unionid ?? null })
    return id
  })
  return startSession(ctx, userId)
}

/**
 * Attaches the phone WeChat vouches for (getuserphonenumber) to the signed-in account. If an
 * account already has that phone (the owner signed in by SMS on the H5 page first) and this
 * WeChat account is still empty, the two become one: the phone account takes the openid.
 */
export async function attachWeChatPhone(ctx: ServiceCtx, code: string) {
  const actor = actorOf(ctx)
  const info = await wechatOf(ctx).getPhoneNumber(code)
  const phone = normalizePhone(info.purePhoneNumber)
  if (!phone || info.countryCode !== '86') throw new AppError('PHONE_INVALID')
  const userId = await withTransaction(ctx.db, async (tx) => {
    const [me] = await tx.select().from(users).where(eq(users.id, actor.userId))
    if (!me) throw new AppError('TOKEN_INVALID')
    if (me.phone === phone) return me.id
    const [other] = await tx.select().from(users).where(eq(users.phone, phone))
    if (!other) {
      await tx.update(users).set({ phone }).where(eq(users.id, me.id))
      await recordAudit(tx, ctx, { communityId: null, action: 'account.phone_attached', subjectType: 'user', subjectId: me.id })
      return me.id
    }
    const [{ n: myBindings } = { n: 0 }] = await tx.select({ n: count() }).from(bindings).where(eq(bindings.userId, me.id))
    const [{ n: myGrants } = { n: 0 }] = await tx.select({ n: count() }).from(roleGrants).where(eq(roleGrants.userId, me.id))
    if (!me.phone && (myBindings > 0 || myGrants > 0) && other.placeholder && !other.wechatOpenid) {
      // The phone's account was made when an owner named it as proxy, and nobody has signed in to
      // it (users.placeholder): this account, which has its own flats or roles, has now shown it
      // holds the phone. It takes that account's proxies and messages, and the placeholder goes,
      // so that naming someone's phone cannot keep them from adding it to their own account.
      const [{ n: itsGrants } = { n: 0 }] = await tx.select({ n: count() }).from(roleGrants).where(eq(roleGrants.userId, other.id))
      if (itsGrants === 0) {
        await tx.update(proxies).set({ proxyUserId: me.id }).where(eq(proxies.proxyUserId, other.id))
        await tx.update(notificationOutbox).set({ userId: me.id }).where(eq(notificationOutbox.userId, other.id))
        await tx.delete(users).where(eq(users.id, other.id))
        await tx.update(users).set({ phone }).where(eq(users.id, me.id))
        await recordAudit(tx, ctx, { communityId: null, action: 'account.merged', subjectType: 'user', subjectId: me.id, details: { from: other.id, placeholder: true } })
        return me.id
      }
    }
    if (other.wechatOpenid || me.phone || myBindings > 0 || myGrants > 0) throw new AppError('CONFLICT', { reason: 'phone_in_use' })
    await tx.delete(refreshTokens).where(eq(refreshTokens.userId, me.id))
    await tx.delete(users).where(eq(users.id, me.id))
    // WeChat vouches for the phone: the account is its holder's now, no placeholder
    await tx.update(users).set({ wechatOpenid: me.wechatOpenid, wechatUnionid: me.wechatUnionid, placeholder: false }).where(eq(users.id, other.id))
    await recordAudit(tx, ctx, { communityId: null, action: 'account.merged', subjectType: 'user', subjectId: other.id, details: { from: me.id } })
    return other.id
  })
  return startSession(ctx, userId)
}
