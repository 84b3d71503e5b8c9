import type { Migration } from './index.js';

/**
 * The activation funnel per user, beside the record (its own table: the records table is the
 * migration's, this one is phase 2's and grows over weeks of reminders):
 * - emailed_at / wave / link_expires_at: the last link Okta was asked to send (or hand over), in
 *   which run, and when it stops working (the org's link lifetime from that moment);
 * - reminders: how many reminder links were sent after the first;
 * - reminding_at: written before a reminder call, cleared when its outcome is recorded. Okta's
 *   reactivate leaves the user PROVISIONED, so a run killed mid-call cannot tell from the user
 *   whether it went out: the System Log does (see users/reminders.ts).
 * - okta_status / okta_last_login / password_set_at / refreshed_at: what `users refresh` read.
 */
export const m009: Migration = {
  version: 9,
  name: 'activation',
  sql: `
    CREATE TABLE activation (
      kind            TEXT NOT NULL,
      key             TEXT NOT NULL,
      emailed_at      INTEGER,
      first_emailed_at INTEGER,
      wave            INTEGER,
      link_expires_at INTEGER,
      by_email        INTEGER NOT NULL DEFAULT 1,
      reminders       INTEGER NOT NULL DEFAULT 0,
      reminding_at    INTEGER,
      reminding_run   INTEGER,
      okta_status     TEXT,
      okta_last_login TEXT,
      password_set_at INTEGER,
      refreshed_at    INTEGER,
      PRIMARY KEY (kind, key)
    ) WITHOUT ROWID;
    CREATE INDEX activation_reminding ON activation (reminding_at) WHERE reminding_at IS NOT NULL;
    -- --order last-login: staged users, most recent EFS sign-in first, read a page at a time.
    CREATE INDEX records_last_login_order ON records (state, COALESCE(last_login, '') DESC, kind, key);
  `,
};
