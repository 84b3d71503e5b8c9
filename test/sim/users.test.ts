import type { Client, PasswordCredentialHash } from '@okta/okta-sdk-nodejs';
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { causes, inspect, oktaError, profile, withSharedSim } from './helpers.js';

let sim: Simulator;
let okta: Client;

withSharedSim((s, o) => {
  sim = s;
  okta = o;
});

const create = (login: string, activate = false, extra: Record<string, unknown> = {}) =>
  okta.userApi.createUser({ body: { profile: profile(login), ...extra }, activate });

describe('sim users: create', () => {
  test('activate=false creates a STAGED user and sends no email', async () => {
    const u = await create('staged@example.com');
    expect(u.status).toBe('STAGED');
    expect(u.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect(u.profile?.login).toBe('staged@example.com');
    expect(u.created).toBeInstanceOf(Date);
    expect(sim.outbox()).toHaveLength(0);
  });

  test('activate defaults to true: without a password PROVISIONED and an activation email', async () => {
    const u = await okta.userApi.createUser({ body: { profile: profile('prov@example.com') } });
    expect(u.status).toBe('PROVISIONED');
    const outbox = (await inspect(sim, 'outbox')) as { to: string; template: string }[];
    expect(outbox).toEqual([expect.objectContaining({ to: 'prov@example.com', template: 'activation' })]);
  });

  test('with a password value and activate=true the user is ACTIVE', async () => {
    const u = await create('pw@example.com', true, { credentials: { password: { value: 'Sup3rSecretPw' } } });
    expect(u.status).toBe('ACTIVE');
    expect(u.credentials?.password).toBeDefined();
  });

  test('a weak password is refused with E0000001', async () => {
    const e = await oktaError(create('weak@example.com', true, { credentials: { password: { value: 'short' } } }));
    expect(e.status).toBe(400);
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e)[0]).toMatch(/^password: Password requirements were not met/);
  });

  test('provider=true creates an ACTIVE federated user without an email', async () => {
    const u = await okta.userApi.createUser({
      body: { profile: profile('fed@example.com'), credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } },
      provider: true,
    });
    expect(u.status).toBe('ACTIVE');
    expect(u.credentials?.provider?.type).toBe('FEDERATION');
    expect(sim.outbox()).toHaveLength(0);
  });

  test('duplicate logins differing only in case are refused with the Okta cause', async () => {
    await create('dup@example.com');
    const e = await oktaError(create('DUP@Example.COM'));
    expect(e.status).toBe(400);
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e)).toEqual(['login: An object with this field already exists in the current organization']);
    expect(e.headers.get('x-okta-request-id')).toBeTruthy();
  });

  test('duplicate logins differing only in diacritics are refused', async () => {
    await create('jose.muller@example.com');
    const e = await oktaError(
      okta.userApi.createUser({ body: { profile: { ...profile('josé.müller@example.com'), email: 'jose.mueller@example.com' } } }),
    );
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e)).toEqual(['login: An object with this field already exists in the current organization']);
  });

  test('profile validation: missing names, a login that is not an email, lengths', async () => {
    const e = await oktaError(
      okta.userApi.createUser({ body: { profile: { login: 'not-an-email', email: 'x@example.com', firstName: '', lastName: 'L'.repeat(51) } } }),
    );
    expect(e.errorCode).toBe('E0000001');
    expect(e.errorSummary).toBe('Api validation failed: login');
    expect(causes(e)).toEqual([
      'login: Username must be in the form of an email address',
      'firstName: The field cannot be left blank',
      'lastName: The field is too long (maximum 50 characters)',
    ]);
  });

  test.each([
    ['a diacritic in the primary email', 'rené@example.com'],
    ['a one-letter top-level domain', 'ann@example.c'],
    ['a 21-letter top-level domain', 'ann@example.abcdefghijklmnopqrstu'],
    ['a leading dot in the local part', '.ann@example.com'],
    ['a trailing dot in the local part', 'ann.@example.com'],
    ['a double dot in the local part', 'an..n@example.com'],
    ['an emoji (4-byte UTF-8)', 'ann😀@example.com'],
  ])('primary email rules: %s is refused', async (_why, email) => {
    const e = await oktaError(okta.userApi.createUser({ body: { profile: { ...profile('ok@example.com'), email } }, activate: false }));
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e)[0]).toMatch(/^email: /);
  });

  test("primary email rules: apostrophe, backtick and tilde are accepted; a Unicode login is accepted", async () => {
    const u = await okta.userApi.createUser({
      body: { profile: { ...profile('zoë@example.com'), email: "o'neil`x~y@example.museum" } }, activate: false,
    });
    expect(u.profile?.email).toBe("o'neil`x~y@example.museum");
  });

  test('more than 20 groupIds answers E0000093', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `00gfake${i}`);
    const e = await oktaError(create('many@example.com', false, { groupIds: ids }));
    expect(e.status).toBe(400);
    expect(e.errorCode).toBe('E0000093');
  });

  test('groupIds put the new user in those groups', async () => {
    const g = await okta.groupApi.createGroup({ group: { profile: { name: 'panelists' } } });
    const u = await create('member@example.com', false, { groupIds: [g.id] });
    const groups = [];
    for await (const x of await okta.userApi.listUserGroups({ userId: u.id as string })) groups.push(x?.profile?.name);
    expect(groups.sort()).toEqual(['Everyone', 'panelists']);
  });
});

