/** Sends a one-time sign-in code to a mainland mobile number. Implementations never log the code in production. */
export interface SmsSender {
  sendOtp(phone: string, code: string): Promise<void>
  /** A notification (owners WeChat cannot reach); absent when no notification template is configured. */
  sendNotice?(phone: string, params: { title: string; link: string }): Promise<void>
}
