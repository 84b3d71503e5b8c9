import { afterEach, describe, expect, test } from 'vitest';
import { simOptionsFromFlags } from '../../src/cli/sim.js';
import { UsageError } from '../../src/core/errors.js';
import type { Simulator } from '../../src/sim/index.js';
import { oktaError, profile, sdkClient, startTestSim } from './helpers.js';

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

const newUser = (login: string) => ({ body: { profile: profile(login) }, activate: false });

describe('sim tokens: several API tokens, each with its own share of a bucket', () => {
  test('each token is capped at its own share while the org bucket is shared', async () => {
    sim = await startTestSim({ windowSeconds: 30, limits: { users: 10 }, tokenShare: 0.5, extraTokens: { 'second-token-abc': null, 'third-token-xyz': 0.2 } });
    const first = sdkClient(sim);
    const second = sdkClient(sim, { token: 'second-token-abc' });
    const third = sdkClient(sim, { token: 'third-token-xyz' });
    for (let i = 0; i < 5; i++) await first.userApi.createUser(newUser(`a${i}@example.com`));
    const capped = await oktaError(first.userApi.createUser(newUser('a5@example.com')));
    expect(capped.status).toBe(429);
    // The per-token 429 reports the token's ceiling (5 of 10), not the org's limit.
    expect(capped.headers.get('x-rate-limit-limit')).toBe('5');
    // Another token still has its own half of the same bucket...
    await third.userApi.createUser(newUser('c0@example.com'));
    await third.userApi.createUser(newUser('c1@example.com'));
    const thirdCapped = await oktaError(third.userApi.createUser(newUser('c2@example.com')));
    expect(thirdCapped.headers.get('x-rate-limit-limit')).toBe('2');
    // ...and the org's bucket (10) runs out before the second token reaches its own 5.
    for (let i = 0; i < 3; i++) await second.userApi.createUser(newUser(`b${i}@example.com`));
    const orgSpent = await oktaError(second.userApi.createUser(newUser('b3@example.com')));
    expect(orgSpent.status).toBe(429);
    expect(orgSpent.headers.get('x-rate-limit-limit')).toBe('10');
    expect(sim.limiter.shareOf('third-token-xyz')).toBe(0.2);
    expect(sim.limiter.shareOf('second-token-abc')).toBe(0.5);
  });

  test('an unknown token is refused; revoking the main token leaves the extra ones', async () => {
    sim = await startTestSim({ extraTokens: { 'second-token-abc': null } });
    expect((await oktaError(sdkClient(sim, { token: 'nope' }).userApi.createUser(newUser('x@example.com')))).status).toBe(401);
    sim.revokeToken();
    await sdkClient(sim, { token: 'second-token-abc' }).userApi.createUser(newUser('y@example.com'));
    expect((await oktaError(sdkClient(sim).userApi.createUser(newUser('z@example.com')))).status).toBe(401);
  });

  test('--extra-token TOKEN[=SHARE] maps to extraTokens; a bad share is a usage error', () => {
    const base = { host: '127.0.0.1', port: '0', limit: [], limits: true, tenantLoad: [] };
    expect(simOptionsFromFlags({ ...base, extraToken: ['tok-b', 'tok-c=0.3'] }).extraTokens).toEqual({ 'tok-b': null, 'tok-c': 0.3 });
    expect(() => simOptionsFromFlags({ ...base, extraToken: ['tok-c=1.5'] })).toThrow(UsageError);
    expect(() => simOptionsFromFlags({ ...base, extraToken: ['has space'] })).toThrow(UsageError);
  });
});
