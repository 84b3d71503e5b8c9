import type { RecordState } from '../core/lifecycle/record.js';
import type { ActivationMode, Ownership } from '../core/lifecycle/user.js';
import type { Kind, PasswordHash, UserKind } from '../core/types.js';
import type { JournalRow } from './types.js';

/** The raw shape of a `records` row as SQLite returns it. */
export interface RecordRowSql {
  kind: string;
  key: string;
  state: string;
  reason: string | null;
  message: string | null;
  line: number | null;
  login: string | null;
  login_key: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  locale: string | null;
  preferred_language: string | null;
  status: string | null;
  last_login: string | null;
  source_hash: string | null;
  synced_hash: string | null;
  password_hash: string | null;
  password_imported: number;
  duplicate_of: string | null;
  groups: string | null;
  okta_id: string | null;
  ours: number;
  dirty: number;
  attempts: number;
  last_error: string | null;
  updated_at: number;
  create_marked_at: number | null;
  ownership: string | null;
  activation: string | null;
}

export function toJournalRow(r: RecordRowSql): JournalRow {
  return {
    kind: r.kind as Kind,
    key: r.key,
    state: r.state as RecordState,
    reason: r.reason,
    message: r.message,
    line: r.line,
    login: r.login,
    loginKey: r.login_key,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    locale: r.locale,
    preferredLanguage: r.preferred_language,
    status: r.status,
    lastLogin: r.last_login,
    sourceHash: r.source_hash,
    syncedHash: r.synced_hash,
    passwordHash: r.password_hash ? (JSON.parse(r.password_hash) as PasswordHash) : null,
    passwordImported: r.password_imported === 1,
    duplicateOf: r.duplicate_of,
    groups: r.groups ? (r.groups.split(',').filter(Boolean) as UserKind[]) : [],
    oktaId: r.okta_id,
    ours: r.ours === 1,
    dirty: r.dirty === 1,
    attempts: r.attempts,
    lastError: r.last_error,
    updatedAt: r.updated_at,
    createMarkedAt: r.create_marked_at ?? null,
    ownership: (r.ownership as Ownership | null) ?? null,
    activation: (r.activation as ActivationMode | null) ?? null,
  };
}
