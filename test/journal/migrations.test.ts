import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/journal/migrations/index.js';
import { openJournal } from '../../src/journal/sqlite.js';

/** journal migrations: a journal written by an older version opens with its facts carried over. */
describe('journal migrations', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A journal file at schema `version`, holding the given rows (kind, key, state, reason). */
  function journalAt(version: number, rows: [string, string, string, string | null][]): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-migrate-'));
    dirs.push(dir);
    const file = path.join(dir, 'old.sqlite');
    const db = new Database(file);
    for (const m of migrations.filter((x) => x.version <= version)) db.exec(m.sql);
    db.pragma(`user_version = ${version}`);
    const insert = db.prepare('INSERT INTO records (kind, key, state, reason, okta_id, ours, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, 1)');
    for (const [kind, key, state, reason] of rows) insert.run(kind, key, state, reason, `00u${key}`);
    db.close();
    return file;
  }

  it('journal migrations: 010 turns the reason "reactivation.pending" of a deactivated or activating record into its own field', () => {
    const file = journalAt(9, [
      ['panelist', 'P1', 'deactivated', 'reactivation.pending'],
      ['panelist', 'P2', 'activating', 'reactivation.pending'],
      ['panelist', 'P3', 'deactivated', 'removed.missing'],
      ['panelist', 'P4', 'staged', 'reactivation.pending'],
    ]);
    const j = openJournal(file);
    try {
      expect(j.db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
      expect(['P1', 'P2', 'P3', 'P4'].map((k) => j.get('panelist', k)?.reactivationPending)).toEqual([true, true, false, false]);
      // P1, P2 and the staged P4 are what `users activate` takes; P3 stays deactivated.
      expect(j.countActivationWork(['panelist'])).toBe(3);
    } finally {
      j.close();
    }
  });
});
