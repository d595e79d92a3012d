import {
  MeReply,
  RefreshBody,
  SendOtpBody,
  SendOtpReply,
  SessionReply,
  VerifyOtpBody,
  WeChatLoginBody,
  WeChatPhoneBody,
} from '../../../shared/api/auth'
import { access, route } from '../../lib/route'
import { actorOf, ctxOf } from '../../services/context'
import { sendOtp, verifyOtp } from '../../services/auth/otp'
import { endSession, refreshSession } from '../../services/auth/sessions'
import { attachWeChatPhone, loginWithWeChat } from '../../services/auth/wechat-login'
import { describeMe } from '../../services/auth/me'

const tags = ['登录与会话']

export const authRoutes = [
  route({
    method: 'post',
    path: '/api/auth/otp/send',
    summary: '发送短信验证码',
    tags,
    access: access.public,
    body: SendOtpBody,
    responses: { 200: { description: '已发送', schema: SendOtpReply } },
    handler: async (c, { body }) => ({ status: 200, json: await sendOtp(ctxOf(c), body.phone) }),
  }),
  route({
    method: 'post',
    path: '/api/auth/otp/verify',
    summary: '用短信验证码登录（首次登录即注册）',
    tags,
    access: access.public,
    body: VerifyOtpBody,
    responses: { 200: { description: '登录成功', schema: SessionReply } },
    handler: async (c, { body }) => ({ status: 200, json: await verifyOtp(ctxOf(c), body.phone, body.code, body.challenge) }),
  }),
  route({
    method: 'post',
    path: '/api/auth/wechat',
    summary: '小程序登录（code2Session）',
    tags,
    access: access.public,
    body: WeChatLoginBody,
    responses: { 200: { description: '登录成功', schema: SessionReply } },
    handler: async (c, { body }) => ({ status: 200, json: await loginWithWeChat(ctxOf(c), body.code) }),
  }),
  route({
    method: 'post',
    path: '/api/auth/wechat/phone',
    summary: '绑定微信手机号到当前账号',
    tags,
    access: access.signedIn,
    body: WeChatPhoneBody,
    responses: { 200: { description: '新的会话（账号可能已与同手机号账号合并）', schema: SessionReply } },
    handler: async (c, { body }) => ({ status: 200, json: await attachWeChatPhone(ctxOf(c), body.code) }),
  }),
  route({
    method: 'post',
    path: '/api/auth/refresh',
    summary: '换取新的访问令牌（刷新令牌轮换，重复使用将注销整组会话）',
    tags,
    access: access.public,
    body: RefreshBody,
    responses: { 200: { description: '新的令牌', schema: SessionReply } },
    handler: async (c, { body }) => ({ status: 200, json: await refreshSession(ctxOf(c), body.refreshToken) }),
  }),
  route({
    method: 'post',
    path: '/api/auth/logout',
    summary: '退出登录（注销该设备的会话）',
    tags,
    access: access.public,
    body: RefreshBody,
    responses: { 204: { description: '已退出' } },
    handler: async (c, { body }) => {
      await endSession(ctxOf(c), body.refreshToken)
      return { status: 204, json: null }
    },
  }),
  route({
    method: 'get',
    path: '/api/me',
    summary: '当前用户、所在小区及角色',
    tags,
    access: access.signedIn,
    responses: { 200: { description: '当前用户', schema: MeReply } },
    handler: async (c) => ({ status: 200, json: await describeMe(ctxOf(c), actorOf(ctxOf(c))) }),
  }),
]

