import { eq } from 'drizzle-orm'
import { oaFollowers } from '../../../drizzle/schema'
import type { ServiceCtx } from '../context'
import { noticeRowByCode } from '../notices/notices'
import { runCommand } from './commands'
import { fitReply } from './replies'

/** Scenes we put in official-account QR codes (qrcode/create, scene_str ≤ 64): `n:<notice code>`. */
export const noticeScene = (code: string) => `n:${code}`

const WELCOME = '欢迎关注共议！在这里可以查看小区的议题和公示，并直接投票。\n第一步：回复“绑定”，按提示登录并绑定业主身份。\n回复“帮助”查看全部指令。'

async function sceneReply(ctx: ServiceCtx, scene: string): Promise<string | null> {
  const m = /^n:([a-z0-9]{4,16})$/.exec(scene)
  if (!m) return null
  const notice = await noticeRowByCode(ctx, m[1]!).catch(() => null)
  if (!notice) return null
  const link = `${ctx.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/n/${notice.code}`
  return fitReply(`《${notice.title}》\n${notice.body.slice(0, 300)}${notice.body.length > 300 ? '……' : ''}`, link)
}

/** subscribe (with a scene when it came from a QR code), SCAN, unsubscribe, and menu clicks. */
export async function onEvent(ctx: ServiceCtx, openid: string, m: Record<string, string>): Promise<string | null> {
  const now = ctx.clock.now()
  switch (m.Event) {
    case 'subscribe': {
      await ctx.db.update(oaFollowers).set({ subscribed: true, subscribedAt: now, unsubscribedAt: null }).where(eq(oaFollowers.openid, openid))
      const key = m.EventKey ?? ''
      const scene = key.startsWith('qrscene_') ? await sceneReply(ctx, key.slice('qrscene_'.length)) : null
      return scene ? `${WELCOME}\n\n您扫描的公告：\n${scene}` : WELCOME
    }
    case 'SCAN':
      return (await sceneReply(ctx, m.EventKey ?? '')) ?? WELCOME
    case 'unsubscribe':
      // nobody reads an answer to an unsubscribe; no further messages go to this follower
      await ctx.db.update(oaFollowers).set({ subscribed: false, unsubscribedAt: now, pendingVote: null }).where(eq(oaFollowers.openid, openid))
      return null
    case 'CLICK':
      // a menu button carries a command as its key
      return runCommand(ctx, openid, m.EventKey ?? '', null)
    default:
      return null
  }
}
