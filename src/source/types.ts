/**
 * A source streams raw rows of one kind (admins, panelists or portals) from an export file or the
 * EFS database. Rows are plain column → value maps; mapping to our fields happens in records/.
 * Memory must not grow with the size of the source: implementations stream.
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

export interface RowSource {
  /** For messages: `panelists.csv`, `mariadb efs.panelists`. Never contains a password. */
  readonly description: string;
  /**
   * Streams the rows. File-level damage (missing file, undecodable header, unterminated quote,
   * missing mapped column) throws a SourceError naming the file and line.
   */
  rows(signal?: AbortSignal): AsyncIterable<SourceRow>;
}
