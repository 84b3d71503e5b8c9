import type { RecordState } from '../core/lifecycle/record.js';
import type { UserStateChange } from '../core/lifecycle/user-transitions.js';
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

/**
 * The journal: the single source of truth for what has been done. SQL lives only in journal/.
 * Every state change is committed before the call that depends on it returns, so a run killed at
 * any instant resumes from here.
 */
export interface Journal {
  readonly path: string;
  close(): void;

  meta(key: string): string | null;
  setMeta(key: string, value: string): void;

  // lock
  acquireLock(command: string): void;
  heartbeat(): void;
  /** Runs `fn` (several writes) as one transaction: one commit for all. Optional: without it, writes commit one by one. */
  batch?(fn: () => void): void;
  releaseLock(): void;
  lockHolder(): LockHolder | null;

  // snapshot of the source, diffed against the journal
  beginSnapshot(): SnapshotWriter;

  // records
  get(kind: Kind, key: string): JournalRow | null;
  findByLoginKey(loginKey: string): JournalRow[];
  findByOktaId(oktaId: string): JournalRow[];
  /** Rows of the given kinds and states, in a stable order, paged by (kind, key) after `after`. */
  page(filter: { kinds: Kind[]; states: RecordState[]; dirtyOnly?: boolean }, after: { kind: string; key: string } | null, limit: number): JournalRow[];
  setState(kind: Kind, key: string, change: StateChange, now: number): void;
  countByState(kinds?: Kind[]): { kind: Kind; state: RecordState; reason: string | null; count: number }[];
  all(kinds?: Kind[]): IterableIterator<JournalRow>;

  // groups
  group(kind: UserKind): { name: string; oktaId: string; created: boolean } | null;
  setGroup(kind: UserKind, g: { name: string; oktaId: string; created: boolean }, now: number): void;
  removeGroup(kind: UserKind): void;

  // runs and activity
  startRun(phase: string, now: number): number;
  finishRun(runId: number, outcome: string, counts: Record<string, number>, now: number): void;
  lastRuns(limit: number): { id: number; phase: string; pid: number; host: string; startedAt: number; finishedAt: number | null; outcome: string | null; counts: Record<string, number> | null }[];
  logActivity(runId: number | null, entry: ActivityEntry): void;
  activitySince(at: number, types?: string[]): ActivityEntry[];
}

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
