import type { JournalRow, PortalChange, PortalRow, StateChange } from './types.js';

/**
 * The columns of a journal row, described once: the row mappers, the snapshot's table and its
 * INSERT/UPDATE lists, setState and the portal writes are all derived from these lists. The
 * schema itself stays in the numbered migrations; a column added there is added here.
 *
 * `codec` says how a value crosses into SQLite: `bool` is 0/1, `json` is JSON text, `list` is a
 * comma-separated text. A column missing from the row read (a read-only journal of an older
 * schema) reads as null (`bool`: false, `list`: empty).
 */
export type Codec = 'text' | 'int' | 'bool' | 'json' | 'list';

export interface Column<F extends string = string> {
  readonly column: string;
  readonly field: F;
  /** The SQL type, as the snapshot's TEMP table declares it. */
  readonly sql: string;
  readonly codec: Codec;
  /** Read from the source: a column of the snapshot table, copied into new records. */
  readonly snapshot?: true;
  /** Overwritten from the source on known records when a snapshot is applied. */
  readonly refresh?: true;
  /** Set from the field of the same name of a state change (StateChange / PortalChange). */
  readonly change?: true;
}

export const RECORD_COLUMNS = [
  { column: 'kind', field: 'kind', sql: 'TEXT NOT NULL', codec: 'text', snapshot: true },
  { column: 'key', field: 'key', sql: 'TEXT NOT NULL', codec: 'text', snapshot: true },
  { column: 'state', field: 'state', sql: 'TEXT NOT NULL', codec: 'text', snapshot: true },
  { column: 'reason', field: 'reason', sql: 'TEXT', codec: 'text', snapshot: true, change: true },
  { column: 'message', field: 'message', sql: 'TEXT', codec: 'text', snapshot: true, change: true },
  { column: 'line', field: 'line', sql: 'INTEGER', codec: 'int', snapshot: true, refresh: true },
  { column: 'login', field: 'login', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'login_key', field: 'loginKey', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'email', field: 'email', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'first_name', field: 'firstName', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'last_name', field: 'lastName', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'locale', field: 'locale', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'preferred_language', field: 'preferredLanguage', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'status', field: 'status', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'last_login', field: 'lastLogin', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'source_hash', field: 'sourceHash', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'synced_hash', field: 'syncedHash', sql: 'TEXT', codec: 'text', change: true },
  // Refreshed by its own rule: kept only until the user exists in Okta (snapshot.ts).
  { column: 'password_hash', field: 'passwordHash', sql: 'TEXT', codec: 'json', snapshot: true },
  { column: 'password_imported', field: 'passwordImported', sql: 'INTEGER', codec: 'bool', change: true },
  { column: 'reactivation_pending', field: 'reactivationPending', sql: 'INTEGER', codec: 'bool', change: true },
  { column: 'duplicate_of', field: 'duplicateOf', sql: 'TEXT', codec: 'text', snapshot: true, refresh: true },
  { column: 'groups', field: 'groups', sql: 'TEXT', codec: 'list', snapshot: true, refresh: true },
  { column: 'okta_id', field: 'oktaId', sql: 'TEXT', codec: 'text', change: true },
  { column: 'ours', field: 'ours', sql: 'INTEGER', codec: 'bool', change: true },
  { column: 'dirty', field: 'dirty', sql: 'INTEGER', codec: 'bool', change: true },
  { column: 'attempts', field: 'attempts', sql: 'INTEGER', codec: 'int' },
  { column: 'last_error', field: 'lastError', sql: 'TEXT', codec: 'text', change: true },
  { column: 'updated_at', field: 'updatedAt', sql: 'INTEGER', codec: 'int' },
  { column: 'create_marked_at', field: 'createMarkedAt', sql: 'INTEGER', codec: 'int' },
  { column: 'ownership', field: 'ownership', sql: 'TEXT', codec: 'text', change: true },
  { column: 'activation', field: 'activation', sql: 'TEXT', codec: 'text', change: true },
] as const satisfies readonly Column<keyof JournalRow>[];

