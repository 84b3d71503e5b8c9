import type { Client } from '@okta/okta-sdk-nodejs';
import bcrypt from 'bcryptjs';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { causes, inspect, oktaError, profile, withSharedSim } from './helpers.js';

/** Rules of the real Okta the simulator follows (each cited where the simulator enforces it). */
let sim: Simulator;
let okta: Client;

withSharedSim((s, o) => {
  sim = s;
  okta = o;
});

const create = (login: string, extra: Record<string, unknown> = {}, body: Record<string, unknown> = {}) =>
  okta.userApi.createUser({ body: { profile: profile(login, extra), ...body }, activate: false });

describe('sim users: locale and preferredLanguage', () => {
  test.each([['de'], ['de-DE'], ['DE'], ['de_de'], ['german']])('locale %s is refused with E0000001 (Okta wants ll_CC)', async (locale) => {
    const e = await oktaError(create('loc@example.com', { locale }));
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e).join(' ')).toMatch(/^locale: /);
    expect(sim.org.users.size).toBe(0);
  });

  test.each([['de_CH'], ['en_US']])('locale %s is accepted', async (locale) => {
    const u = await create(`ok.${locale}@example.com`, { locale });
    expect(u.profile?.locale).toBe(locale);
  });

  test.each([['de_DE'], ['german language'], ['d']])('preferredLanguage %s is refused with E0000001 (an RFC 7231 tag)', async (preferredLanguage) => {
    const e = await oktaError(create('pl@example.com', { preferredLanguage }));
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e).join(' ')).toMatch(/^preferredLanguage: /);
  });

  test('preferredLanguage de and de-CH are accepted; an update to a bare locale is refused', async () => {
    const u = await create('lang@example.com', { locale: 'de_CH', preferredLanguage: 'de-CH' });
    expect(u.profile?.preferredLanguage).toBe('de-CH');
    const e = await oktaError(okta.userApi.updateUser({ userId: u.id as string, user: { profile: { locale: 'de' } } }));
    expect(e.errorCode).toBe('E0000001');
  });
});

describe('sim users: imported password hashes (POST /__sim/verify-password)', () => {
  const PASSWORD = 'Correct horse 42';
  const salt = Buffer.from('s4lt!', 'utf8');
  const digest = (alg: string, order: 'PREFIX' | 'POSTFIX'): string =>
    createHash(alg).update(order === 'PREFIX' ? Buffer.concat([salt, Buffer.from(PASSWORD)]) : Buffer.concat([Buffer.from(PASSWORD), salt])).digest('base64');
  const crypt = bcrypt.hashSync(PASSWORD, 4);
  const hashes: [string, Record<string, unknown>][] = [
    ['BCRYPT', { algorithm: 'BCRYPT', workFactor: 4, salt: crypt.slice(7, 29), value: crypt.slice(29) }],
    ['MD5 PREFIX', { algorithm: 'MD5', salt: salt.toString('base64'), saltOrder: 'PREFIX', value: digest('md5', 'PREFIX') }],
    ['SHA-1 POSTFIX', { algorithm: 'SHA-1', salt: salt.toString('base64'), saltOrder: 'POSTFIX', value: digest('sha1', 'POSTFIX') }],
    ['SHA-256 PREFIX', { algorithm: 'SHA-256', salt: salt.toString('base64'), saltOrder: 'PREFIX', value: digest('sha256', 'PREFIX') }],
    ['SHA-512 POSTFIX', { algorithm: 'SHA-512', salt: salt.toString('base64'), saltOrder: 'POSTFIX', value: digest('sha512', 'POSTFIX') }],
    ['PBKDF2 SHA256_HMAC', { algorithm: 'PBKDF2', salt: salt.toString('base64'), iterationCount: 4096, keySize: 32, digestAlgorithm: 'SHA256_HMAC', value: pbkdf2Sync(PASSWORD, salt, 4096, 32, 'sha256').toString('base64') }],
    ['PBKDF2 SHA512_HMAC', { algorithm: 'PBKDF2', salt: salt.toString('base64'), iterationCount: 4096, keySize: 64, digestAlgorithm: 'SHA512_HMAC', value: pbkdf2Sync(PASSWORD, salt, 4096, 64, 'sha512').toString('base64') }],
  ];

  test.each(hashes)('%s: the known password verifies, another does not; provider IMPORT', async (_name, hash) => {
    const u = await create('hashed@example.com', {}, { credentials: { password: { hash } } });
    expect(u.credentials?.provider?.type).toBe('IMPORT');
    expect(await inspect(sim, 'verify-password', { login: 'hashed@example.com', password: PASSWORD })).toMatchObject({ imported: true, verified: true });
    expect(await inspect(sim, 'verify-password', { login: 'hashed@example.com', password: `${PASSWORD}!` })).toMatchObject({ verified: false });
  });

  test('a text salt sent as it stands (not base64 of its bytes) verifies nothing', async () => {
    const [, good] = hashes[3] as [string, Record<string, unknown>];
    await create('textsalt@example.com', {}, { credentials: { password: { hash: { ...good, salt: 's4lt' } } } });
    expect(await inspect(sim, 'verify-password', { login: 'textsalt@example.com', password: PASSWORD })).toMatchObject({ imported: true, verified: false });
  });

  test('PBKDF2 with SHA1_HMAC is refused (only SHA256_HMAC and SHA512_HMAC exist)', async () => {
    const [, pbkdf2] = hashes[5] as [string, Record<string, unknown>];
    const e = await oktaError(create('sha1@example.com', {}, { credentials: { password: { hash: { ...pbkdf2, digestAlgorithm: 'SHA1_HMAC' } } } }));
    expect(causes(e).join(' ')).toMatch(/digestAlgorithm/);
  });
});

