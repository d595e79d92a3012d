import { and, eq, isNull } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { refreshTokens } from '../../../drizzle/schema'
import { withTransaction } from '../../db/tx'
import { randomToken, sha256Hex } from '../../lib/crypto'
import { AppError } from '../../lib/errors'
import type { ServiceCtx } from '../context'
import { issueAccessToken } from './tokens'

export interface Session {
  accessToken: string
  refreshToken: string
  expiresIn: number
  userId: string
}

async function newRefreshToken(ctx: Pick<ServiceCtx, 'config' | 'db' | 'clock'>, userId: string, familyId: string) {
  const token = randomToken(32)
  const expiresAt = new Date(ctx.clock.now().getTime() + ctx.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000)
  await ctx.db.insert(refreshTokens).values({ id: nanoid(), userId, familyId, tokenHash: await sha256Hex(token), expiresAt })
  return token
}

/** A new sign-in: a new token family. */
export async function startSession(ctx: Pick<ServiceCtx, 'config' | 'db' | 'clock'>, userId: string): Promise<Session> {
  const familyId = nanoid()
  const refreshToken = await newRefreshToken(ctx, userId, familyId)
  return { ...(await issueAccessToken(ctx.config, ctx.clock, userId, familyId)), refreshToken, userId }
}

/**
 * Rotation: each refresh token works once. Presenting one that was already used means it was
 * copied: the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
 */
export async function refreshSession(ctx: ServiceCtx, presented: string): Promise<Session> {
  const out = await rotate(ctx, presented, 0)
  return { ...out, refreshToken: out.refreshToken! }
}

/**
 * The H5 pages' renewal: the same rotation, except that a token used within the last
 * `PAGE_REUSE_GRACE_SECONDS` (two tabs of one browser renewing at once) gets a fresh access token
 * and no new refresh token, instead of revoking the family. Older reuse still revokes it.
 */
export const PAGE_REUSE_GRACE_SECONDS = 30
export const renewPageSession = (ctx: ServiceCtx, presented: string) => rotate(ctx, presented, PAGE_REUSE_GRACE_SECONDS)

async function rotate(ctx: ServiceCtx, presented: string, graceSeconds: number): Promise<Omit<Session, 'refreshToken'> & { refreshToken: string | null }> {
  const hash = await sha256Hex(presented)
  const now = ctx.clock.now()
  type Outcome = { error: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'REFRESH_TOKEN_REUSED' } | { error?: undefined; refreshToken: string | null; userId: string; familyId: string }
  const outcome = await withTransaction<Outcome>(ctx.db, async (tx) => {
    const [row] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash))
    if (!row || row.revokedAt) return { error: 'TOKEN_INVALID' as const }
    if (row.expiresAt <= now) return { error: 'TOKEN_EXPIRED' as const }
    // Conditional update: of two racing refreshes with one token, exactly one wins.
    const used = await tx
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt)))
      .returning({ id: refreshTokens.id })
    if (used.length === 0) {
      const [again] = await tx.select({ usedAt: refreshTokens.usedAt, revokedAt: refreshTokens.revokedAt }).from(refreshTokens).where(eq(refreshTokens.id, row.id))
      const justUsed = graceSeconds > 0 && again?.usedAt && !again.revokedAt && now.getTime() - again.usedAt.getTime() <= graceSeconds * 1000
      if (justUsed) return { refreshToken: null, userId: row.userId, familyId: row.familyId }
      await tx.update(refreshTokens).set({ revokedAt: now }).where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)))
      return { error: 'REFRESH_TOKEN_REUSED' as const }
    }
    const refreshToken = await newRefreshToken({ ...ctx, db: tx }, row.userId, row.familyId)
    return { refreshToken, userId: row.userId, familyId: row.familyId }
  })
  // Thrown after commit, so the family's revocation stands.
  if (outcome.error) throw new AppError(outcome.error)
  return { ...(await issueAccessToken(ctx.config, ctx.clock, outcome.userId, outcome.familyId)), refreshToken: outcome.refreshToken, userId: outcome.userId }
}

/**
 * Ends the sign-in the token belongs to: its refresh tokens, and (the family being the access
 * token's `sid`) its access tokens on their next request. Unknown tokens are ignored: logout
 * reveals nothing.
 */
export async function endSession(ctx: ServiceCtx, presented: string) {
  const [row] = await ctx.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, await sha256Hex(presented)))
  if (!row) return
  await ctx.db
    .update(refreshTokens)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(refreshTokens.familyId, row.familyId), isNull(refreshTokens.revokedAt)))
}
