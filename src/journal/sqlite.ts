import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JournalError } from '../core/errors.js';
import type { RecordState } from '../core/lifecycle/record.js';
import type { Kind, UserKind } from '../core/types.js';
import { ACTIVATION_WORK } from '../core/lifecycle/user.js';
import { columnsWith, RECORD_COLUMNS, toSql } from './columns.js';
import { inStates } from './state-sql.js';
import { activationLogOf, type SqliteActivationLog } from './activation.js';
import { migrations } from './migrations/index.js';
import { isAlive, lockedError, thisProcess } from './lock.js';
import { damagedJournalCode, damagedJournalError, missingFolderError } from './open-errors.js';
import { recordSelect, toJournalRow, type RecordRowSql } from './rows.js';
import { SqliteSnapshot } from './snapshot.js';
import type { Journal } from './contracts.js';
import type { ActivityEntry, GroupEntry, JournalRow, LockHolder, RunEntry, SnapshotWriter, StateChange } from './types.js';

export { isAlive } from './lock.js';

/** The columns setState sets from the fields of a StateChange of the same name. */
const CHANGE_COLUMNS = columnsWith(RECORD_COLUMNS, 'change');

export interface OpenJournalOptions {
  /** Open for reading only (status, report, dashboard): works while a run holds the lock. */
  readonly?: boolean;
  /** The installation the journal belongs to; a journal of another installation is refused. */
  installation?: string;
  /**
   * With `readonly`: when the file does not exist, open an empty journal in memory instead of failing,
   * so a read-only command (plan) can diff the sources against "nothing migrated yet" and leave no file.
   */
  emptyIfMissing?: boolean;
}

export function openJournal(file: string, options: OpenJournalOptions = {}): SqliteJournal {
  return new SqliteJournal(file, options);
}

export class SqliteJournal implements Journal {
  readonly path: string;
  readonly db: Database.Database;
  private lockHeld = false;
  private lastHeartbeat = 0;
  /** True when the file did not exist and this journal lives in memory only (see emptyIfMissing). */
  readonly inMemory: boolean;
  /** setState builds its UPDATE from the fields given: a handful of shapes, each prepared once. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string, options: OpenJournalOptions = {}) {
    this.path = path.resolve(file);
    if (!existsSync(path.dirname(this.path))) throw missingFolderError(this.path);
    this.inMemory = Boolean(options.readonly && options.emptyIfMissing && !existsSync(this.path));
    try {
      // The journal holds logins and names: readable by its owner only (SQLite gives -wal/-shm the same mode).
      if (!options.readonly && !existsSync(this.path)) closeSync(openSync(this.path, 'a', 0o600));
      this.db = this.inMemory ? new Database(':memory:') : new Database(this.path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (err) {
      if (damagedJournalCode(err)) throw damagedJournalError(this.path, err);
      throw new JournalError('JOURNAL_OPEN', `cannot open the journal ${this.path}: ${(err as Error).message}${options.readonly ? ' (has a run created it yet? check --journal / journal in the config)' : ''}`, {
        context: { path: this.path },
        cause: err,
      });
    }
    try {
      this.configure(options);
    } catch (err) {
      this.db.close();
      if (damagedJournalCode(err)) throw damagedJournalError(this.path, err);
      throw err;
    }
  }

  private configure(options: OpenJournalOptions): void {
    // WAL lets status/report/dashboard read while a run writes. synchronous=NORMAL: in WAL mode a
    // committed transaction survives any process kill; only a power cut (or OS crash) may lose the
    // last few. That is safe here because every Okta call is safe to replay: a user whose `staged`
    // mark was lost is found by login and proven ours (users/ownership.ts); if its `creating` mark
    // was lost too, nothing proves it ours and it is reported as a conflict, never adopted or
    // created twice. An activation replayed answers E0000016 (no second email), a portal app is
    // found by its exact label. Measured: 1,000,000
    // records end to end 1,736/s with FULL, 2,373/s with NORMAL (npm run bench -- e2e).
    // EFS_OKTA_JOURNAL_SYNC=FULL restores an fsync per commit.
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${process.env.EFS_OKTA_JOURNAL_SYNC === 'FULL' ? 'FULL' : 'NORMAL'}`);
    }
    this.db.pragma('busy_timeout = 5000');
    if (!options.readonly || this.inMemory) this.migrate();
    if (options.installation) this.checkInstallation(options.installation, options.readonly ?? false);
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (const m of migrations) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.pragma(`user_version = ${m.version}`);
      }).immediate();
    }
  }

  private checkInstallation(installation: string, readonly: boolean): void {
    const existing = this.meta('installation');
    if (existing === null && !readonly) this.setMeta('installation', installation);
    else if (existing !== null && existing !== installation) {
      throw new JournalError('JOURNAL_INSTALLATION', `the journal ${this.path} belongs to installation "${existing}", not "${installation}": point --journal (or journal in the config) at the right file`, {
        context: { path: this.path, existing, installation },
      });
    }
  }

  private activationLog: SqliteActivationLog | null | undefined;

  /** The activation funnel (migration 009); null in a read-only journal written by an older version. */
  get activation(): SqliteActivationLog | null {
    if (this.activationLog === undefined) this.activationLog = activationLogOf(this.db);
    return this.activationLog;
  }

