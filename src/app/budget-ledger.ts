import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { BudgetLease, BudgetStore, SlotAnswer, SlotRequest } from '../okta/budget.js';

/**
 * The shared rate budget of the runs on one machine: a small SQLite file per Okta org in the user's
 * state directory. Every run of the org holds a lease row (renewed by its heartbeat) and records
 * each request it sends as a slot row; a slot is taken in an IMMEDIATE transaction, so two runs
 * never both take the last one. Rows of other tokens of the same org live in the same file: the
 * org's bucket is shared by every token (https://developer.okta.com/docs/reference/rl-global-mgmt/).
 *
 * Slots are counted over the last window (sliding): a fixed window of Okta's, wherever it starts,
 * lies inside some sliding one, so a sliding count within the cap keeps every Okta window within it.
 * Nothing secret is stored: the token appears only as a fingerprint.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (
  run_id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS slots (
  bucket TEXT NOT NULL,
  principal TEXT NOT NULL,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS slots_by_time ON slots (bucket, at);
`;

export class LedgerStore implements BudgetStore {
  readonly kind = 'local' as const;
  readonly where: string;
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly expire: Database.Statement;
  private readonly all: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly countToken: Database.Statement;
  private readonly countOrg: Database.Statement;
  private readonly oldestToken: Database.Statement;
  private readonly oldestOrg: Database.Statement;
  private readonly insertSlot: Database.Statement;

  constructor(file: string) {
    this.where = file;
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      // Losing the last slots in a power cut costs nothing: they only slow the next window down.
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
    } catch (err) {
      throw new ConfigError('BUDGET_LEDGER', `cannot open the rate-budget ledger ${file}: ${(err as Error).message}; set okta.budget.dir (or EFS_OKTA_STATE_DIR) to a writable directory, or okta.budget.store: none`, { context: { file }, cause: err });
    }
    this.upsert = this.db.prepare('INSERT INTO leases (run_id, principal, expires_at, body) VALUES (?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET principal = excluded.principal, expires_at = excluded.expires_at, body = excluded.body');
    this.expire = this.db.prepare('DELETE FROM leases WHERE expires_at <= ?');
    this.all = this.db.prepare('SELECT body FROM leases WHERE expires_at > ? ORDER BY run_id');
    this.remove = this.db.prepare('DELETE FROM leases WHERE run_id = ?');
    this.prune = this.db.prepare('DELETE FROM slots WHERE bucket = ? AND at <= ?');
    this.countToken = this.db.prepare('SELECT count(*) AS n FROM slots WHERE bucket = ? AND principal = ? AND at > ?');
    this.countOrg = this.db.prepare('SELECT count(*) AS n FROM slots WHERE bucket = ? AND at > ?');
    this.oldestToken = this.db.prepare('SELECT min(at) AS at FROM slots WHERE bucket = ? AND principal = ? AND at > ?');
    this.oldestOrg = this.db.prepare('SELECT min(at) AS at FROM slots WHERE bucket = ? AND at > ?');
    this.insertSlot = this.db.prepare('INSERT INTO slots (bucket, principal, run_id, at) VALUES (?, ?, ?, ?)');
  }

  heartbeat(lease: BudgetLease, now: number): Promise<BudgetLease[]> {
    const tx = this.db.transaction(() => {
      this.expire.run(now);
      this.upsert.run(lease.runId, lease.principal, lease.expiresAt, JSON.stringify(lease));
      return this.readAll(now);
    });
    return Promise.resolve(tx.immediate());
  }

  leave(runId: string): Promise<void> {
    // Its slots stay: the requests it sent still count in Okta's window.
    this.remove.run(runId);
    return Promise.resolve();
  }

  take(s: SlotRequest): Promise<SlotAnswer> {
    const since = s.now - s.windowMs;
    const tx = this.db.transaction((): SlotAnswer => {
      this.prune.run(s.bucket, since);
      const token = (this.countToken.get(s.bucket, s.principal, since) as { n: number }).n;
      const org = (this.countOrg.get(s.bucket, since) as { n: number }).n;
      if (token < s.tokenCap && org < s.orgCap) {
        this.insertSlot.run(s.bucket, s.principal, s.runId, s.now);
        return { ok: true };
      }
      const oldest = token >= s.tokenCap
        ? (this.oldestToken.get(s.bucket, s.principal, since) as { at: number | null }).at
        : (this.oldestOrg.get(s.bucket, since) as { at: number | null }).at;
      return { ok: false, retryMs: Math.max(1, (oldest ?? s.now) + s.windowMs - s.now) };
    });
    return Promise.resolve(tx.immediate());
  }

  list(now: number): Promise<BudgetLease[]> {
    return Promise.resolve(this.readAll(now));
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  private readAll(now: number): BudgetLease[] {
    return (this.all.all(now) as { body: string }[]).map((r) => JSON.parse(r.body) as BudgetLease);
  }
}

/** The ledger file of an org: `<dir>/rate-budget-<host>.sqlite` (one per org, every token inside). */
export function ledgerFile(dir: string, orgUrl: string): string {
  const host = new URL(orgUrl).host.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
  return path.join(dir, `rate-budget-${host}.sqlite`);
}
