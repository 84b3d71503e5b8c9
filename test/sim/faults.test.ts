import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { afterEach, describe, expect, test } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { inspect, oktaError, profile, sdkClient, startTestSim } from './helpers.js';

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('sim faults', () => {
  test('a dropped connection rejects the SDK call without an answer; the next call works', async () => {
    sim = await startTestSim({ noLimits: true, dropRate: 1 });
    const okta = sdkClient(sim);
    const err = await okta.userApi.createUser({ body: { profile: profile('d@example.com') }, activate: false }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(OktaApiError);
    expect(String((err as Error).message)).toMatch(/socket hang up|ECONNRESET/);
    sim.setFaults({ dropRate: 0 });
    const u = await okta.userApi.createUser({ body: { profile: profile('d@example.com') }, activate: false });
    expect(u.status).toBe('STAGED');
    expect(((await inspect(sim, 'stats')) as { dropped: number }).dropped).toBe(1);
  });

  test('--fail-rate answers 500 E0000009, and with a seed the same requests fail on every run', async () => {
    const pattern = async (): Promise<string> => {
      const s = await startTestSim({ noLimits: true, failRate: 0.4, seed: 42 });
      const okta = sdkClient(s);
      let out = '';
      for (let i = 0; i < 20; i++) {
        try {
          await okta.groupApi.createGroup({ group: { profile: { name: `g${i}` } } });
          out += '.';
        } catch (e) {
          expect(e).toBeInstanceOf(OktaApiError);
          expect((e as OktaApiError).status).toBe(500);
          expect((e as OktaApiError).errorCode).toBe('E0000009');
          out += 'x';
        }
      }
      await s.stop();
      return out;
    };
    const first = await pattern();
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await pattern()).toBe(first);
  });

  test('--latency delays every answer by about the given time', async () => {
    sim = await startTestSim({ noLimits: true, latencyMs: 80, jitterMs: 10 });
    const okta = sdkClient(sim);
    const t0 = performance.now();
    await okta.groupApi.createGroup({ group: { profile: { name: 'slow' } } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(65);
  });
});

describe('sim authentication and scopes', () => {
  test('a wrong token answers 401 E0000011; Bearer with the configured token is accepted', async () => {
    sim = await startTestSim();
    const wrong = sdkClient(sim, { token: 'not-the-token' });
    const e = await oktaError(wrong.userApi.getUser({ userId: 'x@example.com' }));
    expect(e.status).toBe(401);
    expect(e.errorCode).toBe('E0000011');
    expect(e.headers.get('x-rate-limit-limit')).toBe('2000');
    // An OAuth access token arrives as "Bearer …": accepted when it equals the configured token.
    const bearer = sdkClient(sim);
    (bearer.http as unknown as { defaultHeaders: Record<string, string> }).defaultHeaders.Authorization = `Bearer ${sim.token}`;
    const g = await bearer.groupApi.createGroup({ group: { profile: { name: 'via-bearer' } } });
    expect(g.id).toMatch(/^00g/);
  });

  test('a token revoked mid-run answers 401 from then on (in-process and via /__sim/token)', async () => {
    sim = await startTestSim({ noLimits: true });
    const okta = sdkClient(sim);
    const u = await okta.userApi.createUser({ body: { profile: profile('rv@example.com') }, activate: false });
    sim.revokeToken();
    expect((await oktaError(okta.userApi.getUser({ userId: u.id as string }))).errorCode).toBe('E0000011');
    await inspect(sim, 'token', { token: 'rotated-token' });
    expect((await oktaError(okta.userApi.getUser({ userId: u.id as string }))).status).toBe(401);
    const rotated = sdkClient(sim, { token: 'rotated-token' });
    expect((await rotated.userApi.getUser({ userId: u.id as string })).id).toBe(u.id);
    await inspect(sim, 'token', { revoke: true });
    expect((await oktaError(rotated.userApi.getUser({ userId: u.id as string }))).errorCode).toBe('E0000011');
  });

  test('a token lacking the scope for a bucket gets 403 E0000006 there only', async () => {
    sim = await startTestSim({ noLimits: true });
    const okta = sdkClient(sim);
    await inspect(sim, 'scopes', { deny: ['apps', 'app'] });
    const e = await oktaError(okta.applicationApi.listApplications({}).then(async (c) => {
      for await (const a of c) void a;
    }));
    expect(e.status).toBe(403);
    expect(e.errorCode).toBe('E0000006');
    expect((await okta.groupApi.createGroup({ group: { profile: { name: 'fine' } } })).id).toBeTruthy();
    sim.denyScopes([]);
    for await (const a of await okta.applicationApi.listApplications({})) void a;
  });
});