  close(): void {
    if (this.lockHeld) this.releaseLock();
    if (this.db.open) this.db.close();
  }

  meta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  acquireLock(command: string): void {
    const now = Date.now();
    this.db.transaction(() => {
      const holder = this.lockHolder();
      if (holder && isAlive(holder, now)) throw lockedError(this.path, holder);
      const me = thisProcess(command, now);
      this.db.prepare('DELETE FROM lock').run();
      this.db.prepare('INSERT INTO lock (id, pid, host, command, started_at, heartbeat) VALUES (1, ?, ?, ?, ?, ?)').run(me.pid, me.host, me.command, me.startedAt, me.heartbeat);
    }).immediate();
    this.lockHeld = true;
  }

  /** At most one write a second: a lock is stale only after minutes, and a write per record costs a commit. */
  heartbeat(): void {
    const now = Date.now();
    if (!this.lockHeld || now - this.lastHeartbeat < 1000) return;
    this.lastHeartbeat = now;
    this.prepared('UPDATE lock SET heartbeat = ? WHERE pid = ?').run(now, process.pid);
  }

  private prepared(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /**
   * Runs `fn` (journal writes) in one transaction: one commit (and with synchronous=FULL one
   * fsync) for many state changes. Durable when it returns, like a single write.
   */
  batch(fn: () => void): void {
    this.db.transaction(fn).immediate();
  }

  releaseLock(): void {
    if (!this.lockHeld) return;
    this.db.prepare('DELETE FROM lock WHERE pid = ? AND host = ?').run(process.pid, os.hostname());
    this.lockHeld = false;
  }

  /** True when a process that is still alive holds the lock (a killed run leaves its lock row behind). */
  lockHolderAlive(now: number = Date.now()): boolean {
    const holder = this.lockHolder();
    return holder !== null && isAlive(holder, now);
  }

  lockHolder(): LockHolder | null {
    const row = this.db.prepare('SELECT pid, host, command, started_at AS startedAt, heartbeat FROM lock WHERE id = 1').get() as LockHolder | undefined;
    return row ?? null;
  }

  beginSnapshot(): SnapshotWriter {
    return new SqliteSnapshot(this.db);
  }

  get(kind: Kind, key: string): JournalRow | null {
    const row = this.prepared(`SELECT ${recordSelect(this.db)} FROM records WHERE kind = ? AND key = ?`).get(kind, key) as RecordRowSql | undefined;
    return row ? toJournalRow(row) : null;
  }

  findByLoginKey(loginKey: string): JournalRow[] {
    return (this.prepared(`SELECT ${recordSelect(this.db)} FROM records WHERE login_key = ?`).all(loginKey) as RecordRowSql[]).map(toJournalRow);
  }

  findByOktaId(oktaId: string): JournalRow[] {
    return (this.prepared(`SELECT ${recordSelect(this.db)} FROM records WHERE okta_id = ?`).all(oktaId) as RecordRowSql[]).map(toJournalRow);
  }

  page(filter: { kinds: Kind[]; states: RecordState[]; dirtyOnly?: boolean }, after: { kind: string; key: string } | null, limit: number): JournalRow[] {
    // One primary-key range per kind, in kind order: SQLite does not use the key for a row-value
    // bound `(kind, key) > (?, ?)` next to `kind IN (…)`, so every page scanned the kind from its
    // first row (O(n²) over a run: 0.3 s a page at 1,000,000 records).
    const states = filter.states.map(() => '?').join(',');
    const where = `state IN (${states})${filter.dirtyOnly ? ' AND dirty = 1' : ''}`;
    const rows: JournalRow[] = [];
    for (const kind of [...new Set(filter.kinds)].sort()) {
      if (rows.length >= limit) break;
      if (after && kind < after.kind) continue;
      const fromKey = after && kind === after.kind ? after.key : null;
      const sql = `SELECT ${recordSelect(this.db)} FROM records WHERE kind = ?${fromKey === null ? '' : ' AND key > ?'} AND ${where} ORDER BY key LIMIT ?`;
      const params: (string | number)[] = fromKey === null ? [kind] : [kind, fromKey];
      params.push(...filter.states, limit - rows.length);
      for (const r of this.prepared(sql).all(...params) as RecordRowSql[]) rows.push(toJournalRow(r));
    }
    return rows;
  }

  setState(kind: Kind, key: string, change: StateChange, now: number): void {
    const sets = ['state = @state', 'updated_at = @now'];
    const params: Record<string, string | number | null> = { kind, key, state: change.state, now };
    for (const c of CHANGE_COLUMNS) {
      const value = change[c.field];
      if (value === undefined) continue;
      sets.push(`${c.column} = @${c.field}`);
      params[c.field] = toSql(c.codec, value);
    }
    // The proof of a lost create compares Okta's creation time with the moment we first marked the
    // record: a create that failed after Okta carried it out is retried (and found) runs later.
    if (change.state === 'creating') sets.push('create_marked_at = COALESCE(create_marked_at, @now)');
    if (change.clearPasswordHash) sets.push('password_hash = NULL');
    if (change.attemptsIncrement) sets.push('attempts = attempts + 1');
    const info = this.prepared(`UPDATE records SET ${sets.join(', ')} WHERE kind = @kind AND key = @key`).run(params);
    if (info.changes !== 1) throw new JournalError('JOURNAL_NO_RECORD', `journal has no record ${kind}:${key}`);
  }

  countActivationWork(kinds: Kind[]): number {
    if (kinds.length === 0) return 0;
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM records WHERE kind IN (${kinds.map(() => '?').join(',')})
      AND state ${inStates(ACTIVATION_WORK)} AND (state <> 'deactivated' OR reactivation_pending = 1)`).get(...kinds) as { n: number };
    return row.n;
  }

  countByState(kinds?: Kind[]): { kind: Kind; state: RecordState; reason: string | null; count: number }[] {
    const where = kinds && kinds.length ? `WHERE kind IN (${kinds.map(() => '?').join(',')})` : '';
    const rows = this.db.prepare(`SELECT kind, state, reason, COUNT(*) AS count FROM records ${where} GROUP BY kind, state, reason ORDER BY kind, state, reason`).all(...(kinds ?? [])) as { kind: Kind; state: RecordState; reason: string | null; count: number }[];
    // Portals live in their own table (migration 002); counted here so status, the dashboard and
    // summaries show them beside the users.
    if (!kinds || kinds.length === 0 || kinds.includes('portal')) {
      const hasPortals = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'portals'").get();
      if (hasPortals) {
        rows.push(...(this.db.prepare("SELECT 'portal' AS kind, state, reason, COUNT(*) AS count FROM portals GROUP BY state, reason ORDER BY state, reason").all() as { kind: Kind; state: RecordState; reason: string | null; count: number }[]));
      }
    }
    return rows;
  }

  *all(kinds?: Kind[]): IterableIterator<JournalRow> {
    const where = kinds && kinds.length ? `WHERE kind IN (${kinds.map(() => '?').join(',')})` : '';
    for (const row of this.db.prepare(`SELECT ${recordSelect(this.db)} FROM records ${where} ORDER BY kind, key`).iterate(...(kinds ?? []))) {
      yield toJournalRow(row as RecordRowSql);
    }
  }

  group(kind: UserKind): GroupEntry | null {
    const row = this.db.prepare('SELECT name, okta_id, created FROM okta_groups WHERE kind = ?').get(kind) as { name: string; okta_id: string; created: number } | undefined;
    return row ? { name: row.name, oktaId: row.okta_id, created: row.created === 1 } : null;
  }

  setGroup(kind: UserKind, g: GroupEntry, now: number): void {
    this.db
      .prepare('INSERT INTO okta_groups (kind, name, okta_id, created, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind) DO UPDATE SET name = excluded.name, okta_id = excluded.okta_id, created = MAX(created, excluded.created), updated_at = excluded.updated_at')
      .run(kind, g.name, g.oktaId, g.created ? 1 : 0, now);
  }

  removeGroup(kind: UserKind): void {
    this.db.prepare('DELETE FROM okta_groups WHERE kind = ?').run(kind);
  }

  startRun(phase: string, now: number): number {
    const info = this.db.prepare('INSERT INTO runs (phase, pid, host, started_at) VALUES (?, ?, ?, ?)').run(phase, process.pid, os.hostname(), now);
    return Number(info.lastInsertRowid);
  }

  finishRun(runId: number, outcome: string, counts: Record<string, number>, now: number): void {
    this.db.prepare('UPDATE runs SET finished_at = ?, outcome = ?, counts = ? WHERE id = ?').run(now, outcome, JSON.stringify(counts), runId);
  }

  lastRuns(limit: number): RunEntry[] {
    const rows = this.db.prepare('SELECT id, phase, pid, host, started_at AS startedAt, finished_at AS finishedAt, outcome, counts FROM runs ORDER BY id DESC LIMIT ?').all(limit) as { id: number; phase: string; pid: number; host: string; startedAt: number; finishedAt: number | null; outcome: string | null; counts: string | null }[];
    return rows.map((r) => ({ ...r, counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null }));
  }

  logActivity(runId: number | null, e: ActivityEntry): void {
    this.db.prepare('INSERT INTO activity (run_id, at, type, kind, key, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?)').run(runId, e.at, e.type, e.kind ?? null, e.key ?? null, e.code ?? null, e.detail ?? null);
  }

  activitySince(at: number, types?: string[]): ActivityEntry[] {
    const where = types && types.length ? ` AND type IN (${types.map(() => '?').join(',')})` : '';
    return this.db.prepare(`SELECT at, type, kind, key, code, detail FROM activity WHERE at >= ?${where} ORDER BY id`).all(at, ...(types ?? [])) as ActivityEntry[];
  }
}
