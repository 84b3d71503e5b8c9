import type { PortalState, PortalStateChange } from '../core/lifecycle/portal.js';
import type { UserStateChange } from '../core/lifecycle/user-transitions.js';
import type { RecordState } from '../core/lifecycle/record.js';
import type { ActivationMode, Ownership } from '../core/lifecycle/user.js';
import type { Kind, PasswordHash, UserKind } from '../core/types.js';
import type { UserRecord } from '../records/types.js';

/** A user or portal row of the journal, as the phases see it. */
export interface JournalRow {
  kind: Kind;
  key: string;
  state: RecordState;
  reason: string | null;
  message: string | null;
  line: number | null;
  login: string | null;
  loginKey: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  preferredLanguage: string | null;
  status: string | null;
  lastLogin: string | null;
  sourceHash: string | null;
  syncedHash: string | null;
  passwordHash: PasswordHash | null;
  /** Created in Okta with an imported password hash: never sent an activation email. */
  passwordImported: boolean;
  /** Back in the source after its Okta user (ours) was deactivated: `users activate` reactivates it. */
  reactivationPending: boolean;
  duplicateOf: string | null;
  /** User kinds whose Okta group this user belongs in (two when an admin is also a panelist). */
  groups: UserKind[];
  oktaId: string | null;
  /** True when this journal created the Okta user (only those are ever updated, activated or deleted). */
  ours: boolean;
  dirty: boolean;
  attempts: number;
  lastError: string | null;
  updatedAt: number;
  /** When this journal last marked the record `creating` (just before its create call). */
  createMarkedAt: number | null;
  /** How `ours` was established (null when not ours). */
  ownership: Ownership | null;
  /** How the activation in flight delivers, written with `activating`. */
  activation: ActivationMode | null;
}

/** What the snapshot of the source says should happen to each record, per kind. */
export interface PlanCounts {
  kind: UserKind;
  total: number;
  create: number;
  retry: number;
  update: number;
  done: number;
  conflict: number;
  /** Back in the source after `--deactivate-removed` deactivated their Okta user (ours): `users activate` reactivates them. */
  reactivate: number;
  duplicate: number;
  skipped: Record<string, number>;
  invalid: Record<string, number>;
  removed: number;
}

/** A state change of a user row: the lifecycle's (src/core/lifecycle/user-transitions.ts). */
export type StateChange = UserStateChange;

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: number;
  heartbeat: number;
}

export interface ActivityEntry {
  at: number;
  type: string;
  kind?: string | null;
  key?: string | null;
  code?: string | null;
  detail?: string | null;
}

/** One run of a phase, as `lastRuns` returns it (newest first). */
export interface RunEntry {
  id: number;
  phase: string;
  pid: number;
  host: string;
  startedAt: number;
  finishedAt: number | null;
  outcome: string | null;
  counts: Record<string, number> | null;
}

/** The Okta group of a user kind, as the journal knows it. */
export interface GroupEntry {
  name: string;
  oktaId: string;
  created: boolean;
}

/**
 * The portal rows of the journal (table `portals`, migration 002). One row per portal key of the
 * source. What it never holds: the client secret. `secretIssuedAt` says when the current secret
 * was handed over through the credentials file; null means the app's secret is unknown to us.
 */
export interface PortalRow {
  key: string;
  state: PortalState;
  reason: string | null;
  message: string | null;
  line: number | null;
  name: string | null;
  baseUrl: string | null;
  redirectUris: string[];
  /** Hash of the app settings last confirmed by Okta (null: never synced). */
  settingsHash: string | null;
  appId: string | null;
  clientId: string | null;
  label: string | null;
  secretIssuedAt: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The fields a portal row takes from the source. */
export interface PortalSourceFields {
  key: string;
  line: number;
  name: string | null;
  baseUrl: string | null;
  redirectUris: string[];
}

/** A change of a portal row: the lifecycle's (src/core/lifecycle/portal.ts); there is no field for a secret. */
export type PortalChange = PortalStateChange;

/** The composite journal and its small contracts live in contracts.ts; re-exported for the callers that import it from here. */
export type { Journal } from './contracts.js';

export interface SnapshotWriter {
  /** Declares that this kind's source is being read (its journal rows missing from it are `removed`). */
  markKindRead(kind: UserKind): void;
  add(record: UserRecord): void;
  /** Dedupes the snapshot (Okta's login rule) and returns what applying it would do; read-only on the journal. */
  diff(): PlanCounts[];
  /** Applies the snapshot to the journal (new, changed, removed); returns the counts it applied. */
  apply(now: number): PlanCounts[];
  discard(): void;
  /**
   * Where, in the order a create run takes them, the users to create whose last login is at or after
   * `since` stand: the positions of the first 50 %, 90 % and 100 % of them (1-based).
   */
  activeMilestones?(since: string, order: 'key' | 'last-login'): ActiveMilestones;
}

export interface ActiveMilestones {
  active: number;
  toCreate: number;
  at: { percent: number; position: number }[];
}
