/**
 * One raw row of a source (export file or EFS database): the contract between source/, which reads
 * rows, and records/, which maps them to our fields.
 */
export interface RowProblem {
  /** Reason code the record gets, e.g. `row.ragged`, `row.control_characters`. */
  code: string;
  message: string;
}

export interface SourceRow {
  /** 1-based line (file) or row number (database) where the row starts, for messages. */
  line: number;
  values: Record<string, string | null>;
  /** Set when the row itself is damaged (too many/few fields): the record becomes invalid, never dropped. */
  problem?: RowProblem;
}
