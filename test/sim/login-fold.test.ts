import type { Client } from '@okta/okta-sdk-nodejs';
import { describe, expect, test } from 'vitest';
import { loginKey } from '../../src/records/login-key.js';
import type { Simulator } from '../../src/sim/index.js';
import { foldLogin } from '../../src/sim/store/login-fold.js';
import { oktaError, profile, withSharedSim } from './helpers.js';

let sim: Simulator;
let okta: Client;

withSharedSim((s, o) => {
  sim = s;
  okta = o;
});

/** Pairs Okta treats as the same login (case and diacritics ignored). */
const SAME: [string, string][] = [
  ['Anna.Meyer@Example.COM', 'anna.meyer@example.com'],
  ['rené.müller@example.com', 'rene.muller@example.com'],
  ['RENÉ.MÜLLER@EXAMPLE.COM', 'rene.muller@example.com'],
  ['øystein@example.net', 'oystein@example.net'],
  ['Łukasz.Żółć@example.pl', 'lukasz.zolc@example.pl'],
  ['đorđe@example.rs', 'dorde@example.rs'],
  ['straße@example.de', 'strasse@example.de'],
  ['æbleskiver@example.dk', 'aebleskiver@example.dk'],
  ['İpek@example.tr', 'ipek@example.tr'],
  ['ﬁona@example.com', 'fiona@example.com'],
  ['ｆｕｌｌ@example.jp', 'full@example.jp'],
];
const DIFFERENT: [string, string][] = [
  ['anna@example.com', 'anna1@example.com'],
  ['anna@example.com', 'anna@example.org'],
  ['jose@example.com', 'josé.x@example.com'],
];

describe("sim login folding (its own implementation of Okta's rule, not the product's loginKey)", () => {
  test('folds case, combining diacritics, letters with built-in strokes, ß and compatibility forms', () => {
    for (const [a, b] of SAME) expect(foldLogin(a), `${a} ~ ${b}`).toBe(foldLogin(b));
    for (const [a, b] of DIFFERENT) expect(foldLogin(a), `${a} ≠ ${b}`).not.toBe(foldLogin(b));
  });

  test("agrees with the product's loginKey on every pair (two implementations: a bug in one shows here)", () => {
    for (const login of [...SAME, ...DIFFERENT].flat()) expect(foldLogin(login), login).toBe(loginKey(login));
  });

  test('the simulator refuses a second user whose login differs only in case or diacritics (E0000001) and finds it by either form', async () => {
    const first = await okta.userApi.createUser({ body: { profile: { ...profile('rene@example.com'), login: 'rené.müller@example.com' } }, activate: false });
    const e = await oktaError(okta.userApi.createUser({ body: { profile: { ...profile('rene2@example.com'), login: 'RENE.MULLER@example.com' } }, activate: false }));
    expect(e.status).toBe(400);
    expect(e.errorCode).toBe('E0000001');
    expect((await okta.userApi.getUser({ userId: 'Rene.Muller@Example.com' })).id).toBe(first.id);
    expect(sim.org.users.size).toBe(1);
  });
});

describe('sim reactivate (POST /lifecycle/reactivate): PROVISIONED or RECOVERY only', () => {
  test('a RECOVERY user gets a new activation link (sendEmail defaults to false); a STAGED one E0000038', async () => {
    const u = await okta.userApi.createUser({ body: { profile: profile('recovery@example.com') }, activate: false });
    const staged = await oktaError(okta.userApi.reactivateUser({ userId: u.id as string }));
    expect(staged.errorCode).toBe('E0000038');
    sim.org.users.get(u.id as string)!.status = 'RECOVERY';
    const t = await okta.userApi.reactivateUser({ userId: u.id as string });
    expect(t.activationUrl).toContain('/welcome/');
    expect(sim.outbox()).toEqual([]);
  });
});
