import type { Config } from './config'
import type { Db } from './db/types'
import type { Clock, Services } from './env'
import { smsOutbox } from '../drizzle/schema'
import { createAliyunSmsSender } from './sms/aliyun'
import { createConsoleSmsSender } from './sms/console'
import { logLine } from './lib/log'
import { createMiniProgramClient } from './wechat/miniprogram'
import { createOaClient, type OaClient } from './wechat/oa/client'

export const systemClock: Clock = { now: () => new Date() }

/** Builds the per-request services from configuration; entries and tests all come through here. */
export function buildServices(config: Config, db: Db, opts: { clock?: Clock; fetch?: typeof fetch; wechat?: Services['wechat']; oa?: OaClient | null } = {}): Services {
  const clock = opts.clock ?? systemClock
  const sms =
    config.SMS_PROVIDER === 'aliyun'
      ? createAliyunSmsSender({
          endpoint: config.ALIYUN_SMS_ENDPOINT,
          accessKeyId: config.ALIYUN_ACCESS_KEY_ID!,
          accessKeySecret: config.ALIYUN_ACCESS_KEY_SECRET!,
          signName: config.ALIYUN_SMS_SIGN_NAME!,
          templateCode: config.ALIYUN_SMS_TEMPLATE_CODE!,
          noticeTemplateCode: config.ALIYUN_SMS_NOTICE_TEMPLATE_CODE,
          // protocol timestamps are wall-clock time, whatever clock the app runs on
          fetch: opts.fetch,
        })
      : createConsoleSmsSender({
          record: async (phone, message) => {
            await db.insert(smsOutbox).values({ phone, message })
          },
          log: config.APP_ENV === 'test' ? () => {} : (line) => logLine({ level: 'info', devSms: line }),
        })
  const wechat =
    opts.wechat !== undefined
      ? opts.wechat
      : config.WECHAT_APPID && config.WECHAT_SECRET
      ? createMiniProgramClient({ baseUrl: config.WECHAT_API_BASE, appId: config.WECHAT_APPID, secret: config.WECHAT_SECRET, fetch: opts.fetch })
      : null
  const oa = opts.oa !== undefined ? opts.oa : oaClientFor(config, opts.fetch)
  return { config, db, clock, sms, wechat, oa }
}

/** The official account's client when it is configured (its token cache lives as long as the client). */
export function oaClientFor(config: Config, fetchImpl?: typeof fetch): OaClient | null {
  return config.WECHAT_OA_APPID && config.WECHAT_OA_SECRET
    ? createOaClient({ baseUrl: config.WECHAT_API_BASE, appId: config.WECHAT_OA_APPID, secret: config.WECHAT_OA_SECRET, fetch: fetchImpl })
    : null
}
