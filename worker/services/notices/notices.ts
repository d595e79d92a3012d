import { and, desc, eq, gt, isNull, lte, or } from 'drizzle-orm'
import { customAlphabet, nanoid } from 'nanoid'
import { notices } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'

/** Short public codes for /n/<code>: no look-alike characters, easy to type from a printed notice. */
export const noticeCode = customAlphabet('23456789abcdefghjkmnpqrstuvwxyz', 8)

type NoticeRow = typeof notices.$inferSelect
type NewNotice = Omit<typeof notices.$inferInsert, 'id' | 'code' | 'publishedAt'>

/** Publishes a notice inside the caller's transaction (the poll announcement or close that causes it). */
export async function publishNotice(tx: Db, ctx: Pick<ServiceCtx, 'clock'>, notice: NewNotice, at: Date = ctx.clock.now()) {
  const [n] = await tx
    .insert(notices)
    .values({ ...notice, id: nanoid(), code: noticeCode(), publishedAt: at })
    .returning()
  return n!
}

export const presentNotice = (n: NoticeRow, base: string) => ({
  id: n.id,
  communityId: n.communityId,
  kind: n.kind,
  title: n.title,
  body: n.body,
  pollId: n.pollId,
  code: n.code,
  url: `${base.replace(/\/$/, '')}/n/${n.code}`,
  startsAt: n.startsAt.toISOString(),
  endsAt: n.endsAt?.toISOString() ?? null,
  pinned: n.pinned,
  version: n.version,
  issuerLabel: n.issuerLabel,
  publishedAt: n.publishedAt.toISOString(),
})

/** Notices on display now (or all, for the record), pinned first. Public: they hang on the board. */
export async function listNotices(ctx: ServiceCtx, communityId: string, all: boolean) {
  const now = ctx.clock.now()
  const rows = await ctx.db
    .select()
    .from(notices)
    .where(and(eq(notices.communityId, communityId), all ? undefined : and(lte(notices.startsAt, now), or(isNull(notices.endsAt), gt(notices.endsAt, now)))))
    .orderBy(desc(notices.pinned), desc(notices.publishedAt))
  return rows.map((n) => presentNotice(n, ctx.config.PUBLIC_BASE_URL))
}

export async function noticeByCode(ctx: ServiceCtx, code: string) {
  const [n] = await ctx.db.select().from(notices).where(eq(notices.code, code))
  if (!n) throw new AppError('NOT_FOUND')
  return presentNotice(n, ctx.config.PUBLIC_BASE_URL)
}
