import { afterEach, describe, expect, test } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import type { Simulator } from '../../src/sim/index.js';
import { RateLimiter } from '../../src/sim/rate-limits.js';
import { DEFAULT_LIMITS } from '../../src/sim/options.js';
import { inspect, oktaError, profile, sdkClient, startTestSim } from './helpers.js';

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

const newUser = (i: number) => ({ body: { profile: profile(`r${i}@example.com`) }, activate: false });

describe('sim rate limits', () => {
  test('every answer carries X-Rate-Limit-* for its bucket and X-Okta-Request-Id', async () => {
    sim = await startTestSim();
    const okta = sdkClient(sim);
    const heads: Record<string, string | null>[] = [];
    okta.requestExecutor.on('response', (r: { headers: { get(n: string): string | null } }) => {
      heads.push({
        limit: r.headers.get('x-rate-limit-limit'),
        remaining: r.headers.get('x-rate-limit-remaining'),
        reset: r.headers.get('x-rate-limit-reset'),
        id: r.headers.get('x-okta-request-id'),
      });
    });
    const u = await okta.userApi.createUser(newUser(1));
    await okta.userApi.getUser({ userId: u.id as string });
    const groups = [];
    for await (const g of await okta.groupApi.listGroups({})) groups.push(g);
    expect(groups).toHaveLength(1);
    await oktaError(okta.userApi.getUser({ userId: '00unope' }));
    expect(heads.map((h) => h.limit)).toEqual(['600', '2000', '500', '2000']);
    expect(heads.map((h) => h.remaining)).toEqual(['599', '1999', '499', '1998']);
    for (const h of heads) {
      expect(Number(h.reset)).toBeGreaterThan(Date.now() / 1000);
      expect(h.id).toBeTruthy();
    }
  });

  test('429 E0000047 with correct headers, then the SDK retries after Reset and succeeds', async () => {
    sim = await startTestSim({ windowSeconds: 1, limits: { users: 2 }, tokenShare: 1 });
    const noRetry = sdkClient(sim);
    await noRetry.userApi.createUser(newUser(1));
    await noRetry.userApi.createUser(newUser(2));
    const e = await oktaError(noRetry.userApi.createUser(newUser(3)));
    expect(e.status).toBe(429);
    expect(e.errorCode).toBe('E0000047');
    expect(e.headers.get('x-rate-limit-limit')).toBe('2');
    expect(e.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(e.headers.get('x-rate-limit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
    // Other buckets are not affected.
    await noRetry.groupApi.createGroup({ group: { profile: { name: 'g' } } });

    const retrying = sdkClient(sim, { maxRetries: 2 });
    const backoffs: number[] = [];
    retrying.requestExecutor.on('backoff', (_req: unknown, _res: unknown, _id: unknown, delay: number) => backoffs.push(delay));
    const u = await retrying.userApi.createUser(newUser(3));
    expect(u.status).toBe('STAGED');
    expect(backoffs.length).toBeLessThanOrEqual(1);
    const stats = (await inspect(sim, 'stats')) as { rateLimited: number; requests: Record<string, Record<string, number>> };
    expect(stats.rateLimited).toBe(1 + backoffs.length);
    expect(stats.requests.users?.['429']).toBe(1 + backoffs.length);
  });

  test('--token-share caps one token at a fraction of the bucket; the 429 reports the cap', async () => {
    sim = await startTestSim({ limits: { 'user-get': 10 }, tokenShare: 0.5 });
    const okta = sdkClient(sim);
    const u = await okta.userApi.createUser(newUser(1));
    for (let i = 0; i < 5; i++) await okta.userApi.getUser({ userId: u.id as string });
    const e = await oktaError(okta.userApi.getUser({ userId: u.id as string }));
    expect(e.status).toBe(429);
    expect(e.headers.get('x-rate-limit-limit')).toBe('5');
    expect(e.headers.get('x-rate-limit-remaining')).toBe('0');
  });

  test('--tenant-load: other applications use part of the bucket evenly over the window (fake clock)', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, limits: { users: 100 }, tokenShare: 1, tenantLoad: { users: 0.5 } });
    const okta = sdkClient(sim);
    const remaining = async (i: number): Promise<number> => {
      let r = -1;
      const on = (res: { headers: { get(n: string): string | null } }): void => {
        r = Number(res.headers.get('x-rate-limit-remaining'));
      };
      okta.requestExecutor.once('response', on);
      await okta.userApi.createUser(newUser(i));
      return r;
    };
    expect(await remaining(1)).toBe(99);
    await clock.advance(30_000);
    expect(await remaining(2)).toBe(100 - 2 - 25);
    await clock.advance(29_000);
    expect(await remaining(3)).toBe(100 - 3 - 49);
    await clock.advance(1_000);
    // A new window opened at this request: the others start from zero again.
    expect(await remaining(4)).toBe(99);
  });

  test('concurrency limit: extra simultaneous requests get 429 with X-Rate-Limit-Limit 0 and Remaining 0', async () => {
    sim = await startTestSim({ concurrency: 1, latencyMs: 300 });
    const okta = sdkClient(sim);
    sim.setFaults({ latencyMs: 0 });
    const u = await okta.userApi.createUser(newUser(1));
    sim.setFaults({ latencyMs: 300 });
    const results = await Promise.allSettled([0, 1, 2].map(() => okta.userApi.getUser({ userId: u.id as string })));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(2);
    for (const r of rejected) {
      const e = r.reason as { status: number; errorCode: string; headers: { get(n: string): string | null } };
      expect(e.status).toBe(429);
      expect(e.errorCode).toBe('E0000047');
      expect(e.headers.get('x-rate-limit-limit')).toBe('0');
      expect(e.headers.get('x-rate-limit-remaining')).toBe('0');
    }
    const stats = (await inspect(sim, 'stats')) as { concurrencyLimited: number; peakConcurrency: number };
    expect(stats.concurrencyLimited).toBe(2);
    expect(stats.peakConcurrency).toBeGreaterThanOrEqual(2);
  });

  test('buckets are matched by exact path: /apps/{id} is the app bucket (500), its sub-paths share apps (100); /groups/{id}/users shares groups', async () => {
    sim = await startTestSim();
    const okta = sdkClient(sim);
    const limits: string[] = [];
    okta.requestExecutor.on('response', (r: { headers: { get(n: string): string | null } }) => {
      limits.push(r.headers.get('x-rate-limit-limit') ?? '');
    });
    const app = await okta.applicationApi.createApplication({
      application: {
        name: 'oidc_client', label: 'Bucket test', signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
        settings: { oauthClient: { redirect_uris: ['https://a.example/cb'], response_types: ['code'], grant_types: ['authorization_code'], application_type: 'web' } },
      } as never,
    });
    const group = await okta.groupApi.createGroup({ group: { profile: { name: 'bucket-test' } } });
    const user = await okta.userApi.createUser(newUser(1));
    limits.length = 0;
    await okta.applicationApi.getApplication({ appId: app.id as string });
    await okta.applicationApi.assignGroupToApplication({ appId: app.id as string, groupId: group.id as string, applicationGroupAssignment: {} });
    await okta.applicationApi.deactivateApplication({ appId: app.id as string });
    await okta.groupApi.getGroup({ groupId: group.id as string });
    await okta.groupApi.assignUserToGroup({ groupId: group.id as string, userId: user.id as string });
    expect(limits).toEqual(['500', '100', '100', '1000', '500']);
  });

  test('noLimits turns every bucket and the concurrency limit off', async () => {
    sim = await startTestSim({ noLimits: true, concurrency: 1 });
    expect(sim.options.concurrency).toBe(0);
    expect(Object.values(sim.options.limits).every((v) => v === 0)).toBe(true);
  });
});

describe('sim rate limiter (unit, fake clock)', () => {
  test('windows start at the first request, not on the clock minute, and are per bucket', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 17, 500));
    const limiter = new RateLimiter(60_000, { ...DEFAULT_LIMITS, users: 3 }, 1, { ...zeroLoad() });
    const t0 = clock.now();
    const v1 = limiter.take('users', 't', t0);
    expect(v1).toEqual({ allowed: true, limit: 3, remaining: 2, reset: Math.ceil((t0 + 60_000) / 1000) });
    limiter.take('users', 't', t0 + 1);
    limiter.take('users', 't', t0 + 2);
    expect(limiter.take('users', 't', t0 + 3).allowed).toBe(false);
    expect(limiter.take('groups', 't', t0 + 3).allowed).toBe(true);
    expect(limiter.take('users', 't', t0 + 60_000)).toMatchObject({ allowed: true, remaining: 2 });
  });
});

function zeroLoad(): Record<keyof typeof DEFAULT_LIMITS, number> {
  return Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((k) => [k, 0])) as Record<keyof typeof DEFAULT_LIMITS, number>;
}
