import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../core/errors.js';
import type { Org, OutboxEmail } from './org.js';
import type { AppRec, AssignmentRec } from './store/apps.js';
import { UserRec, type CredentialKind, type UserStatus } from './store/users.js';

/**
 * `--state FILE`: the org survives restarts. `.db`/`.sqlite`/`.sqlite3` files use SQLite (one row
 * per user, so large orgs load without one huge JSON string); anything else is JSON, written to a
 * temporary file and renamed so a crash never leaves half a file. Client secrets are not in here:
 * apps keep only secret hashes.
 */
type UserRow = [string, number, UserStatus, string, string, string | null, string | null, Record<string, unknown> | null, CredentialKind, string, number, number, number | null, number | null, number | null, (Record<string, unknown> | null)?];

interface GroupRow {
  id: string;
  type: 'OKTA_GROUP' | 'BUILT_IN';
  name: string;
  description: string | null;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  members: string[];
}

type AppRow = Omit<AppRec, 'groups'> & { groups: [string, AssignmentRec][] };

interface OrgMeta {
  version: 1;
  nextUserSeq: number;
  groups: GroupRow[];
  apps: AppRow[];
  outbox: OutboxEmail[];
}

function userRow(u: UserRec): UserRow {
  return [u.id, u.seq, u.status, u.login, u.email, u.firstName, u.lastName, u.extra, u.credential, u.providerType, u.created, u.lastUpdated, u.activated, u.statusChanged, u.passwordChanged, u.importedHash];
}

function fromRow(r: UserRow): UserRec {
  return new UserRec(...r);
}

function meta(org: Org): OrgMeta {
  const snap = org.users.snapshot();
  return {
    version: 1,
    nextUserSeq: snap.nextSeq,
    groups: [...org.groups.all()].map((g) => ({
      id: g.id, type: g.type, name: g.name, description: g.description, created: g.created,
      lastUpdated: g.lastUpdated, lastMembershipUpdated: g.lastMembershipUpdated, members: g.members.ids(),
    })),
    apps: [...org.apps.all()].map((a) => ({ ...a, groups: [...a.groups.entries()] })),
    outbox: org.outbox,
  };
}

function restoreMeta(org: Org, m: OrgMeta, users: UserRec[]): void {
  if (m.version !== 1) throw new ConfigError('SIM_STATE', `state file version ${String(m.version)} is not supported; start with a new --state file`);
  org.users.restore({ nextSeq: m.nextUserSeq, users });
  org.groups.clear();
  for (const g of m.groups) org.groups.insert(g, g.members);
  org.apps.clear();
  for (const a of m.apps) org.apps.put({ ...a, groups: new Map(a.groups) });
  org.outbox = m.outbox;
}

function isSqlite(file: string): boolean {
  return /\.(db|sqlite3?)$/i.test(file);
}

export function loadState(org: Org, file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    if (isSqlite(file)) {
      const db = new Database(file, { readonly: true });
      try {
        const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('org') as { value: string } | undefined;
        if (!row) return false;
        const users = (db.prepare('SELECT data FROM users ORDER BY seq').all() as { data: string }[]).map((r) => fromRow(JSON.parse(r.data) as UserRow));
        restoreMeta(org, JSON.parse(row.value) as OrgMeta, users);
      } finally {
        db.close();
      }
    } else {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as OrgMeta & { users: UserRow[] };
      restoreMeta(org, parsed, parsed.users.map(fromRow));
    }
    return true;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError('SIM_STATE', `cannot read the simulator state file ${file}: ${e instanceof Error ? e.message : String(e)}; fix or remove it`, { cause: e });
  }
}

export function saveState(org: Org, file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const m = meta(org);
  const users = org.users.snapshot().users;
  if (isSqlite(file)) {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);' +
        'CREATE TABLE IF NOT EXISTS users (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, data TEXT NOT NULL);');
      const insert = db.prepare('INSERT INTO users (seq, id, data) VALUES (?, ?, ?)');
      db.transaction(() => {
        db.exec('DELETE FROM users');
        for (const u of users) insert.run(u.seq, u.id, JSON.stringify(userRow(u)));
        db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('org', JSON.stringify(m));
      })();
    } finally {
      db.close();
    }
    return;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ ...m, users: users.map(userRow) }));
  renameSync(tmp, file);
}
