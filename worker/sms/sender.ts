/** Sends a one-time sign-in code to a mainland mobile number. Implementations never log the code in production. */
export interface SmsSender {
  sendOtp(phone: string, code: string): Promise<void>
}