describe('sim users: password hash import', () => {
  const bcrypt = { algorithm: 'BCRYPT', workFactor: 10, salt: 'rwh3vH1HoZr1T1lJfpZ5F.', value: 'Ssdm9B3WCZiFmCfTZ0ztNrPIMl1ZjwK' } as PasswordCredentialHash;

  test('a valid BCRYPT hash creates an ACTIVE user with no activation email', async () => {
    const u = await create('bcrypt@example.com', true, { credentials: { password: { hash: bcrypt } } });
    expect(u.status).toBe('ACTIVE');
    expect(sim.outbox()).toHaveLength(0);
  });

  test('valid SHA-256 with salt and PBKDF2 hashes are accepted', async () => {
    const sha = { algorithm: 'SHA-256', value: Buffer.alloc(32, 1).toString('base64'), salt: 'c2FsdA==', saltOrder: 'PREFIX' };
    const pbkdf2 = {
      algorithm: 'PBKDF2', iterationCount: 4096, keySize: 32, digestAlgorithm: 'SHA256_HMAC',
      salt: 'c2FsdHNhbHQ=', value: Buffer.alloc(32, 2).toString('base64'),
    };
    await create('sha@example.com', false, { credentials: { password: { hash: sha } } });
    const u = await create('pbkdf2@example.com', false, { credentials: { password: { hash: pbkdf2 } } });
    expect(u.status).toBe('STAGED');
  });

  test.each([
    ['BCRYPT salt of 21 characters', { ...bcrypt, salt: 'rwh3vH1HoZr1T1lJfpZ5F' }, /salt/],
    ['BCRYPT workFactor 21', { ...bcrypt, workFactor: 21 }, /workFactor/],
    ['BCRYPT workFactor 0', { ...bcrypt, workFactor: 0 }, /workFactor/],
    ['SHA-512 value of the wrong length', { algorithm: 'SHA-512', value: Buffer.alloc(32).toString('base64') }, /value/],
    ['a salt without saltOrder', { algorithm: 'SHA-1', value: Buffer.alloc(20).toString('base64'), salt: 'c2FsdA==' }, /saltOrder/],
    ['MD5 value not base64', { algorithm: 'MD5', value: 'not base64!' }, /value/],
    ['PBKDF2 with 1000 iterations', { algorithm: 'PBKDF2', iterationCount: 1000, keySize: 32, digestAlgorithm: 'SHA256_HMAC', salt: 'c2FsdA==', value: Buffer.alloc(32).toString('base64') }, /iterationCount/],
    ['an unknown algorithm', { algorithm: 'ARGON2', value: 'x' }, /algorithm/],
  ])('%s is refused with E0000001', async (_why, hash, cause) => {
    const e = await oktaError(create('hash@example.com', false, { credentials: { password: { hash } } }));
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e).join(' ')).toMatch(cause);
  });

  test('a hash can be set by update only while the user is STAGED', async () => {
    const staged = await create('later@example.com');
    await okta.userApi.updateUser({ userId: staged.id as string, user: { credentials: { password: { hash: bcrypt } } } });
    await okta.userApi.activateUser({ userId: staged.id as string, sendEmail: false });
    const e = await oktaError(okta.userApi.updateUser({ userId: staged.id as string, user: { credentials: { password: { hash: bcrypt } } } }));
    expect(e.errorCode).toBe('E0000001');
    expect(causes(e)[0]).toMatch(/STAGED/);
  });
});

