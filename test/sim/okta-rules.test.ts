import type { Client } from '@okta/okta-sdk-nodejs';
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { causes, oktaError, profile, withSharedSim } from './helpers.js';

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
