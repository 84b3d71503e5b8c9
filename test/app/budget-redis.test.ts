import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RedisStore } from '../../src/app/budget-redis.js';
import { findRedisServer, startRedis, type PrivateRedis } from '../../src/bench/redis-server.js';
import { systemClock } from '../../src/core/clock.js';
import { CoreEmitter } from '../../src/core/events.js';
import { RunBudget, type BudgetLease } from '../../src/okta/budget.js';

/**
 * The Redis store against a real, private redis-server (Debian's redis-server). A missing binary
 * fails the suite with the command that installs it (npm test's pretest installs it as root): it
 * never skips.
 */
const REDIS_MISSING = 'redis-server is not installed: run npm test as root (its pretest installs it) or ' +
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server';
const suite = (name: string, fn: () => void): void => {
  if (findRedisServer() !== null) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    test('needs redis-server (Debian package redis-server)', () => {
      throw new Error(REDIS_MISSING);
    });
  });
};

const ORG = 'https://acme.okta.com';
let redis: PrivateRedis;
const open = (): Promise<RedisStore> => RedisStore.open({ url: redis.url, password: redis.password, org: ORG });

/** Polls `check` until it holds (a server-side expiry has no event to wait for), at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

const lease = (runId: string, now: number, leaseMs: number): BudgetLease => ({
  runId, principal: 'ssws:aaaa', priority: 1, share: 0.8, tokenShare: 0.5, installation: runId, host: 'desk-2', pid: 7,
  startedAt: now, heartbeatAt: now, expiresAt: now + leaseMs, fraction: 0.5, progress: null,
});

suite('budget store in Redis (rate-limiter-flexible + ioredis)', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  test('two machines see each other\'s leases and split the token; leaving hands the share back', async () => {
    const [x, y] = [await open(), await open()];
    const budget = (store: RedisStore, runId: string): RunBudget => new RunBudget({
      store, clock: systemClock, emitter: new CoreEmitter(), identity: { runId, principal: 'ssws:split', installation: runId, host: runId, pid: 1 },
      priority: 1, share: 0.8, tokenShare: 0.5, heartbeatMs: 60_000, leaseMs: 60_000,
    });
    const a = budget(x, 'split-a');
    const b = budget(y, 'split-b');
    await a.start();
    await b.start();
    await a.beat();
    expect(a.fraction()).toBe(0.25);
    expect(b.fraction()).toBe(0.25);
    expect(a.runs.map((l) => l.host).sort()).toEqual(['split-a', 'split-b']);
    await b.stop();
    await a.beat();
    expect(a.fraction()).toBe(0.5);
    await a.stop();
    await x.close();
    await y.close();
  });

  test('slots: a token\'s cap holds across connections, refusals are given back, the org cap binds every token', async () => {
    const [x, y] = [await open(), await open()];
    const take = (s: RedisStore, principal: string) => s.take({ bucket: 'users', principal, runId: 'r', tokenCap: 3, orgCap: 5, windowMs: 60_000, now: Date.now() });
    const got = [await take(x, 'tok-a'), await take(y, 'tok-a'), await take(x, 'tok-a'), await take(y, 'tok-a'), await take(x, 'tok-a')];
    expect(got.map((r) => r.ok)).toEqual([true, true, true, false, false]);
    const refused = got[3] as { ok: false; retryMs: number };
    expect(refused.retryMs).toBeGreaterThan(55_000);
    expect(refused.retryMs).toBeLessThanOrEqual(60_000);
    // tok-b: two of its own, then the org's 5 are used (the refused tok-a attempts were not counted).
    expect((await take(y, 'tok-b')).ok).toBe(true);
    expect((await take(x, 'tok-b')).ok).toBe(true);
    expect((await take(y, 'tok-b')).ok).toBe(false);
    await x.close();
    await y.close();
  });

  test('a machine killed while holding its share: its lease expires (Redis time) and the share returns', async () => {
    const store = await open();
    const self = new RunBudget({
      store, clock: systemClock, emitter: new CoreEmitter(), identity: { runId: 'survivor', principal: 'ssws:aaaa', installation: 'survivor', host: 'desk-1', pid: 1 },
      priority: 1, share: 0.8, tokenShare: 0.5, heartbeatMs: 60_000, leaseMs: 60_000,
    });
    // The other run is a real process: it joins with a 1.5 s lease, says so, and is SIGKILLed.
    const module = new URL('../../dist/app/budget-redis.js', import.meta.url).href;
    const script = `const { RedisStore } = await import(${JSON.stringify(module)});
      const s = await RedisStore.open({ url: ${JSON.stringify(redis.url)}, password: process.env.PW, org: ${JSON.stringify(ORG)} });
      await s.heartbeat(${JSON.stringify(lease('victim', 0, 1500))}, 0);
      process.stdout.write('joined\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, PW: redis.password }, stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => (d.toString().includes('joined') ? resolve() : undefined));
      child.once('exit', (code) => reject(new Error(`child exited ${String(code)}`)));
    });
    await self.start();
    expect(self.runs.map((l) => l.runId).sort()).toEqual(['survivor', 'victim']);
    expect(self.fraction()).toBe(0.25);
    child.kill('SIGKILL');
    expect(await eventually(async () => {
      await self.beat();
      return self.fraction() === 0.5;
    }, 5000)).toBe(true);
    expect(self.runs.map((l) => l.runId)).toEqual(['survivor']);
    await self.stop();
    await store.close();
  });

  test('unreachable or refused: a specific error that names the store, never the password', async () => {
    const err = (await RedisStore.open({ url: redis.url, password: 'wrong-password-123', org: ORG }).then(() => null, (e: unknown) => e)) as Error & { code: string };
    expect(err).toMatchObject({ code: 'BUDGET_STORE_UNREACHABLE' });
    expect(err.message).toContain(`redis://127.0.0.1:${redis.port}`);
    expect(err.message).not.toContain('wrong-password-123');
    expect(err.message).not.toContain(redis.password);
  });
});
