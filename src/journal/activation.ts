import type Database from 'better-sqlite3';
import type { UserKind } from '../core/types.js';

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

/** One point per day: links first sent, passwords set and first sign-ins, per wave. */
export interface FunnelTotals {
  emailed: number;
  passwordSet: number;
  signedIn: number;
  reminded: number;
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

  all(kinds?: UserKind[]): ActivationRow[] {
    const where = kinds && kinds.length ? `WHERE kind IN (${kinds.map(() => '?').join(',')})` : '';
    return (this.db.prepare(`SELECT * FROM activation ${where} ORDER BY kind, key`).all(...(kinds ?? [])) as Sql[]).map(toRow);
  }
}

/** The activation log of a journal opened by `openJournal` (readonly journals of an older schema have none). */
export function activationLogOf(db: Database.Database): SqliteActivationLog | null {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'activation'").get();
  return exists ? new SqliteActivationLog(db) : null;
}
