import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordActivity } from '../../src/app/activity.js';
import { FakeClock } from '../../src/core/clock.js';
import { CoreEmitter } from '../../src/core/events.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { buildStatus, niceBucketMs } from '../../src/report/status-model.js';
import { failedActivity, personalData, progress, rateLearned, rateLimited, retry, SECRET_HASH, seedRecords, settle } from './fixture.js';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
let dir: string;
let journal: SqliteJournal;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-status-'));
  journal = openJournal(path.join(dir, 'acme.sqlite'), { installation: 'acme' });
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('status model', () => {
  it('counts per kind: done/total, categories and states, with failures and skips grouped by reason', () => {
    seedRecords(journal, T0, { admin: 4, panelist: 20, invalid: 3, federated: 2 });
    settle(journal, 'panelist', 10, T0 + 1000, 'staged');
    settle(journal, 'panelist', 2, T0 + 1000, 'active');
    settle(journal, 'panelist', 2, T0 + 1000, 'failed');
    settle(journal, 'panelist', 1, T0 + 1000, 'conflict');
    settle(journal, 'admin', 4, T0 + 1000, 'staged');
    const s = buildStatus(journal, { now: T0 + 5000 });
    expect(s.journal).toEqual({ file: 'acme.sqlite', installation: 'acme' });
    expect(s.kinds.map((k) => k.kind)).toEqual(['admin', 'panelist']);
    expect(s.kinds[0]).toMatchObject({ total: 4, done: 4, inOkta: 4, active: 0, toDo: 0, states: { staged: 4 } });
    expect(s.kinds[1]).toEqual({
      kind: 'panelist', total: 25, done: 20, inOkta: 12, active: 2, provisioned: 0, toDo: 5, needsAction: 6, notMigrated: 2,
      states: { active: 2, conflict: 1, failed: 2, invalid: 3, pending: 5, skipped: 2, staged: 10 },
    });
    expect(s.totals).toEqual({ total: 29, done: 24, inOkta: 16, active: 2, provisioned: 0, toDo: 5, needsAction: 6, notMigrated: 2 });
    expect(s.failures).toEqual([
      { kind: 'panelist', state: 'failed', reason: 'okta.E0000001', count: 2 },
      { kind: 'panelist', state: 'invalid', reason: 'email.invalid', count: 2 },
      { kind: 'panelist', state: 'conflict', reason: 'conflict.login_exists', count: 1 },
      { kind: 'panelist', state: 'invalid', reason: 'email.tld', count: 1 },
    ]);
    expect(s.skipped).toEqual([{ kind: 'panelist', state: 'skipped', reason: 'federated', count: 2 }]);
  });

  it('reads rate, 429s, retries and ETA from the activity log, and the bucket share from rate:learned', () => {
    seedRecords(journal, T0, { panelist: 300 });
    journal.startRun('create', T0);
    journal.acquireLock('users create');
    for (let i = 1; i <= 120; i++) {
      const at = T0 + i * 1000;
      progress(journal, at, { done: i * 2, total: 300, ratePerMinute: 120, rateLimited: Math.floor(i / 10), etaMs: ((300 - i * 2) / 120) * 60_000 });
      if (i % 10 === 0) rateLimited(journal, at);
      if (i % 30 === 0) retry(journal, at, i === 90 ? '503' : 'E0000047');
    }
    rateLearned(journal, T0 + 10_000, '/api/v1/groups', 500, 0.5);
    rateLearned(journal, T0 + 119_000, '/api/v1/users', 600, 0.5, 123);
    const now = T0 + 120_500;
    const s = buildStatus(journal, { now, windowMs: 60_000 });
    expect(s.run).toMatchObject({ active: true, command: 'users create', phase: 'create', outcome: null });
    expect(s.progress).toEqual({ phase: 'create', done: 240, total: 300, at: T0 + 120_000, fresh: true });
    expect(s.rate.currentPerMinute).toBe(120);
    // 60 s window (T0+60.5 s, T0+120.5 s]: reports 61…120, two records each.
    expect(s.rate.averagePerMinute).toBe(120);
    expect(s.rate.bucket).toEqual({ bucket: '/api/v1/users', limit: 600, share: 0.5, allowedPerMinute: 300, remaining: 123, resetAt: T0 + 149_000, at: T0 + 119_000 });
    expect(s.rate.buckets.map((b) => b.bucket)).toEqual(['/api/v1/groups', '/api/v1/users']);
    expect(s.throttling).toEqual({ windowMs: 60_000, rateLimited: 6, retries: 2, retriesByCode: [{ code: '503', count: 1 }, { code: 'E0000047', count: 1 }], rateLimitedThisRun: 12 });
    expect(s.eta).toEqual({ ms: 30_000, finishAt: now + 30_000 });
  });

  it('a stale progress report means nothing moves: current rate 0 and no ETA, but the last progress stays', () => {
    seedRecords(journal, T0, { panelist: 10 });
    journal.finishRun(journal.startRun('create', T0), 'interrupted', {}, T0 + 5000);
    progress(journal, T0 + 4000, { done: 4, total: 10, ratePerMinute: 60, rateLimited: 1, etaMs: 6000 });
    const s = buildStatus(journal, { now: T0 + 60_000 });
    expect(s.run).toMatchObject({ active: false, phase: 'create', outcome: 'interrupted', finishedAt: T0 + 5000, heartbeatAgeMs: null });
    expect(s.progress).toMatchObject({ done: 4, fresh: false });
    expect(s.rate.currentPerMinute).toBe(0);
    expect(s.eta).toEqual({ ms: null, finishAt: null });
  });

  it('the series counts records per bar across runs: a new run restarts its done count', () => {
    seedRecords(journal, T0, { panelist: 10 });
    journal.startRun('create', T0);
    progress(journal, T0 + 1000, { done: 3, total: 10, ratePerMinute: 1, rateLimited: 0, etaMs: null });
    progress(journal, T0 + 2000, { done: 5, total: 10, ratePerMinute: 1, rateLimited: 0, etaMs: null });
    journal.startRun('create', T0 + 65_000);
    progress(journal, T0 + 66_000, { done: 2, total: 5, ratePerMinute: 1, rateLimited: 0, etaMs: null });
    progress(journal, T0 + 67_000, { done: 4, total: 5, ratePerMinute: 1, rateLimited: 0, etaMs: null });
    progress(journal, T0 + 68_000, { phase: 'activate', done: 3, total: 9, ratePerMinute: 1, rateLimited: 0, etaMs: null });
    rateLimited(journal, T0 + 66_500);
    retry(journal, T0 + 1500);
    const s = buildStatus(journal, { now: T0 + 119_000, from: T0, bucketMs: 60_000 });
    expect(s.series).toEqual({
      from: T0, bucketMs: 60_000,
      points: [{ t: T0, done: 5, rateLimited: 0, retries: 1 }, { t: T0 + 60_000, done: 7, rateLimited: 1, retries: 0 }],
    });
    // A window that starts after the first report uses it as the baseline only.
    const later = buildStatus(journal, { now: T0 + 119_000, from: T0 + 1500, bucketMs: 60_000, windowMs: 1000 });
    expect(later.series.points.reduce((n, p) => n + p.done, 0)).toBe(7);
  });

  it('is deterministic for a given journal and now, and picks about 60 bars by default', () => {
    seedRecords(journal, T0, { panelist: 5 });
    progress(journal, T0 + 1000, { done: 1, total: 5, ratePerMinute: 1, rateLimited: 0, etaMs: 1 });
    const a = buildStatus(journal, { now: T0 + 3_600_000 });
    const b = buildStatus(journal, { now: T0 + 3_600_000 });
    expect(a).toEqual(b);
    expect(a.series.bucketMs).toBe(60_000);
    expect(a.series.points).toHaveLength(61);
    expect(niceBucketMs(10 * 86_400_000)).toBe(21_600_000);
  });

  it('holds aggregates only: no key, login, name, email, message or password hash', () => {
    seedRecords(journal, T0, { admin: 3, panelist: 8, invalid: 2, withHash: true });
    settle(journal, 'panelist', 2, T0, 'failed');
    settle(journal, 'admin', 1, T0, 'conflict');
    failedActivity(journal, T0 + 100, 'panelist', 0);
    const json = JSON.stringify(buildStatus(journal, { now: T0 + 1000 }));
    for (const kind of ['admin', 'panelist'] as const) {
      for (let i = 0; i < 8; i++) {
        const p = personalData(kind, i);
        for (const v of [p.key, p.email, p.firstName, p.lastName]) expect(json).not.toContain(v);
      }
    }
    expect(json).not.toContain('customer-example');
    expect(json).not.toContain(SECRET_HASH);
    expect(json).not.toContain('Okta rejected');
  });

  it('core events reach the status through the activity log; rate:learned is kept once a second per bucket', async () => {
    seedRecords(journal, T0, { panelist: 3 });
    const clock = new FakeClock(T0);
    const emitter = new CoreEmitter();
    const detach = recordActivity(emitter, journal, clock);
    try {
      for (let i = 0; i < 10; i++) {
        emitter.emit('rate:learned', { bucket: '/api/v1/users', limit: 600, remaining: 600 - i, resetAt: T0 + 60_000, share: 0.5 });
        await clock.advance(150);
      }
      emitter.emit('rate:learned', { bucket: '/api/v1/users', limit: 600, remaining: 500, resetAt: T0 + 60_000, share: 0.25 });
      emitter.emit('rate:limited', { bucket: '/api/v1/users', kind: 'rate', waitMs: 900 });
      emitter.emit('request:retry', { bucket: '/api/v1/users', status: 429, errorCode: 'E0000047', attempt: 1, waitMs: 900 });
      emitter.emit('progress', { phase: 'create', done: 1, total: 3, ratePerMinute: 40, rateLimited: 1, etaMs: 3000 });
    } finally {
      detach();
    }
    // 1.5 s of answers: rows at 0 and 1.05 s, then one for the share that changed.
    expect(journal.activitySince(0, ['rate:learned'])).toHaveLength(3);
    const s = buildStatus(journal, { now: clock.now() });
    expect(s.rate.bucket).toMatchObject({ bucket: '/api/v1/users', limit: 600, share: 0.25, allowedPerMinute: 150, remaining: 500 });
    expect(s.throttling).toMatchObject({ rateLimited: 1, retries: 1, retriesByCode: [{ code: 'E0000047', count: 1 }], rateLimitedThisRun: 1 });
    expect(s.progress).toMatchObject({ phase: 'create', done: 1, total: 3, fresh: true });
    expect(s.eta.ms).toBe(3000);
  });
});
