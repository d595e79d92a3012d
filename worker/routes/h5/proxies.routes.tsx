import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Context } from 'hono'
import * as z from 'zod'
import { WrittenProxyBody } from '../../../shared/api/written-proxies'
import type { ErrorCode } from '../../../shared/errors'
import { looseUnitKey, unitKeyOf } from '../../../shared/unit-key'
import { NO_UNIT, saysNoUnit } from '../../services/counting/ballot-unit'
import { polls } from '../../../drizzle/schema'
import type { HonoEnv } from '../../env'
import { AppError } from '../../lib/errors'
import { access, route, type AnyRoute } from '../../lib/route'
import { PHOTO_HASH_SCRIPT, WithdrawProxyPage, WrittenProxiesPage, type Household, type ProxyRow, type WrittenProxiesView } from '../../pages/proxies'
import { ctxOf } from '../../services/context'
import { proxiesOfPoll, recordWrittenProxy, withdrawWrittenProxy } from '../../services/ballots/proxies'
import { displayStatus } from '../../services/polls/lifecycle'
import { pollNumberOf } from '../../services/results/paper-issues'
import { rowsOf } from '../../services/roles/resolve'
import { committeePoll, roomParts, unreadableRoom } from './counting.routes'
import { FORM, getPage, messageOf, page, readForm, tags } from './kit'
import { assertSameOrigin } from './session'

/**
 * Written proxies (授权委托书, 指导规则 第26条) on the H5 pages: the committee records one an owner
 * signed and handed in, lists the poll's proxies and withdraws a written one. The same services
 * and rules as POST /api/polls/:pid/proxies/written, …/:xid/withdrawal and GET …/proxies; POST →
 * redirect → GET, so a reload records nothing twice. Office work: in the full Worker only, as the
 * API's routes (routes/index.ts, not hot.ts).
 */
const PollParams = z.object({ pid: z.string().min(1).max(40) })
const ProxyParams = PollParams.extend({ xid: z.string().min(1).max(40) })
const PageQuery = z.object({ room: z.string().max(60).optional(), recorded: z.string().max(40).optional(), withdrawn: z.string().max(40).optional() })
const WHAT = '录入和收回授权委托书'
/** a phone's photo, when the page could not hash it in the browser and it comes up with the form */
const MAX_PHOTO_BYTES = 25 * 1024 * 1024

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/**
 * The API's refusals, said to the committee member at the desk: the API's own messages speak to an
 * owner naming their own proxy ("您已经亲自投票"), which here is someone else's household. Anything
 * not listed is already in words for anyone (messageOf).
 */
const FOR_THE_DESK: Partial<Record<ErrorCode, (e: AppError) => string>> = {
  NOT_IN_ELECTORATE: () => '这一户不在本次表决的投票权人名单中，请核对房号',
  PHONE_INVALID: () => '受托人的手机号不对，请填写11位手机号',
  OWNER_ALREADY_VOTED: () => '这一户的业主已经亲自投票，不能再委托他人代投',
  PROXY_EXISTS: () => '这一户已经有委托（见下方名单）：要换人，书面委托请先收回；业主在网上委托的，须业主本人撤销',
  PROXY_LIMIT: (e) => `这位受托人代投的户数已达本小区的上限（${(e.details as { limit?: number } | undefined)?.limit ?? ''}户），请另找受托人`,
  PROXY_NOT_ACTIVE: () => '这份委托已经结束（已收回、业主已撤销，或业主本人投票后随之结束），不用再收回',
  NOT_FOUND: () => '找不到这份书面委托：这里只能收回业委会录入的书面委托，网上委托由业主本人撤销',
  VOTING_CLOSED: () => '投票已截止，不能再录入或收回委托',
}
const refusal = (e: AppError) => FOR_THE_DESK[e.code as ErrorCode]?.(e) ?? messageOf(e)

/** A field the API refused, by the name the form gives it. */
const FIELD_ZH: Record<string, string> = { voterId: '委托人', proxyPhone: '受托人的手机号', proxyPhoneAgain: '再输一遍的手机号', documentSha256: '委托书照片' }

/**
 * The households of the poll's electorate that a room typed as at the count ("3-2-501", "3栋2单元501室",
 * "3-501") may mean: read by the counting desk's roomParts and compared by the roll's loose unit key
 * (shared/unit-key.ts), as the count reads a ballot. Unlike the count, which must settle on one
 * voter or ask, this lists every household it may mean, with the owner's masked name, and the
 * committee member picks the one the signed sheet names: a room typed wrong would otherwise give
 * a stranger another household's vote. Null: not a room.
 */
