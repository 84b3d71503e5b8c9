import type { SourceRow } from '../core/source-row.js';

/**
 * A source streams raw rows of one kind (admins, panelists or portals) from an export file or the
 * EFS database. Rows are plain column → value maps; mapping to our fields happens in records/.
 * Memory must not grow with the size of the source: implementations stream.
 */
export interface RowSource {
  /** For messages: `panelists.csv`, `mariadb efs.panelists`. Never contains a password. */
  readonly description: string;
  /**
   * Streams the rows. File-level damage (missing file, undecodable header, unterminated quote,
   * missing mapped column) throws a SourceError naming the file and line.
   */
  rows(signal?: AbortSignal): AsyncIterable<SourceRow>;
}
