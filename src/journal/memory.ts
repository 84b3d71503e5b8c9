import os from 'node:os';
import { JournalError } from '../core/errors.js';
import type { RecordState } from '../core/lifecycle/record.js';
import { isActivationWork } from '../core/lifecycle/user.js';
import type { Kind, UserKind } from '../core/types.js';
import type { UserRecord } from '../records/types.js';
import { columnsWith, fromSql, RECORD_COLUMNS, toSql } from './columns.js';
import type { JournalStores, PortalStore } from './contracts.js';
import { isAlive, lockedError, thisProcess } from './lock.js';
import { compareNullable, compareText, MemoryPortalStore } from './memory-portals.js';
import { toJournalRow } from './rows.js';
import { sourceFields } from './snapshot.js';
import type { ActivityEntry, GroupEntry, JournalRow, LockHolder, PortalRow, RunEntry, StateChange } from './types.js';

/**
 * The in-memory twin of the journal: records, portals, lock, runs and activity, groups and meta,
 * with the semantics of the SQLite journal (test/journal/contract.test.ts runs the same cases on
 * both). For tests of phase logic that need a journal but prove no SQL. The source snapshot and
 * its diff are not here: they are SQL over the snapshot and the records together, and a twin would
 * re-implement that SQL rather than check it; `seed` stands in for applying a first snapshot.
 */
const CHANGE_COLUMNS = columnsWith(RECORD_COLUMNS, 'change');
const SNAP_COLUMNS = columnsWith(RECORD_COLUMNS, 'snapshot');

type StoredRun = Omit<RunEntry, 'counts'> & { counts: string | null };
type StoredActivity = Required<ActivityEntry> & { id: number; runId: number | null };

/** What handles of one in-memory journal share (two handles: two connections to one file). */
export class MemoryJournalData {
  readonly records = new Map<string, JournalRow>();
  readonly portals = new Map<string, PortalRow>();
  readonly meta = new Map<string, string>();
  readonly groups = new Map<UserKind, GroupEntry>();
  runs: StoredRun[] = [];
  activity: StoredActivity[] = [];
  lock: LockHolder | null = null;

  /**
   * Every row is replaced on write, never changed in place: copies of the containers are a
   * snapshot. Restored in place: the portal store holds the map itself.
   */
  save(): () => void {
    const maps = [this.records, this.portals, this.meta, this.groups] as Map<unknown, unknown>[];
    const saved = maps.map((m) => new Map(m));
    const runs = [...this.runs];
    const activity = [...this.activity];
    const lock = this.lock;
    return () => {
      maps.forEach((m, i) => {
        m.clear();
        for (const [k, v] of saved[i] as Map<unknown, unknown>) m.set(k, v);
      });
      Object.assign(this, { runs, activity, lock });
    };
  }
}

const id = (kind: string, key: string): string => `${kind}\u0000${key}`;
const byKindKey = (a: JournalRow, b: JournalRow): number => compareText(a.kind, b.kind) || compareText(a.key, b.key);
const copy = (r: JournalRow): JournalRow => structuredClone(r);

export class MemoryJournal implements JournalStores {
  readonly path = ':memory:';
  readonly portals: PortalStore;
  private lockHeld = false;
  private lastHeartbeat = 0;

  constructor(readonly data: MemoryJournalData = new MemoryJournalData()) {
    this.portals = new MemoryPortalStore(data.portals);
  }

  close(): void {
    if (this.lockHeld) this.releaseLock();
  }

  /**
   * Records as applying a first snapshot of `records` gives them (no dedupe: their login keys must
   * differ; a record the journal has already is refused). The SQLite journal's own snapshot is the
   * reference for everything else.
   */
  seed(records: UserRecord[], now: number): void {
    const logins = new Set<string>();
    for (const r of records) {
      if (this.data.records.has(id(r.kind, r.key))) throw new Error(`memory journal: ${r.kind}:${r.key} is already there`);
      if (r.loginKey !== null && r.classification.state === 'pending') {
        if (logins.has(r.loginKey)) throw new Error(`memory journal: seed has no dedupe, and ${r.loginKey} is there twice`);
        logins.add(r.loginKey);
      }
      const fields = sourceFields(r);
      const raw: Record<string, unknown> = Object.fromEntries(RECORD_COLUMNS.map((c) => [c.field, null]));
      Object.assign(raw, { ours: 0, dirty: 0, passwordImported: 0, reactivationPending: 0, attempts: 0, updatedAt: now });
      for (const c of SNAP_COLUMNS) raw[c.field] = toSql(c.codec, fields[c.field]);
      this.data.records.set(id(r.kind, r.key), toJournalRow(raw));
    }
  }

  meta(key: string): string | null {
    return this.data.meta.get(key) ?? null;
  }

  setMeta(key: string, value: string): void {
    this.data.meta.set(key, value);
  }

  acquireLock(command: string): void {
    const now = Date.now();
    const holder = this.data.lock;
    if (holder && isAlive(holder, now)) throw lockedError(this.path, holder);
    this.data.lock = thisProcess(command, now);
    this.lockHeld = true;
  }

  heartbeat(): void {
    const now = Date.now();
    if (!this.lockHeld || now - this.lastHeartbeat < 1000) return;
    this.lastHeartbeat = now;
    if (this.data.lock?.pid === process.pid) this.data.lock = { ...this.data.lock, heartbeat: now };
  }

  /** One transaction: a write that throws leaves none of the batch applied. */
  batch(fn: () => void): void {
    const restore = this.data.save();
    try {
      fn();
    } catch (err) {
      restore();
      throw err;
    }
  }

