/**
 * A statement's own pages: its lines, versions and differences, the owners' objections (posted here
 * within the display period), and its download as a table. Apart from the board and the quarter's
 * accounts (./h5.routes.tsx), so spreadsheets and the objection workflow stay out of the lean Worker.
 */
import type { Context } from 'hono'
import * as z from 'zod'
import type { HonoEnv } from '../../env'
import { tableDownload, XLSX_TYPE } from '../../lib/download'
import { AppError } from '../../lib/errors'
import { access, route, type AnyRoute } from '../../lib/route'
import { StatementPage } from '../../pages/accounts'
import { ctxOf } from '../../services/context'
import { statementSheets, statementTable } from '../../services/disclosure/export'
import { listObjections, postObjection } from '../../services/disclosure/objections'
import { statementCommunity, statementDetail } from '../../services/disclosure/statements'
import { accountsScope } from './h5.routes'
import { FORM, getPage, messageOf, page, readForm, tags } from './kit'
import { assertSameOrigin } from './session'

const SidParams = z.object({ sid: z.string().min(1).max(40) })

async function renderStatement(c: Context<HonoEnv>, sid: string, error: string | null = null) {
  const ctx = ctxOf(c)
  const communityId = await statementCommunity(ctx, sid)
  const { roles } = await accountsScope(c, communityId)
  return c.html(
    <StatementPage
      statement={await statementDetail(ctx, sid)}
      communityId={communityId!}
      objections={await listObjections(ctx, sid)}
      canObject={roles.has('owner')}
      error={error}
      signedIn
    />,
    error ? 422 : 200,
  )
}

export const h5StatementRoutes: AnyRoute[] = [
  ...(['csv', 'xlsx'] as const).map((kind) =>
    route({
      method: 'get',
      path: `/h5/statements/:sid/export.${kind}`,
      summary: `网页下载报表（${kind.toUpperCase()}，本小区）`,
      tags,
      access: access.public,
      params: SidParams,
      responses: { 200: { description: kind.toUpperCase(), contentType: kind === 'csv' ? 'text/csv' : XLSX_TYPE } },
      handler: page(async (c) => {
        const sid = c.req.param('sid')!
        await accountsScope(c, await statementCommunity(ctxOf(c), sid))
        const t = await statementTable(ctxOf(c), sid)
        return tableDownload(c, kind, t.fileName, statementSheets(t, kind))
      }),
    }),
  ),
  getPage('/h5/statements/:sid', '报表明细页：各行、全部版本与差异、异议与答复；业主可在公示期内提出异议', SidParams, async (c) => renderStatement(c, c.req.param('sid')!)),
  route({
    method: 'post',
    path: '/h5/statements/:sid/objections',
    summary: '网页提出异议（业主，公示期内）',
    tags,
    access: access.public,
    params: SidParams,
    upload: { contentTypes: [FORM], description: 'line（可选，行号）, body' },
    responses: { 303: { description: '回到报表页' }, 422: { description: '未能提出（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const sid = c.req.param('sid')!
      await accountsScope(c, await statementCommunity(ctxOf(c), sid))
      const parsed = z
        .object({ line: z.union([z.literal(''), z.coerce.number().int().min(1).max(2000)]).optional(), body: z.string().trim().min(5).max(2000) })
        .safeParse(await readForm(c))
      if (!parsed.success) return renderStatement(c, sid, '异议内容须为5至2000字，行号须为正整数。')
      try {
        const line = parsed.data.line === '' || parsed.data.line === undefined ? undefined : parsed.data.line
        await postObjection(ctxOf(c), sid, { line, body: parsed.data.body })
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return renderStatement(c, sid, messageOf(e))
      }
      return c.redirect(`/h5/statements/${sid}#objections`, 303)
    }),
  }),
]
