export class SpreadsheetError extends Error {
  constructor(
    /** header_not_found, sheet_ambiguous: no sheet of a workbook, or more than one, carries the table's header */
    readonly code: 'unreadable' | 'encoding' | 'too_large' | 'empty' | 'legacy_xls' | 'header_not_found' | 'sheet_ambiguous',
    message: string,
  ) {
    super(message)
  }
}
