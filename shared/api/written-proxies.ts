// The committee's side of proxies: written proxies it records, and the poll's list. Apart from
// polls.ts so that the lean Worker (issue 17: its size limit), which serves owners, does not carry them.
import * as z from 'zod'
import { ProxyBody, sha256 } from './polls'

/** A written proxy (授权委托书) the owner signed and the committee records (指导规则 第26条). */
export const WrittenProxyBody = z.object({
  voterId: z.string().min(1).max(40).describe('委托的业主（投票权人）'),
  proxyPhone: ProxyBody.shape.proxyPhone,
  proxyPhoneAgain: ProxyBody.shape.proxyPhoneAgain,
  documentSha256: sha256.describe('业主签署的授权委托书照片的 SHA-256（原件由业委会留存）'),
})

export const PollProxiesReply = z.object({
  proxies: z.array(
    z.object({
      id: z.string(),
      voterId: z.string(),
      unitLabels: z.string(),
      proxyPhone: z.string().describe('受托人手机号（部分隐藏）'),
      status: z.enum(['active', 'used', 'revoked']),
      written: z.boolean(),
      createdAt: z.string(),
      endedAt: z.string().nullable(),
    }),
  ),
})
