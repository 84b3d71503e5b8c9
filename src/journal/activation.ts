import type Database from 'better-sqlite3';
import type { UserKind, UserState } from '../core/types.js';
import { recordSelect, toJournalRow, type RecordRowSql } from './rows.js';
import type { JournalRow } from './types.js';

/**
 * The activation funnel rows of the journal (table `activation`, migration 009): one per user that
 * was sent a link. Reads and writes only; the phases decide what they mean.
 */
export interface ActivationRow {
  kind: UserKind;
  key: string;
  /** When the last link (first or reminder) was sent or handed over. */
  emailedAt: number | null;
  firstEmailedAt: number | null;
  /** The run (journal `runs.id`) that sent the last link. */
  wave: number | null;
  linkExpiresAt: number | null;
  /** False when the last link went to the links file (--no-email) instead of an email. */
  byEmail: boolean;
  reminders: number;
  /** A reminder call was about to be made at this time (cleared once its outcome is recorded). */
  remindingAt: number | null;
  remindingRun: number | null;
  oktaStatus: string | null;
  oktaLastLogin: string | null;
  passwordSetAt: number | null;
  refreshedAt: number | null;
}

interface Sql {
  kind: string; key: string; emailed_at: number | null; first_emailed_at: number | null; wave: number | null;
  link_expires_at: number | null; by_email: number; reminders: number; reminding_at: number | null; reminding_run: number | null;
  okta_status: string | null; okta_last_login: string | null; password_set_at: number | null; refreshed_at: number | null;
}

function toRow(r: Sql): ActivationRow {
  return {
    kind: r.kind as UserKind, key: r.key, emailedAt: r.emailed_at, firstEmailedAt: r.first_emailed_at, wave: r.wave,
    linkExpiresAt: r.link_expires_at, byEmail: r.by_email === 1, reminders: r.reminders, remindingAt: r.reminding_at,
    remindingRun: r.reminding_run, oktaStatus: r.okta_status, oktaLastLogin: r.okta_last_login,
    passwordSetAt: r.password_set_at, refreshedAt: r.refreshed_at,
  };
}

export interface LinkSent {
  at: number;
  wave: number | null;
  lifetimeMs: number;
  byEmail: boolean;
  /** A reminder (counts toward the cap) rather than the first link. */
  reminder: boolean;
}

export interface RefreshReading {
  at: number;
  status: string;
  lastLogin: string | null;
  passwordSetAt: number | null;
  /** When Okta says the user was activated: the first link's time when the journal lost it. */
  activatedAt: number | null;
}

/** The funnel counts of a group of users (all, or one wave). */
export interface FunnelCounts {
  /** Users sent a first link (email or links file). */
  emailed: number;
  /** Of those, still PROVISIONED in the journal: no password yet. */
  provisioned: number;
  /** Of those, PROVISIONED with a link past its expiry. */
  expired: number;
  /** Of those, ACTIVE: the password is set. */
  passwordSet: number;
  /** Of those, signed in at least once (Okta's lastLogin, as of the last refresh). */
  signedIn: number;
  /** Users sent at least one reminder, and reminders sent in all. */
  reminded: number;
  reminders: number;
}

export interface FunnelWave extends FunnelCounts {
  wave: number;
  startedAt: number | null;
}

/** Cumulative counts at the end of each period (events by the time the journal knows them). */
export interface FunnelPoint {
  t: number;
  emailed: number;
  passwordSet: number;
  signedIn: number;
}

export interface FunnelData {
  totals: FunnelCounts;
  waves: FunnelWave[];
  points: FunnelPoint[];
  bucketMs: number;
  /** The oldest link still waiting (PROVISIONED), as a time. */
  oldestWaitingSince: number | null;
  lastRefreshAt: number | null;
}

export interface ActivationLog {
  get(kind: UserKind, key: string): ActivationRow | null;
  linkSent(kind: UserKind, key: string, sent: LinkSent): void;
  markReminding(kind: UserKind, key: string, at: number, run: number | null): void;
  clearReminding(kind: UserKind, key: string): void;
  /** Rows whose reminder call was started and not yet resolved (a run was killed). */
  reminding(): ActivationRow[];
  refreshed(kind: UserKind, key: string, reading: RefreshReading): void;
  all(kinds?: UserKind[]): ActivationRow[];
  funnel(now: number, bucketMs?: number): FunnelData;
}

