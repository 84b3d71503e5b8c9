import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { CoreEmitter } from '../../src/core/events.js';
import { openOktaGateway, type GovernedOktaGateway } from '../../src/app/okta-gateway.js';
import type { OktaUserProfile } from '../../src/okta/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

/**
 * The gateway against the simulator where real Okta behaves in ways easy to get wrong: logins
 * with a slash, asynchronous activation, app consent and client secrets.
 */
const TOKEN = 'efs-test-token-okta-rules-1';
let sim: Simulator;
let okta: GovernedOktaGateway;

const person = (login: string): OktaUserProfile => ({ login, email: login.replace('/', '.'), firstName: 'Ada', lastName: 'Lovelace' });

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, noLimits: true, seed: 9 });
});
afterAll(async () => sim.stop());
beforeEach(() => {
  sim.reset();
  okta = openOktaGateway({
    orgUrl: sim.url, share: 1, concurrency: 4, maxAttempts: 4,
    credentials: { env: { OKTA_API_TOKEN: TOKEN } }, clock: systemClock, emitter: new CoreEmitter(),
  });
});

describe('okta gateway: logins with a slash', () => {
  it('finds a user whose login holds "/" (GET by login answers 404 for it; the filter finds it)', async () => {
    const created = await okta.createUser({ profile: person('team/ada@acme.example'), passwordHash: null, groupIds: [] });
    expect(created.outcome).toBe('created');
    const found = await okta.getUser('team/ada@acme.example');
    expect(found?.id).toBe(created.outcome === 'created' ? created.user.id : 'none');
    expect(await okta.getUser('team/nobody@acme.example')).toBeNull();
    // A second create of the same login is recognised as taken and the owner found (no error).
    expect(await okta.createUser({ profile: person('TEAM/ada@acme.example'), passwordHash: null, groupIds: [] })).toEqual({ outcome: 'login_taken' });
    expect((await okta.getUser('TEAM/ada@acme.example'))?.id).toBe(found?.id);
  });
});

describe('okta gateway: asynchronous activation', () => {
  it('a user transitioningToStatus ACTIVE counts as activated; an update meanwhile (409 E0000112) is retried until it lands', async () => {
    const instant = { now: () => Date.now(), sleep: () => Promise.resolve() };
    const gw = openOktaGateway({
      orgUrl: sim.url, share: 1, concurrency: 2, maxAttempts: 4,
      credentials: { env: { OKTA_API_TOKEN: TOKEN } }, clock: instant, emitter: new CoreEmitter(),
    });
    sim.org.behaviour.asyncActivationRequests = 2;
    try {
      const created = await gw.createUser({ profile: person('async@acme.example'), passwordHash: { algorithm: 'SHA-256', value: Buffer.alloc(32).toString('base64') }, groupIds: [] });
      if (created.outcome !== 'created') throw new Error(created.outcome);
      expect(await gw.activateUser(created.user.id, false)).toMatchObject({ outcome: 'activated' });
      const during = await gw.getUser(created.user.id);
      expect(during).toMatchObject({ status: 'ACTIVE', transitioningToStatus: 'ACTIVE' });
      const updated = await gw.updateUserProfile(created.user.id, { firstName: 'Grace' });
      expect(updated.profile.firstName).toBe('Grace');
      expect(sim.org.users.get(created.user.id)?.status).toBe('ACTIVE');
      const stats = sim.stats() as { requests: Record<string, Record<string, number>> };
      expect(stats.requests.user?.['409']).toBeGreaterThanOrEqual(1);
    } finally {
      sim.org.behaviour.asyncActivationRequests = 0;
    }
  });
});

describe('okta gateway: OIDC apps', () => {
  const input = (label: string) => ({
    label, redirectUris: [`https://${label}.example/cb`], postLogoutRedirectUris: [`https://${label}.example/`],
    initiateLoginUri: null, tokenEndpointAuthMethod: 'client_secret_basic' as const,
  });

  it('creates and updates portal apps with consent_method TRUSTED (no consent screen for panelists)', async () => {
    const app = await okta.createOidcApp(input('portal'));
    expect(sim.org.apps.get(app.id)?.oauthClient.consent_method).toBe('TRUSTED');
    await okta.updateOidcApp(app.id, input('portal'));
    expect(sim.org.apps.get(app.id)?.oauthClient.consent_method).toBe('TRUSTED');
  });

  it('an update (PUT) answers with the client secret, a GET never does', async () => {
    const app = await okta.createOidcApp(input('secret'));
    expect(app.clientSecret).toBeTruthy();
    expect((await okta.getApp(app.id))?.clientSecret).toBeNull();
    expect((await okta.updateOidcApp(app.id, input('secret'))).clientSecret).toBe(app.clientSecret);
  });
});
