import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderStatus } from '../../src/cli/status.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';
import { buildStatus } from '../../src/report/status-model.js';

let dir: string;
let j: SqliteJournal;
const T0 = Date.UTC(2026, 11, 2, 3, 0, 0);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-status-render-'));
  j = openJournal(path.join(dir, 'acme.sqlite'), { installation: 'acme' });
});
afterEach(() => {
  j.close();
  rmSync(dir, { recursive: true, force: true });
});

function finishedRun(phase: string, ms: number, done: number, total: number): void {
  const id = j.startRun(phase, T0);
  j.logActivity(null, { at: T0 + ms, type: 'progress', code: phase, detail: JSON.stringify({ done, total, ratePerMinute: 5580, rateLimited: 0, etaMs: 0 }) });
  j.finishRun(id, 'done', {}, T0 + ms);
}

const render = (now: number, alive = true): string => renderStatus(buildStatus(j, { now, holderAlive: () => alive }));

describe('cli/status rendering of runs that are over', () => {
  it('a finished run: how long it took and its average rate, no live rate, ETA or "not moving"', () => {
    finishedRun('create', 125_000, 1576, 1576);
    const text = render(T0 + 125_000 + 5_000);
    expect(text).toContain('no run in progress (last: users create done at 2026-12-02T03:02:05.000Z, took 2m 5s)');
    expect(text).toContain("last run's progress: create, all 1576 records in 2m 5s (756/min)");
    expect(text).not.toMatch(/\/min now|not moving|ETA|bucket/);
  });

  it('a sub-second run of one record reads naturally (no "1 records", no rate from a fraction of a second)', () => {
    finishedRun('create', 300, 1, 1);
    const text = render(T0 + 1_000);
    expect(text).toContain('took under a second)');
    expect(text).toContain("last run's progress: create, the record in under a second");
  });

  it('a run stopped part-way says how far it got', () => {
    finishedRun('rollback', 60_000, 40, 93);
    expect(render(T0 + 61_000)).toContain("last run's progress: rollback, 40 of 93 records in 1m 0s (40/min)");
  });

  it('a lock whose holder is gone is an interrupted run, not a running one', () => {
    j.startRun('activate', T0);
    j.acquireLock('users activate');
    const dead = render(T0 + 60_000, false);
    expect(dead).toMatch(/^interrupted: users activate started at \S+ did not finish \(its process is gone\): run "efs-okta users activate" again to continue$/m);
    expect(render(T0 + 60_000, true)).toMatch(/^running: users activate since /m);
  });
});
