import type { CoreEmitter } from '../events.js';
import type { Kind } from '../types.js';
import type { RecordState } from './record.js';
import { stateForStatus, type ActivationMode, type Ownership, type UserState } from './user.js';

/**
 * One function per transition of a user record. Each writes the new state and its facts through
 * the journal (committed before it returns) and emits `record:state` with from/to, then the
 * follow-up event a transition has (`user:created`, `user:linked`, …). Facts are fields of their
 * own: ownership, `passwordImported`, the activation mode, `reactivationPending` (kept through an
 * activation attempt, ended by any transition that says where the user now stands); the reason
 * only explains them.
 */
export interface UserStateChange {
  state: UserState;
  reason?: string | null;
  message?: string | null;
  oktaId?: string | null;
  ours?: boolean;
  syncedHash?: string | null;
  clearPasswordHash?: boolean;
  passwordImported?: boolean;
  reactivationPending?: boolean;
  dirty?: boolean;
  attemptsIncrement?: boolean;
  lastError?: string | null;
  ownership?: Ownership | null;
  activation?: ActivationMode | null;
}

/** What the transitions need of a journal (the SQLite journal is one). */
export interface UserStatePort {
  setState(kind: Kind, key: string, change: UserStateChange, now: number): void;
}

export interface UserLifecycle {
  journal: UserStatePort;
  emitter: CoreEmitter;
  now: () => number;
}

/** The record a transition moves, as the journal last gave it. */
export interface UserRef {
  kind: Kind;
  key: string;
  state: RecordState;
}

/** An Okta user as the transitions need it. */
export interface OktaUserRef {
  id: string;
  status: string;
}

function move(d: UserLifecycle, row: UserRef, change: UserStateChange): void {
  d.journal.setState(row.kind, row.key, change, d.now());
  d.emitter.emit('record:state', { kind: row.kind, key: row.key, from: row.state, to: change.state, reason: change.reason ?? null });
}

/** A user created with an imported hash already has a password: never an activation email. */
function imported(passwordImported: boolean): Pick<UserStateChange, 'reason' | 'passwordImported'> {
  return passwordImported ? { reason: 'password.imported', passwordImported: true } : { reason: null };
}

/** Before the create call: the time (set by the journal) and the profile sent prove a lost create later. */
export function toCreating(d: UserLifecycle, row: UserRef, sentHash: string | null): void {
  move(d, row, { state: 'creating', syncedHash: sentHash });
}

/** Our create answered: the user is ours, STAGED, with the profile we sent. */
export function toStaged(d: UserLifecycle, row: UserRef, created: { oktaId: string; syncedHash: string | null; passwordImported: boolean }): void {
  move(d, row, {
    state: 'staged', oktaId: created.oktaId, ours: true, ownership: 'created', syncedHash: created.syncedHash, clearPasswordHash: true, dirty: false,
    ...imported(created.passwordImported), message: null, lastError: null,
  });
  d.emitter.emit('user:created', { kind: row.kind, key: row.key, oktaId: created.oktaId, adopted: false });
}

/**
 * A user of ours found in Okta (recorded ours, or a lost create proven ours: `ownership`
 * 'recovered'): its state follows Okta's status.
 */
export function toAdopted(
  d: UserLifecycle, row: UserRef, user: OktaUserRef,
  facts: { passwordImported: boolean; syncedHash: string | null; dirty: boolean; ownership?: Ownership },
): void {
  move(d, row, {
    state: stateForStatus(user.status), oktaId: user.id, ours: true, clearPasswordHash: true, ...imported(facts.passwordImported),
    message: null, lastError: null, syncedHash: facts.syncedHash, dirty: facts.dirty, ...(facts.ownership ? { ownership: facts.ownership } : {}),
  });
  d.emitter.emit('user:created', { kind: row.kind, key: row.key, oktaId: user.id, adopted: true });
}

/** The record that left the source gives its Okta user up to `heir` (same login, new key); its state stays. */
export function disown(d: UserLifecycle, owner: UserRef & { state: UserState }, oktaId: string, heir: Pick<UserRef, 'kind' | 'key'>): void {
  move(d, owner, {
    state: owner.state, oktaId: null, ours: false, ownership: null, reason: 'removed.key_changed',
    message: `its Okta user ${oktaId} now belongs to ${heir.kind}:${heir.key} (same login, new source key)`,
  });
}

/** A new key takes over the Okta user of a record of ours that left the source; the profile now follows it. */
export function toInherited(d: UserLifecycle, row: UserRef, user: OktaUserRef, from: Pick<UserRef, 'kind' | 'key'>, syncedHash: string | null): void {
  move(d, row, {
    state: stateForStatus(user.status), oktaId: user.id, ours: true, ownership: 'inherited', syncedHash, dirty: false, clearPasswordHash: true, lastError: null,
    reason: 'key.changed', message: `took over the Okta user of ${from.kind}:${from.key} (no longer in the source, same login); its profile now follows this record`,
  });
}

/** The login belongs to an Okta user that is not (provably) ours: left untouched. */
export function toConflict(d: UserLifecycle, row: UserRef, conflict: { reason: string; message: string; login: string }): void {
  move(d, row, { state: 'conflict', oktaId: null, ours: false, ownership: null, reason: conflict.reason, message: conflict.message, lastError: null });
  d.emitter.emit('user:conflict', { kind: row.kind, key: row.key, login: conflict.login });
}

