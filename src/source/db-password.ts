import { readFileSync } from 'node:fs';
import type { DatabaseConfig } from '../config/schema.js';
import { SourceError } from '../core/errors.js';
import { secretFileName } from '../core/secret-values.js';

/**
 * The database password comes from `database.passwordFile` when set, else from the env var named
 * by `database.passwordEnv` (default EFS_DB_PASSWORD). The config file never holds it, so a config
 * can be shared, committed or attached to a ticket without leaking the password.
 */
export function readDatabasePassword(db: DatabaseConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (db.passwordFile) return readPasswordFile(db.passwordFile);
  const name = db.passwordEnv || 'EFS_DB_PASSWORD';
  const value = env[name];
  if (value === undefined || value === '') {
    throw new SourceError(
      'DB_PASSWORD_MISSING',
      `the database password is not set: export ${name}=... (the env var named by database.passwordEnv) ` +
        'or set database.passwordFile to a file holding it; the config file never holds the password',
      { context: { passwordEnv: name } },
    );
  }
  return value;
}

/** Where the password was taken from, for messages (never the password itself). */
export function passwordOrigin(db: DatabaseConfig): string {
  return db.passwordFile ? `database.passwordFile (${secretFileName(db.passwordFile)})` : `$${db.passwordEnv || 'EFS_DB_PASSWORD'}`;
}

function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SourceError('DB_PASSWORD_FILE', `cannot read database.passwordFile ${secretFileName(file)} (${code}): check the path and its permissions; the password itself belongs in that file or in $EFS_DB_PASSWORD, never in the config`, {
      cause: err,
    });
  }
  // Editors and `echo pw > file` add a final newline; it is never part of the password.
  const password = text.replace(/\r?\n$/, '');
  if (password === '') {
    throw new SourceError('DB_PASSWORD_FILE', `database.passwordFile ${file} is empty: write the database password into it`);
  }
  return password;
}
