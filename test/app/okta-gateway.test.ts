import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { AuthError, OktaCallError } from '../../src/core/errors.js';
import { CoreEmitter } from '../../src/core/events.js';
import { openOktaGateway, type GovernedOktaGateway } from '../../src/app/okta-gateway.js';
import type { OidcAppInput, OktaUserProfile } from '../../src/okta/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

/**
 * The gateway (SDK + governed executor) against the real simulator over loopback.
 */
const TOKEN = 'efs-test-token-7f3a9c2e1b';
let sim: Simulator;
let emitter: CoreEmitter;
let events: string[];
let okta: GovernedOktaGateway;

function gateway(options: { concurrency?: number; maxAttempts?: number; share?: number } = {}): GovernedOktaGateway {
  return openOktaGateway({
    orgUrl: sim.url,
    share: options.share ?? 1,
    concurrency: options.concurrency ?? 8,
    maxAttempts: options.maxAttempts ?? 6,
    credentials: { env: { OKTA_API_TOKEN: TOKEN } },
    clock: systemClock,
    emitter,
  });
}

const person = (login: string, extra: Partial<OktaUserProfile> = {}): OktaUserProfile => ({
  login, email: login, firstName: 'Ada', lastName: 'Lovelace', ...extra,
});

const portal = (label: string, over: Partial<OidcAppInput> = {}): OidcAppInput => ({
  label,
  redirectUris: [`https://${label}.portal.example/oidc/callback`],
  postLogoutRedirectUris: [`https://${label}.portal.example/`],
  initiateLoginUri: null,
  tokenEndpointAuthMethod: 'client_secret_basic',
  ...over,
});

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, noLimits: true, seed: 7 });
});
afterAll(async () => sim.stop());
beforeEach(() => {
  sim.reset();
  sim.setToken(TOKEN);
  sim.denyScopes([]);
  sim.setFaults({ failRate: 0, dropRate: 0, latencyMs: 0, jitterMs: 0 });
  sim.setConcurrency(0);
  emitter = new CoreEmitter();
  events = [];
  emitter.onAny((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`));
  okta = gateway();
});
afterEach(() => {
  // No event ever carries the token or a login from a URL path.
  const all = events.join('\n');
  expect(all).not.toContain(TOKEN);
  expect(all).not.toMatch(/\/users\/[^{/]+@/);
});

describe('okta gateway: users', () => {
  it('okta gateway creates a STAGED user in its groups, finds it by login, and reports a taken login', async () => {
    const group = await okta.createGroup('efs-acme-admins', 'EFS acme admins');
    const created = await okta.createUser({ profile: person('ada@acme.example'), passwordHash: null, groupIds: [group.id] });
    expect(created.outcome).toBe('created');
    if (created.outcome !== 'created') return;
    expect(created.user.status).toBe('STAGED');
    expect(await okta.listUserGroupIds(created.user.id)).toContain(group.id);
    const found = await okta.getUser('ada@acme.example');
    expect(found).toMatchObject({ id: created.user.id, status: 'STAGED', profile: { login: 'ada@acme.example', firstName: 'Ada' } });
    expect(await okta.getUser('nobody@acme.example')).toBeNull();
    // Same login in other case: Okta's login rule says it is the same login.
    expect(await okta.createUser({ profile: person('ADA@acme.example'), passwordHash: null, groupIds: [] })).toEqual({ outcome: 'login_taken' });
    expect(sim.outbox()).toHaveLength(0); // STAGED: no activation email
  });

  it('okta gateway returns a rejected outcome with Okta\'s causes for an invalid profile', async () => {
    const r = await okta.createUser({ profile: person('not-an-email', { email: 'not-an-email' }), passwordHash: null, groupIds: [] });
    expect(r).toMatchObject({ outcome: 'rejected', errorCode: 'E0000001', reason: 'okta.rejected' });
    if (r.outcome === 'rejected') expect(r.message).toMatch(/login|email/);
  });

  it('okta gateway imports a password hash, activates without email, and maps already-active and wrong-status', async () => {
    const r = await okta.createUser({
      profile: person('hash@acme.example'),
      passwordHash: { algorithm: 'BCRYPT', value: 'Ol0zYNRGBDzxi3DTOpYqmGcyTsHt6N6', salt: 'rwh3vH166HCH/NT9XV5FYu', workFactor: 10 },
      groupIds: [],
    });
    expect(r.outcome).toBe('created');
    if (r.outcome !== 'created') return;
    const act = await okta.activateUser(r.user.id, false);
    expect(act.outcome).toBe('activated');
    expect((await okta.getUser(r.user.id))?.status).toBe('ACTIVE');
    expect(await okta.activateUser(r.user.id, false)).toEqual({ outcome: 'already_active' });
    expect(sim.outbox()).toHaveLength(0);

    const other = await okta.createUser({ profile: person('gone@acme.example'), passwordHash: null, groupIds: [] });
    if (other.outcome !== 'created') throw new Error('create failed');
    await okta.activateUser(other.user.id, false);
    await okta.deactivateUser(other.user.id);
    const again = await okta.activateUser(other.user.id, false);
    // DEPROVISIONED users can be activated again; a SUSPENDED or similar one cannot: either way the
    // answer is a value, not an exception.
    expect(['activated', 'wrong_status']).toContain(again.outcome);
  });

  it('okta gateway updates a profile partially, deactivates and deletes (404 counts as done)', async () => {
    const r = await okta.createUser({ profile: person('upd@acme.example'), passwordHash: null, groupIds: [] });
    if (r.outcome !== 'created') throw new Error('create failed');
    const u = await okta.updateUserProfile(r.user.id, { firstName: 'Augusta' });
    expect(u.profile).toMatchObject({ firstName: 'Augusta', lastName: 'Lovelace', login: 'upd@acme.example' });
    await okta.deactivateUser(r.user.id);
    expect((await okta.getUser(r.user.id))?.status).toBe('DEPROVISIONED');
    await okta.deleteUser(r.user.id);
    expect(await okta.getUser(r.user.id)).toBeNull();
    await okta.deleteUser(r.user.id);
  });

  it('okta gateway probes the users bucket with one request and reads its limit', async () => {
    await sim.stop();
    sim = await startSimulator({ token: TOKEN, seed: 7, limits: { users: 600 } });
    okta = gateway({ share: 0.5 });
    const reading = await okta.probeUsersBucket();
    expect(reading).toMatchObject({ bucket: 'users', limit: 600, remaining: 599 });
    expect(reading!.resetAt).toBeGreaterThan(Date.now());
    await sim.stop();
    sim = await startSimulator({ token: TOKEN, noLimits: true, seed: 7 });
    okta = gateway();
  });
});

describe('okta gateway: groups', () => {
  it('okta gateway finds a group by exact name, creates it once, manages members and pages through them', async () => {
    expect(await okta.findGroupByName('efs-acme-panelists')).toBeNull();
    const g = await okta.createGroup('efs-acme-panelists', 'EFS acme panelists');
    await okta.createGroup('efs-acme-panelists-old', 'a prefix sibling');
    expect(await okta.findGroupByName('efs-acme-panelists')).toEqual(g);
    // A second create (e.g. a retry after a lost answer) returns the same group.
    expect((await okta.createGroup('efs-acme-panelists', 'EFS acme panelists')).id).toBe(g.id);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 230 }, async (_, i) => {
        const r = await okta.createUser({ profile: person(`p${i}@acme.example`), passwordHash: null, groupIds: [] });
        if (r.outcome !== 'created') throw new Error(`create ${i}: ${r.outcome}`);
        await okta.addUserToGroup(g.id, r.user.id);
        ids.push(r.user.id);
      }),
    );
    const members: string[] = [];
    for await (const m of okta.listGroupMembers(g.id)) members.push(m.id);
    expect(members.sort()).toEqual([...ids].sort());
    await okta.removeUserFromGroup(g.id, ids[0]!);
    await okta.removeUserFromGroup(g.id, ids[0]!);
    expect(await okta.listUserGroupIds(ids[0]!)).not.toContain(g.id);
    await okta.deleteGroup(g.id);
    expect(await okta.findGroupByName('efs-acme-panelists')).toBeNull();
  });
});

describe('okta gateway: apps', () => {
  it('okta gateway registers an OIDC app, hands its secret over once, updates, assigns groups and rotates secrets', async () => {
    const g = await okta.createGroup('efs-acme-admins', '');
    const app = await okta.createOidcApp(portal('acme1'));
    expect(app.clientSecret).toEqual(expect.any(String));
    expect(app).toMatchObject({ label: 'acme1', status: 'ACTIVE', redirectUris: ['https://acme1.portal.example/oidc/callback'] });
    expect(app.clientId.length).toBeGreaterThan(0);
    const read = await okta.getApp(app.id);
    expect(read).toMatchObject({ id: app.id, clientId: app.clientId, clientSecret: null });
    const upd = await okta.updateOidcApp(app.id, portal('acme1', { redirectUris: ['https://acme1.portal.example/cb2'], initiateLoginUri: 'https://acme1.portal.example/login' }));
    expect(upd).toMatchObject({ id: app.id, redirectUris: ['https://acme1.portal.example/cb2'], initiateLoginUri: 'https://acme1.portal.example/login' });
    await okta.createOidcApp(portal('acme10'));
    const found = await okta.findAppsByLabelPrefix('acme1');
    expect(found.map((a) => a.label).sort()).toEqual(['acme1', 'acme10']);
    await okta.assignGroupToApp(app.id, g.id);
    expect(await okta.listAppGroupIds(app.id)).toEqual([g.id]);

    const before = await okta.listClientSecrets(app.id);
    expect(before).toHaveLength(1);
    expect(before[0]!.status).toBe('ACTIVE');
    const fresh = await okta.createClientSecret(app.id);
    expect(fresh.secret).toEqual(expect.any(String));
    await okta.deactivateClientSecret(app.id, before[0]!.id);
    await okta.deleteClientSecret(app.id, before[0]!.id);
    expect((await okta.listClientSecrets(app.id)).map((s) => s.id)).toEqual([fresh.id]);
    // Secrets never reach the events.
    expect(events.join('\n')).not.toContain(fresh.secret!);
    expect(events.join('\n')).not.toContain(app.clientSecret!);

    await okta.deactivateApp(app.id);
    await okta.deleteApp(app.id);
    expect(await okta.getApp(app.id)).toBeNull();
    await okta.deleteApp(app.id);
  });
});

describe('okta gateway: faults and credentials', () => {
  it('okta gateway stops within one request when the token is revoked mid-run', async () => {
    await okta.createUser({ profile: person('one@acme.example'), passwordHash: null, groupIds: [] });
    sim.revokeToken();
    const before = (sim.stats() as { total: number }).total;
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => okta.getUser(`u${i}@acme.example`)));
    const errors = results.map((r) => (r.status === 'rejected' ? (r.reason as unknown) : null));
    expect(errors.every((e) => e instanceof AuthError)).toBe(true);
    const err = errors[0] as AuthError;
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/Okta answered 401 E0000011 \(invalid token\).*OKTA_API_TOKEN.*Security > API > Tokens/);
    expect(err.message).not.toContain(TOKEN);
    const after = (sim.stats() as { total: number }).total;
    expect(after - before).toBe(1);
    await expect(okta.getUser('later@acme.example')).rejects.toBe(err);
  });

  it('okta gateway names the scope on 403 E0000006', async () => {
    sim.denyScopes(['apps']);
    const err = await okta.createOidcApp(portal('denied')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toContain('403 E0000006');
    expect((err as AuthError).message).toContain('okta.apps.manage');
  });

  it('okta gateway retries 500s and dropped connections and completes every call', async () => {
    sim.setFaults({ failRate: 0.1, dropRate: 0.05 });
    okta = openOktaGateway({
      orgUrl: sim.url, share: 1, concurrency: 8, maxAttempts: 8, credentials: { env: { OKTA_API_TOKEN: TOKEN } }, clock: systemClock, emitter,
    });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => okta.createUser({ profile: person(`f${i}@acme.example`), passwordHash: null, groupIds: [] })),
    );
    // A create whose answer was dropped after Okta made the user comes back as login_taken on retry:
    // the create phase adopts it. Nothing is created twice.
    for (const r of results) expect(['created', 'login_taken']).toContain(r.outcome);
    for (let i = 0; i < 60; i++) expect(await okta.getUser(`f${i}@acme.example`)).not.toBeNull();
    expect(okta.governor.stats.retried).toBeGreaterThan(0);
  }, 60_000);

  it('okta gateway lowers concurrency on concurrency 429s and still completes', async () => {
    sim.setConcurrency(2);
    sim.setFaults({ latencyMs: 30 });
    const users = await Promise.all(Array.from({ length: 30 }, (_, i) => okta.getUser(`c${i}@acme.example`)));
    expect(users.every((u) => u === null)).toBe(true);
    expect(okta.governor.stats.concurrencyLimited).toBeGreaterThan(0);
    expect(okta.governor.concurrency.cap).toBeLessThan(8);
  }, 60_000);

  it('okta gateway fails a call for good after maxAttempts 500s with OktaCallError', async () => {
    sim.setFaults({ failRate: 1 });
    okta = gateway({ maxAttempts: 2 });
    const err = await okta.getUser('x@acme.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OktaCallError);
    expect(err).toMatchObject({ code: 'OKTA_RETRIES_EXHAUSTED', status: 500, errorCode: 'E0000009' });
  });
});

describe('okta gateway: pacing against the simulator', () => {
  it('okta gateway paces creates to share × limit of short simulator windows with no 429', async () => {
    await sim.stop();
    // 4-second windows, 80 creates per window, our share half of it: 40 per window (10/s).
    sim = await startSimulator({ token: TOKEN, seed: 3, windowSeconds: 4, limits: { users: 80 }, tokenShare: 1, latencyMs: 20, jitterMs: 10 });
    okta = gateway({ share: 0.5 });
    const times: number[] = [];
    const end = Date.now() + 13_000;
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < end) {
          const r = await okta.createUser({ profile: person(`pace${i++}@acme.example`), passwordHash: null, groupIds: [] });
          expect(r.outcome).toBe('created');
          times.push(Date.now());
        }
      }),
    );
    expect(okta.governor.stats.rateLimited).toBe(0);
    expect(okta.governor.status('users')).toMatchObject({ limit: 80, cap: 40, windowMs: 4000 });
    // Once the window length is learned (after the first roll-over): close to 40 per 4 s. Reset's
    // whole-second resolution costs up to about a second per window here (with 60-second windows
    // the bench measures 0.99 of the allowed rate).
    const last8s = times.filter((t) => t >= end - 8000 && t < end).length;
    expect(last8s).toBeGreaterThanOrEqual(52);
    expect(last8s).toBeLessThanOrEqual(82);
    await sim.stop();
    sim = await startSimulator({ token: TOKEN, noLimits: true, seed: 7 });
    okta = gateway();
  }, 30_000);
});