export class SqliteActivationLog implements ActivationLog {
  constructor(private readonly db: Database.Database) {}

  private ensure(kind: UserKind, key: string): void {
    this.db.prepare('INSERT INTO activation (kind, key) VALUES (?, ?) ON CONFLICT (kind, key) DO NOTHING').run(kind, key);
  }

  get(kind: UserKind, key: string): ActivationRow | null {
    const r = this.db.prepare('SELECT * FROM activation WHERE kind = ? AND key = ?').get(kind, key) as Sql | undefined;
    return r ? toRow(r) : null;
  }

  linkSent(kind: UserKind, key: string, s: LinkSent): void {
    this.db.transaction(() => {
      this.ensure(kind, key);
      this.db.prepare(`UPDATE activation SET emailed_at = @at, first_emailed_at = COALESCE(first_emailed_at, @at), wave = @wave,
        link_expires_at = @expires, by_email = @byEmail, reminders = reminders + @reminder, reminding_at = NULL, reminding_run = NULL
        WHERE kind = @kind AND key = @key`).run({
        kind, key, at: s.at, wave: s.wave, expires: s.at + s.lifetimeMs, byEmail: s.byEmail ? 1 : 0, reminder: s.reminder ? 1 : 0,
      });
    }).immediate();
  }

  markReminding(kind: UserKind, key: string, at: number, run: number | null): void {
    this.db.transaction(() => {
      this.ensure(kind, key);
      this.db.prepare('UPDATE activation SET reminding_at = ?, reminding_run = ? WHERE kind = ? AND key = ?').run(at, run, kind, key);
    }).immediate();
  }

  clearReminding(kind: UserKind, key: string): void {
    this.db.prepare('UPDATE activation SET reminding_at = NULL, reminding_run = NULL WHERE kind = ? AND key = ?').run(kind, key);
  }

  reminding(): ActivationRow[] {
    return (this.db.prepare('SELECT * FROM activation WHERE reminding_at IS NOT NULL ORDER BY kind, key').all() as Sql[]).map(toRow);
  }

  refreshed(kind: UserKind, key: string, r: RefreshReading): void {
    this.ensure(kind, key);
    this.db.prepare(`UPDATE activation SET okta_status = @status, okta_last_login = @lastLogin, refreshed_at = @at,
      password_set_at = COALESCE(password_set_at, @passwordSetAt),
      first_emailed_at = COALESCE(first_emailed_at, @activatedAt), emailed_at = COALESCE(emailed_at, @activatedAt)
      WHERE kind = @kind AND key = @key`).run({ kind, key, status: r.status, lastLogin: r.lastLogin, at: r.at, passwordSetAt: r.passwordSetAt, activatedAt: r.activatedAt });
  }

  funnel(now: number, bucketMs?: number): FunnelData {
    return funnelOf(this.db, now, bucketMs);
  }

  /** Every row in (kind, key) order, streamed: the report merges it with the records. */
  *iterate(): IterableIterator<ActivationRow> {
    for (const r of this.db.prepare('SELECT * FROM activation ORDER BY kind, key').iterate()) yield toRow(r as Sql);
  }

  all(kinds?: UserKind[]): ActivationRow[] {
    const where = kinds && kinds.length ? `WHERE kind IN (${kinds.map(() => '?').join(',')})` : '';
    return (this.db.prepare(`SELECT * FROM activation ${where} ORDER BY kind, key`).all(...(kinds ?? [])) as Sql[]).map(toRow);
  }
}

const COUNTS_SQL = `COUNT(*) AS emailed,
  SUM(r.state = 'provisioned') AS provisioned,
  SUM(r.state = 'provisioned' AND a.link_expires_at <= @now) AS expired,
  SUM(r.state = 'active') AS passwordSet,
  SUM(a.okta_last_login IS NOT NULL) AS signedIn,
  SUM(a.reminders > 0) AS reminded,
  SUM(a.reminders) AS reminders`;

type CountsSql = { [K in keyof FunnelCounts]: number | null };
const counts = (r: CountsSql | undefined): FunnelCounts => ({
  emailed: r?.emailed ?? 0, provisioned: r?.provisioned ?? 0, expired: r?.expired ?? 0, passwordSet: r?.passwordSet ?? 0,
  signedIn: r?.signedIn ?? 0, reminded: r?.reminded ?? 0, reminders: r?.reminders ?? 0,
});

