import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { DEACTIVATION, GONE, MAY_HOLD_OKTA_USER, REACTIVATION_PENDING, RECREATE } from '../core/lifecycle/user.js';
import type { UserKind } from '../core/types.js';
import { inStates, notInStates } from './state-sql.js';
import type { UserRecord } from '../records/types.js';
import { columnList, columnsWith, RECORD_COLUMNS, toSql } from './columns.js';
import type { ActiveMilestones, JournalRow, PlanCounts, SnapshotWriter } from './types.js';

/**
 * The source as read now, in a TEMP table of the journal's connection (SQLite keeps it outside the
 * journal file, so planning never changes the journal). `diff` is the plan; `apply` merges it.
 *
 * Dedupe (Okta's login rule: case- and diacritic-insensitive, see records/login-key.ts): among the
 * pending records sharing a login key, the winner is, in order: the one that already has an Okta user
 * created by this journal (so a rerun never switches a synced user); an admin before a panelist
 * (an admin who is also a panelist becomes ONE Okta user in both groups: the other record is
 * `duplicate` with reason `duplicate.merged`); the most recent last login; the first in the source.
 * Other losers are `duplicate` with reason `duplicate.same_login`, pointing at the winner.
 */
const BATCH = 5000;

const OWNED = `r.ours = 1 AND r.okta_id IS NOT NULL AND r.state ${inStates(MAY_HOLD_OKTA_USER)}`;
const DEACTIVATED = `records.state ${inStates(DEACTIVATION)} AND records.reactivation_pending = 0`;

export function profileHash(r: Pick<UserRecord, 'login' | 'email' | 'firstName' | 'lastName' | 'locale' | 'preferredLanguage'>): string {
  return createHash('sha1').update(JSON.stringify([r.login, r.email, r.firstName, r.lastName, r.locale, r.preferredLanguage])).digest('base64');
}

/** The record columns read from the source: the snapshot table's, copied into new records. */
const SNAP_COLUMNS = columnsWith(RECORD_COLUMNS, 'snapshot');
/** The columns a known record takes afresh from the source when a snapshot is applied. */
const REFRESH_COLUMNS = columnsWith(RECORD_COLUMNS, 'refresh');

/**
 * What a journal record takes from a source record, before dedupe: a new record is `pending` with
 * no reason, or carries the classification's; it is in its own kind's group.
 */
export function sourceFields(r: UserRecord): Pick<JournalRow, (typeof SNAP_COLUMNS)[number]['field']> {
  const c = r.classification;
  return {
    kind: r.kind, key: r.key, state: c.state, reason: c.state === 'pending' ? null : c.reason, message: c.state === 'pending' ? null : c.message,
    line: r.line, login: r.login, loginKey: r.loginKey, email: r.email, firstName: r.firstName, lastName: r.lastName, locale: r.locale,
    preferredLanguage: r.preferredLanguage, status: r.status, lastLogin: r.lastLogin, sourceHash: profileHash(r), passwordHash: r.passwordHash,
    duplicateOf: null, groups: [r.kind],
  };
}