describe('sim users: logins with a slash', () => {
  test('GET /users/{login with /} answers 404 even URL-encoded; by id and by filter=profile.login eq it is found', async () => {
    const u = await create('team/anna@example.com');
    const e = await oktaError(okta.userApi.getUser({ userId: 'team/anna@example.com' }));
    expect(e.status).toBe(404);
    expect(e.errorCode).toBe('E0000007');
    expect((await okta.userApi.getUser({ userId: u.id as string })).profile?.login).toBe('team/anna@example.com');
    const found = [];
    for await (const x of await okta.userApi.listUsers({ filter: 'profile.login eq "team/anna@example.com"' })) found.push(x?.id);
    expect(found).toEqual([u.id]);
  });
});

describe('sim users: asynchronous activation, reactivation, activation links', () => {
  test('activation may be asynchronous: transitioningToStatus ACTIVE, an update meanwhile is 409 E0000112, then ACTIVE', async () => {
    sim.org.behaviour.asyncActivationRequests = 2;
    try {
      const u = await create('async@example.com', {}, { credentials: { password: { value: 'Sup3rSecretPw' } } });
      await okta.userApi.activateUser({ userId: u.id as string, sendEmail: false });
      const during = await okta.userApi.getUser({ userId: u.id as string });
      expect([during.status, during.transitioningToStatus]).toEqual(['STAGED', 'ACTIVE']);
      const e = await oktaError(okta.userApi.updateUser({ userId: u.id as string, user: { profile: { firstName: 'Grace' } } }));
      expect([e.status, e.errorCode]).toEqual([409, 'E0000112']);
      const after = await okta.userApi.getUser({ userId: u.id as string });
      expect([after.status, after.transitioningToStatus ?? null]).toEqual(['ACTIVE', null]);
    } finally {
      sim.org.behaviour.asyncActivationRequests = 0;
    }
  });

  test('reactivate works from PROVISIONED and RECOVERY only', async () => {
    const u = await create('re@example.com');
    const staged = await oktaError(okta.userApi.reactivateUser({ userId: u.id as string, sendEmail: false }));
    expect(staged.errorCode).toBe('E0000038');
    await okta.userApi.activateUser({ userId: u.id as string, sendEmail: false });
    const fromProvisioned = await okta.userApi.reactivateUser({ userId: u.id as string, sendEmail: false });
    expect(fromProvisioned.activationUrl).toMatch(/\/welcome\//);
    (sim.org.users.get(u.id as string) as { status: string }).status = 'RECOVERY';
    const fromRecovery = await okta.userApi.reactivateUser({ userId: u.id as string, sendEmail: false });
    expect(fromRecovery.activationToken).toBeTruthy();
  });

  test('an Identity Engine org hands out activation links of the form /tokens/{token}/verify', async () => {
    sim.org.behaviour.identityEngine = true;
    try {
      const u = await create('oie@example.com');
      const t = await okta.userApi.activateUser({ userId: u.id as string, sendEmail: false });
      expect(t.activationUrl).toMatch(new RegExp(`^${sim.url}/tokens/[A-Za-z0-9_-]+/verify$`));
    } finally {
      sim.org.behaviour.identityEngine = false;
    }
  });
});
