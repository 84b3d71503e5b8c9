import { PORTAL_COLUMNS, RECORD_COLUMNS, rowMapper } from './columns.js';
import type { JournalRow, PortalRow } from './types.js';

/** A `records` or `portals` row as SQLite returns it: column name to value. */
export type RowSql = Record<string, unknown>;

/** A `records` row as SQLite returns it. */
export type RecordRowSql = RowSql;

/** A `records` row (SELECT *) as the phases see it; the columns are described in columns.ts. */
export const toJournalRow: (r: RecordRowSql) => JournalRow = rowMapper<JournalRow>(RECORD_COLUMNS);

/** A `portals` row (SELECT *) as the phases see it. */
export const toPortalRow: (r: RowSql) => PortalRow = rowMapper<PortalRow>(PORTAL_COLUMNS);
