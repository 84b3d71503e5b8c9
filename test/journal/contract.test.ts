import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordState } from '../../src/core/lifecycle/record.js';
import type { Kind } from '../../src/core/types.js';
import type { JournalStores, PortalStore } from '../../src/journal/contracts.js';
import { MemoryJournalData, openMemoryJournal } from '../../src/journal/memory.js';
import { portalJournal } from '../../src/journal/portals.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import type { LockHolder } from '../../src/journal/types.js';
import type { UserRecord } from '../../src/records/types.js';
import { userRecord } from '../helpers/records.js';

/**
 * journal contracts (contracts.ts): one suite, run against the SQLite journal (a temp file) and
 * its in-memory twin (memory.ts), so the twin that phase tests use behaves as the real one does.
 */
interface Subject {
  journal: JournalStores;
  portals: PortalStore;
  /** Applies a first snapshot of these records. */
  seed(records: UserRecord[], now: number): void;
  /** Another connection to the same journal. */
  second(): JournalStores;
  plantLock(holder: LockHolder): void;
  close(): void;
}

function sqliteSubject(): Subject {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-contract-'));
  const file = path.join(dir, 'j.sqlite');
  const journal: SqliteJournal = openJournal(file, { installation: 'contract' });
  const others: SqliteJournal[] = [];
  return {
    journal,
    portals: portalJournal(journal),
    seed: (records, now) => {
      const snap = journal.beginSnapshot();
      for (const r of records) snap.add(r);
      snap.apply(now);
      snap.discard();
    },
    second: () => {
      const j = openJournal(file);
      others.push(j);
      return j;
    },
    plantLock: (h) => {
      journal.db.prepare('INSERT OR REPLACE INTO lock (id, pid, host, command, started_at, heartbeat) VALUES (1, ?, ?, ?, ?, ?)').run(h.pid, h.host, h.command, h.startedAt, h.heartbeat);
    },
    close: () => {
      for (const j of [...others, journal]) j.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function memorySubject(): Subject {
  const data = new MemoryJournalData();
  const journal = openMemoryJournal(data);
  const others = [journal];
  return {
    journal,
    portals: journal.portals,
    seed: (records, now) => journal.seed(records, now),
    second: () => {
      const j = openMemoryJournal(data);
      others.push(j);
      return j;
    },
    plantLock: (h) => {
      data.lock = { ...h };
    },
    close: () => others.forEach((j) => j.close()),
  };
}

const T0 = Date.UTC(2026, 11, 1, 8);
const SUBJECTS: [string, () => Subject][] = [['sqlite', sqliteSubject], ['memory', memorySubject]];

/** 12 panelists (two keys whose UTF-8 and UTF-16 orders differ), 4 admins, 1 skipped panelist. */
function population(): UserRecord[] {
  const panelists = Array.from({ length: 12 }, (_, i) => userRecord('panelist', `P${String(i).padStart(2, '0')}`, `p${i}@example.com`, { lastLogin: `2026-0${1 + (i % 9)}-01` }));
  return [
    ...panelists,
    userRecord('panelist', 'Z\u{1F600}', 'smile@example.com'),
    userRecord('panelist', 'Z\uFF5E', 'tilde@example.com'),
    ...Array.from({ length: 4 }, (_, i) => userRecord('admin', `A${i}`, `a${i}@example.com`, { passwordHash: i === 0 ? { algorithm: 'BCRYPT', workFactor: 10, salt: 's', value: 'v' } : null })),
    userRecord('panelist', 'S1', 's1@example.com', { classification: { state: 'skipped', reason: 'status.excluded', message: 'status inactive is not included' } }),
  ] as UserRecord[];
}

describe.each(SUBJECTS)('journal contract (%s)', (_name, make) => {
  let s: Subject;
  let j: JournalStores;
  beforeEach(() => {
    s = make();
    j = s.journal;
    s.seed(population(), T0);
  });
  afterEach(() => {
    vi.useRealTimers();
    s.close();
  });

  it('record store: a seeded record reads back with its source fields and nothing of Okta yet', () => {
    expect(j.get('admin', 'A0')).toMatchObject({
      kind: 'admin', key: 'A0', state: 'pending', reason: null, login: 'a0@example.com', loginKey: 'a0@example.com', groups: ['admin'],
      passwordHash: { algorithm: 'BCRYPT', workFactor: 10, salt: 's', value: 'v' }, oktaId: null, ours: false, dirty: false, attempts: 0,
      passwordImported: false, reactivationPending: false, ownership: null, activation: null, createMarkedAt: null, updatedAt: T0,
    });
    expect(j.get('panelist', 'S1')).toMatchObject({ state: 'skipped', reason: 'status.excluded', message: 'status inactive is not included' });
    expect(j.get('admin', 'nobody')).toBeNull();
  });

  it('record store: setState sets the fields given, keeps the undefined ones, marks creating once, and refuses an unknown record', () => {
    j.setState('admin', 'A0', { state: 'creating' }, T0 + 1);
    j.setState('admin', 'A0', { state: 'creating', attemptsIncrement: true, lastError: 'E0000001' }, T0 + 2);
    expect(j.get('admin', 'A0')).toMatchObject({ state: 'creating', createMarkedAt: T0 + 1, attempts: 1, lastError: 'E0000001', updatedAt: T0 + 2 });
    j.setState('admin', 'A0', { state: 'staged', oktaId: '00u1', ours: true, ownership: 'created', clearPasswordHash: true, passwordImported: true, lastError: null }, T0 + 3);
    expect(j.get('admin', 'A0')).toMatchObject({ state: 'staged', oktaId: '00u1', ours: true, ownership: 'created', passwordHash: null, passwordImported: true, lastError: null, attempts: 1, createMarkedAt: T0 + 1 });
    j.setState('admin', 'A0', { state: 'activating', activation: 'link', dirty: true, reason: 'x.y', message: 'why' }, T0 + 4);
    expect(j.get('admin', 'A0')).toMatchObject({ state: 'activating', activation: 'link', dirty: true, reason: 'x.y', message: 'why', oktaId: '00u1' });
    expect(j.findByOktaId('00u1').map((r) => r.key)).toEqual(['A0']);
    expect(j.findByLoginKey('a1@example.com').map((r) => `${r.kind}:${r.key}`)).toEqual(['admin:A1']);
    expect(() => j.setState('admin', 'nobody', { state: 'failed' }, T0)).toThrow(expect.objectContaining({ code: 'JOURNAL_NO_RECORD' }));
  });

  it('record store: pages in (kind, key) order, keys bytewise (UTF-8), resuming after the cursor, with state and dirty filters', () => {
    const pageAll = (kinds: Kind[], states: RecordState[], size: number, dirtyOnly = false): string[] => {
      const seen: string[] = [];
      let after: { kind: string; key: string } | null = null;
      for (let rows = j.page({ kinds, states, dirtyOnly }, after, size); rows.length > 0; rows = j.page({ kinds, states, dirtyOnly }, after, size)) {
        expect(rows.length).toBeLessThanOrEqual(size);
        seen.push(...rows.map((r) => `${r.kind}:${r.key}`));
        const last = rows.at(-1)!;
        after = { kind: last.kind, key: last.key };
      }
      return seen;
    };
    const panelists = [...Array.from({ length: 12 }, (_, i) => `panelist:P${String(i).padStart(2, '0')}`), 'panelist:Z\uFF5E', 'panelist:Z\u{1F600}'];
    expect(pageAll(['panelist', 'admin'], ['pending'], 5)).toEqual(['admin:A0', 'admin:A1', 'admin:A2', 'admin:A3', ...panelists]);
    for (const key of ['P03', 'P07']) j.setState('panelist', key, { state: 'staged', dirty: key === 'P07' }, T0);
    expect(pageAll(['panelist'], ['staged'], 1)).toEqual(['panelist:P03', 'panelist:P07']);
    expect(pageAll(['panelist'], ['staged', 'pending'], 100, true)).toEqual(['panelist:P07']);
    expect(j.page({ kinds: ['admin', 'panelist'], states: ['pending'] }, { kind: 'admin', key: 'A3' }, 2).map((r) => r.key)).toEqual(['P00', 'P01']);
    expect([...j.all(['admin'])].map((r) => r.key)).toEqual(['A0', 'A1', 'A2', 'A3']);
    expect([...j.all()].length).toBe(19);
  });

  it('record store: counts per kind, state and reason (no reason first), portals included unless other kinds are asked for', () => {
    j.setState('panelist', 'P00', { state: 'failed', reason: 'okta.E0000001' }, T0);
    j.setState('panelist', 'P01', { state: 'failed', reason: null }, T0);
    s.portals.upsertSource({ key: '1', line: 2, name: 'Panel', baseUrl: 'https://panel.example.com', redirectUris: [] }, T0);
    expect(j.countByState(['panelist'])).toEqual([
      { kind: 'panelist', state: 'failed', reason: null, count: 1 },
      { kind: 'panelist', state: 'failed', reason: 'okta.E0000001', count: 1 },
      { kind: 'panelist', state: 'pending', reason: null, count: 12 },
      { kind: 'panelist', state: 'skipped', reason: 'status.excluded', count: 1 },
    ]);
    expect(j.countByState().map((c) => `${c.kind}:${c.state}:${c.count}`)).toEqual(['admin:pending:4', 'panelist:failed:1', 'panelist:failed:1', 'panelist:pending:12', 'panelist:skipped:1', 'portal:pending:1']);
    expect(j.countByState(['admin', 'portal']).map((c) => c.kind)).toEqual(['admin', 'portal']);
  });

  it('record store: counts activation work by the reactivation fact, never by the reason', () => {
    j.setState('panelist', 'P00', { state: 'staged' }, T0);
    j.setState('panelist', 'P01', { state: 'activating' }, T0);
    j.setState('panelist', 'P02', { state: 'deactivated', reason: 'removed.missing' }, T0);
    // The reason says "pending", the fact says no: not work. The fact says yes: work, whatever the reason.
    j.setState('panelist', 'P03', { state: 'deactivated', reason: 'reactivation.pending' }, T0);
    j.setState('panelist', 'P04', { state: 'deactivated', reason: 'anything', reactivationPending: true }, T0);
    j.setState('admin', 'A0', { state: 'staged' }, T0);
    expect(j.get('panelist', 'P04')).toMatchObject({ reactivationPending: true });
    expect(j.get('panelist', 'P03')).toMatchObject({ reactivationPending: false });
    expect(j.countActivationWork(['panelist'])).toBe(3);
    expect(j.countActivationWork(['panelist', 'admin'])).toBe(4);
    expect(j.countActivationWork([])).toBe(0);
  });

  it('lock: one holder at a time; a live holder refuses, a dead or silent one is taken over; release and close free it', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    j.acquireLock('users create');
    expect(j.lockHolder()).toEqual({ pid: process.pid, host: os.hostname(), command: 'users create', startedAt: T0, heartbeat: T0 });
    const other = s.second();
    expect(() => other.acquireLock('users activate')).toThrow(expect.objectContaining({ code: 'JOURNAL_LOCKED' }));
    vi.setSystemTime(T0 + 5000);
    j.heartbeat();
    vi.setSystemTime(T0 + 5500);
    j.heartbeat();
    expect(j.lockHolder()?.heartbeat).toBe(T0 + 5000);
    j.releaseLock();
    expect(j.lockHolder()).toBeNull();
    other.acquireLock('users activate');
    other.close();
    expect(j.lockHolder()).toBeNull();

    const elsewhere = { pid: 4242, host: 'another-host.example', command: 'users create', startedAt: T0 - 3_600_000 };
    s.plantLock({ ...elsewhere, heartbeat: T0 + 5500 - 60_000 });
    expect(() => j.acquireLock('status')).toThrow(/in use by "users create" \(process 4242 on another-host\.example/);
    s.plantLock({ ...elsewhere, heartbeat: T0 + 5500 - 6 * 60_000 });
    j.acquireLock('users create');
    expect(j.lockHolder()?.pid).toBe(process.pid);
    j.releaseLock();

    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    s.plantLock({ pid: dead, host: os.hostname(), command: 'users create', startedAt: T0, heartbeat: T0 + 5500 });
    j.acquireLock('users create');
    s.plantLock({ pid: process.ppid, host: os.hostname(), command: 'users create', startedAt: T0, heartbeat: T0 });
    expect(() => j.acquireLock('users create')).toThrow(expect.objectContaining({ code: 'JOURNAL_LOCKED' }));
  });

  it('run log: runs newest first with their outcome and counts; activity since a time, in the order logged, by type', () => {
    const first = j.startRun('users create', T0);
    const second = j.startRun('users activate', T0 + 10);
    expect(second).toBeGreaterThan(first);
    j.finishRun(first, 'completed', { created: 3 }, T0 + 5);
    expect(j.lastRuns(5)).toEqual([
      { id: second, phase: 'users activate', pid: process.pid, host: os.hostname(), startedAt: T0 + 10, finishedAt: null, outcome: null, counts: null },
      { id: first, phase: 'users create', pid: process.pid, host: os.hostname(), startedAt: T0, finishedAt: T0 + 5, outcome: 'completed', counts: { created: 3 } },
    ]);
    expect(j.lastRuns(1).map((r) => r.id)).toEqual([second]);
    j.logActivity(first, { at: T0 + 2, type: 'progress', code: 'create', detail: '{}' });
    j.logActivity(null, { at: T0 + 1, type: 'user:failed', kind: 'admin', key: 'A1', code: 'E0000001' });
    j.logActivity(null, { at: T0 - 1, type: 'progress' });
    expect(j.activitySince(T0)).toEqual([
      { at: T0 + 2, type: 'progress', kind: null, key: null, code: 'create', detail: '{}' },
      { at: T0 + 1, type: 'user:failed', kind: 'admin', key: 'A1', code: 'E0000001', detail: null },
    ]);
    expect(j.activitySince(T0 - 1, ['progress']).map((e) => e.at)).toEqual([T0 + 2, T0 - 1]);
  });

  it('groups and meta: a group once created by us stays created; batch applies all of its writes or none', () => {
    expect(j.group('admin')).toBeNull();
    j.setGroup('admin', { name: 'EFS admins', oktaId: '00g1', created: true }, T0);
    j.setGroup('admin', { name: 'EFS admins', oktaId: '00g1', created: false }, T0);
    expect(j.group('admin')).toEqual({ name: 'EFS admins', oktaId: '00g1', created: true });
    j.removeGroup('admin');
    expect(j.group('admin')).toBeNull();
    j.setMeta('mark', 'one');
    j.setMeta('mark', 'two');
    expect([j.meta('mark'), j.meta('missing')]).toEqual(['two', null]);

    j.batch?.(() => j.setMeta('batched', 'yes'));
    expect(j.meta('batched')).toBe('yes');
    expect(() => j.batch?.(() => {
      j.setState('admin', 'A1', { state: 'failed' }, T0);
      j.setMeta('mark', 'three');
      j.logActivity(null, { at: T0, type: 'progress' });
      j.setState('admin', 'nobody', { state: 'failed' }, T0);
    })).toThrow(expect.objectContaining({ code: 'JOURNAL_NO_RECORD' }));
    expect([j.get('admin', 'A1')?.state, j.meta('mark'), j.activitySince(0).length]).toEqual(['pending', 'two', 0]);
  });

  it('portal store: a new portal is pending; a refresh with the same source keeps its time; changes set what they name', () => {
    const p = { key: '2', line: 3, name: 'Employee Portal', baseUrl: 'https://survey.example.com/employee', redirectUris: ['https://survey.example.com/cb'] };
    expect(s.portals.upsertSource(p, T0)).toMatchObject({ ...p, state: 'pending', appId: null, attempts: 0, createdAt: T0, updatedAt: T0 });
    expect(s.portals.upsertSource(p, T0 + 1).updatedAt).toBe(T0);
    expect(s.portals.upsertSource({ ...p, redirectUris: [] }, T0 + 2)).toMatchObject({ redirectUris: [], updatedAt: T0 + 2, createdAt: T0 });
    s.portals.update('2', { state: 'registering', label: 'EFS · Employee Portal (2)', attemptsIncrement: true }, T0 + 3);
    s.portals.update('2', { state: 'registered', appId: '0oa1', clientId: 'c1', secretIssuedAt: T0 + 4, reason: null }, T0 + 4);
    expect(s.portals.get('2')).toMatchObject({ state: 'registered', label: 'EFS · Employee Portal (2)', appId: '0oa1', clientId: 'c1', secretIssuedAt: T0 + 4, attempts: 1, updatedAt: T0 + 4 });
    s.portals.upsertSource({ ...p, key: '10' }, T0);
    expect(s.portals.all().map((r) => r.key)).toEqual(['10', '2']);
    expect(s.portals.countByState()).toEqual([{ state: 'pending', reason: null, count: 1 }, { state: 'registered', reason: null, count: 1 }]);
    expect(s.portals.get('nope')).toBeNull();
    expect(() => s.portals.update('nope', { state: 'failed' }, T0)).toThrow(expect.objectContaining({ code: 'JOURNAL_NO_PORTAL' }));
  });
});

describe('journal contract: the twins agree', () => {
  it('memory and sqlite hold the same rows after the same writes', () => {
    const [a, b] = [sqliteSubject(), memorySubject()];
    const records = population();
    try {
      for (const s of [a, b]) {
        s.seed(records, T0);
        s.journal.setState('panelist', 'P05', { state: 'creating', attemptsIncrement: true }, T0 + 1);
        s.journal.setState('admin', 'A0', { state: 'active', oktaId: '00u9', ours: true, ownership: 'recovered', syncedHash: 'h', clearPasswordHash: true }, T0 + 2);
      }
      expect([...b.journal.all()]).toEqual([...a.journal.all()]);
      expect(b.journal.countByState()).toEqual(a.journal.countByState());
    } finally {
      a.close();
      b.close();
    }
  });
});