export const PORTAL_COLUMNS = [
  { column: 'key', field: 'key', sql: 'TEXT NOT NULL', codec: 'text' },
  { column: 'state', field: 'state', sql: 'TEXT NOT NULL', codec: 'text' },
  { column: 'reason', field: 'reason', sql: 'TEXT', codec: 'text', change: true },
  { column: 'message', field: 'message', sql: 'TEXT', codec: 'text', change: true },
  { column: 'line', field: 'line', sql: 'INTEGER', codec: 'int', snapshot: true },
  { column: 'name', field: 'name', sql: 'TEXT', codec: 'text', snapshot: true },
  { column: 'base_url', field: 'baseUrl', sql: 'TEXT', codec: 'text', snapshot: true },
  { column: 'redirect_uris', field: 'redirectUris', sql: 'TEXT NOT NULL', codec: 'json', snapshot: true },
  { column: 'settings_hash', field: 'settingsHash', sql: 'TEXT', codec: 'text', change: true },
  { column: 'app_id', field: 'appId', sql: 'TEXT', codec: 'text', change: true },
  { column: 'client_id', field: 'clientId', sql: 'TEXT', codec: 'text', change: true },
  { column: 'label', field: 'label', sql: 'TEXT', codec: 'text', change: true },
  { column: 'secret_issued_at', field: 'secretIssuedAt', sql: 'INTEGER', codec: 'int', change: true },
  { column: 'attempts', field: 'attempts', sql: 'INTEGER', codec: 'int' },
  { column: 'last_error', field: 'lastError', sql: 'TEXT', codec: 'text', change: true },
  { column: 'created_at', field: 'createdAt', sql: 'INTEGER', codec: 'int' },
  { column: 'updated_at', field: 'updatedAt', sql: 'INTEGER', codec: 'int' },
] as const satisfies readonly Column<keyof PortalRow>[];

// Compile-time proof that the lists are complete: every row field has a column, and every settable
// field of a change has a `change` column (a field added to a row or a change without one fails here).
type Fields<C extends readonly Column[]> = C[number]['field'];
type ChangeFields<C extends readonly Column[]> = Extract<C[number], { change: true }>['field'];
type Complete<Missing> = [Missing] extends [never] ? true : { missing: Missing };
export const recordColumnsComplete: Complete<Exclude<keyof JournalRow, Fields<typeof RECORD_COLUMNS>>> = true;
export const stateChangeComplete: Complete<Exclude<keyof StateChange, 'state' | 'clearPasswordHash' | 'attemptsIncrement' | ChangeFields<typeof RECORD_COLUMNS>>> = true;
export const portalColumnsComplete: Complete<Exclude<keyof PortalRow, Fields<typeof PORTAL_COLUMNS>>> = true;
export const portalChangeComplete: Complete<Exclude<keyof PortalChange, 'state' | 'attemptsIncrement' | ChangeFields<typeof PORTAL_COLUMNS>>> = true;

export type ColumnRole = 'snapshot' | 'refresh' | 'change';

export function columnsWith<C extends Column, R extends ColumnRole>(columns: readonly C[], role: R): Extract<C, Record<R, true>>[] {
  return columns.filter((c): c is Extract<C, Record<R, true>> => c[role] === true);
}

/** `a, b, c`, optionally each prefixed (`s.a, s.b`) */
export function columnList(columns: readonly Column[], prefix = ''): string {
  return columns.map((c) => `${prefix}${c.column}`).join(', ');
}

/** A field's value as SQLite stores it. */
export function toSql(codec: Codec, value: unknown): string | number | null {
  if (value === undefined || value === null) return codec === 'bool' ? 0 : null;
  switch (codec) {
    case 'bool': return value ? 1 : 0;
    case 'json': return JSON.stringify(value);
    case 'list': return (value as string[]).join(',');
    default: return value as string | number;
  }
}

/** A stored value as the row field reads it. */
export function fromSql(codec: Codec, value: unknown): unknown {
  switch (codec) {
    case 'bool': return value === 1;
    case 'json': return typeof value === 'string' && value !== '' ? JSON.parse(value) : null;
    case 'list': return typeof value === 'string' ? value.split(',').filter(Boolean) : [];
    default: return value ?? null;
  }
}

/** A mapper from the raw rows SQLite returns (column names) to row objects (field names). */
export function rowMapper<T>(columns: readonly Column[]): (raw: Record<string, unknown>) => T {
  const cols = columns.map((c) => ({ column: c.column, field: c.field, codec: c.codec }));
  return (raw) => {
    const row: Record<string, unknown> = {};
    for (const c of cols) row[c.field] = fromSql(c.codec, raw[c.column]);
    return row as T;
  };
}
