export class SpreadsheetError extends Error {
  constructor(
    readonly code: 'unreadable' | 'encoding' | 'too_large' | 'empty',
    message: string,
  ) {
    super(message)
  }
}
