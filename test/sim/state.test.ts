import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenIdConnectApplication } from '@okta/okta-sdk-nodejs';
import { afterAll, describe, expect, test } from 'vitest';
import { inspect, profile, sdkClient, startTestSim } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'efs-sim-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sim state file', () => {
  test.each(['org.json', 'org.db'])('%s: users, groups, memberships, apps and the outbox survive a restart', async (name) => {
    const file = path.join(dir, name);
    const first = await startTestSim({ noLimits: true, stateFile: file });
    const okta = sdkClient(first);
    const g = await okta.groupApi.createGroup({ group: { profile: { name: 'kept' } } });
    const u = await okta.userApi.createUser({ body: { profile: profile('kept@example.com'), groupIds: [g.id as string] } });
    const app = (await okta.applicationApi.createApplication({
      application: {
        name: 'oidc_client', signOnMode: 'OPENID_CONNECT', label: 'kept-app',
        settings: { oauthClient: { redirect_uris: ['https://k.example.com/cb'], grant_types: ['authorization_code'], response_types: ['code'] } },
      } as OpenIdConnectApplication,
    })) as OpenIdConnectApplication;
    await okta.applicationApi.assignGroupToApplication({ appId: app.id as string, groupId: g.id as string });
    await first.stop();
    if (name.endsWith('.json')) expect(readFileSync(file, 'utf8')).not.toContain(app.credentials?.oauthClient?.client_secret as string);

    const second = await startTestSim({ noLimits: true, stateFile: file });
    const again = sdkClient(second);
    expect((await again.userApi.getUser({ userId: 'KEPT@example.com' })).id).toBe(u.id);
    const members = [];
    for await (const m of await again.groupApi.listGroupUsers({ groupId: g.id as string })) members.push(m?.id);
    expect(members).toEqual([u.id]);
    const assigned = [];
    for await (const a of await again.applicationApi.listApplicationGroupAssignments({ appId: app.id as string })) assigned.push(a?.id);
    expect(assigned).toEqual([g.id]);
    expect(second.outbox()).toHaveLength(1);
    // New users keep coming after the restored ones.
    await again.userApi.createUser({ body: { profile: profile('new@example.com') }, activate: false });
    const logins = [];
    for await (const x of await again.userApi.listUsers({})) logins.push(x?.profile?.login);
    expect(logins).toEqual(['kept@example.com', 'new@example.com']);
    await second.stop();
  });
});

describe('sim inspection', () => {
  test('stats count requests per bucket and status and users by status; reset empties the org', async () => {
    const sim = await startTestSim({ noLimits: true });
    const okta = sdkClient(sim);
    await okta.userApi.createUser({ body: { profile: profile('s1@example.com') }, activate: false });
    await okta.userApi.createUser({ body: { profile: profile('s2@example.com') } });
    await okta.userApi.getUser({ userId: 's1@example.com' });
    await okta.userApi.getUser({ userId: 'nobody@example.com' }).catch(() => undefined);
    const stats = (await inspect(sim, 'stats')) as {
      requests: Record<string, Record<string, number>>; usersByStatus: Record<string, number>; peakConcurrency: number;
    };
    expect(stats.requests.users).toEqual({ '200': 2 });
    expect(stats.requests['user-get']).toEqual({ '200': 1, '404': 1 });
    expect(stats.usersByStatus).toEqual({ STAGED: 1, PROVISIONED: 1 });
    expect(stats.peakConcurrency).toBeGreaterThanOrEqual(1);
    expect(((await inspect(sim, 'outbox')) as unknown[]).length).toBe(1);
    await inspect(sim, 'reset', {});
    expect(sim.org.users.size).toBe(0);
    expect(((await inspect(sim, 'stats')) as { usersByStatus: object }).usersByStatus).toEqual({});
    await sim.stop();
  });
});
