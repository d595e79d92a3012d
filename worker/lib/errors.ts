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
