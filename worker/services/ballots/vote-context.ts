import { sql, type SQL } from 'drizzle-orm'
import type { Context } from 'hono'
import type { HonoEnv, Role } from '../../env'
import { callerFromUser } from '../../middleware/access'
import type { ScopeLoader } from '../../lib/route'
import type { TokenSubject } from '../auth/tokens'
import { rowsOf } from '../roles/resolve'
import type { PollForContent } from './content'
import { castableVoterOf, castableVotersSql, type CastableVoter, type CastableVoterRow } from './eligibility'

/** What the vote route knows before its transaction, from one query. */
export interface VoteContext {
  /** the voters of this poll the caller may cast for (as owner or proxy); empty: explainNotCastable */
  voters: CastableVoter[]
  poll: PollForContent
  /** elections: the poll's candidates; a single matter has none */
  candidateIds: string[]
}

declare module 'hono' {
  interface ContextVariableMap {
    /** set by the vote route's access check (loadVoteScope), read by its handler */
    voteContext: VoteContext
  }
}

/**
 * The vote's one query before its transaction (issue 17: it was five round trips, each a
 * statement of its own: the caller, the poll's community, the caller's roles, the voter, the
 * poll's kind). Every check those made is still made, here:
 *
 * - the caller: the token's account, only while its sign-in (refresh family) is live, so a logout
 *   or a revoked family ends the token at once (the same rule as callerOf in middleware/access.ts);
 * - the poll and its community: tenant isolation follows from it, every other column is read
 *   through `p.community_id`, never from the request;
 * - the role the route needs: 业主, a verified binding in that community (rolesInCommunity's rule),
 *   or 受托人, a standing proxy for this poll (found among the voters below); the vote route
 *   accepts no other role, so no other is looked up;
 * - the voters the caller may cast for, as owner of record or as a named proxy (castableVotersSql,
 *   the same SQL that resolveVoter runs);
 * - the poll's kind, seats and candidates, for the ballot's content (checkBallotContent).
 *
 * `from (values (1))` with left joins gives exactly one row whatever is missing, so each refusal
 * (TOKEN_INVALID, NOT_FOUND, FORBIDDEN, NOT_IN_ELECTORATE) is decided in that order in code. What
 * changes under a lock (the window, the standing ballot, a proxy's standing) is read again inside
 * the ballot's transaction (cast.ts), as before.
 */
async function voteContextQuery(c: Context<HonoEnv>, token: TokenSubject, pollId: string) {
  // a Date is no parameter postgres.js takes in raw SQL: the instant as text, typed
  const [row] = rowsOf<{
    user_id: string | null
    phone: string | null
    community_id: string | null
    kind: 'single' | 'election' | null
    seats: number | null
    owner: boolean
    candidate_ids: string[]
    voters: CastableVoterRow[]
  }>(await c.get('db').execute(voteContextSql(token.userId, token.sessionId, pollId, c.get('clock').now().toISOString())))
  return row!
}

/** voteContextQuery's statement (test/lib/plans.test.ts checks its plan). `now`: an ISO instant. */
export function voteContextSql(userId: string, sessionId: string, pollId: string, now: string): SQL {
  return sql`
      select u.id as user_id, u.phone, p.community_id, p.kind, p.seats,
             exists (select 1 from bindings b
                     where b.community_id = p.community_id and b.user_id = u.id and b.status = 'verified') as owner,
             (select coalesce(json_agg(pc.id), '[]'::json) from poll_candidates pc where pc.poll_id = p.id) as candidate_ids,
             (select coalesce(json_agg(v), '[]'::json) from (${castableVotersSql(sql`p.id`, sql`p.community_id`, sql`u.id`)}) v) as voters
      from (values (1)) as one
      left join users u on u.id = ${userId}
        and exists (select 1 from refresh_tokens r
                    where r.family_id = ${sessionId} and r.user_id = u.id
                      and r.revoked_at is null and r.expires_at > ${now}::timestamptz)
      left join polls p on p.id = ${pollId}`
}

/** The vote route's access check (lib/route.ts ScopeLoader): one query, its rest kept for the handler. */
export const loadVoteScope: ScopeLoader = async (c, token) => {
  const row = await voteContextQuery(c, token, c.req.param('pid') ?? '')
  const caller = row.user_id ? callerFromUser(c, { id: row.user_id, phone: row.phone }) : null
  const roles = new Set<Role>(row.owner ? ['owner'] : [])
  // 受托人: the caller holds a standing proxy for this poll (castableVotersSql's second half)
  if (row.voters.some((v) => v.via === 'proxy')) roles.add('proxy')
  if (caller?.isAdmin) roles.add('admin')
  if (row.community_id) {
    c.set('voteContext', {
      voters: row.voters.map(castableVoterOf),
      poll: { kind: row.kind!, seats: row.seats },
      candidateIds: row.candidate_ids,
    })
  }
  return { caller, communityId: row.community_id, roles }
}
