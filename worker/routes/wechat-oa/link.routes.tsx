import type { Context } from 'hono'
import * as z from 'zod'
import { oaLinkCodes } from '../../../drizzle/schema'
import type { HonoEnv } from '../../env'
import { randomDigits } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import { access, route } from '../../lib/route'
import { Page } from '../../pages/layout'
import { ErrorPage } from '../../pages/parts'
import { LINK_CODE_MS, linkCodeDigest } from '../../services/chatbot/commands'
import { linkOpenid } from '../../services/chatbot/link'
import { ctxOf } from '../../services/context'
import { h5Caller } from '../h5/session'
import { canAuthorizeInWeChat, redirectToWeChatAuthorize, returnedStateIsOurs } from './oauth'

const PATH = '/h5/wechat/link'

function LinkPage(props: { title: string; children: any }) {
  return (
    <Page title={props.title}>
      <h1>{props.title}</h1>
      {props.children}
    </Page>
  )
}

/**
 * Links the official account to the account signed in here. Inside WeChat the page learns the
 * reader's openid silently by 网页授权 (snsapi_base, wechat.md), with `state` bound to a cookie;
 * elsewhere it shows a one-time code to send as `绑定 <code>`.
 */
export const oaLinkRoutes = [
  route({
    method: 'get',
    path: PATH,
    summary: '绑定公众号：微信内静默网页授权取得 openid；微信外显示一次性绑定码',
    tags: ['公众号'],
    access: access.public,
    query: z.object({ code: z.string().max(128).optional(), state: z.string().max(64).optional() }),
    responses: { 200: { description: 'HTML', contentType: 'text/html' }, 302: { description: '转到微信网页授权' }, 303: { description: '先登录' } },
    handler: async (c: Context<HonoEnv>, { query }) => {
      const caller = await h5Caller(c)
      if (!caller) return c.redirect(`/h5/login?next=${encodeURIComponent(PATH)}`, 303)
      const ctx = ctxOf(c)
      if (query.code) {
        if (!returnedStateIsOurs(c, PATH, query.state) || !ctx.oa) {
          return c.html(<ErrorPage status={400} code="FORBIDDEN" message="授权已失效，请从公众号重新打开绑定链接。" />, 400)
        }
        try {
          await linkOpenid(ctx, await ctx.oa.openidFromOAuthCode(query.code), caller.userId, 'link_page')
        } catch (e) {
          if (!(e instanceof AppError)) throw e
          return c.html(<ErrorPage status={e.status} code={e.code} message={e.message} />, e.status as 400)
        }
        return c.html(
          <LinkPage title="绑定成功">
            <p>本微信已绑定您的共议账号。回到公众号回复“议题”即可查看和投票。</p>
          </LinkPage>,
        )
      }
      if (ctx.oa && canAuthorizeInWeChat(c)) return redirectToWeChatAuthorize(c, PATH)
      // eight digits: a code is tried against every live one, from as many WeChat accounts as an
      // attacker holds (ten tries an hour each); a WeChat linked this way votes by chat as the owner
      const code = randomDigits(8)
      await ctx.db.insert(oaLinkCodes).values({ codeHash: await linkCodeDigest(ctx, code), userId: caller.userId, expiresAt: new Date(ctx.clock.now().getTime() + LINK_CODE_MS) })
      return c.html(
        <LinkPage title="绑定公众号">
          <p>请在公众号对话框回复：</p>
          <p class="code">
            <strong>绑定 {code}</strong>
          </p>
          <p class="meta">绑定码10分钟内有效，只能使用一次。</p>
        </LinkPage>,
      )
    },
  }),
]