export class SqliteSnapshot implements SnapshotWriter {
  private pending: UserRecord[] = [];
  private seq = 0;
  private readonly kinds = new Set<UserKind>();
  private finalized = false;
  private readonly insert: Database.Statement;
  private readonly holder: Database.Statement;
  private readonly rekey: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      DROP TABLE IF EXISTS temp.snap;
      CREATE TEMP TABLE snap (
        seq INTEGER NOT NULL, ${SNAP_COLUMNS.map((c) => `${c.column} ${c.sql}`).join(', ')},
        cat TEXT, made_up INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX temp.snap_key ON snap (kind, key);
    `);
    this.insert = db.prepare(`INSERT OR IGNORE INTO snap (seq, ${columnList(SNAP_COLUMNS)}, made_up)
      VALUES (@seq, ${SNAP_COLUMNS.map((c) => `@${c.column}`).join(', ')}, @made_up)`);
    this.holder = db.prepare('SELECT made_up FROM snap WHERE kind = ? AND key = ?');
    this.rekey = db.prepare('UPDATE snap SET key = ? WHERE kind = ? AND key = ?');
  }

  /** Kinds whose source was read: only their journal rows can be `removed`. */
  markKindRead(kind: UserKind): void {
    this.kinds.add(kind);
  }

  add(record: UserRecord): void {
    this.kinds.add(record.kind);
    this.pending.push(record);
    if (this.pending.length >= BATCH) this.flush();
  }

  private flush(): void {
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const r of rows) this.insertRecord(r);
    })();
  }

  /**
   * Every row becomes one record. A row without a key is tracked under a made-up key (`(line N)`),
   * and a second row with the same key under `KEY#lineN`; a real key may read the same (a source
   * can hold the key "(line 6)"). Made-up keys give way: a real key always gets its own name, the
   * made-up one moves to a free name (`#2`, `#3`, …), so no row takes another's place.
   */
  private insertRecord(r: UserRecord): void {
    const madeUp = r.keyMadeUp === true;
    const fields = sourceFields(r);
    const params: Record<string, string | number | null> = { seq: this.seq++, made_up: madeUp ? 1 : 0 };
    for (const c of SNAP_COLUMNS) params[c.column] = toSql(c.codec, fields[c.field]);
    if (this.insert.run(params).changes === 1) return;
    const holder = this.holder.get(r.kind, r.key) as { made_up: number };
    if (madeUp) {
      this.insert.run({ ...params, key: this.freeKey(r.kind, r.key) });
    } else if (holder.made_up === 1) {
      this.rekey.run(this.freeKey(r.kind, r.key), r.kind, r.key);
      this.insert.run(params);
    } else {
      // The same source key twice: keep both, the later one invalid under a key of its own.
      this.insert.run({ ...params, key: this.freeKey(r.kind, `${r.key}#line${r.line}`), state: 'invalid', reason: 'key.duplicate',
        message: `source key "${r.key}" appears more than once (again on line ${r.line}): keys must be unique; fix the export`,
        login_key: null, password_hash: null, made_up: 1 });
    }
  }

  /** `base`, or `base#2`, `base#3`, … : the first name no row of this kind holds yet. */
  private freeKey(kind: UserKind, base: string): string {
    let key = base;
    for (let n = 2; this.holder.get(kind, key); n++) key = `${base}#${n}`;
    return key;
  }

  private finalize(): void {
    if (this.finalized) return;
    this.flush();
    this.db.exec(`
      CREATE INDEX temp.snap_login ON snap (login_key) WHERE state = 'pending';
      DROP TABLE IF EXISTS temp.snap_rank;
      CREATE TEMP TABLE snap_rank AS
        SELECT s.kind, s.key, s.login_key,
          ROW_NUMBER() OVER (PARTITION BY s.login_key ORDER BY
            (${OWNED}) DESC,
            CASE s.kind WHEN 'admin' THEN 0 ELSE 1 END,
            COALESCE(s.last_login, '') DESC,
            s.seq) AS rn,
          COUNT(*) OVER (PARTITION BY s.login_key) AS n
        FROM snap s LEFT JOIN main.records r ON r.kind = s.kind AND r.key = s.key
        WHERE s.state = 'pending' AND s.login_key IS NOT NULL;
      DELETE FROM snap_rank WHERE n = 1;
      CREATE INDEX temp.snap_rank_lk ON snap_rank (login_key, rn);
      UPDATE snap SET
        groups = (SELECT group_concat(DISTINCT k.kind) FROM snap_rank k WHERE k.login_key = snap.login_key)
        WHERE (kind, key) IN (SELECT kind, key FROM snap_rank WHERE rn = 1);
      UPDATE snap SET
        state = 'duplicate',
        duplicate_of = (SELECT w.kind || ':' || w.key FROM snap_rank w WHERE w.login_key = snap.login_key AND w.rn = 1),
        reason = CASE WHEN (SELECT w.kind FROM snap_rank w WHERE w.login_key = snap.login_key AND w.rn = 1) = snap.kind
                      THEN 'duplicate.same_login' ELSE 'duplicate.merged' END
        WHERE (kind, key) IN (SELECT kind, key FROM snap_rank WHERE rn > 1);
      UPDATE snap SET message = CASE reason
          WHEN 'duplicate.merged' THEN 'same login as ' || duplicate_of || ': one Okta user in both groups'
          ELSE 'same login (ignoring case and accents) as ' || duplicate_of || ', which is kept' END
        WHERE state = 'duplicate';
    `);
    // Categorise each snapshot row against the journal: the plan.
    this.db.exec(`
      UPDATE snap SET cat = (
        SELECT CASE
          WHEN snap.state <> 'pending' THEN
            -- 'creating': the user may exist in Okta (a crash before the answer was recorded).
            -- Already removed (or failed) rows stay removed: their Okta user is still ours to deactivate.
            CASE WHEN (${OWNED}) OR r.state = 'creating'
              THEN 'removed' ELSE snap.state END
          WHEN r.kind IS NULL THEN 'create'
          WHEN r.state = 'failed' THEN 'retry'
          WHEN r.state = 'removed' AND r.okta_id IS NOT NULL THEN 'retry'
          -- Deactivated by --deactivate-removed and back in the source: never "done already".
          WHEN r.state = 'deactivated' AND r.ours = 1 AND r.okta_id IS NOT NULL THEN 'reactivate'
          WHEN r.state ${inStates(RECREATE)} OR r.state = 'removed' THEN 'create'
          WHEN r.state = 'conflict' THEN 'conflict'
          WHEN r.ours = 1 AND r.okta_id IS NOT NULL
            AND (r.synced_hash IS NOT snap.source_hash OR r.groups IS NOT snap.groups) THEN 'update'
          ELSE 'done' END
        FROM (SELECT 1) LEFT JOIN main.records r ON r.kind = snap.kind AND r.key = snap.key);
    `);
    this.finalized = true;
  }