  releaseLock(): void {
    if (!this.lockHeld) return;
    const holder = this.data.lock;
    if (holder && holder.pid === process.pid && holder.host === os.hostname()) this.data.lock = null;
    this.lockHeld = false;
  }

  lockHolder(): LockHolder | null {
    return this.data.lock ? { ...this.data.lock } : null;
  }

  get(kind: Kind, key: string): JournalRow | null {
    const row = this.data.records.get(id(kind, key));
    return row ? copy(row) : null;
  }

  findByLoginKey(loginKey: string): JournalRow[] {
    return this.where((r) => r.loginKey === loginKey);
  }

  findByOktaId(oktaId: string): JournalRow[] {
    return this.where((r) => r.oktaId === oktaId);
  }

  page(filter: { kinds: Kind[]; states: RecordState[]; dirtyOnly?: boolean }, after: { kind: string; key: string } | null, limit: number): JournalRow[] {
    const kinds = new Set<string>(filter.kinds);
    const states = new Set<string>(filter.states);
    const rows = this.where((r) => kinds.has(r.kind) && states.has(r.state) && (!filter.dirtyOnly || r.dirty)
      && (after === null || compareText(r.kind, after.kind) > 0 || (r.kind === after.kind && compareText(r.key, after.key) > 0)));
    return rows.slice(0, Math.max(0, limit));
  }

  setState(kind: Kind, key: string, change: StateChange, now: number): void {
    const known = this.data.records.get(id(kind, key));
    if (!known) throw new JournalError('JOURNAL_NO_RECORD', `journal has no record ${kind}:${key}`);
    const row: JournalRow = { ...known, state: change.state, updatedAt: now };
    for (const c of CHANGE_COLUMNS) {
      const value = change[c.field];
      if (value !== undefined) (row as unknown as Record<string, unknown>)[c.field] = fromSql(c.codec, toSql(c.codec, value));
    }
    if (change.state === 'creating') row.createMarkedAt = known.createMarkedAt ?? now;
    if (change.clearPasswordHash) row.passwordHash = null;
    if (change.attemptsIncrement) row.attempts += 1;
    this.data.records.set(id(kind, key), row);
  }

  countActivationWork(kinds: Kind[]): number {
    let n = 0;
    for (const r of this.data.records.values()) if (kinds.includes(r.kind) && isActivationWork(r)) n++;
    return n;
  }

  countByState(kinds?: Kind[]): { kind: Kind; state: RecordState; reason: string | null; count: number }[] {
    const counts = new Map<string, { kind: Kind; state: RecordState; reason: string | null; count: number }>();
    for (const r of this.data.records.values()) {
      if (kinds && kinds.length && !kinds.includes(r.kind)) continue;
      const k = JSON.stringify([r.kind, r.state, r.reason]);
      const c = counts.get(k) ?? { kind: r.kind, state: r.state, reason: r.reason, count: 0 };
      c.count++;
      counts.set(k, c);
    }
    const rows = [...counts.values()].sort((a, b) => compareText(a.kind, b.kind) || compareText(a.state, b.state) || compareNullable(a.reason, b.reason));
    if (!kinds || kinds.length === 0 || kinds.includes('portal')) rows.push(...this.portals.countByState().map((c) => ({ kind: 'portal' as const, ...c })));
    return rows;
  }

  *all(kinds?: Kind[]): IterableIterator<JournalRow> {
    yield* this.where((r) => !kinds || kinds.length === 0 || kinds.includes(r.kind));
  }

  group(kind: UserKind): GroupEntry | null {
    const g = this.data.groups.get(kind);
    return g ? { name: g.name, oktaId: g.oktaId, created: g.created } : null;
  }

  setGroup(kind: UserKind, g: GroupEntry, _now: number): void {
    const known = this.data.groups.get(kind);
    this.data.groups.set(kind, { name: g.name, oktaId: g.oktaId, created: g.created || (known?.created ?? false) });
  }

  removeGroup(kind: UserKind): void {
    this.data.groups.delete(kind);
  }

  startRun(phase: string, now: number): number {
    const runId = (this.data.runs.at(-1)?.id ?? 0) + 1;
    this.data.runs.push({ id: runId, phase, pid: process.pid, host: os.hostname(), startedAt: now, finishedAt: null, outcome: null, counts: null });
    return runId;
  }

  finishRun(runId: number, outcome: string, counts: Record<string, number>, now: number): void {
    this.data.runs = this.data.runs.map((r) => (r.id === runId ? { ...r, finishedAt: now, outcome, counts: JSON.stringify(counts) } : r));
  }

  lastRuns(limit: number): RunEntry[] {
    return [...this.data.runs].reverse().slice(0, Math.max(0, limit)).map((r) => ({ ...r, counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null }));
  }

  logActivity(runId: number | null, e: ActivityEntry): void {
    const entryId = (this.data.activity.at(-1)?.id ?? 0) + 1;
    this.data.activity.push({ id: entryId, runId, at: e.at, type: e.type, kind: e.kind ?? null, key: e.key ?? null, code: e.code ?? null, detail: e.detail ?? null });
  }

  activitySince(at: number, types?: string[]): ActivityEntry[] {
    return this.data.activity
      .filter((e) => e.at >= at && (!types || types.length === 0 || types.includes(e.type)))
      .map((e) => ({ at: e.at, type: e.type, kind: e.kind, key: e.key, code: e.code, detail: e.detail }));
  }

  private where(keep: (r: JournalRow) => boolean): JournalRow[] {
    return [...this.data.records.values()].filter(keep).sort(byKindKey).map(copy);
  }
}

/** A fresh in-memory journal, or a second handle on the data of one (as a second connection). */
export function openMemoryJournal(data?: MemoryJournalData): MemoryJournal {
  return new MemoryJournal(data);
}
