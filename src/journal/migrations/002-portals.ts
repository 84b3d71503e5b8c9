import type { Migration } from './index.js';

/**
 * Portal instances get their own table: their columns (URLs, app id, client id) have nothing in
 * common with a user's. The client secret is deliberately absent: it is handed over once through
 * the credentials file; `secret_issued_at` only records *that* (and when) it was handed over, so a
 * run that finds an app whose secret was never written knows to issue a new one.
 */
export const m002: Migration = {
  version: 2,
  name: 'portals',
  sql: `
    CREATE TABLE portals (
      key              TEXT PRIMARY KEY,
      state            TEXT NOT NULL,
      reason           TEXT,
      message          TEXT,
      line             INTEGER,
      name             TEXT,
      base_url         TEXT,
      redirect_uris    TEXT NOT NULL DEFAULT '[]',
      settings_hash    TEXT,
      app_id           TEXT,
      client_id        TEXT,
      label            TEXT,
      secret_issued_at INTEGER,
      attempts         INTEGER NOT NULL DEFAULT 0,
      last_error       TEXT,
      created_at       INTEGER NOT NULL,
      updated_at       INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX portals_state ON portals (state);
    CREATE INDEX portals_app_id ON portals (app_id);
  `,
};
