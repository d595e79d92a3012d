import { ErrorCodes, type ErrorCode } from '../../shared/errors'

/** The one error type domain code throws; the app's onError turns it into the wire shape. */
export class AppError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
    message?: string,
  ) {
    super(message ?? ErrorCodes[code].message)
    this.status = ErrorCodes[code].status
  }
}

/** How long a refused caller must wait, in seconds, when the refusal is a rate limit that says so. */
export function retryAfterSeconds(e: AppError): number | null {
  const wait = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds
  return e.code === 'RATE_LIMITED' && typeof wait === 'number' && wait > 0 ? wait : null
}
