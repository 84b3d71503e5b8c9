import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPair, generateProof } from 'dpop';
import type { JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { AuthError } from '../../src/core/errors.js';
import { CoreEmitter } from '../../src/core/events.js';
import { authMessage } from '../../src/okta/auth-messages.js';
import { dpopHtu } from '../../src/okta/dpop.js';
import { openOktaGateway, type GovernedOktaGateway } from '../../src/app/okta-gateway.js';
import type { DpopMode } from '../../src/okta/oauth-token.js';
import { ruleFor } from '../../src/okta/retry-table.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

/**
 * OAuth service apps against the simulator's org authorization server: private_key_jwt always,
 * DPoP (RFC 9449) with Okta's nonce round trip when the app requires it.
 */
const SCOPES = ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage'];
const dir = mkdtempSync(path.join(tmpdir(), 'efs-okta-dpop-'));
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyFile = path.join(dir, 'service-app.pem');
writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
chmodSync(keyFile, 0o600);
const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    token: 'unused-ssws-token-0000', noLimits: true, seed: 5,
    oauthApps: [
      { clientId: '0oa-dpop', publicJwk, dpop: true, scopes: SCOPES },
      { clientId: '0oa-plain', publicJwk, dpop: false, scopes: SCOPES },
    ],
  });
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.reset());

function gateway(clientId: string, dpop?: DpopMode): GovernedOktaGateway {
  return openOktaGateway({
    orgUrl: sim.url, share: 1, concurrency: 2, maxAttempts: 2, clock: systemClock, emitter: new CoreEmitter(),
    credentials: { env: {}, oauth: { clientId, privateKeyFile: keyFile, ...(dpop ? { dpop } : {}) } },
  });
}

const person = (login: string) => ({ login, email: login, firstName: 'Ada', lastName: 'Lovelace' });

describe('okta oauth + DPoP against the simulator', () => {
  it('DPoP required: invalid_dpop_proof, then use_dpop_nonce, then a DPoP token; calls by login (%40 in the path) work', async () => {
    const gw = gateway('0oa-dpop');
    const created = await gw.createUser({ profile: person('ada@acme.example'), passwordHash: null, groupIds: [] });
    expect(created.outcome).toBe('created');
    expect((await gw.getUser('ada@acme.example'))?.profile.login).toBe('ada@acme.example');
    expect(sim.oauth.answers).toEqual(['400 invalid_dpop_proof', '400 use_dpop_nonce', '200 DPoP']);
    expect(gw.governor.fatal).toBeNull();
  });

  it('DPoP not required: one Bearer token, no proof', async () => {
    const gw = gateway('0oa-plain');
    expect(await gw.getUser('nobody@acme.example')).toBeNull();
    expect(await gw.createUser({ profile: person('bob@acme.example'), passwordHash: null, groupIds: [] })).toMatchObject({ outcome: 'created' });
    expect(sim.oauth.answers).toEqual(['200 Bearer']);
  });

  it('dpop: always sends a proof from the start (nonce round trip only)', async () => {
    const gw = gateway('0oa-dpop', 'always');
    expect(await gw.getUser('nobody@acme.example')).toBeNull();
    expect(sim.oauth.answers).toEqual(['400 use_dpop_nonce', '200 DPoP']);
  });

  it('a token-endpoint refusal stops the run (AuthError, exit 3) with the fix in the message', async () => {
    const gw = gateway('0oa-dpop', 'never');
    const err = await gw.getUser('ada@acme.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).exitCode).toBe(3);
    expect((err as AuthError).message).toMatch(/invalid_dpop_proof.*requires DPoP: remove okta\.oauth\.dpop: never/);
    expect(gw.governor.fatal).toBe(err);
    // Every later call fails at once with the same error.
    expect(await gw.getUser('b@acme.example').catch((e: unknown) => e)).toBe(err);
  });

  it('an unknown client is refused (invalid_client) and stops the run naming the client', async () => {
    const gw = gateway('0oa-unknown');
    const err = await gw.getUser('ada@acme.example').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toContain('0oa-unknown');
  });

  it('the simulator refuses an API call whose proof has the wrong htu (401 invalid_dpop_proof); the governor stops on it with the fix', async () => {
    const gw = gateway('0oa-dpop');
    await gw.getUser('warm@acme.example');
    const tokenRes = await fetch(`${sim.url}/oauth2/v1/token`, { method: 'POST' });
    expect(tokenRes.status).toBe(400);
    // A proof signed by another key for another URL, with no token bound to it.
    const keys = await generateKeyPair('ES256');
    const proof = await generateProof(keys, `${sim.url}/api/v1/users/other`, 'GET');
    const res = await fetch(`${sim.url}/api/v1/users/ada%40acme.example`, { headers: { Authorization: 'DPoP not-a-token', DPoP: proof } });
    expect(res.status).toBe(401);
    expect(ruleFor(401, 'invalid_dpop_proof')).toMatchObject({ action: 'auth' });
    const msg = authMessage({ status: 401, code: 'invalid_dpop_proof', summary: null, method: 'GET', path: '/api/v1/users/{id}', bucket: 'user-get' }, { mode: 'oauth', clientId: '0oa-dpop', keyFile });
    expect(msg).toMatch(/DPoP proof.*clock.*Require DPoP/);
  });
});

describe('okta/dpop htu', () => {
  it('decodes the path (Okta compares the decoded path; %40 kept would be refused), drops query and fragment, keeps %2F', () => {
    expect(dpopHtu('https://acme.okta.com/api/v1/users/ada%40acme.example?x=1#f')).toBe('https://acme.okta.com/api/v1/users/ada@acme.example');
    expect(dpopHtu('https://acme.okta.com/api/v1/users/a%2Fb%40c')).toBe('https://acme.okta.com/api/v1/users/a%2Fb@c');
    expect(dpopHtu('https://acme.okta.com/api/v1/users/m%C3%BCller%40x.de')).toBe('https://acme.okta.com/api/v1/users/müller@x.de');
  });
});
