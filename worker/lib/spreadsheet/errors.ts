export class SpreadsheetError extends Error {
  constructor(
    readonly code: 'unreadable' | 'encoding' | 'too_large' | 'empty' | 'legacy_xls',
    message: string,
  ) {
    super(message)
  }
}
