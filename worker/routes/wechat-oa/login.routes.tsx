import type { Context } from 'hono'
import { eq } from 'drizzle-orm'
import * as z from 'zod'
import { oaFollowers } from '../../../drizzle/schema'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route } from '../../lib/route'
import { LoginPage } from '../../pages/login'
import { startSession } from '../../services/auth/sessions'
import { ctxOf } from '../../services/context'
import { safeNext } from '../h5/kit'
import { setSessionCookies } from '../h5/session'
import { WECHAT_LOGIN_PATH } from './login-path'
import { rememberUnlinkedWeChat, returnedStateIsOurs } from './oauth'

/**
 * Signing in inside WeChat without a code. An owner who linked this WeChat to their account by
 * 网页授权 (/h5/wechat/link opened in WeChat, or the box at an SMS sign-in there) taps a reminder in
 * the official account and lands on the poll signed in: WeChat vouches for the reader's openid
 * (exchanged server-side), and the link says whose account it is, as firmly as the SMS code that
 * made it.
 * Many owners are elderly: a code typed on every visit is where they give up.
 */
export const oaLoginRoutes = [
  route({
    method: 'get',
    path: WECHAT_LOGIN_PATH,
    summary: '微信内免验证码登录：网页授权返回，已绑定公众号的账号直接登录',
    tags: ['公众号'],
    access: access.public,
    query: z.object({ code: z.string().max(128).optional(), state: z.string().max(64).optional(), next: z.string().max(300).optional() }),
    responses: { 200: { description: '未绑定或授权失效：短信验证码登录页', contentType: 'text/html' }, 303: { description: '已登录，转到 next' } },
    handler: async (c: Context<HonoEnv>, { query }) => {
      const next = safeNext(query.next)
      const smsPage = (notice: string, status: 200 | 400 = 200) => c.html(<LoginPage next={next} notice={notice} />, status)
      const ctx = ctxOf(c)
      if (!query.code || !returnedStateIsOurs(c, WECHAT_LOGIN_PATH, query.state) || !ctx.oa) return smsPage('微信授权已失效，请用手机号验证码登录。', 400)
      let openid: string
      try {
        openid = await ctx.oa.openidFromOAuthCode(query.code)
      } catch (e) {
        // WeChat refused the code (used, expired) or could not be reached: the SMS form still works
        if (!(e instanceof AppError)) throw e
        return smsPage('微信授权没有成功，请用手机号验证码登录。', 400)
      }
      const [f] = await ctx.db.select({ userId: oaFollowers.userId, linkedVia: oaFollowers.linkedVia }).from(oaFollowers).where(eq(oaFollowers.openid, openid))
      // a link made by an eight-digit code sent in chat is good for voting by chat, not for a whole
      // session: a code can be guessed from many WeChat accounts. Such a WeChat signs in by SMS
      // once more, and the box there links it by 网页授权
      if (!f?.userId || (f.linkedVia !== 'link_page' && f.linkedVia !== 'sign_in')) {
        rememberUnlinkedWeChat(c, openid)
        return smsPage('这个微信还没有绑定共议账号。请用手机号验证码登录，登录时可以同时绑定本微信，以后在微信里打开就不用再输验证码。')
      }
      setSessionCookies(c, await startSession(ctx, f.userId))
      return c.redirect(next, 303)
    },
  }),
]
