import type { Migration } from './index.js';

/**
 * `reactivation_pending`: the record is back in the source after `--deactivate-removed` deactivated
 * its Okta user (ours), and `users activate` is to reactivate it. It used to live only in `reason`,
 * which an activation attempt in flight kept by luck and any other write could overwrite; rows
 * that still carry that reason are carried over.
 */
export const m010: Migration = {
  version: 10,
  name: 'reactivation',
  sql: `
    ALTER TABLE records ADD COLUMN reactivation_pending INTEGER NOT NULL DEFAULT 0;
    UPDATE records SET reactivation_pending = 1
      WHERE state IN ('deactivated', 'activating') AND reason = 'reactivation.pending';
  `,
};
