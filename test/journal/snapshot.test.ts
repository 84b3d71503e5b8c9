import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import type { UserRecord } from '../../src/records/types.js';
import { userRecord } from '../helpers/records.js';

let dir: string;
let journal: SqliteJournal;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-journal-'));
  journal = openJournal(path.join(dir, 'j.sqlite'), { installation: 'test' });
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

function apply(records: UserRecord[], kinds: ('admin' | 'panelist')[] = ['admin', 'panelist']) {
  const snap = journal.beginSnapshot();
  for (const k of kinds) snap.markKindRead(k);
  for (const r of records) snap.add(r);
  const counts = snap.apply(1000);
  snap.discard();
  return counts;
}

describe('journal snapshot', () => {
  it('diff is read-only: planning leaves the journal untouched', () => {
    const snap = journal.beginSnapshot();
    snap.markKindRead('panelist');
    snap.add(userRecord('panelist', 'P1', 'a@example.com'));
    const counts = snap.diff();
    snap.discard();
    expect(counts.find((c) => c.kind === 'panelist')?.create).toBe(1);
    expect(journal.get('panelist', 'P1')).toBeNull();
  });

  it('dedupes logins that differ only in case or diacritics, keeping the most recent login', () => {
    const counts = apply([
      userRecord('panelist', 'P1', 'anna.muller@example.com', { lastLogin: '2026-01-01' }),
      userRecord('panelist', 'P2', 'Anna.Müller@example.com', { lastLogin: '2026-05-01' }),
      userRecord('panelist', 'P3', 'ANNA.MULLER@example.com', { lastLogin: null }),
    ]);
    const p = counts.find((c) => c.kind === 'panelist');
    expect(p).toMatchObject({ total: 3, create: 1, duplicate: 2 });
    expect(journal.get('panelist', 'P2')?.state).toBe('pending');
    expect(journal.get('panelist', 'P1')).toMatchObject({ state: 'duplicate', reason: 'duplicate.same_login', duplicateOf: 'panelist:P2' });
    expect(journal.get('panelist', 'P3')).toMatchObject({ state: 'duplicate', duplicateOf: 'panelist:P2' });
  });

  it('merges an admin who is also a panelist into one user in both groups', () => {
    apply([userRecord('panelist', 'P1', 'mia@example.com'), userRecord('admin', '1', 'Mia@example.com')]);
    expect(journal.get('admin', '1')).toMatchObject({ state: 'pending', groups: ['admin', 'panelist'] });
    expect(journal.get('panelist', 'P1')).toMatchObject({ state: 'duplicate', reason: 'duplicate.merged', duplicateOf: 'admin:1' });
  });

  it('keeps a source key seen twice as an invalid record of its own, never dropping it', () => {
    const counts = apply([userRecord('panelist', 'P1', 'a@example.com'), userRecord('panelist', 'P1', 'b@example.com')]);
    expect(counts.find((c) => c.kind === 'panelist')?.total).toBe(2);
    const rows = [...journal.all(['panelist'])];
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.key !== 'P1')).toMatchObject({ state: 'invalid', reason: 'key.duplicate' });
  });

  it('records skipped and invalid records with their reasons', () => {
    const counts = apply([
      userRecord('admin', '3', 'o@acme-corp.example', { classification: { state: 'skipped', reason: 'federated', message: 'federated' } }),
      userRecord('admin', '13', '', { classification: { state: 'invalid', reason: 'email.missing', message: 'no email' } }),
    ]);
    expect(counts.find((c) => c.kind === 'admin')).toMatchObject({ skipped: { federated: 1 }, invalid: { 'email.missing': 1 } });
    expect(journal.get('admin', '13')).toMatchObject({ state: 'invalid', reason: 'email.missing' });
  });

  it('a rerun after creation plans nothing; a changed name becomes an update; a vanished record is removed', () => {
    apply([userRecord('panelist', 'P1', 'a@example.com'), userRecord('panelist', 'P2', 'b@example.com')]);
    for (const key of ['P1', 'P2']) {
      const row = journal.get('panelist', key);
      journal.setState('panelist', key, { state: 'staged', oktaId: `00u${key}`, ours: true, syncedHash: row?.sourceHash ?? null }, 2000);
    }
    const same = journal.beginSnapshot();
    same.markKindRead('panelist');
    same.add(userRecord('panelist', 'P1', 'a@example.com'));
    same.add(userRecord('panelist', 'P2', 'b@example.com'));
    expect(same.diff()[0]).toMatchObject({ create: 0, done: 2, update: 0, removed: 0 });
    same.discard();

    const counts = apply([userRecord('panelist', 'P1', 'a@example.com', { lastName: 'Byron' })], ['panelist']);
    expect(counts[0]).toMatchObject({ update: 1, removed: 1, create: 0 });
    expect(journal.get('panelist', 'P1')).toMatchObject({ state: 'staged', dirty: true, lastName: 'Byron' });
    expect(journal.get('panelist', 'P2')).toMatchObject({ state: 'removed', reason: 'removed.missing', oktaId: '00uP2' });
  });

  it('keeps a record found mid-create in creating, so it is looked up before being created again', () => {
    apply([userRecord('panelist', 'P1', 'a@example.com')]);
    journal.setState('panelist', 'P1', { state: 'creating' }, 1500);
    apply([userRecord('panelist', 'P1', 'a@example.com')]);
    expect(journal.get('panelist', 'P1')?.state).toBe('creating');
  });

  it('does not mark the rows of a kind whose source was not read as removed', () => {
    apply([userRecord('admin', '1', 'x@example.com'), userRecord('panelist', 'P1', 'a@example.com')]);
    apply([userRecord('admin', '1', 'x@example.com')], ['admin']);
    expect(journal.get('panelist', 'P1')?.state).toBe('pending');
  });
});

describe('journal lock', () => {
  it('refuses a second run on the same journal, naming the process that holds it', () => {
    journal.acquireLock('users create');
    const other = openJournal(journal.path, { installation: 'test' });
    try {
      expect(() => other.acquireLock('users create')).toThrow(/in use by "users create" \(process \d+/);
    } finally {
      other.close();
    }
  });

  it('refuses a journal of another installation', () => {
    expect(() => openJournal(journal.path, { installation: 'other' })).toThrow(/belongs to installation "test"/);
  });
});

describe('journal file', () => {
  it('is created readable by its owner only (it holds logins and names)', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(journal.path).mode & 0o777).toBe(0o600);
  });
});