async function householdsAt(c: Context<HonoEnv>, p: typeof polls.$inferSelect, typed: string, standing: Set<string>): Promise<Household[] | null> {
  const parts = roomParts(typed)
  if (!parts) return null
  // 单元 “无” (“-”, “/”: a shop) is the counting desk's: a unit with none, however the roll spells it
  const noUnit = saysNoUnit(parts.unit)
  const [building, unit, room] = looseUnitKey(unitKeyOf(parts.building, noUnit ? '' : parts.unit, parts.room)).split('|') as [string, string, string]
  if (!building || !room) return null
  const rows = rowsOf<{ unit_key: string; building: string; voter_id: string; unit_labels: string; masked_name: string }>(
    await c.get('db').execute(sql`
      select u.unit_key, u.building, pv.voter_id, pv.unit_labels, pv.masked_name
      from roster_units u join poll_voters pv on pv.poll_id = ${p.id} and pv.voter_id = u.voter_id
      where u.roster_version_id = ${p.rosterVersionId} and position(${room} in split_part(u.unit_key, '|', 3)) > 0
      order by u.unit_key`),
  )
  const out = new Map<string, Household>()
  for (const r of rows) {
    const [b, un, rm] = looseUnitKey(r.unit_key).split('|')
    // a scoped poll's voter may own units outside its buildings: those do not name it (as at the count)
    if (p.scopeBuildings && !p.scopeBuildings.includes(r.building)) continue
    if (b !== building || rm !== room || (unit && un !== unit) || (noUnit && !(un === '' || NO_UNIT.has(un!)))) continue
    out.set(r.voter_id, { voterId: r.voter_id, unitLabels: r.unit_labels, maskedName: r.masked_name, hasProxy: standing.has(r.voter_id) })
  }
  return [...out.values()]
}

/** Why nothing can be recorded or withdrawn now, or null while the poll runs (announced or open). */
function shutWhy(p: typeof polls.$inferSelect, now: Date): string | null {
  const status = displayStatus(p, now)
  if (status === 'announced' || status === 'open') return null
  return status === 'cancelled' ? '本次表决已取消。' : '投票已截止：不能再录入或收回委托，下面是本次表决的全部委托。'
}

/** The page's one inline script as a CSP source names it: by the hash of its exact text. */
const SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(PHOTO_HASH_SCRIPT, 'utf8').digest('base64')}'`

async function render(c: Context<HonoEnv>, p: typeof polls.$inferSelect, extra: { room?: string; recordedId?: string; withdrawnId?: string; error?: string; form?: WrittenProxiesView['form'] } = {}) {
  const ctx = ctxOf(c)
  const proxies: ProxyRow[] = await proxiesOfPoll(ctx, p.id)
  const shut = shutWhy(p, ctx.clock.now())
  const room = (extra.room ?? '').slice(0, 60)
  let households: Household[] | null = null
  let error = extra.error ?? null
  if (room && !shut) {
    households = await householdsAt(c, p, room, new Set(proxies.filter((x) => x.status !== 'revoked').map((x) => x.voterId)))
    if (!households) error ??= unreadableRoom(room)
    else if (!households.length) error ??= `${room}：该房屋不在本次表决的投票权人名单中`
  }
  const find = (id?: string) => (id ? (proxies.find((x) => x.id === id) ?? null) : null)
  // the photo's hash script runs on this page only, allowed by its hash (middleware/secure-headers.ts)
  if (households?.length) c.set('pageScript', SCRIPT_SOURCE)
  return c.html(
    <WrittenProxiesPage
      pollId={p.id}
      pollNumber={pollNumberOf(p)}
      title={p.title}
      shut={shut}
      proxies={proxies}
      recorded={find(extra.recordedId)}
      withdrawn={find(extra.withdrawnId)}
      room={room}
      households={households}
      error={error}
      form={extra.form ?? {}}
    />,
    extra.error ? 422 : 200,
  )
}

/**
 * The signed sheet's hash as posted: of the photo itself when it came up with the form (no script
 * on the page, or no crypto.subtle), which is then dropped; else the hash the page computed, or
 * kept from a refused attempt.
 */
async function documentHash(raw: Record<string, unknown>): Promise<string> {
  const photo = raw.photo
  // WebCrypto, off the event loop: a 25 MiB photo hashed in line held every other request ~30 ms
  if (photo instanceof File && photo.size > 0) return Buffer.from(await crypto.subtle.digest('SHA-256', await photo.arrayBuffer())).toString('hex')
  return text(raw.documentSha256).toLowerCase()
}

