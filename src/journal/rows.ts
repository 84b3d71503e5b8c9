import type Database from 'better-sqlite3';
import { fromSql, PORTAL_COLUMNS, RECORD_COLUMNS, rowMapper } from './columns.js';
import type { JournalRow, PortalRow } from './types.js';

/** A `records` or `portals` row as SQLite returns it: column name to value. */
export type RowSql = Record<string, unknown>;

/** A `records` row as `recordSelect` returns it: field names already, values as stored. */
export type RecordRowSql = RowSql;

/** Only these need more than a NULL for a missing value: converted in place (a row is read 1,000,000 times a run). */
const CONVERTED = RECORD_COLUMNS.filter((c) => c.codec !== 'text' && c.codec !== 'int');

const selects = new WeakMap<Database.Database, string>();

/**
 * The select list of a `records` row, named as the row's fields (`login_key AS loginKey`), from
 * columns.ts. A column the file lacks (a read-only journal written before the migration that added
 * it) reads as NULL. SQLite renames, so the mapper only converts the few non-text columns.
 */
export function recordSelect(db: Database.Database): string {
  let list = selects.get(db);
  if (list === undefined) {
    const present = new Set((db.prepare('SELECT name FROM pragma_table_info(\'records\')').all() as { name: string }[]).map((c) => c.name));
    list = RECORD_COLUMNS.map((c) => `${present.has(c.column) ? c.column : 'NULL'} AS ${c.field}`).join(', ');
    selects.set(db, list);
  }
  return list;
}

/** A row read with `recordSelect`, as the phases see it. */
export function toJournalRow(r: RecordRowSql): JournalRow {
  for (const c of CONVERTED) r[c.field] = fromSql(c.codec, r[c.field]);
  return r as unknown as JournalRow;
}

/** A `portals` row (SELECT *) as the phases see it. */
export const toPortalRow: (r: RowSql) => PortalRow = rowMapper<PortalRow>(PORTAL_COLUMNS);
