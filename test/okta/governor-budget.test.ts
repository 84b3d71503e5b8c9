import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LedgerStore } from '../../src/app/budget-ledger.js';
import { FakeClock } from '../../src/core/clock.js';
import { RunBudget } from '../../src/okta/budget.js';
import { FakeOkta, makeGovernor, readError, runClock, startWorkers } from './fake-okta.js';

const CREATE = 'https://acme.okta.com/api/v1/users?activate=false';
const MINUTE = 60_000;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-gov-budget-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Runner {
  token: string;
  priority?: number;
  /** Fake ms after the start when the run begins and ends. */
  from?: number;
  until: number;
}

/**
 * Runs on one fake org (users bucket 600/min, each token 50 %), each with its own governor and
 * ledger connection, 8 workers creating users. Returns each run's successful creates per minute
 * window and the 429 count.
 */
async function simulate(runners: Runner[], shared: boolean): Promise<{ okPerRun: number[][]; rejected: number; log: FakeOkta['log'] }> {
  const clock = new FakeClock();
  const okta = new FakeOkta(clock, { limits: { users: 600 }, tokenShare: 0.5, latencyMs: 150 });
  const t0 = clock.now();
  const perRun = runners.map(() => [] as number[]);
  const budgets: RunBudget[] = [];
  const finished: (() => boolean)[] = [];
  const stores: LedgerStore[] = [];
  await Promise.all(runners.map(async (r, i) => {
    await clock.sleep(r.from ?? 0);
    let budget: RunBudget | undefined;
    if (shared) {
      const store = new LedgerStore(path.join(dir, 'ledger.sqlite'));
      stores.push(store);
      budget = new RunBudget({
        store, clock, emitter: (makeGovernor(clock).emitter),
        identity: { runId: `run-${i}`, principal: r.token, installation: `inst-${i}`, host: 'desk', pid: i },
        priority: r.priority ?? 1, share: 0.8, tokenShare: 0.5, heartbeatMs: 1000, leaseMs: 10_000,
      });
      await budget.start();
      budgets.push(budget);
    }
    const { governor } = makeGovernor(clock, { share: 0.5, ...(budget ? { budget } : {}) });
    const stopAt = t0 + r.until;
    const w = startWorkers(8, async () => {
      const res = await governor.run({ method: 'POST', url: CREATE }, okta.send('POST', CREATE, r.token), readError);
      if (res.status === 200) {
        const k = Math.floor((clock.now() - t0) / MINUTE);
        perRun[i]![k] = (perRun[i]![k] ?? 0) + 1;
      }
    }, () => clock.now() >= stopAt);
    finished.push(() => {
      const done = w.finished();
      if (done && budget && budgets.includes(budget)) {
        budgets.splice(budgets.indexOf(budget), 1);
        void budget.stop();
      }
      return done;
    });
  }).map((p) => p.catch(() => undefined)).concat(runClock(clock, () => finished.length === runners.length && finished.every((f) => f()), Math.max(...runners.map((r) => r.until)) + MINUTE)));
  await runClock(clock, () => finished.every((f) => f()), 2 * MINUTE);
  for (const b of budgets) await b.stop();
  for (const s of stores) await s.close();
  return { okPerRun: perRun.map((a) => Array.from(a, (x) => x ?? 0)), rejected: okta.count(429), log: okta.log };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('governor with a shared budget (ledger)', () => {
  test('three runs on one token: no 429s, the token\'s 300/min used, split equally', async () => {
    const r = await simulate([{ token: 't', until: 3 * MINUTE }, { token: 't', until: 3 * MINUTE }, { token: 't', until: 3 * MINUTE }], true);
    expect(r.rejected).toBe(0);
    const total = sum(r.okPerRun.map((w) => sum(w.slice(0, 3))));
    expect(total).toBeGreaterThanOrEqual(0.95 * 900);
    for (const w of r.okPerRun) expect(sum(w.slice(0, 3)) / total).toBeGreaterThan(0.3);
  });

  test('without a shared store: a token 429 tells each run the token is shared, then they leave each other room', async () => {
    const r = await simulate([{ token: 't', until: 3 * MINUTE }, { token: 't', until: 3 * MINUTE }, { token: 't', until: 3 * MINUTE }], false);
    // Each run believes it may use the token's whole 300/min until Okta says otherwise.
    expect(r.rejected).toBeGreaterThan(0);
    expect(r.rejected / r.log.length).toBeLessThanOrEqual(0.01);
    expect(sum(r.okPerRun.map((w) => sum(w.slice(0, 3))))).toBeGreaterThanOrEqual(0.9 * 900);
  });

  test('priority 2:1 divides the token 2:1; when the big run finishes the other takes everything', async () => {
    const r = await simulate([{ token: 't', priority: 2, until: 2 * MINUTE }, { token: 't', until: 4 * MINUTE }], true);
    expect(r.rejected).toBe(0);
    const [big, small] = r.okPerRun as [number[], number[]];
    expect(sum(big.slice(0, 2)) / sum(small.slice(0, 2))).toBeGreaterThan(1.8);
    expect(sum(big.slice(0, 2)) / sum(small.slice(0, 2))).toBeLessThan(2.2);
    // Alone from minute 2: the whole token share (300/min), give or take the hand-over.
    expect(small[3]).toBeGreaterThanOrEqual(285);
  });

  test('three tokens: together 0.8 of the org bucket, each within 15 % of a third, no 429s', async () => {
    const r = await simulate([{ token: 'a', until: 3 * MINUTE }, { token: 'b', until: 3 * MINUTE }, { token: 'c', until: 3 * MINUTE }], true);
    expect(r.rejected).toBe(0);
    const per = r.okPerRun.map((w) => sum(w.slice(0, 3)));
    expect(sum(per)).toBeGreaterThanOrEqual(0.95 * 3 * 480);
    for (const n of per) expect(Math.abs(n / (sum(per) / 3) - 1)).toBeLessThan(0.15);
  });
});
