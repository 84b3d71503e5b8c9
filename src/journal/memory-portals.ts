import { JournalError } from '../core/errors.js';
import type { PortalState } from '../core/types.js';
import { columnsWith, fromSql, PORTAL_COLUMNS, toSql } from './columns.js';
import type { PortalStore } from './contracts.js';
import type { PortalChange, PortalRow, PortalSourceFields } from './types.js';

const CHANGE_COLUMNS = columnsWith(PORTAL_COLUMNS, 'change');
const SOURCE_COLUMNS = columnsWith(PORTAL_COLUMNS, 'snapshot');

/** SQLite's BINARY collation: UTF-8 bytes, which is not JavaScript's UTF-16 order above U+FFFF. */
export function compareText(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** NULL first, as SQLite orders it. */
export function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareText(a, b);
}

/**
 * The portal store of the in-memory twin (memory.ts): the same contract as SqlitePortalJournal.
 * Rows are replaced, never changed in place, so a batch can restore the map it saved.
 */
export class MemoryPortalStore implements PortalStore {
  constructor(readonly rows: Map<string, PortalRow>) {}

  get(key: string): PortalRow | null {
    const row = this.rows.get(key);
    return row ? structuredClone(row) : null;
  }

  all(): PortalRow[] {
    return [...this.rows.values()].sort((a, b) => compareText(a.key, b.key)).map((r) => structuredClone(r));
  }

  upsertSource(f: PortalSourceFields, now: number): PortalRow {
    const known = this.rows.get(f.key);
    const fresh: Partial<PortalRow> = {};
    for (const c of SOURCE_COLUMNS) (fresh as Record<string, unknown>)[c.field] = fromSql(c.codec, toSql(c.codec, f[c.field]));
    if (!known) {
      this.rows.set(f.key, {
        key: f.key, state: 'pending', reason: null, message: null, line: null, name: null, baseUrl: null, redirectUris: [],
        settingsHash: null, appId: null, clientId: null, label: null, secretIssuedAt: null, attempts: 0, lastError: null,
        createdAt: now, updatedAt: now, ...fresh,
      });
    } else {
      const same = SOURCE_COLUMNS.every((c) => toSql(c.codec, known[c.field]) === toSql(c.codec, f[c.field]));
      this.rows.set(f.key, { ...known, ...fresh, updatedAt: same ? known.updatedAt : now });
    }
    return this.get(f.key) as PortalRow;
  }

  update(key: string, change: PortalChange, now: number): void {
    const known = this.rows.get(key);
    if (!known) throw new JournalError('JOURNAL_NO_PORTAL', `journal has no portal ${key}`, { context: { key } });
    const row: PortalRow = { ...known, state: change.state, updatedAt: now };
    for (const c of CHANGE_COLUMNS) {
      const value = change[c.field];
      if (value !== undefined) (row as unknown as Record<string, unknown>)[c.field] = fromSql(c.codec, toSql(c.codec, value));
    }
    if (change.attemptsIncrement) row.attempts += 1;
    this.rows.set(key, row);
  }

  countByState(): { state: PortalState; reason: string | null; count: number }[] {
    const counts = new Map<string, { state: PortalState; reason: string | null; count: number }>();
    for (const r of this.rows.values()) {
      const id = JSON.stringify([r.state, r.reason]);
      const c = counts.get(id) ?? { state: r.state, reason: r.reason, count: 0 };
      c.count++;
      counts.set(id, c);
    }
    return [...counts.values()].sort((a, b) => compareText(a.state, b.state) || compareNullable(a.reason, b.reason));
  }
}