export const h5ProxyRoutes: AnyRoute[] = [
  getPage(
    '/h5/polls/:pid/proxies/written',
    '授权委托书（业委会：按房号找到这一户，录入业主签署的书面委托，照片只发送 SHA-256；本次表决的全部委托；收回书面委托）',
    PollParams,
    async (c) => {
      const { p } = await committeePoll(c, c.req.param('pid')!, WHAT)
      return render(c, p, { room: text(c.req.query('room')), recordedId: c.req.query('recorded'), withdrawnId: c.req.query('withdrawn') })
    },
    PageQuery,
  ),
  route({
    method: 'post',
    path: '/h5/polls/:pid/proxies/written',
    summary: '录入一份授权委托书（与 POST /api/polls/:pid/proxies/written 同一规则）',
    tags,
    access: access.public,
    params: PollParams,
    upload: {
      contentTypes: ['multipart/form-data', FORM],
      description: 'room（查找用的房号）、voterId、proxyPhone、proxyPhoneAgain、documentSha256（页面在手机上算出的照片 SHA-256），或 photo（页面不能运行脚本时上传照片，服务器算出 SHA-256 后丢弃）',
    },
    maxBodyBytes: MAX_PHOTO_BYTES,
    responses: { 303: { description: '回到委托页，显示刚录入的一份' }, 422: { description: '未录入（页面说明原因，保留已填的内容）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const { p } = await committeePoll(c, c.req.param('pid')!, WHAT)
      const raw = await readForm(c)
      const form = { voterId: text(raw.voterId), proxyPhone: text(raw.proxyPhone), proxyPhoneAgain: text(raw.proxyPhoneAgain), documentSha256: await documentHash(raw) }
      const again = (error: string) => render(c, p, { room: text(raw.room), error, form })
      if (!form.voterId) return again('请选择委托的是哪一户')
      if (!form.proxyPhone || !form.proxyPhoneAgain) return again('请填写受托人的手机号，并再输一遍')
      if (!form.documentSha256) return again('请拍摄或选择业主签署的授权委托书照片')
      // the API's own body rules, so the page takes nothing the API refuses
      const body = WrittenProxyBody.safeParse(form)
      if (!body.success) {
        const issue = body.error.issues[0]!
        return again(`${FIELD_ZH[String(issue.path[0])] ?? ''}${issue.message}`)
      }
      try {
        const done = await recordWrittenProxy(ctxOf(c), p.id, p.communityId, body.data)
        return c.redirect(`/h5/polls/${p.id}/proxies/written?recorded=${encodeURIComponent(done.id)}`, 303)
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return again(refusal(e))
      }
    }),
  }),
  getPage('/h5/polls/:pid/proxies/:xid/withdrawal', '收回书面委托前的确认页（业委会）', ProxyParams, async (c) => {
    const { p } = await committeePoll(c, c.req.param('pid')!, WHAT)
    const x = (await proxiesOfPoll(ctxOf(c), p.id)).find((r) => r.id === c.req.param('xid'))
    // what withdrawWrittenProxy would refuse, said before the committee member confirms
    const refused: ErrorCode | null = shutWhy(p, c.get('clock').now()) ? 'VOTING_CLOSED' : !x?.written ? 'NOT_FOUND' : x.status === 'revoked' ? 'PROXY_NOT_ACTIVE' : null
    if (refused || !x) return render(c, p, { error: refusal(new AppError(refused ?? 'NOT_FOUND')) })
    return c.html(<WithdrawProxyPage pollId={p.id} proxy={x} />)
  }),
  route({
    method: 'post',
    path: '/h5/polls/:pid/proxies/:xid/withdrawal',
    summary: '收回书面委托（与 POST /api/polls/:pid/proxies/:xid/withdrawal 同一规则：只限业委会录入的授权委托书）',
    tags,
    access: access.public,
    params: ProxyParams,
    responses: { 303: { description: '回到委托页' }, 422: { description: '未收回（页面说明原因）', contentType: 'text/html' } },
    handler: page(async (c) => {
      assertSameOrigin(c)
      const { p } = await committeePoll(c, c.req.param('pid')!, WHAT)
      try {
        const done = await withdrawWrittenProxy(ctxOf(c), p.id, c.req.param('xid')!)
        return c.redirect(`/h5/polls/${p.id}/proxies/written?withdrawn=${encodeURIComponent(done.id)}`, 303)
      } catch (e) {
        if (!(e instanceof AppError) || e.code === 'UNAUTHENTICATED') throw e
        return render(c, p, { error: refusal(e) })
      }
    }),
  }),
]
