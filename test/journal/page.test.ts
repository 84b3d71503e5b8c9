import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Kind, RecordState } from '../../src/core/types.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';

describe('journal/sqlite page', () => {
  let dir: string;
  let journal: SqliteJournal;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-page-'));
    journal = openJournal(path.join(dir, 'j.sqlite'), { installation: 'page' });
    const insert = journal.db.prepare('INSERT INTO records (kind, key, state, dirty, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)');
    journal.db.transaction(() => {
      for (let i = 0; i < 30; i++) insert.run('panelist', `P${String(i).padStart(3, '0')}`, i % 3 === 0 ? 'staged' : 'pending', i % 2);
      for (let i = 0; i < 7; i++) insert.run('admin', `A${i}`, 'pending', 0);
      for (let i = 0; i < 5; i++) insert.run('portal', `X${i}`, 'pending', 0);
    })();
  });

  afterEach(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pageAll = (kinds: Kind[], states: RecordState[], size: number, dirtyOnly = false): string[] => {
    const seen: string[] = [];
    let after: { kind: string; key: string } | null = null;
    for (;;) {
      const rows = journal.page({ kinds, states, dirtyOnly }, after, size);
      if (rows.length === 0) return seen;
      expect(rows.length).toBeLessThanOrEqual(size);
      for (const r of rows) seen.push(`${r.kind}:${r.key}`);
      const last = rows[rows.length - 1]!;
      after = { kind: last.kind, key: last.key };
    }
  };

  it('page: walks the given kinds and states in (kind, key) order, each row once, across kinds and page boundaries', () => {
    const seen = pageAll(['panelist', 'admin'], ['pending'], 4);
    const expected = [
      ...Array.from({ length: 7 }, (_, i) => `admin:A${i}`),
      ...Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => `panelist:P${String(i).padStart(3, '0')}`),
    ];
    expect(seen).toEqual(expected);
  });

  it('page: dirtyOnly keeps only dirty rows', () => {
    const seen = pageAll(['panelist'], ['pending', 'staged'], 5, true);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 2 === 1).map((i) => `panelist:P${String(i).padStart(3, '0')}`));
  });

  it('page: a page after a key seeks by primary key range instead of scanning the kind from its first row', () => {
    // The query plan is what keeps a 1,000,000-record run linear: each page must start at its key.
    const sqls: string[] = [];
    const prepare = journal.db.prepare.bind(journal.db);
    vi.spyOn(journal.db, 'prepare').mockImplementation((sql: string) => {
      sqls.push(sql);
      return prepare(sql);
    });
    const rows = journal.page({ kinds: ['panelist'], states: ['pending'] }, { kind: 'panelist', key: 'P025' }, 10);
    expect(rows.map((r) => r.key)).toEqual(['P026', 'P028', 'P029']);
    const pageSql = sqls.find((q) => /^SELECT .* FROM records WHERE kind = \?/s.test(q));
    expect(pageSql).toBeDefined();
    const plan = prepare(`EXPLAIN QUERY PLAN ${pageSql!}`).all('panelist', 'P025', 'pending', 10) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/PRIMARY KEY \(kind=\? AND key>\?\)/);
  });
});
