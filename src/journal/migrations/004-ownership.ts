import type { Migration } from './index.js';

/**
 * Ownership and activation bookkeeping.
 *
 * - `create_marked_at`: when this journal marked the record `creating` (just before it sent the
 *   create). A user found by login after a lost answer is ours only if Okta created it after this
 *   instant (and it matches what we sent): the proof of a lost create of ours.
 * - `ownership`: how `ours` was established: `created` (the id came back from our create),
 *   `recovered` (a lost create of ours proven by the checks above), `inherited` (the user of a
 *   record of ours that left the source, taken over by a new source key with the same login).
 *   Journals from before this migration only knew `ours`; their users are marked `created`.
 * - `activation`: how the activation in flight delivers (`email`, `link`, `none` for an imported
 *   password), written with `activating`: after a crash, a `link` activation found PROVISIONED lost
 *   its link (nobody has it) and is issued a new one, never counted as activated.
 */
export const m004: Migration = {
  version: 4,
  name: 'ownership',
  sql: `
    ALTER TABLE records ADD COLUMN create_marked_at INTEGER;
    ALTER TABLE records ADD COLUMN ownership TEXT;
    ALTER TABLE records ADD COLUMN activation TEXT;
    UPDATE records SET ownership = 'created' WHERE ours = 1;
  `,
};
