/**
 * What an uploaded table may cost. Sized for a real community on a 128 MB Worker isolate: the
 * largest roll we serve is 20,000 units, about 30,000 owner rows (co-owners have a row each), and
 * our own 20,000-unit XLSX inflates to about 20 MB. Anything past these is refused with a reason,
 * never read on.
 */
export const LIMITS = {
  /** bytes actually inflated, all parts of one file together (declared sizes are not trusted) */
  inflatedBytes: 64 * 1024 * 1024,
  /** workbook.xml and its relationships: a list of sheets */
  workbookPartBytes: 1024 * 1024,
  /** non-empty data rows of the one sheet read */
  rows: 50_000,
  /** the template has 11 columns; an office adds a few notes */
  columns: 200,
  /** non-empty cells of the sheet read, merged ranges filled in included */
  cells: 1_000_000,
  /** entries of the shared-string table (an unused one costs memory all the same) */
  sharedStrings: 1_000_000,
  /** one tag, and one run of text (Excel's own cell limit is 32,767 characters) */
  tagChars: 64 * 1024,
  textChars: 1024 * 1024,
} as const
export type Limits = { -readonly [K in keyof typeof LIMITS]: number }