  diff(): PlanCounts[] {
    this.finalize();
    const counts = new Map<UserKind, PlanCounts>();
    const get = (kind: UserKind): PlanCounts => {
      let c = counts.get(kind);
      if (!c) {
        c = { kind, total: 0, create: 0, retry: 0, update: 0, done: 0, conflict: 0, reactivate: 0, duplicate: 0, skipped: {}, invalid: {}, removed: 0 };
        counts.set(kind, c);
      }
      return c;
    };
    for (const k of this.kinds) get(k);
    const rows = this.db.prepare('SELECT kind, cat, reason, COUNT(*) AS n FROM snap GROUP BY kind, cat, reason').all() as { kind: UserKind; cat: string; reason: string | null; n: number }[];
    for (const r of rows) {
      const c = get(r.kind);
      c.total += r.n;
      switch (r.cat) {
        case 'skipped': c.skipped[r.reason ?? 'excluded'] = (c.skipped[r.reason ?? 'excluded'] ?? 0) + r.n; break;
        case 'invalid': c.invalid[r.reason ?? 'invalid'] = (c.invalid[r.reason ?? 'invalid'] ?? 0) + r.n; break;
        case 'create': case 'retry': case 'update': case 'done': case 'conflict': case 'reactivate': case 'duplicate': case 'removed':
          c[r.cat] += r.n; break;
        default: throw new Error(`snapshot category ${r.cat} unknown`);
      }
    }
    for (const kind of this.kinds) {
      const gone = this.db.prepare(`SELECT COUNT(*) AS n FROM main.records r WHERE r.kind = ? AND r.state ${notInStates(GONE)}
        AND NOT EXISTS (SELECT 1 FROM snap s WHERE s.kind = r.kind AND s.key = r.key)`).get(kind) as { n: number };
      get(kind).removed += gone.n;
    }
    return [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  }

  activeMilestones(since: string, order: 'key' | 'last-login'): ActiveMilestones {
    this.finalize();
    // The order of a create run: kind by kind (admins first), then by key or by last login.
    const by = order === 'last-login' ? "kind, COALESCE(last_login, '') DESC, key" : 'kind, key';
    const todo = `SELECT last_login, ROW_NUMBER() OVER (ORDER BY ${by}) AS pos FROM snap WHERE cat IN ('create','retry','conflict')`;
    const { active, toCreate } = this.db.prepare(`SELECT COALESCE(SUM(last_login >= @since), 0) AS active, COUNT(*) AS toCreate FROM (${todo})`).get({ since }) as { active: number; toCreate: number };
    const at: { percent: number; position: number }[] = [];
    if (active > 0) {
      const wanted = [50, 90, 100].map((percent) => ({ percent, n: Math.max(1, Math.ceil((active * percent) / 100)) }));
      const rows = this.db.prepare(`SELECT n, pos FROM (SELECT pos, ROW_NUMBER() OVER (ORDER BY pos) AS n FROM (${todo}) WHERE last_login >= @since) WHERE n IN (${wanted.map((w) => w.n).join(',')})`).all({ since }) as { n: number; pos: number }[];
      for (const w of wanted) at.push({ percent: w.percent, position: rows.find((r) => r.n === w.n)?.pos ?? toCreate });
    }
    return { active, toCreate, at };
  }

  apply(now: number): PlanCounts[] {
    const counts = this.diff();
    const kinds = [...this.kinds];
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO main.records (${columnList(SNAP_COLUMNS)}, created_at, updated_at)
        SELECT ${columnList(SNAP_COLUMNS)}, @now, @now
        FROM snap WHERE cat IN ('create','skipped','invalid','duplicate')
          AND NOT EXISTS (SELECT 1 FROM main.records r WHERE r.kind = snap.kind AND r.key = snap.key)`).run({ now });
      // Existing records: refresh what the source says, then move the state as the plan said.
      this.db.prepare(`UPDATE main.records SET
          ${REFRESH_COLUMNS.map((c) => `${c.column} = s.${c.column}`).join(', ')},
          password_hash = CASE WHEN records.okta_id IS NULL THEN s.password_hash ELSE NULL END,
          state = CASE s.cat
            WHEN 'create' THEN CASE WHEN records.state = 'creating' THEN 'creating' ELSE 'pending' END
            WHEN 'retry' THEN CASE WHEN records.state = 'removed' THEN 'creating' ELSE records.state END
            WHEN 'removed' THEN CASE WHEN records.state ${inStates(DEACTIVATION)} THEN records.state ELSE 'removed' END
            WHEN 'skipped' THEN 'skipped' WHEN 'invalid' THEN 'invalid' WHEN 'duplicate' THEN 'duplicate'
            ELSE records.state END,
          reason = CASE s.cat
            WHEN 'create' THEN NULL
            WHEN 'removed' THEN CASE WHEN ${DEACTIVATED}
              THEN records.reason ELSE 'removed.excluded' END
            WHEN 'reactivate' THEN '${REACTIVATION_PENDING}'
            WHEN 'skipped' THEN s.reason WHEN 'invalid' THEN s.reason WHEN 'duplicate' THEN s.reason
            ELSE records.reason END,
          message = CASE s.cat
            WHEN 'create' THEN NULL
            WHEN 'removed' THEN CASE WHEN ${DEACTIVATED}
              THEN records.message ELSE 'no longer to be synced: ' || COALESCE(s.message, s.reason) END
            WHEN 'reactivate' THEN 'back in the source; its Okta user (ours) was deactivated: "efs-okta users activate" reactivates it'
            WHEN 'skipped' THEN s.message WHEN 'invalid' THEN s.message WHEN 'duplicate' THEN s.message
            ELSE records.message END,
          reactivation_pending = CASE s.cat WHEN 'reactivate' THEN 1 WHEN 'removed' THEN 0 ELSE records.reactivation_pending END,
          dirty = CASE WHEN s.cat = 'update' THEN 1 ELSE 0 END,
          updated_at = @now
        FROM snap s WHERE s.kind = records.kind AND s.key = records.key`).run({ now });
      const gone = this.db.prepare(`UPDATE main.records SET state = 'removed', reason = 'removed.missing',
          message = 'no longer in the source', dirty = 0, updated_at = @now
        WHERE kind = @kind AND state ${notInStates([...GONE, ...DEACTIVATION])}
          AND NOT EXISTS (SELECT 1 FROM snap s WHERE s.kind = records.kind AND s.key = records.key)`);
      // A deactivated record that was waiting for reactivation and left again: just deactivated.
      const goneAgain = this.db.prepare(`UPDATE main.records SET reason = 'removed.missing', message = 'no longer in the source',
          reactivation_pending = 0, updated_at = @now WHERE kind = @kind AND state = 'deactivated' AND reactivation_pending = 1
          AND NOT EXISTS (SELECT 1 FROM snap s WHERE s.kind = records.kind AND s.key = records.key)`);
      for (const kind of kinds) {
        gone.run({ now, kind });
        goneAgain.run({ now, kind });
      }
    }).immediate();
    return counts;
  }

  discard(): void {
    this.db.exec('DROP TABLE IF EXISTS temp.snap; DROP TABLE IF EXISTS temp.snap_rank;');
  }
}
