import { eq } from 'drizzle-orm'
import * as z from 'zod'
import { DisputeBody, ProofReply, ResultReply } from '../../../shared/api/polls'
import { pollResults } from '../../../drizzle/schema'
import { access, route } from '../../lib/route'
import { proofFor } from '../../services/ballots/read'
import { ctxOf } from '../../services/context'
import { noResult, publishIfDue } from '../../services/results/close'
import { publicJwks } from '../../services/results/keys'
import { disputeBallot } from '../../services/ballots/dispute'
import { onPoll, PidParams } from '../polls/polls.routes'

export const tags = ['表决结果']

export const resultRoutes = [
  route({
    method: 'get',
    path: '/api/polls/:pid/result',
    // published results never change (immutable in the database, 0009)
    cache: 'immutable',
    summary: '已公布的表决结果（签名文件，任何人可核验）',
    tags,
    access: access.public,
    params: PidParams,
    responses: { 200: { description: '结果', schema: ResultReply } },
    handler: async (c, { params }) => {
      await publishIfDue(ctxOf(c), params.pid)
      const [r] = await c.get('db').select().from(pollResults).where(eq(pollResults.pollId, params.pid))
      if (!r) throw await noResult(c.get('db'), params.pid)
      return { status: 200, json: { document: r.document, jws: r.jws, merkleRoot: r.merkleRoot } }
    },
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/proof/:receipt',
    // published results never change (immutable in the database, 0009)
    cache: 'immutable',
    summary: '凭投票回执（完整回执，或形如 K7QFM-2XD9A 的短回执号）获取“本票已计入结果”的默克尔证明',
    tags,
    access: access.public,
    params: PidParams.extend({ receipt: z.string().min(8).max(64) }),
    responses: { 200: { description: '证明', schema: ProofReply } },
    handler: async (c, { params }) => ({ status: 200, json: await proofFor(ctxOf(c), params.pid, params.receipt) }),
  }),
  route({
    method: 'post',
    path: '/api/polls/:pid/ballots/:receipt/dispute',
    summary: '对以本人名义录入的选票（纸质票、委托票）提出异议',
    tags,
    access: onPoll(['owner']),
    params: PidParams.extend({ receipt: z.string().min(8).max(64) }),
    body: DisputeBody,
    responses: { 200: { description: '已登记异议', schema: z.object({ receipt: z.string(), disputed: z.boolean() }) } },
    handler: async (c, { params, body }) => ({ status: 200, json: await disputeBallot(ctxOf(c), params.pid, c.get('scope')!.communityId, params.receipt, body.reason) }),
  }),
  route({
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: '结果签名公钥（JWKS）',
    tags,
    access: access.public,
    responses: { 200: { description: 'JWKS', schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } },
    handler: async (c) => ({ status: 200, json: await publicJwks(c.get('config')) }),
  }),
]

