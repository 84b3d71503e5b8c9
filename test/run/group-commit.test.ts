import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { GroupCommit } from '../../src/run/group-commit.js';

describe('run/group-commit', () => {
  let dir: string;
  let journal: SqliteJournal;
  let transactions: number;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-group-commit-'));
    journal = openJournal(path.join(dir, 'j.sqlite'), { installation: 'gc' });
    transactions = 0;
    const batch = journal.batch.bind(journal);
    journal.batch = (fn: () => void): void => {
      transactions++;
      batch(fn);
    };
  });

  afterEach(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('group-commit: writes queued in one turn share one transaction, committed (seen by another connection) when each resolves', async () => {
    const commits = new GroupCommit(journal);
    const writes = Array.from({ length: 10 }, (_, i) => commits.write(() => journal.setMeta(`k${i}`, String(i))));
    expect(journal.meta('k0')).toBeNull();
    await Promise.all(writes);
    expect(transactions).toBe(1);
    const reader = openJournal(journal.path, { readonly: true });
    try {
      expect(Array.from({ length: 10 }, (_, i) => reader.meta(`k${i}`))).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    } finally {
      reader.close();
    }
    await commits.write(() => journal.setMeta('later', 'x'));
    expect(transactions).toBe(2);
  });

  it('group-commit: a write that throws rejects its whole batch and none of it is applied', async () => {
    const commits = new GroupCommit(journal);
    const ok = commits.write(() => journal.setMeta('applied', 'yes'));
    const bad = commits.write(() => {
      throw new Error('no such record');
    });
    await expect(ok).rejects.toThrow('no such record');
    await expect(bad).rejects.toThrow('no such record');
    expect(journal.meta('applied')).toBeNull();
  });

  it('group-commit: without batch() on the journal each write is applied at once', async () => {
    const plain = { batch: undefined } as unknown as ConstructorParameters<typeof GroupCommit>[0];
    const commits = new GroupCommit(plain);
    let applied = false;
    const p = commits.write(() => {
      applied = true;
    });
    expect(applied).toBe(true);
    await p;
  });
});
