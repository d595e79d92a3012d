import type { Context } from 'hono'
import { CidParams } from '../params'
import { RatingBody } from '../../../shared/api/complaints'
import { RATING_DIMENSION_KEYS, type RatingDimension } from '../../../shared/ratings'
import { quarter } from '../../../shared/statements'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type AnyRoute } from '../../lib/route'
import { RatingsPage, type RatingsPageProps } from '../../pages/ratings'
import { ctxOf } from '../../services/context'
import { servingFirm } from '../../services/disclosure/fees'
import { communityRatings, myRating, rateFirm } from '../../services/oversight/ratings'
import { ownerIn } from './complaints.routes'
import { FORM, getPage, messageOf, page, readForm, tags } from './kit'
import { assertSameOrigin } from './session'

/**
 * Owners' quarterly ratings of their firm on H5 (seed 004): the same service as
 * `PUT /api/communities/:cid/ratings/mine`; the page shows the owner's own rating and the
 * compound's aggregate only (shared/ratings.ts), never another owner's.
 */
const WHAT = '评价物业'

async function render(c: Context<HonoEnv>, cid: string, extra: { notice?: string; error?: string; form?: RatingsPageProps['form'] } = {}) {
  const ctx = ctxOf(c)
  const [mine, firm] = await Promise.all([myRating(ctx, cid), servingFirm(ctx, cid)])
  const all = await communityRatings(ctx, cid, mine.quarter)
  const summary = firm ? (all.firms.find((f) => f.firmId === firm.id) ?? null) : null
  const saved = mine.rating?.firmId === firm?.id ? mine.rating : null
  const form = extra.form ?? { scores: saved?.scores ?? {}, comment: saved?.comment ?? '' }
  return c.html(
    <RatingsPage
      communityId={cid}
      quarter={mine.quarter}
      quarterEnd={quarter(mine.quarter)!.end}
      firmName={firm?.name ?? null}
      form={form}
      hasRating={saved !== null}
      summary={summary}
      notice={extra.notice}
      error={extra.error}
    />,
    extra.error ? 422 : 200,
  )
}

export const h5RatingRoutes: AnyRoute[] = [
  getPage('/h5/c/:cid/ratings', '业主本季度评价物业服务（本人评价可修改至季度末；只显示全小区汇总）', CidParams, async (c) => {
    const cid = c.req.param('cid')!
    await ownerIn(c, cid, WHAT)
    return render(c, cid, { notice: c.req.query('saved') ? '已保存。本季度结束前可以随时修改。' : undefined })
  }),
  route({
    method: 'post',
    path: '/h5/c/:cid/ratings',
    summary: '业主保存本季度对物业的评价（每项 1–5 分，可附意见）',
    tags,
    access: access.public,
    params: CidParams,
    upload: { contentTypes: [FORM], description: 'cleaning, security, greenery, repairs, attitude（1–5）, comment（可不填）' },
    responses: { 303: { description: '转到评价页' }, 422: { description: '未能保存（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const cid = c.req.param('cid')!
      await ownerIn(c, cid, WHAT)
      const raw = await readForm(c)
      const scores: Partial<Record<RatingDimension, number>> = {}
      for (const d of RATING_DIMENSION_KEYS) {
        const v = raw[d]
        if (typeof v === 'string' && /^[1-5]$/.test(v)) scores[d] = Number(v)
      }
      const comment = typeof raw.comment === 'string' ? raw.comment.slice(0, 600) : ''
      const missing = RATING_DIMENSION_KEYS.length - Object.keys(scores).length
      const parsed = RatingBody.safeParse({ scores, comment: comment.trim() === '' ? null : comment })
      if (missing > 0 || !parsed.success) {
        const error = missing > 0 ? `还有 ${missing} 项没有打分，请每一项都选一个分数。` : (parsed.error?.issues[0]?.message ?? '请检查后再提交。')
        return render(c, cid, { error, form: { scores, comment } })
      }
      try {
        await rateFirm(ctxOf(c), cid, parsed.data)
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return render(c, cid, { error: messageOf(e), form: { scores, comment } })
      }
      return c.redirect(`/h5/c/${cid}/ratings?saved=1`, 303)
    }),
  }),
]
