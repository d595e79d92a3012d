import { maskPhone } from '../../shared/phone'
import type { SmsSender } from './sender'

/**
 * Development sender (SMS_PROVIDER=console): nothing leaves the machine. The message goes to the
 * dev outbox (an admin can read it) and to the console with the phone masked.
 */
export function createConsoleSmsSender(opts: { record: (phone: string, message: string) => Promise<void>; log?: (line: string) => void }): SmsSender {
  const log = opts.log ?? ((line: string) => console.log(line))
  return {
    async sendOtp(phone, code) {
      const message = `【共议】您的登录验证码是 ${code}，5分钟内有效。如非本人操作，请忽略本短信。`
      await opts.record(phone, message)
      log(`[dev-sms] ${maskPhone(phone)} 验证码 ${code}`)
    },
    async sendNotice(phone, params) {
      await opts.record(phone, `【共议】${params.title} 详情：${params.link}`)
      log(`[dev-sms] ${maskPhone(phone)} 通知`)
    },
  }
}
