import path from 'node:path';
import { ConfigError, JournalError } from '../core/errors.js';

/**
 * What to say when the journal cannot be used: a named error that tells the operator what to do,
 * never an SQLite stack trace. The journal is the only record of which Okta users and apps this
 * installation created, so every message says to keep the file.
 */
const DAMAGED = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

/** The SQLite error code of `err` when it says the file is damaged or no database at all. */
export function damagedJournalCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DAMAGED.has(code) ? code : null;
}

export function damagedJournalError(file: string | null, err: unknown): JournalError {
  const code = damagedJournalCode(err) ?? 'SQLITE_ERROR';
  const what = code === 'SQLITE_NOTADB' ? 'is not an efs-okta journal (not an SQLite database)' : 'is damaged (truncated or overwritten)';
  const name = file ?? 'the journal';
  return new JournalError(
    'JOURNAL_DAMAGED',
    `${name} ${what}: ${(err as Error).message} (${code}). If --journal (or journal in the config) points at the wrong file, fix it; ` +
      'if this is the journal, restore it from a backup together with its -wal file, and do not delete it: it is the record of which Okta users and apps this installation created',
    { context: { path: file, code }, cause: err },
  );
}

/** A journal path whose folder does not exist: a typo in --journal or the config (exit 2), never a folder made on the fly. */
export function missingFolderError(file: string): ConfigError {
  return new ConfigError(
    'JOURNAL_FOLDER_MISSING',
    `the folder of the journal ${file} does not exist: check --journal (or journal in the config, EFS_OKTA_JOURNAL), or create ${path.dirname(file)} first if a new journal belongs there`,
    { context: { path: file } },
  );
}
