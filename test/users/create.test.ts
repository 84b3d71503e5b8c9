import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/core/errors.js';
import { profileOf } from '../../src/users/outcome.js';
import { oktaLogins, testInstallation, type TestInstallation } from '../helpers/installation.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

/** A user someone else created in the org (not in our groups). */
async function foreignUser(i: TestInstallation, login: string): Promise<void> {
  const rt = await i.open();
  try {
    const r = await rt.okta!.createUser({ profile: { login, email: login, firstName: 'Other', lastName: 'Person' }, passwordHash: null, groupIds: [] });
    expect(r.outcome).toBe('created');
  } finally {
    rt.close();
  }
}

/** Expected outcome of test/fixtures/samples with the samples config. */
function journalRows(rt: Awaited<ReturnType<TestInstallation['open']>>) {
  return [...rt.journal.all()];
}

describe('users/create (phase 1) against the simulator', () => {
  it('creates every valid sample user STAGED exactly once, in the installation groups, and nobody else', async () => {
    inst = await testInstallation();
    const summary = await inst.create();
    expect(summary.failed).toBe(0);
    const rt = await inst.open();
    try {
      const rows = journalRows(rt);
      const staged = rows.filter((r) => r.state === 'staged');
      expect(summary.created).toBe(staged.length);
      expect(staged.length).toBeGreaterThan(80);
      const logins = oktaLogins(inst.sim);
      // Exactly the staged records are in Okta, once each.
      expect(logins.size).toBe(staged.length);
      for (const r of staged) expect(logins.get((r.login ?? '').toLowerCase())).toBe(1);
      for (const u of inst.sim.org.users.iterateFrom(0)) expect(u.status).toBe('STAGED');
      // Federated users are never created; invalid and skipped ones neither.
      expect(rows.filter((r) => r.reason === 'federated').length).toBeGreaterThan(0);
      const stagedLogins = new Set(staged.map((r) => (r.login ?? '').toLowerCase()));
      for (const r of rows.filter((x) => x.state !== 'staged' && !stagedLogins.has((x.login ?? '').toLowerCase()))) {
        expect([r.kind, r.key, r.state, logins.has((r.login ?? '').toLowerCase())]).toEqual([r.kind, r.key, r.state, false]);
      }
      // Both groups exist and hold the users of their kind.
      const admins = rt.journal.group('admin');
      const panelists = rt.journal.group('panelist');
      expect(admins?.created).toBe(true);
      expect(panelists?.created).toBe(true);
      // No activation email in phase 1.
      expect(inst.sim.outbox()).toHaveLength(0);
      // The root admin without an email is invalid with a reason, not lost.
      expect(rt.journal.get('admin', '13')).toMatchObject({ state: 'invalid', reason: 'email.missing' });
      expect(rt.journal.get('admin', '3')).toMatchObject({ state: 'skipped', reason: 'federated' });
      // The samples' bare languages (de, en, fr) reach Okta as locale ll_CC plus preferredLanguage:
      // Okta refuses a bare `de` in locale, which would have left these users `invalid`.
      expect(rows.filter((r) => r.reason === 'okta.rejected')).toEqual([]);
      const withLanguage = [...inst.sim.org.users.iterateFrom(0)].filter((u) => u.extra?.preferredLanguage !== undefined);
      expect(withLanguage.length).toBeGreaterThan(50);
      for (const u of withLanguage) expect(u.extra?.locale).toMatch(/^[a-z]{2}_[A-Z]{2}$/);
      expect(rt.journal.get('admin', '1')).toMatchObject({ locale: 'fr_FR', preferredLanguage: 'fr' });
    } finally {
      rt.close();
    }
  });

  it('makes no create call on a second run after completion', async () => {
    inst = await testInstallation();
    await inst.create();
    const before = structuredClone(inst.sim.stats().requests) as Record<string, Record<string, number>>;
    const summary = await inst.create();
    const after = inst.sim.stats().requests as Record<string, Record<string, number>>;
    expect(summary).toMatchObject({ created: 0, adopted: 0, failed: 0 });
    expect(after.users).toEqual(before.users);
  });

  it('adopts a user created before a crash instead of creating it twice', async () => {
    inst = await testInstallation();
    await inst.create({ limit: 5 });
    const rt = await inst.open();
    try {
      // A crash between Okta's answer and the journal write: Okta has the user, the journal says creating.
      const pending = [...rt.journal.all(['panelist'])].find((r) => r.state === 'pending');
      expect(pending).toBeDefined();
      const group = rt.journal.group('panelist')!;
      rt.journal.setState('panelist', pending!.key, { state: 'creating', syncedHash: pending!.sourceHash }, Date.now());
      const created = await rt.okta!.createUser({ profile: profileOf(pending!), passwordHash: null, groupIds: [group.oktaId] });
      expect(created.outcome).toBe('created');
      const summary = await inst.create({ rt });
      expect(summary.adopted).toBe(1);
      expect(rt.journal.get('panelist', pending!.key)).toMatchObject({ state: 'staged', ours: true, ownership: 'recovered' });
      expect(oktaLogins(inst.sim).get(pending!.login!.toLowerCase())).toBe(1);
    } finally {
      rt.close();
    }
  });

  it('reports a login that Okta has and that is not ours as a conflict, untouched', async () => {
    inst = await testInstallation();
    await foreignUser(inst, 'jonas.2@example.com');
    await inst.create();
    const rt = await inst.open();
    try {
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'conflict', reason: 'conflict.login_exists', ours: false });
      const theirs = inst.sim.org.users.getByLogin('jonas.2@example.com');
      expect(theirs?.firstName).toBe('Other');
    } finally {
      rt.close();
    }
  });

  it('with onExisting: link, adds the existing user to the group and changes nothing else', async () => {
    inst = await testInstallation({ extraConfig: 'onExisting: link\n' });
    await foreignUser(inst, 'jonas.2@example.com');
    await inst.create();
    const rt = await inst.open();
    try {
      const row = rt.journal.get('admin', '2');
      expect(row).toMatchObject({ state: 'linked', ours: false });
      const groups = await rt.okta!.listUserGroupIds(row!.oktaId!);
      expect(groups).toContain(rt.journal.group('admin')!.oktaId);
      expect(inst.sim.org.users.getByLogin('jonas.2@example.com')?.firstName).toBe('Other');
    } finally {
      rt.close();
    }
  });

  it('stops at once on a token revoked mid-run, and a later run resumes without duplicates', async () => {
    inst = await testInstallation();
    const rt = await inst.open();
    let created = 0;
    rt.emitter.on('user:created', () => {
      created++;
      if (created === 10) inst!.sim.revokeToken();
    });
    try {
      await expect(inst.create({ rt })).rejects.toBeInstanceOf(AuthError);
    } finally {
      rt.close();
    }
    const unauthorizedAfterRevoke = inst.sim.stats().unauthorized as number;
    // Within one request per worker: the run stops, it does not hammer a dead token.
    expect(unauthorizedAfterRevoke).toBeLessThanOrEqual(4);
    inst.sim.setToken(inst.sim.token);
    const summary = await inst.create();
    expect(summary.failed).toBe(0);
    const rt2 = await inst.open();
    try {
      const staged = [...rt2.journal.all()].filter((r) => r.state === 'staged');
      const logins = oktaLogins(inst.sim);
      expect(logins.size).toBe(staged.length);
      for (const n of logins.values()) expect(n).toBe(1);
    } finally {
      rt2.close();
    }
  });

  it('retries 500s and dropped connections, creating nobody twice', async () => {
    inst = await testInstallation({ sim: { failRate: 0.05, dropRate: 0.03, seed: 11 } });
    const summary = await inst.create();
    const rt = await inst.open();
    try {
      const rows = [...rt.journal.all()];
      const staged = rows.filter((r) => r.state === 'staged');
      const failed = rows.filter((r) => r.state === 'failed');
      expect(staged.length + failed.length).toBe(summary.created + summary.adopted + summary.failed);
      const logins = oktaLogins(inst.sim);
      for (const n of logins.values()) expect(n).toBe(1);
      for (const r of staged) expect(logins.get(r.login!.toLowerCase())).toBe(1);
      expect(inst.sim.stats().failed as number).toBeGreaterThan(0);
    } finally {
      rt.close();
    }
  });
});
