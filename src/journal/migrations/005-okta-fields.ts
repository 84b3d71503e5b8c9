import type { Migration } from './index.js';

/**
 * - `preferred_language`: Okta's `preferredLanguage` (the RFC 7231 tag as the source gives it) next
 *   to `locale`, which now holds only Okta's ll_CC form.
 * - `password_imported`: the user was created with an imported password hash, so it must never be
 *   sent an activation email. It used to live only in `reason`, which a failed activation or a
 *   resync overwrote; rows that still carry that reason are carried over.
 */
export const m005: Migration = {
  version: 5,
  name: 'okta-fields',
  sql: `
    ALTER TABLE records ADD COLUMN preferred_language TEXT;
    ALTER TABLE records ADD COLUMN password_imported INTEGER NOT NULL DEFAULT 0;
    UPDATE records SET password_imported = 1 WHERE reason = 'password.imported';
  `,
};
