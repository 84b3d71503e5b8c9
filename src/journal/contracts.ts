import type { PortalState } from '../core/lifecycle/portal.js';
import type { RecordState } from '../core/lifecycle/record.js';
import type { Kind, UserKind } from '../core/types.js';
import type {
  ActivityEntry, GroupEntry, JournalRow, LockHolder, PortalChange, PortalRow, PortalSourceFields, RunEntry, SnapshotWriter, StateChange,
} from './types.js';

/**
 * The journal as small contracts, so a phase asks for what it uses (a function that only reads
 * records takes a `RecordReader`, the group step a `GroupRegistry & MetaStore`) and a test can hand
 * it the in-memory twin (memory.ts). Both implementations pass test/journal/contract.test.ts.
 * Every write is committed before the call returns, so a run killed at any instant resumes from here.
 */

/** Small key/value facts of the journal: the installation, marks written before an Okta call. */
export interface MetaStore {
  meta(key: string): string | null;
  setMeta(key: string, value: string): void;
}

/**
 * One process at a time writes the journal. `acquireLock` refuses (JOURNAL_LOCKED) while the holder
 * lives: on this host, its process answers; on another host, its heartbeat is under 5 minutes old.
 * A dead or silent holder's lock is taken over.
 */
export interface JournalLock {
  acquireLock(command: string): void;
  /** Refreshes the holder's heartbeat; at most one write a second. */
  heartbeat(): void;
  releaseLock(): void;
  lockHolder(): LockHolder | null;
}

/** The user records (admins, panelists), read side. Orders are (kind, key), keys compared bytewise. */
export interface RecordReader {
  get(kind: Kind, key: string): JournalRow | null;
  findByLoginKey(loginKey: string): JournalRow[];
  findByOktaId(oktaId: string): JournalRow[];
  /** Rows of the given kinds and states, in a stable order, paged by (kind, key) after `after`. */
  page(filter: { kinds: Kind[]; states: RecordState[]; dirtyOnly?: boolean }, after: { kind: string; key: string } | null, limit: number): JournalRow[];
  /** Per kind, state and reason (portals included when asked for, or when no kinds are given). */
  countByState(kinds?: Kind[]): { kind: Kind; state: RecordState; reason: string | null; count: number }[];
  /** Records `users activate` would take (lifecycle isActivationWork), of the given kinds. */
  countActivationWork(kinds: Kind[]): number;
  all(kinds?: Kind[]): IterableIterator<JournalRow>;
}

export interface RecordStore extends RecordReader {
  /** Moves a record (JOURNAL_NO_RECORD when the journal has none); fields left undefined keep their value. */
  setState(kind: Kind, key: string, change: StateChange, now: number): void;
}

export interface PortalStore {
  get(key: string): PortalRow | null;
  all(): PortalRow[];
  /** Inserts a new portal as `pending`, or refreshes the source fields of a known one (state kept). */
  upsertSource(fields: PortalSourceFields, now: number): PortalRow;
  /** JOURNAL_NO_PORTAL when the journal has no such portal. */
  update(key: string, change: PortalChange, now: number): void;
  countByState(): { state: PortalState; reason: string | null; count: number }[];
}

/** Runs of the phases and the compact activity log that status, rates and the dashboard read. */
export interface RunLog {
  startRun(phase: string, now: number): number;
  finishRun(runId: number, outcome: string, counts: Record<string, number>, now: number): void;
  lastRuns(limit: number): RunEntry[];
  logActivity(runId: number | null, entry: ActivityEntry): void;
  /** Entries at or after `at`, in the order they were logged. */
  activitySince(at: number, types?: string[]): ActivityEntry[];
}

/** The Okta group of each user kind; `created` only ever goes from false to true. */
export interface GroupRegistry {
  group(kind: UserKind): GroupEntry | null;
  setGroup(kind: UserKind, g: GroupEntry, now: number): void;
  removeGroup(kind: UserKind): void;
}

/** The source snapshot diffed against the records (SQLite only: the diff is SQL over both). */
export interface SnapshotSource {
  beginSnapshot(): SnapshotWriter;
}

/** Everything but the snapshot: what the in-memory twin implements too. */
export interface JournalStores extends MetaStore, JournalLock, RecordStore, RunLog, GroupRegistry {
  readonly path: string;
  close(): void;
  /** Runs `fn` (several writes) as one transaction: one commit for all. Optional: without it, writes commit one by one. */
  batch?(fn: () => void): void;
}

/** The whole journal: the single source of truth for what has been done. SQL lives only in journal/. */
export interface Journal extends JournalStores, SnapshotSource {}
