import { statesIn, type StateCategory } from './category.js';

/**
 * The user lifecycle: every state a user record can be in, the sets of states the rest of the code
 * asks about, and (user-transitions.ts) one function per transition. Nothing else spells a state
 * list; SQL gets its `IN (…)` lists from these arrays (journal/state-sql.ts).
 *
 *  pending ─▶ creating ─▶ staged ─▶ activating ─▶ provisioned ─▶ active
 *     │           │   (imported password hash: staged, then activated without an email: active)
 *     │           │   provisioned: emailed (or handed a link), no password yet (Okta PROVISIONED);
 *     │           │   active once Okta says ACTIVE (`users refresh` reads it)
 *     ├─▶ skipped   (reason: federated | <excluded status> | excluded)
 *     ├─▶ invalid   (reason code, e.g. email.invalid)
 *     ├─▶ duplicate (duplicate_of: the record kept)
 *     ├─▶ linked    (login already in Okta, not ours, onExisting=link: added to our group only)
 *     ├─▶ conflict  (login already in Okta, not ours, onExisting=report: untouched)
 *     └─▶ failed    (error code, attempts) ─▶ retried on the next run
 *  removed: gone from the source (or newly excluded) after it was synced; deactivated only on request.
 *  deactivating ─▶ deactivated / deleted: rollback and --deactivate-removed.
 *
 * `creating`, `activating` and `deactivating` are written *before* the Okta call: a record found in
 * one of them after a crash is looked up in Okta before anything is sent again.
 */
export const USER_STATES = [
  'pending', 'creating', 'staged', 'activating', 'provisioned', 'active',
  'skipped', 'invalid', 'duplicate', 'linked', 'conflict', 'failed',
  'removed', 'deactivating', 'deactivated', 'deleted',
] as const;
export type UserState = (typeof USER_STATES)[number];

/**
 * Why a user is ours: `created` (the id came back from our create), `recovered` (a create of ours
 * whose answer was lost, proven by login, profile, STAGED, creation time and groups), `inherited`
 * (the user of a record of ours that left the source, taken over by a new key with its login).
 */
export type Ownership = 'created' | 'recovered' | 'inherited';

/** How an activation in flight delivers. `link` = --no-email: the link exists only in Okta's answer; lost with it unless written. */
export type ActivationMode = 'email' | 'link' | 'none';

/** Where each state counts (status, reports, exit codes): every state exactly once. */
export const USER_STATE_CATEGORY: { readonly [S in UserState]: StateCategory } = {
  pending: 'toDo', creating: 'toDo',
  staged: 'inOkta', activating: 'inOkta', provisioned: 'inOkta', active: 'inOkta', linked: 'inOkta',
  invalid: 'needsAction', conflict: 'needsAction', failed: 'needsAction',
  skipped: 'notMigrated', duplicate: 'notMigrated', removed: 'notMigrated',
  deactivating: 'notMigrated', deactivated: 'notMigrated', deleted: 'notMigrated',
};

/** In Okta now, tracked by this journal (counted "in Okta"; `verify` compares them with Okta). */
export const IN_OKTA: readonly UserState[] = statesIn(USER_STATE_CATEGORY, 'inOkta');

/** Written before the Okta call: found after a crash, the record is looked up in Okta before anything is sent again. */
export const IN_FLIGHT: readonly UserState[] = ['creating', 'activating', 'deactivating'];

/** Work of `users create`: never tried, interrupted, failed, or in conflict (looked up again: maybe resolved since). */
export const CREATE_WORK: readonly UserState[] = ['creating', 'pending', 'failed', 'conflict'];

/** Our Okta user holds the profile we last synced: a changed source record is pushed as a profile update. */
export const PROFILE_SYNCED: readonly UserState[] = ['staged', 'activating', 'provisioned', 'active'];

/** The record uses its Okta user right now: deactivating a removed record's user skips a user one of these shares. */
export const LIVE: readonly UserState[] = ['creating', ...IN_OKTA];

/**
 * The record keeps its Okta user: a new source key with the same login never takes it over (only
 * the user of a record that left the source is inherited). Every live state of ours is here.
 */
export const KEEPS_OKTA_USER: readonly UserState[] = ['creating', 'staged', 'activating', 'provisioned', 'active', 'failed', 'deactivating', 'deactivated'];

/**
 * May hold an Okta user this journal tracks (with its id, and ours): the snapshot never treats such
 * a record as new, and keeps it when it leaves the source. `removed` and `failed` included.
 */
export const MAY_HOLD_OKTA_USER: readonly UserState[] = ['staged', 'activating', 'provisioned', 'active', 'linked', 'conflict', 'deactivating', 'deactivated', 'removed', 'failed'];

/** A record of ours in one of these with an Okta id has its Okta user deleted by rollback (`creating` is looked up first). */
export const ROLLBACK_DELETES: readonly UserState[] = ['staged', 'activating', 'provisioned', 'active', 'removed', 'deactivating', 'deactivated', 'failed'];

/** No Okta user of ours is known: pending in the source again, the record is (re)created. */
export const RECREATE: readonly UserState[] = ['pending', 'creating', 'skipped', 'invalid', 'duplicate', 'deleted'];

/** Out of the source for good: a snapshot that misses them does not count them as removed again. */
export const GONE: readonly UserState[] = ['removed', 'deleted'];

/** Deactivated on request (--deactivate-removed, rollback): leaving the source again keeps the state and its reason. */
export const DEACTIVATION: readonly UserState[] = ['deactivating', 'deactivated'];

/** What `users activate` takes: staged, interrupted activations, and deactivated users back in the source. */
export const ACTIVATION_WORK: readonly UserState[] = ['activating', 'staged', 'deactivated'];

/** Of ACTIVATION_WORK, a deactivated record counts only when it waits for reactivation (its own field). */
export function isActivationWork(r: { state: string; reactivationPending: boolean }): boolean {
  return isIn(ACTIVATION_WORK, r.state) && (r.state !== 'deactivated' || r.reactivationPending);
}

/** Emailed (or handed a link): `users refresh` reads where they stand in Okta. */
export const LINK_SENT: readonly UserState[] = ['provisioned', 'active'];

/** Emailed, no password yet: the only state reminders (`users reactivate`) go to. */
export const REMINDABLE: readonly UserState[] = ['provisioned'];

/** Counted as active in reports: the user set a password (Okta ACTIVE). PROVISIONED is not. */
export const COUNTED_ACTIVE: readonly UserState[] = ['active'];

/** Counted as emailed, waiting for the user to set a password (Okta PROVISIONED). */
export const COUNTED_PROVISIONED: readonly UserState[] = ['provisioned'];

/** Not created for this run to send to yet, as `--only` reports it (the record may still be created). */
export const NOT_CREATED_YET: readonly UserState[] = ['pending', 'creating', 'failed', 'duplicate', 'skipped', 'removed'];

/** The reason a deactivated record back in the source carries until `users activate` reactivates it. */
export const REACTIVATION_PENDING = 'reactivation.pending';

/** Whether a record's state is one of `set` (a state string read from the journal may be any text). */
export function isIn(set: readonly string[], state: string): boolean {
  return set.includes(state);
}

/**
 * Okta's user status as a journal state, for users found in Okta. PROVISIONED is a user who was
 * sent a link and has not set a password yet: not active.
 */
export function stateForStatus(status: string): UserState {
  return status === 'STAGED' ? 'staged' : status === 'DEPROVISIONED' ? 'deactivated' : status === 'PROVISIONED' ? 'provisioned' : 'active';
}
