import type Database from 'better-sqlite3';
import { JournalError } from '../core/errors.js';
import type { PortalState } from '../core/types.js';
import { columnList, columnsWith, PORTAL_COLUMNS, toSql } from './columns.js';
import type { PortalStore } from './contracts.js';
import { toPortalRow, type RowSql } from './rows.js';
import type { SqliteJournal } from './sqlite.js';
import type { PortalChange, PortalRow, PortalSourceFields } from './types.js';

export type { PortalChange, PortalRow, PortalSourceFields } from './types.js';

/** The portal store of the journal (contracts.ts); the name the phases know it by. */
export type PortalJournal = PortalStore;

const CHANGE_COLUMNS = columnsWith(PORTAL_COLUMNS, 'change');
/** The columns a portal takes from the source: refreshed by upsertSource. */
const SOURCE_COLUMNS = columnsWith(PORTAL_COLUMNS, 'snapshot');

/** INSERT of a new portal, or refresh of a known one's source fields (updated_at moves only when one changed). */
const UPSERT_SQL = `INSERT INTO portals (key, state, ${columnList(SOURCE_COLUMNS)}, created_at, updated_at)
  VALUES (@key, 'pending', ${SOURCE_COLUMNS.map((c) => `@${c.column}`).join(', ')}, @now, @now)
  ON CONFLICT (key) DO UPDATE SET ${SOURCE_COLUMNS.map((c) => `${c.column} = excluded.${c.column}`).join(', ')},
    updated_at = CASE WHEN ${SOURCE_COLUMNS.map((c) => `portals.${c.column} IS excluded.${c.column}`).join(' AND ')}
      THEN portals.updated_at ELSE excluded.updated_at END`;

export class SqlitePortalJournal implements PortalStore {
  constructor(private readonly db: Database.Database) {}

  get(key: string): PortalRow | null {
    const row = this.db.prepare('SELECT * FROM portals WHERE key = ?').get(key) as RowSql | undefined;
    return row ? toPortalRow(row) : null;
  }

  all(): PortalRow[] {
    return (this.db.prepare('SELECT * FROM portals ORDER BY key').all() as RowSql[]).map(toPortalRow);
  }

  upsertSource(f: PortalSourceFields, now: number): PortalRow {
    const params: Record<string, string | number | null> = { key: f.key, now };
    for (const c of SOURCE_COLUMNS) params[c.column] = toSql(c.codec, f[c.field]);
    this.db.prepare(UPSERT_SQL).run(params);
    return this.get(f.key) as PortalRow;
  }

  update(key: string, change: PortalChange, now: number): void {
    const sets = ['state = @state', 'updated_at = @now'];
    const params: Record<string, string | number | null> = { key, state: change.state, now };
    for (const c of CHANGE_COLUMNS) {
      const value = change[c.field];
      if (value === undefined) continue;
      sets.push(`${c.column} = @${c.field}`);
      params[c.field] = toSql(c.codec, value);
    }
    if (change.attemptsIncrement) sets.push('attempts = attempts + 1');
    const info = this.db.prepare(`UPDATE portals SET ${sets.join(', ')} WHERE key = @key`).run(params);
    if (info.changes !== 1) throw new JournalError('JOURNAL_NO_PORTAL', `journal has no portal ${key}`, { context: { key } });
  }

  countByState(): { state: PortalState; reason: string | null; count: number }[] {
    return this.db
      .prepare('SELECT state, reason, COUNT(*) AS count FROM portals GROUP BY state, reason ORDER BY state, reason')
      .all() as { state: PortalState; reason: string | null; count: number }[];
  }
}

/** The portal view of an open journal (same SQLite file, same lock). */
export function portalJournal(journal: SqliteJournal): PortalStore {
  return new SqlitePortalJournal(journal.db);
}
