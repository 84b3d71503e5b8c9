import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LedgerStore, ledgerFile } from '../../src/app/budget-ledger.js';
import { FakeClock, flushMicrotasks } from '../../src/core/clock.js';
import { CoreEmitter } from '../../src/core/events.js';
import { RunBudget, type BudgetLease } from '../../src/okta/budget.js';

let dir = '';
const stores: LedgerStore[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-ledger-'));
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A ledger connection of its own, as another process on the same machine opens it. */
function open(): LedgerStore {
  const s = new LedgerStore(ledgerFile(dir, 'https://acme.okta.com'));
  stores.push(s);
  return s;
}

function run(clock: FakeClock, runId: string, o: { principal?: string; priority?: number; store?: LedgerStore; emitter?: CoreEmitter } = {}): RunBudget {
  return new RunBudget({
    store: o.store ?? open(), clock, emitter: o.emitter ?? new CoreEmitter(),
    identity: { runId, principal: o.principal ?? 'tok-a', installation: runId, host: 'desk-1', pid: 1 },
    priority: o.priority ?? 1, share: 0.8, tokenShare: 0.5, heartbeatMs: 1000, leaseMs: 10_000,
  });
}

describe('budget ledger (SQLite, one file per org) and RunBudget', () => {
  test('ledgerFile: one file per org host in the state directory', () => {
    expect(ledgerFile('/state', 'https://acme.okta.com')).toBe(path.join('/state', 'rate-budget-acme.okta.com.sqlite'));
  });

  test('runs joining one token split it; a finishing run hands its share back at the next heartbeat', async () => {
    const clock = new FakeClock();
    const a = run(clock, 'a');
    const b = run(clock, 'b', { priority: 3 });
    await a.start();
    expect(a.fraction()).toBe(0.5); // alone: everything it may use
    await b.start();
    expect(b.fraction()).toBeCloseTo(0.375, 9);
    await clock.advance(1000);
    expect(a.fraction()).toBeCloseTo(0.125, 9);
    await b.stop();
    await clock.advance(1000);
    expect(a.fraction()).toBe(0.5);
    expect(a.runs.map((l) => l.runId)).toEqual(['a']);
    await a.stop();
    expect(await open().list(clock.now())).toEqual([]);
  });

  test('a run killed while holding its share: its lease expires and the share returns', async () => {
    const clock = new FakeClock();
    const a = run(clock, 'a');
    await a.start();
    // The killed run: it joined and took slots, then never renewed its lease (no stop, no leave).
    const killed = open();
    const lease: BudgetLease = {
      runId: 'killed', principal: 'tok-a', priority: 1, share: 0.8, tokenShare: 0.5, installation: 'killed', host: 'desk-2', pid: 99,
      startedAt: clock.now(), heartbeatAt: clock.now(), expiresAt: clock.now() + 10_000, fraction: 0.25, progress: null,
    };
    await killed.heartbeat(lease, clock.now());
    for (let i = 0; i < 5; i++) await killed.take({ bucket: 'users', principal: 'tok-a', runId: 'killed', tokenCap: 300, orgCap: 480, windowMs: 60_000, now: clock.now() });
    await clock.advance(1000);
    expect(a.fraction()).toBe(0.25);
    await clock.advance(8000);
    expect(a.fraction()).toBe(0.25); // still within its lease
    await clock.advance(2000);
    expect(a.fraction()).toBe(0.5);
    expect(a.runs.map((l) => l.runId)).toEqual(['a']);
    await a.stop();
  });

  test('slots are taken atomically: the runs of a token never exceed its cap within a window', async () => {
    const clock = new FakeClock();
    const [x, y] = [open(), open()];
    const slot = (s: LedgerStore, runId: string, principal = 'tok-a') =>
      s.take({ bucket: 'users', principal, runId, tokenCap: 3, orgCap: 5, windowMs: 60_000, now: clock.now() });
    const answers = [await slot(x, 'a'), await slot(y, 'b'), await slot(x, 'a'), await slot(y, 'b')];
    expect(answers.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(answers[3]).toEqual({ ok: false, retryMs: 60_000 });
    // Another token of the org has its own cap, within the org's.
    expect((await slot(y, 'c', 'tok-b')).ok).toBe(true);
    expect((await slot(y, 'c', 'tok-b')).ok).toBe(true);
    expect((await slot(y, 'c', 'tok-b')).ok).toBe(false); // the org's 5 are used
    await clock.advance(30_000);
    expect(await slot(x, 'a')).toEqual({ ok: false, retryMs: 30_000 });
    await clock.advance(30_001);
    expect((await slot(x, 'a')).ok).toBe(true);
  });

  test('the lease carries installation, host, rate and ETA from the run\'s progress events', async () => {
    const clock = new FakeClock();
    const emitter = new CoreEmitter();
    const a = run(clock, 'a', { emitter });
    await a.start();
    emitter.emit('progress', { phase: 'create', done: 40, total: 100, ratePerMinute: 290, rateLimited: 0, etaMs: 12_000 });
    await clock.advance(1000);
    await flushMicrotasks();
    const [lease] = await open().list(clock.now());
    expect(lease).toMatchObject({ runId: 'a', installation: 'a', host: 'desk-1', fraction: 0.5, progress: { done: 40, total: 100, ratePerMinute: 290, etaMs: 12_000 } });
    expect(JSON.stringify(lease)).not.toMatch(/secret/);
    await a.stop();
  });

  test('a store that fails: one warning, the run keeps its last share and its requests go', async () => {
    const clock = new FakeClock();
    const emitter = new CoreEmitter();
    const warnings: string[] = [];
    emitter.on('warning', (w) => warnings.push(w.message));
    const store = open();
    const a = run(clock, 'a', { store, emitter });
    await a.start();
    await store.close();
    await clock.advance(3000);
    expect(await a.take('users', 600, 60_000)).toEqual({ ok: true });
    expect(a.fraction()).toBe(0.5);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/shared rate budget .* did not answer/);
    await a.stop();
  });
});