/** Aggregates over the journal's activation rows (one pass per query; no per-user rows leave SQL). */
export function funnelOf(db: Database.Database, now: number, bucketMs = 86_400_000): FunnelData {
  const from = 'FROM activation a JOIN records r ON r.kind = a.kind AND r.key = a.key WHERE a.first_emailed_at IS NOT NULL';
  const totals = counts(db.prepare(`SELECT ${COUNTS_SQL} ${from}`).get({ now }) as CountsSql | undefined);
  const waves = (db.prepare(`SELECT a.wave AS wave, runs.started_at AS startedAt, ${COUNTS_SQL} ${from.replace('WHERE', 'LEFT JOIN runs ON runs.id = a.wave WHERE')}
    GROUP BY a.wave ORDER BY a.wave`).all({ now }) as (CountsSql & { wave: number | null; startedAt: number | null })[])
    .map((w) => ({ wave: w.wave ?? 0, startedAt: w.startedAt, ...counts(w) }));
  const bucket = (col: string): Map<number, number> => {
    const m = new Map<number, number>();
    for (const row of db.prepare(`SELECT CAST(${col} / @b AS INTEGER) * @b AS t, COUNT(*) AS n ${from} AND ${col} IS NOT NULL GROUP BY 1`).all({ b: bucketMs }) as { t: number; n: number }[]) m.set(row.t, row.n);
    return m;
  };
  // lastLogin is an ISO text: its epoch ms, for the buckets.
  const loginMs = "CAST((julianday(a.okta_last_login) - 2440587.5) * 86400000 AS INTEGER)";
  const series = { emailed: bucket('a.first_emailed_at'), passwordSet: bucket("CASE WHEN r.state = 'active' THEN a.password_set_at END"), signedIn: bucket(loginMs) };
  const times = [...new Set([...series.emailed.keys(), ...series.passwordSet.keys(), ...series.signedIn.keys()])].sort((x, y) => x - y);
  const points: FunnelPoint[] = [];
  const run = { emailed: 0, passwordSet: 0, signedIn: 0 };
  if (times.length) {
    for (let t = times[0] as number; t <= Math.max(times[times.length - 1] as number, Math.floor(now / bucketMs) * bucketMs); t += bucketMs) {
      run.emailed += series.emailed.get(t) ?? 0;
      run.passwordSet += series.passwordSet.get(t) ?? 0;
      run.signedIn += series.signedIn.get(t) ?? 0;
      points.push({ t, ...run });
      if (points.length > 400) break;
    }
  }
  const extra = db.prepare(`SELECT MIN(CASE WHEN r.state = 'provisioned' THEN a.emailed_at END) AS oldest, MAX(a.refreshed_at) AS refreshed ${from}`).get() as { oldest: number | null; refreshed: number | null };
  return { totals, waves, points, bucketMs, oldestWaitingSince: extra.oldest, lastRefreshAt: extra.refreshed };
}

/** The activation log of a journal opened by `openJournal` (readonly journals of an older schema have none). */
export function activationLogOf(db: Database.Database): SqliteActivationLog | null {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'activation'").get();
  return exists ? new SqliteActivationLog(db) : null;
}

/** Where a page by last login ended: the next page starts after this row. */
export interface LastLoginCursor {
  lastLogin: string;
  kind: string;
  key: string;
}

/**
 * Rows of one state, most recent source last login first (no last login: last), then kind and
 * key; keyset paging over the index of migration 009, so a page costs the same at any depth.
 */
export function pageByLastLogin(db: Database.Database, kinds: UserKind[], state: UserState, after: LastLoginCursor | null, limit: number): JournalRow[] {
  const kindList = kinds.map(() => '?').join(',');
  const ll = "COALESCE(last_login, '')";
  const cursor = after ? ` AND (${ll} < ? OR (${ll} = ? AND (kind > ? OR (kind = ? AND key > ?))))` : '';
  const params: (string | number)[] = [state, ...kinds];
  if (after) params.push(after.lastLogin, after.lastLogin, after.kind, after.kind, after.key);
  params.push(limit);
  const sql = `SELECT ${recordSelect(db)} FROM records INDEXED BY records_last_login_order WHERE state = ? AND kind IN (${kindList})${cursor} ORDER BY ${ll} DESC, kind, key LIMIT ?`;
  return (db.prepare(sql).all(...params) as RecordRowSql[]).map(toJournalRow);
}
