import { and, eq, exists, gt, isNull } from 'drizzle-orm'
import type { Context, MiddlewareHandler, Next } from 'hono'
import { refreshTokens, roleGrants, users } from '../../drizzle/schema'
import type { Caller, HonoEnv } from '../env'
import { AppError } from '../lib/errors'
import type { Access, ScopeLoader } from '../lib/route'
import { verifyAccessToken, type TokenSubject } from '../services/auth/tokens'
import { rolesInCommunity } from '../services/roles/resolve'

/** Reads and verifies the bearer token, if any (no database work). A present but bad token is an error even where none is needed. */
async function bearerSubject(c: Context<HonoEnv>): Promise<TokenSubject | null> {
  const header = c.req.header('authorization')
  if (!header) return null
  const m = /^Bearer\s+(\S+)$/i.exec(header)
  if (!m) throw new AppError('TOKEN_INVALID')
  return verifyAccessToken(c.get('config'), c.get('clock'), m[1]!)
}

/** The caller behind the bearer token, if any. */
async function authenticate(c: Context<HonoEnv>): Promise<Caller | null> {
  const subject = await bearerSubject(c)
  if (!subject) return null
  const caller = await callerOf(c, subject)
  if (!caller) throw new AppError('TOKEN_INVALID')
  return caller
}

/** A user row as the caller (admins are named in configuration, not in the database). */
export function callerFromUser(c: Context<HonoEnv>, user: { id: string; phone: string | null }): Caller {
  return { userId: user.id, phone: user.phone, isAdmin: user.phone !== null && c.get('config').ADMIN_PHONES.includes(user.phone) }
}

/**
 * The account behind a verified token (bearer or H5 cookie); null if it no longer exists or its
 * sign-in has ended (logout, a revoked or expired refresh family): checked in the same query that
 * loads the caller, so ending a session ends its access tokens at once, not when they expire.
 * (The vote route's one query repeats this check: worker/services/ballots/vote-context.ts.)
 */
export async function callerOf(c: Context<HonoEnv>, token: TokenSubject): Promise<Caller | null> {
  const db = c.get('db')
  const live = db
    .select({ one: refreshTokens.id })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.familyId, token.sessionId), eq(refreshTokens.userId, users.id), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, c.get('clock').now())))
  const [user] = await db.select({ id: users.id, phone: users.phone }).from(users).where(and(eq(users.id, token.userId), exists(live)))
  return user ? callerFromUser(c, user) : null
}

/**
 * Enforces a route's declared access: 401 without a valid identity, 404 for no such community,
 * firm or district, 403 without the role. Firm and district routes (credit files, the good/bad
 * list) check a grant directly: staff of that firm, or that district's housing department.
 */
export function authorize(access: Access): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    if (access.kind === 'community' && access.load) return authorizeInOneQuery(c, access, access.load, next)
    const caller = await authenticate(c)
    c.set('caller', caller)
    if (access.kind === 'public') return next()
    if (!caller) throw new AppError('UNAUTHENTICATED')
    if (access.kind === 'signed_in') return next()
    if (access.kind === 'admin') {
      if (!caller.isAdmin) throw new AppError('FORBIDDEN')
      return next()
    }
    if (access.kind === 'firm' || access.kind === 'district') {
      const key = access.kind === 'firm' ? await access.firm(c) : await access.district(c)
      if (!key) throw new AppError('NOT_FOUND')
      if (caller.isAdmin) return next()
      const [grant] = await c.get('db')
        .select({ id: roleGrants.id })
        .from(roleGrants)
        .where(
          and(
            eq(roleGrants.userId, caller.userId),
            isNull(roleGrants.revokedAt),
            access.kind === 'firm'
              ? and(eq(roleGrants.role, 'firm_staff'), eq(roleGrants.firmId, key))
              : and(eq(roleGrants.role, 'department_staff'), eq(roleGrants.department, 'housing'), eq(roleGrants.district, key)),
          ),
        )
        .limit(1)
      if (!grant) throw new AppError('FORBIDDEN', { required: access.kind === 'firm' ? ['firm_staff'] : ['department_staff:housing'] })
      return next()
    }
    const communityId = await access.community(c)
    if (!communityId) throw new AppError('NOT_FOUND')
    // a poll's routes also know whether the caller holds a proxy for that poll
    const roles = await rolesInCommunity(c.get('db'), c.get('clock'), caller, communityId, access.param === 'pid' ? c.req.param('pid') : undefined)
    if (!roles) throw new AppError('NOT_FOUND')
    if (!access.roles.some((r) => roles.has(r))) throw new AppError('FORBIDDEN', { required: access.roles })
    c.set('scope', { communityId, roles })
    return next()
  }
}

/**
 * The same decisions, in the same order (401, 404, 403), for a route whose `load` finds the
 * caller, the community and the caller's roles in one query with whatever the route needs next
 * (the vote: worker/services/ballots/vote-context.ts), instead of three queries here and more in
 * the handler.
 */
async function authorizeInOneQuery(c: Context<HonoEnv>, access: Extract<Access, { kind: 'community' }>, load: ScopeLoader, next: Next) {
  c.set('caller', null)
  const subject = await bearerSubject(c)
  if (!subject) throw new AppError('UNAUTHENTICATED')
  const found = await load(c, subject)
  if (!found.caller) throw new AppError('TOKEN_INVALID')
  c.set('caller', found.caller)
  if (!found.communityId) throw new AppError('NOT_FOUND')
  if (!access.roles.some((r) => found.roles.has(r))) throw new AppError('FORBIDDEN', { required: access.roles })
  c.set('scope', { communityId: found.communityId, roles: found.roles })
  return next()
}
