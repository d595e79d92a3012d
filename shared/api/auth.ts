import * as z from 'zod'

export const SendOtpBody = z.object({ phone: z.string().min(1).max(20).describe('手机号') })
export const SendOtpReply = z.object({
  expiresInSeconds: z.number().int(),
  resendAfterSeconds: z.number().int(),
  challenge: z.string().describe('本次发送的凭据：校验时原样带回。只有发起发送的一方知道它，别人猜验证码不会锁住机主'),
})
export const VerifyOtpBody = z.object({
  phone: z.string().min(1).max(20),
  code: z.string().min(1).max(10),
  challenge: z.string().min(1).max(64).describe('发送验证码时返回的 challenge'),
})
export const WeChatLoginBody = z.object({ code: z.string().min(1).max(128).describe('wx.login() 返回的 code') })
export const WeChatPhoneBody = z.object({ code: z.string().min(1).max(128).describe('getPhoneNumber 返回的 code') })
export const RefreshBody = z.object({ refreshToken: z.string().min(10).max(200) })
export const SessionReply = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('访问令牌有效秒数'),
  userId: z.string(),
})

export const MeReply = z.object({
  id: z.string(),
  phone: z.string().nullable().describe('本人看到完整手机号'),
  wechatLinked: z.boolean(),
  isAdmin: z.boolean(),
  communities: z.array(
    z.object({ communityId: z.string(), name: z.string(), roles: z.array(z.enum(['owner', 'committee', 'firm_staff', 'community_staff', 'admin'])) }),
  ),
  proxyPolls: z
    .array(z.object({ pollId: z.string(), number: z.number().int().nullable(), title: z.string(), communityName: z.string(), closesAt: z.string() }))
    .describe('正在表决、本人受业主委托代为投票的议题（受托人不一定是该小区业主）'),
})