describe('sim users: get, update, list', () => {
  test('get by id and by URL-encoded login (any case); unknown ids answer 404 E0000007', async () => {
    const u = await create('find.me+tag@example.com');
    expect((await okta.userApi.getUser({ userId: u.id as string })).id).toBe(u.id);
    expect((await okta.userApi.getUser({ userId: 'Find.Me+Tag@example.com' })).id).toBe(u.id);
    const e = await oktaError(okta.userApi.getUser({ userId: '00unknown' }));
    expect(e.status).toBe(404);
    expect(e.errorCode).toBe('E0000007');
  });

  test('POST /users/{id} merges the profile; a login change to a taken login is refused', async () => {
    const u = await create('merge@example.com', false, {});
    const updated = await okta.userApi.updateUser({ userId: u.id as string, user: { profile: { firstName: 'Grace', locale: 'de_DE' } } });
    expect(updated.profile?.firstName).toBe('Grace');
    expect(updated.profile?.lastName).toBe('Lovelace');
    expect(updated.profile?.locale).toBe('de_DE');
    await create('taken@example.com');
    const e = await oktaError(okta.userApi.updateUser({ userId: u.id as string, user: { profile: { login: 'TAKEN@example.com' } } }));
    expect(causes(e)).toEqual(['login: An object with this field already exists in the current organization']);
  });

  test('PUT /users/{id} replaces the profile and validates it', async () => {
    const u = await create('replace@example.com');
    const e = await oktaError(okta.userApi.replaceUser({ userId: u.id as string, user: { profile: { login: 'replace@example.com' } } }));
    expect(causes(e)).toContain('firstName: The field cannot be left blank');
    const r = await okta.userApi.replaceUser({ userId: u.id as string, user: { profile: { ...profile('replaced@example.com'), firstName: 'New' } } });
    expect(r.profile?.login).toBe('replaced@example.com');
    expect((await okta.userApi.getUser({ userId: 'replaced@example.com' })).profile?.firstName).toBe('New');
  });

  test('pagination: 450 users at limit 200 come in pages of 200, 200, 50 with opaque cursors', async () => {
    for (let i = 0; i < 450; i++) {
      sim.org.users.insert({
        id: sim.org.newId('00u'), status: 'STAGED', login: `p${i}@example.com`, email: `p${i}@example.com`,
        firstName: 'P', lastName: String(i), extra: null, credential: 'none', providerType: 'OKTA', created: Date.now(),
      });
    }
    const seen: string[] = [];
    const links: string[] = [];
    const onResponse = (res: { headers: { get(n: string): string | null } }): void => {
      links.push(res.headers.get('link') ?? '');
    };
    okta.requestExecutor.on('response', onResponse);
    try {
      for await (const u of await okta.userApi.listUsers({ limit: 200 })) seen.push(u?.profile?.login as string);
    } finally {
      okta.requestExecutor.off('response', onResponse);
    }
    expect(seen).toHaveLength(450);
    expect(new Set(seen).size).toBe(450);
    expect(seen[0]).toBe('p0@example.com');
    expect(seen[449]).toBe('p449@example.com');
    expect(links).toHaveLength(3);
    expect(links.map((l) => l.includes('rel="next"'))).toEqual([true, true, false]);
    // The next cursor is opaque, not a user id.
    const next = /<([^>]+)>; rel="next"/.exec(links[0] as string)?.[1] ?? '';
    expect(new URL(next).searchParams.get('after')).not.toMatch(/^00u/);
    expect(new URL(next).searchParams.get('limit')).toBe('200');
  });

  test('limit above 200 is capped at 200', async () => {
    for (let i = 0; i < 205; i++) sim.org.users.insert({
      id: sim.org.newId('00u'), status: 'ACTIVE', login: `c${i}@example.com`, email: `c${i}@example.com`,
      firstName: 'C', lastName: 'C', extra: null, credential: 'password', providerType: 'OKTA', created: Date.now(),
    });
    let pages = 0;
    const onResponse = (): void => {
      pages++;
    };
    okta.requestExecutor.on('response', onResponse);
    const logins: string[] = [];
    try {
      for await (const u of await okta.userApi.listUsers({ limit: 500 })) logins.push(u?.profile?.login as string);
    } finally {
      okta.requestExecutor.off('response', onResponse);
    }
    expect(logins).toHaveLength(205);
    expect(pages).toBe(2);
  });

  test('filter: status, profile.login eq (any case), and/or; unsupported filters answer E0000031', async () => {
    const a = await create('alpha@example.com', false);
    const b = await create('beta@example.com', true, { credentials: { password: { value: 'Sup3rSecretPw' } } });
    await create('gamma@example.com', false);
    const list = async (filter: string): Promise<string[]> => {
      const out: string[] = [];
      for await (const u of await okta.userApi.listUsers({ filter })) out.push(u?.id as string);
      return out;
    };
    expect(await list('status eq "ACTIVE"')).toEqual([b.id]);
    expect(await list('profile.login eq "ALPHA@example.com"')).toEqual([a.id]);
    expect(await list('profile.login eq "alpha@example.com" or profile.login eq "beta@example.com"')).toEqual([a.id, b.id]);
    expect(await list(`status eq "STAGED" and id eq "${a.id as string}"`)).toEqual([a.id]);
    expect((await list('lastUpdated gt "2000-01-01T00:00:00.000Z"')).length).toBe(3);
    const e = await oktaError(list('profile.login sw "a"'));
    expect(e.errorCode).toBe('E0000031');
  });

  test('search supports sw and q matches name and email prefixes; DEPROVISIONED users are hidden from plain lists', async () => {
    const a = await create('search.one@example.com');
    await create('other@example.com');
    const found: string[] = [];
    for await (const u of await okta.userApi.listUsers({ search: 'profile.login sw "search."' })) found.push(u?.id as string);
    expect(found).toEqual([a.id]);
    const q: string[] = [];
    for await (const u of await okta.userApi.listUsers({ q: 'sear' })) q.push(u?.id as string);
    expect(q).toEqual([a.id]);
    await okta.userApi.deactivateUser({ userId: a.id as string });
    const all: string[] = [];
    for await (const u of await okta.userApi.listUsers({})) all.push(u?.profile?.login as string);
    expect(all).toEqual(['other@example.com']);
    const dep: string[] = [];
    for await (const u of await okta.userApi.listUsers({ filter: 'status eq "DEPROVISIONED"' })) dep.push(u?.id as string);
    expect(dep).toEqual([a.id]);
  });
});

