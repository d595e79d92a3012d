/**
 * The vote route decides who may vote in one query before its transaction
 * (worker/services/ballots/vote-context.ts) instead of the access middleware's three and the
 * handler's two. These are the refusals that query took over, each checked on the vote route
 * itself, in the order the general middleware gives them, and each writing nothing.
 */
import { serve } from '@hono/node-server'
import { sql } from 'drizzle-orm'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowsOf } from '../../worker/services/roles/resolve'
import { announcedPoll, setupCommunity, signedInOwner } from '../helpers/fixtures'
import { startHarness, type Harness } from '../helpers/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

const ballotCount = async (pid: string) => Number(rowsOf<{ n: string | number }>(await h.db.execute(sql`select count(*) as n from ballots where poll_id = ${pid}`))[0]!.n)
const vote = (pid: string, token: string, json: unknown = { choice: 'agree' }) => h.request('POST', `/api/polls/${pid}/ballots`, { token, json })

describe('who may vote, decided in one query', () => {
  it("ends a voter's access at once when their sign-in ends (logout), writing nothing", async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const me = await signedInOwner(h, s.community.id, s.rows[1]!)
    expect((await vote(p.id, me.accessToken, { choice: 'oppose' })).status).toBe(201)
    expect((await h.request('POST', '/api/auth/logout', { json: { refreshToken: me.refreshToken } })).status).toBe(204)
    const after = await vote(p.id, me.accessToken)
    expect(after.status).toBe(401)
    expect(after.json.error.code).toBe('TOKEN_INVALID')
    expect(await ballotCount(p.id)).toBe(1)
  })

  it('refuses an unknown poll (404), an owner of another compound and a committee member who owns nothing here (403)', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const other = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const unknown = await vote('no-such-poll', s.owner)
    expect(unknown.status).toBe(404)
    expect(unknown.json.error.code).toBe('NOT_FOUND')
    // tenant isolation: a verified owner elsewhere is no owner here (nor a proxy for this poll), and learns nothing of this poll's voters
    const outsider = await vote(p.id, other.owner)
    expect(outsider.status).toBe(403)
    expect(outsider.json.error).toMatchObject({ code: 'FORBIDDEN', details: { required: ['owner', 'proxy'] } })
    expect(JSON.stringify(outsider.json)).not.toContain('voterId')
    const committee = await vote(p.id, s.committee)
    expect(committee.status).toBe(403)
    // the 401/404/403 come before the body is read: a bad body from an outsider is still a 403
    expect((await vote(p.id, other.owner, { choice: 'maybe' })).status).toBe(403)
    expect(await ballotCount(p.id)).toBe(0)
    // the owner of record still votes, and a bad choice from them is a 400
    expect((await vote(p.id, s.owner, { choice: 'maybe' })).status).toBe(400)
    expect((await vote(p.id, s.owner, { marks: ['x'] })).json.error.details.issues[0].code).toBe('not_an_election')
    expect((await vote(p.id, s.owner)).status).toBe(201)
    expect(await ballotCount(p.id)).toBe(1)
  })
})

describe('the body on a real socket (the Node entry)', () => {
  /** One request over a socket, its body written as given: whole with its length, or chunked. */
  const send = (port: number, path: string, token: string, body: string, how: 'length' | 'chunked') =>
    new Promise<{ status: number; json: { error?: { code: string } } & Record<string, unknown> }>((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      if (how === 'length') headers['content-length'] = String(Buffer.byteLength(body))
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }))
      })
      req.on('error', reject)
      if (how === 'chunked') {
        // written in pieces, so Node sends it chunked, with no length declared
        for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024))
        req.end()
      } else req.end(body)
    })

  it('judges a body by its declared length or, chunked, as it streams: over 1 MiB is a 413 that writes nothing; within it, the vote counts', async () => {
    const s = await setupCommunity(h, { units: 3 })
    const p = await announcedPoll(h, s.community.id, s.committee)
    const server = await new Promise<{ port: number; close: () => void }>((resolve) => {
      const srv = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve({ port: info.port, close: () => srv.close() }))
    })
    try {
      const path = `/api/polls/${p.id}/ballots`
      const padded = JSON.stringify({ choice: 'agree', note: 'x'.repeat(1024 * 1024) })
      for (const how of ['length', 'chunked'] as const) {
        const big = await send(server.port, path, s.owner, padded, how)
        expect(big.status, how).toBe(413)
        expect(big.json.error!.code, how).toBe('PAYLOAD_TOO_LARGE')
      }
      // a length that is not plain digits (Node's parser refuses it; in process it arrives) is refused, not read with parseInt
      const odd = await h.request('POST', path, { token: s.owner, body: padded, headers: { 'content-type': 'application/json', 'content-length': '12abc' } })
      expect(odd.status).toBe(400)
      expect(odd.json.error.details.issues[0].path).toBe('Content-Length')
      expect(await ballotCount(p.id)).toBe(0)
      // within the limit, both ways, the body is read and validated: a bad choice is a 400, a good one counts
      const bad = await send(server.port, path, s.owner, JSON.stringify({ choice: 'maybe' }), 'chunked')
      expect(bad.status).toBe(400)
      expect(bad.json.error!.code).toBe('VALIDATION_FAILED')
      const cast = await send(server.port, path, s.owner, JSON.stringify({ choice: 'oppose' }), 'length')
      expect(cast.status).toBe(201)
      expect(cast.json.choice).toBe('oppose')
      const again = await send(server.port, path, s.owner, JSON.stringify({ choice: 'agree' }), 'chunked')
      expect(again.status).toBe(201)
      expect(again.json.version).toBe(2)
      expect(await ballotCount(p.id)).toBe(2)
    } finally {
      server.close()
    }
  })
})