/** onExisting=link: a foreign Okta user added to our groups; never ours, never changed. */
export function toLinked(d: UserLifecycle, row: UserRef, oktaId: string, message: string): void {
  move(d, row, { state: 'linked', oktaId, ours: false, ownership: null, reason: 'linked.existing', message, clearPasswordHash: true, lastError: null });
  d.emitter.emit('user:linked', { kind: row.kind, key: row.key, oktaId });
}

/** Okta refused the record itself (a profile it will not take). */
export function toInvalid(d: UserLifecycle, row: UserRef, rejected: { reason: string; message: string; lastError: string }): void {
  move(d, row, { state: 'invalid', ...rejected });
}

/** The profile we sent is now the one Okta holds; the state stays. */
export function toProfileSynced(d: UserLifecycle, row: UserRef & { state: UserState }, oktaId: string, syncedHash: string | null): void {
  move(d, row, { state: row.state, syncedHash, dirty: false, lastError: null });
  d.emitter.emit('user:updated', { kind: row.kind, key: row.key, oktaId, fields: ['profile'] });
}

/** Where Okta says a user of ours stands (found after a crash, a failure, or an earlier run). */
export function toOktaStatus(d: UserLifecycle, row: UserRef, status: string, note: { reason: string | null; message: string | null }): UserState {
  const state = stateForStatus(status);
  move(d, row, { state, reason: note.reason, message: note.message, lastError: null, reactivationPending: false });
  return state;
}

/** Okta's calls for this record failed after the governor's retries; the next run retries it. */
export function toFailed(d: UserLifecycle, row: UserRef & { attempts: number }, failure: { code: string; message: string }): void {
  move(d, row, { state: 'failed', reason: `okta.${failure.code}`, message: failure.message, lastError: failure.code, attemptsIncrement: true, reactivationPending: false });
  failed(d, row, failure);
}

/** A failed attempt on a record (the follow-up event of a failure, also when the record goes back to wait). */
export function failed(d: UserLifecycle, row: UserRef & { attempts: number }, failure: { code: string; message: string }): void {
  d.emitter.emit('user:failed', { kind: row.kind, key: row.key, code: failure.code, message: failure.message, attempts: row.attempts + 1 });
}

/** Before the activate (or reactivate) call: how it delivers is recorded with it. */
export function toActivating(d: UserLifecycle, row: UserRef, activating: { activation?: ActivationMode; reason?: string; message?: string; lastError?: string; attemptsIncrement?: boolean }): void {
  move(d, row, { state: 'activating', ...activating });
}

/** Emailed or handed a link, no password yet (Okta PROVISIONED). */
export function toProvisioned(d: UserLifecycle, row: UserRef, reason: 'activation.email' | 'activation.link' | 'activation.waiting'): void {
  move(d, row, { state: 'provisioned', reason, message: null, lastError: null, reactivationPending: false });
}

/** The user has a password (set after the link, or imported): Okta ACTIVE. */
export function toActive(d: UserLifecycle, row: UserRef, reason: 'password.imported' | 'activation.password_set'): void {
  move(d, row, { state: 'active', reason, message: null, lastError: null, reactivationPending: false });
}

/** Our activation went out: an imported password makes the user active at once, anyone else waits PROVISIONED. */
export function activated(d: UserLifecycle, row: UserRef & { oktaId: string | null; passwordImported: boolean }, email: boolean): void {
  if (row.passwordImported) toActive(d, row, 'password.imported');
  else toProvisioned(d, row, email ? 'activation.email' : 'activation.link');
  d.emitter.emit('user:activated', { kind: row.kind, key: row.key, oktaId: row.oktaId as string, email });
}

/** An activation that did not happen: back to where the record waits (staged, or deactivated awaiting reactivation). */
export function toAwaitingActivation(d: UserLifecycle, row: UserRef, waiting: { state: 'staged' | 'deactivated'; reason: string; message: string; lastError: string }): void {
  move(d, row, { ...waiting, attemptsIncrement: true });
}

/** Rollback: written before its calls, so a resumed rollback replays them (each is safe to replay). */
export function toDeactivating(d: UserLifecycle, row: UserRef): void {
  move(d, row, { state: 'deactivating' });
}

/** The Okta user is DEPROVISIONED (on request, or found so). */
export function toDeactivated(d: UserLifecycle, row: UserRef, note: { reason: string; message: string | null }): void {
  move(d, row, { state: 'deactivated', ...note, reactivationPending: false });
}

/** Rollback deleted the Okta user; a later run creates it afresh. */
export function toDeleted(d: UserLifecycle, row: UserRef): void {
  move(d, row, { state: 'deleted', reason: 'rollback', message: 'deleted from Okta by rollback', dirty: false, reactivationPending: false });
}

/** Rollback took back the memberships of a linked user; the Okta user itself is untouched. */
export function toUnlinked(d: UserLifecycle, row: UserRef): void {
  move(d, row, { state: 'removed', reason: 'rollback.unlinked', message: 'removed from the installation groups by rollback; the Okta user is untouched', reactivationPending: false });
}

/** Nothing in Okta for a create that a crash left in flight: the record starts over. */
export function toPending(d: UserLifecycle, row: UserRef): void {
  move(d, row, { state: 'pending', reason: null, message: null, reactivationPending: false });
}