describe('sim users: lifecycle', () => {
  test('activate with sendEmail=false returns activationToken and activationUrl; no email', async () => {
    const u = await create('act@example.com');
    const t = await okta.userApi.activateUser({ userId: u.id as string, sendEmail: false });
    expect(t.activationToken).toMatch(/^[\w-]{10,}$/);
    expect(t.activationUrl).toContain(t.activationToken);
    expect((await okta.userApi.getUser({ userId: u.id as string })).status).toBe('PROVISIONED');
    expect(sim.outbox()).toHaveLength(0);
  });

  test('activate with sendEmail=true records the email and returns {}', async () => {
    const u = await create('mail@example.com');
    const t = await okta.userApi.activateUser({ userId: u.id as string, sendEmail: true });
    expect(t.activationToken).toBeUndefined();
    expect(sim.outbox()).toEqual([expect.objectContaining({ to: 'mail@example.com', userId: u.id })]);
  });

  test('activating an active user answers E0000016; reactivating a non-PROVISIONED user E0000038', async () => {
    const u = await create('twice@example.com', true, { credentials: { password: { value: 'Sup3rSecretPw' } } });
    const e = await oktaError(okta.userApi.activateUser({ userId: u.id as string, sendEmail: false }));
    expect(e.status).toBe(403);
    expect(e.errorCode).toBe('E0000016');
    const r = await oktaError(okta.userApi.reactivateUser({ userId: u.id as string }));
    expect(r.status).toBe(403);
    expect(r.errorCode).toBe('E0000038');
  });

  test('reactivate a PROVISIONED user gives a new activation token', async () => {
    const u = await okta.userApi.createUser({ body: { profile: profile('re@example.com') } });
    const t = await okta.userApi.reactivateUser({ userId: u.id as string, sendEmail: false });
    expect(t.activationUrl).toContain('/welcome/');
  });

  test('deactivate then activate again; deactivating a DEPROVISIONED user answers E0000038', async () => {
    const u = await create('cycle@example.com');
    await okta.userApi.deactivateUser({ userId: u.id as string });
    expect((await okta.userApi.getUser({ userId: u.id as string })).status).toBe('DEPROVISIONED');
    const e = await oktaError(okta.userApi.deactivateUser({ userId: u.id as string }));
    expect(e.errorCode).toBe('E0000038');
    await okta.userApi.activateUser({ userId: u.id as string, sendEmail: false });
    expect((await okta.userApi.getUser({ userId: u.id as string })).status).toBe('PROVISIONED');
  });

  test('two-step delete: the first DELETE deactivates, the second removes; then 404', async () => {
    const u = await create('gone@example.com', true, { credentials: { password: { value: 'Sup3rSecretPw' } } });
    await okta.userApi.deleteUser({ userId: u.id as string });
    expect((await okta.userApi.getUser({ userId: u.id as string })).status).toBe('DEPROVISIONED');
    await okta.userApi.deleteUser({ userId: u.id as string });
    const e = await oktaError(okta.userApi.getUser({ userId: u.id as string }));
    expect(e.errorCode).toBe('E0000007');
    // The login is free again once the user is gone.
    expect((await create('gone@example.com')).status).toBe('STAGED');
  });
});
