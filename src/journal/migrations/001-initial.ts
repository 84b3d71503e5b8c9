import type { Migration } from './index.js';

export const m001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    -- One row per record read from the source (admins, panelists, portals), keyed by kind + source key.
    -- No secret is ever stored here: an imported password hash waits in password_hash only until the
    -- user is created, then it is cleared.
    CREATE TABLE records (
      kind          TEXT NOT NULL,
      key           TEXT NOT NULL,
      state         TEXT NOT NULL,
      reason        TEXT,
      message       TEXT,
      line          INTEGER,
      login         TEXT,
      login_key     TEXT,
      email         TEXT,
      first_name    TEXT,
      last_name     TEXT,
      locale        TEXT,
      status        TEXT,
      last_login    TEXT,
      source_hash   TEXT,
      synced_hash   TEXT,
      password_hash TEXT,
      duplicate_of  TEXT,
      groups        TEXT,
      okta_id       TEXT,
      ours          INTEGER NOT NULL DEFAULT 0,
      dirty         INTEGER NOT NULL DEFAULT 0,
      attempts      INTEGER NOT NULL DEFAULT 0,
      last_error    TEXT,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL,
      PRIMARY KEY (kind, key)
    ) WITHOUT ROWID;
    CREATE INDEX records_state ON records (state, kind);
    CREATE INDEX records_login_key ON records (login_key);
    CREATE INDEX records_okta_id ON records (okta_id);

    -- The Okta groups of this installation, one per user kind.
    CREATE TABLE okta_groups (
      kind       TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      okta_id    TEXT NOT NULL,
      created    INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    );

    CREATE TABLE runs (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      phase       TEXT NOT NULL,
      pid         INTEGER NOT NULL,
      host        TEXT NOT NULL,
      started_at  INTEGER NOT NULL,
      finished_at INTEGER,
      outcome     TEXT,
      counts      TEXT
    );

    -- A compact event log for status, rates and the dashboard (no names, no secrets).
    CREATE TABLE activity (
      id      INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id  INTEGER,
      at      INTEGER NOT NULL,
      type    TEXT NOT NULL,
      kind    TEXT,
      key     TEXT,
      code    TEXT,
      detail  TEXT
    );
    CREATE INDEX activity_at ON activity (at);

    -- Who holds the journal: a second run refuses to start while the holder lives.
    CREATE TABLE lock (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      pid        INTEGER NOT NULL,
      host       TEXT NOT NULL,
      command    TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      heartbeat  INTEGER NOT NULL
    );
  `,
};
