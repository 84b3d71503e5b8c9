import type { CoreEmitter } from '../events.js';
import { statesIn, type StateCategory } from './category.js';

/**
 * The portal lifecycle: its states, the sets of them the code asks about, and one function per
 * transition (writes through the portal journal, emits `record:state` when the state changes).
 *
 *  pending ─▶ registering ─▶ registered
 *     ├─▶ invalid   (URL or key reason)
 *     └─▶ failed    (error code) ─▶ retried on the next sync
 *  removed: gone from the source; its Okta app is left as it is.
 *  deleting ─▶ deleted: rollback (`deleting` is written before the calls).
 */
export const PORTAL_STATES = ['pending', 'registering', 'registered', 'invalid', 'failed', 'removed', 'deleting', 'deleted'] as const;
export type PortalState = (typeof PORTAL_STATES)[number];

/** Where each state counts (status, reports, exit codes): every state exactly once. */
export const PORTAL_STATE_CATEGORY: { readonly [S in PortalState]: StateCategory } = {
  pending: 'toDo', registering: 'toDo',
  registered: 'inOkta',
  invalid: 'needsAction', failed: 'needsAction',
  removed: 'notMigrated', deleting: 'notMigrated', deleted: 'notMigrated',
};

/** Written before the Okta calls: found after a crash, the app is looked up by its exact label first. */
export const PORTAL_IN_FLIGHT: readonly PortalState[] = ['registering', 'deleting'];

/** A sync leaves these alone when the portal is missing from the source: already gone, or being rolled back. */
export const PORTAL_LEFT_ALONE: readonly PortalState[] = ['removed', 'deleting', 'deleted'];

/** `plan` shows these as a resumed registration: a create may have happened before the crash or failure. */
export const PORTAL_RESUME: readonly PortalState[] = ['registering', 'failed'];

/** Counted as active in reports: the portal is an Okta app. */
export const PORTAL_COUNTED_ACTIVE: readonly PortalState[] = statesIn(PORTAL_STATE_CATEGORY, 'inOkta');

/** A change of a portal row; fields left undefined keep their value. There is no field for a secret. */
export interface PortalStateChange {
  state: PortalState;
  reason?: string | null;
  message?: string | null;
  settingsHash?: string | null;
  appId?: string | null;
  clientId?: string | null;
  label?: string | null;
  secretIssuedAt?: number | null;
  attemptsIncrement?: boolean;
  lastError?: string | null;
}

/** What the transitions need of the portal journal (the SQLite one is one). */
export interface PortalStatePort {
  get(key: string): { state: PortalState } | null;
  update(key: string, change: PortalStateChange, now: number): void;
}

export interface PortalLifecycle {
  portals: PortalStatePort;
  emitter: CoreEmitter;
  now: () => number;
}

function move(d: PortalLifecycle, key: string, change: PortalStateChange): void {
  const from = d.portals.get(key)?.state ?? null;
  d.portals.update(key, change, d.now());
  if (from !== change.state) d.emitter.emit('record:state', { kind: 'portal', key, from, to: change.state, reason: change.reason ?? null });
}

type AppFields = Pick<PortalStateChange, 'appId' | 'clientId' | 'label'>;

/** Before the create: no app is known; the label it will have is recorded (a crash looks it up by it). */
export function toRegistering(d: PortalLifecycle, key: string, label: string): void {
  move(d, key, { state: 'registering', reason: null, message: null, attemptsIncrement: true, appId: null, clientId: null, label, secretIssuedAt: null, lastError: null });
}

/** The create answered (or its lost answer was found by label): the app is recorded, its secret not yet handed over. */
export function toAppCreated(d: PortalLifecycle, key: string, app: AppFields): void {
  move(d, key, { state: 'registering', ...app, secretIssuedAt: null });
}

/** An app found for the portal that is not the one the journal knew: the secret on file is not its own. */
export function toAdoptingApp(d: PortalLifecycle, key: string, app: AppFields): void {
  move(d, key, { state: 'registering', reason: null, message: null, ...app, secretIssuedAt: null });
}

/** The app exists with the settings wanted, its groups assigned and its secret handed over. */
export function toRegistered(d: PortalLifecycle, key: string, app: { appId: string; clientId: string; label: string; settingsHash: string; message: string | null; created: boolean }): void {
  move(d, key, { state: 'registered', reason: null, message: app.message, settingsHash: app.settingsHash, appId: app.appId, clientId: app.clientId, label: app.label, lastError: null });
  d.emitter.emit('portal:registered', { key, appId: app.appId, clientId: app.clientId, created: app.created });
}

/** A fact about the portal (its secret handed over, or not any more) without a change of state. */
export function noteSecret(d: PortalLifecycle, key: string, secretIssuedAt: number | null): void {
  const state = d.portals.get(key)?.state ?? 'pending';
  d.portals.update(key, { state, secretIssuedAt }, d.now());
}

/** The source row is not a portal we can register (its reason says what to fix). */
export function toPortalInvalid(d: PortalLifecycle, key: string, invalid: { reason: string; message: string }): void {
  move(d, key, { state: 'invalid', ...invalid });
}

/** Okta's calls failed (sync or rollback); the next run tries again. */
export function toPortalFailed(d: PortalLifecycle, key: string, failure: { reason: string; code: string; message: string; lastError: string; attemptsIncrement?: boolean }): void {
  const { code, ...change } = failure;
  move(d, key, { state: 'failed', ...change });
  d.emitter.emit('portal:failed', { key, code, message: failure.message });
}

/** Gone from the portal source; its Okta app is left as it is. */
export function toPortalRemoved(d: PortalLifecycle, key: string, message: string): void {
  move(d, key, { state: 'removed', reason: 'source.missing', message });
}

/** Rollback: written before the deactivate and delete calls. */
export function toDeleting(d: PortalLifecycle, key: string): void {
  move(d, key, { state: 'deleting' });
}

/** Rollback removed the app (or found none); a later sync registers the portal afresh. */
export function toPortalDeleted(d: PortalLifecycle, key: string, message: string): void {
  move(d, key, { state: 'deleted', reason: 'rollback', message, secretIssuedAt: null });
}
