import type Database from 'better-sqlite3';
import { JournalError } from '../core/errors.js';
import type { PortalState, PortalStateChange } from '../core/lifecycle/portal.js';
import type { SqliteJournal } from './sqlite.js';

/**
 * The portal rows of the journal (table `portals`, migration 002). One row per portal key of the
 * source. What it never holds: the client secret. `secretIssuedAt` says when the current secret
 * was handed over through the credentials file; null means the app's secret is unknown to us.
 */
export interface PortalRow {
  key: string;
  state: PortalState;
  reason: string | null;
  message: string | null;
  line: number | null;
  name: string | null;
  baseUrl: string | null;
  redirectUris: string[];
  /** Hash of the app settings last confirmed by Okta (null: never synced). */
  settingsHash: string | null;
  appId: string | null;
  clientId: string | null;
  label: string | null;
  secretIssuedAt: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The fields a portal row takes from the source. */
export interface PortalSourceFields {
  key: string;
  line: number;
  name: string | null;
  baseUrl: string | null;
  redirectUris: string[];
}

/** A change of a portal row: the lifecycle's (src/core/lifecycle/portal.ts). */
export type PortalChange = PortalStateChange;

export interface PortalJournal {
  get(key: string): PortalRow | null;
  all(): PortalRow[];
  /** Inserts a new portal as `pending`, or refreshes the source fields of a known one (state kept). */
  upsertSource(fields: PortalSourceFields, now: number): PortalRow;
  update(key: string, change: PortalChange, now: number): void;
  countByState(): { state: PortalState; reason: string | null; count: number }[];
}

interface PortalRowSql {
  key: string;
  state: string;
  reason: string | null;
  message: string | null;
  line: number | null;
  name: string | null;
  base_url: string | null;
  redirect_uris: string;
  settings_hash: string | null;
  app_id: string | null;
  client_id: string | null;
  label: string | null;
  secret_issued_at: number | null;
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

function toPortalRow(r: PortalRowSql): PortalRow {
  return {
    key: r.key,
    state: r.state as PortalState,
    reason: r.reason,
    message: r.message,
    line: r.line,
    name: r.name,
    baseUrl: r.base_url,
    redirectUris: JSON.parse(r.redirect_uris) as string[],
    settingsHash: r.settings_hash,
    appId: r.app_id,
    clientId: r.client_id,
    label: r.label,
    secretIssuedAt: r.secret_issued_at,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS: Record<Exclude<keyof PortalChange, 'state' | 'attemptsIncrement'>, string> = {
  reason: 'reason',
  message: 'message',
  settingsHash: 'settings_hash',
  appId: 'app_id',
  clientId: 'client_id',
  label: 'label',
  secretIssuedAt: 'secret_issued_at',
  lastError: 'last_error',
};

export class SqlitePortalJournal implements PortalJournal {
  constructor(private readonly db: Database.Database) {}

  get(key: string): PortalRow | null {
    const row = this.db.prepare('SELECT * FROM portals WHERE key = ?').get(key) as PortalRowSql | undefined;
    return row ? toPortalRow(row) : null;
  }

  all(): PortalRow[] {
    return (this.db.prepare('SELECT * FROM portals ORDER BY key').all() as PortalRowSql[]).map(toPortalRow);
  }

  upsertSource(f: PortalSourceFields, now: number): PortalRow {
    this.db
      .prepare(
        `INSERT INTO portals (key, state, line, name, base_url, redirect_uris, created_at, updated_at)
         VALUES (@key, 'pending', @line, @name, @baseUrl, @redirectUris, @now, @now)
         ON CONFLICT (key) DO UPDATE SET line = excluded.line, name = excluded.name, base_url = excluded.base_url,
           redirect_uris = excluded.redirect_uris,
           updated_at = CASE WHEN portals.line IS excluded.line AND portals.name IS excluded.name
             AND portals.base_url IS excluded.base_url AND portals.redirect_uris = excluded.redirect_uris
             THEN portals.updated_at ELSE excluded.updated_at END`,
      )
      .run({ key: f.key, line: f.line, name: f.name, baseUrl: f.baseUrl, redirectUris: JSON.stringify(f.redirectUris), now });
    return this.get(f.key) as PortalRow;
  }

  update(key: string, change: PortalChange, now: number): void {
    const sets = ['state = @state', 'updated_at = @now'];
    const params: Record<string, string | number | null> = { key, state: change.state, now };
    for (const [field, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
      const value = change[field];
      if (value === undefined) continue;
      sets.push(`${column} = @${field}`);
      params[field] = value;
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
export function portalJournal(journal: SqliteJournal): PortalJournal {
  return new SqlitePortalJournal(journal.db);
}
