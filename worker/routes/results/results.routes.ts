import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { ProofReply, ResultReply } from '../../../shared/api/polls'
import { pollResults } from '../../../drizzle/schema'
import { AppError } from '../../lib/errors'
import { access, route } from '../../lib/route'
import { proofFor } from '../../services/ballots/read'
import { ctxOf } from '../../services/context'
import { closePoll } from '../../services/results/close'
import { publicJwks } from '../../services/results/keys'
import { onPoll, PidParams } from '../polls/polls.routes'

const tags = ['表决结果']

export const resultRoutes = [
  route({
    method: 'post',
    path: '/api/polls/:pid/close',
    summary: '结束表决并公布结果（截止时间以数据库时钟为准；计票、默克尔根与签名在同一事务内完成）',
    tags,
    access: onPoll(['committee']),
    params: PidParams,
    responses: { 200: { description: '已公布的结果', schema: ResultReply } },
    handler: async (c, { params }) => ({ status: 200, json: await closePoll(ctxOf(c), params.pid) }),
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/result',
    summary: '已公布的表决结果（签名文件，任何人可核验）',
    tags,
    access: access.public,
    params: PidParams,
    responses: { 200: { description: '结果', schema: ResultReply } },
    handler: async (c, { params }) => {
      const [r] = await c.var.db.select().from(pollResults).where(eq(pollResults.pollId, params.pid))
      if (!r) throw new AppError('RESULT_NOT_PUBLISHED')
      return { status: 200, json: { document: r.document, jws: r.jws, merkleRoot: r.merkleRoot } }
    },
  }),
  route({
    method: 'get',
    path: '/api/polls/:pid/proof/:receipt',
    summary: '凭投票回执获取“本票已计入结果”的默克尔证明',
    tags,
    access: access.public,
    params: PidParams.extend({ receipt: z.string().min(8).max(64) }),
    responses: { 200: { description: '证明', schema: ProofReply } },
    handler: async (c, { params }) => ({ status: 200, json: await proofFor(ctxOf(c), params.pid, params.receipt) }),
  }),
  route({
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: '结果签名公钥（JWKS）',
    tags,
    access: access.public,
    responses: { 200: { description: 'JWKS', schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } },
    handler: async (c) => ({ status: 200, json: await publicJwks(c.var.config) }),
  }),
]

