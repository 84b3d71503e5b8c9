import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { userSourceSpecs, type Runtime } from '../../src/app/runtime.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';
import { activateUsers } from '../../src/users/activate.js';
import { planUsers } from '../../src/users/plan.js';
import { rollbackUsers } from '../../src/users/rollback.js';
import { profileOf } from '../../src/users/outcome.js';
import { verifyUsers } from '../../src/users/verify.js';
import { FakeClock, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { editableConfig, editCsv } from './lifecycle-helpers.js';

/**
 * Ownership is recorded, never inferred (docs/ownership.md): the data-loss cases of an adversarial
 * run against the simulator. Each test failed before ownership became a recorded fact.
 */
let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

async function editableInstallation(extra = ''): Promise<TestInstallation> {
  const i = await testInstallation();
  writeFileSync(i.configFile, editableConfig(i.dir, i.sim.url, extra));
  return i;
}

/** An active panelist row of the (copied) export with a plain ASCII email: [key, email]. */
function plainPanelist(dir: string, skip = 0): [string, string] {
  const rows = readFileSync(path.join(dir, 'panelists.csv'), 'utf8').split('\n').slice(1).map((l) => l.split(';'));
  const fit = rows.filter((c) => c[6] === 'active' && /^[a-z0-9.]+@[a-z0-9.-]+$/.test(c[1] ?? ''));
  const row = fit[skip] as string[];
  return [row[0] as string, row[1] as string];
}

/** A user someone else made: ACTIVE (the simulator's state set directly, as an admin's would be). */
async function foreignActiveUser(i: TestInstallation, login: string, groupIds: string[] = []): Promise<string> {
  const rt = await i.open();
  try {
    const r = await rt.okta!.createUser({ profile: { login, email: login, firstName: 'Bob', lastName: 'Foreign' }, passwordHash: null, groupIds });
    if (r.outcome !== 'created') throw new Error(`foreign user not created: ${r.outcome}`);
    i.sim.org.users.get(r.user.id)!.status = 'ACTIVE';
    return r.user.id;
  } finally {
    rt.close();
  }
}

function rollback(rt: Runtime) {
  return rollbackUsers({ journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock }, { installation: 'samples', concurrency: 4 });
}

describe('ownership (users/create, rollback): a user is ours only by our own create', () => {
  it('a linked foreign user is never adopted when its source key changes: not renamed, not deleted by rollback', async () => {
    inst = await editableInstallation('onExisting: link\n');
    const [key, email] = plainPanelist(inst.dir);
    const bob = await foreignActiveUser(inst, email);
    await inst.create();
    const rt = await inst.open();
    try {
      expect(rt.journal.get('panelist', key)).toMatchObject({ state: 'linked', ours: false, oktaId: bob });
      // The source re-keys the row: the old key leaves, a new one has the same email.
      editCsv(inst.dir, 'panelists.csv', (c) => (c[0] === key ? ['P999999', ...c.slice(1)] : c));
      const summary = await inst.create({ rt });
      expect(summary).toMatchObject({ adopted: 0, inherited: 0, linked: 1 });
      expect(rt.journal.get('panelist', 'P999999')).toMatchObject({ state: 'linked', ours: false, oktaId: bob, ownership: null });
      // A later change of the row is never pushed to bob (not ours).
      editCsv(inst.dir, 'panelists.csv', (c) => (c[0] === 'P999999' ? [c[0], 'renamed.bob@example.org', 'Robert', ...c.slice(3)] : c));
      await inst.create({ rt });
      expect(inst.sim.org.users.get(bob)).toMatchObject({ login: email, firstName: 'Bob', status: 'ACTIVE' });
      const result = await rollback(rt);
      expect(result.failed).toBe(0);
      expect(inst.sim.org.users.get(bob)).toMatchObject({ login: email, firstName: 'Bob', status: 'ACTIVE' });
    } finally {
      rt.close();
    }
  });

  it("a group with our name that this journal did not create is refused; with adoptGroups its foreign member stays foreign and survives rollback", async () => {
    inst = await editableInstallation();
    const [key, email] = plainPanelist(inst.dir);
    const pre = await inst.open();
    const theirs = await pre.okta!.createGroup('EFS samples panelists', 'made by someone else');
    pre.close();
    const member = await foreignActiveUser(inst, email, [theirs.id]);

    const refused = await inst.create().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).code).toBe('GROUP_NOT_OURS');
    expect((refused as ConfigError).message).toMatch(/--adopt-groups/);
    expect(inst.sim.org.users.size).toBe(1);

    await inst.create({ adoptGroups: true });
    const rt = await inst.open();
    try {
      expect(rt.journal.group('panelist')).toMatchObject({ oktaId: theirs.id, created: false });
      expect(rt.journal.get('panelist', key)).toMatchObject({ state: 'conflict', ours: false, reason: 'conflict.login_exists' });
      expect(rt.journal.get('panelist', key)?.message).toMatch(/did not create \(it is ACTIVE, our creates leave users STAGED\)/);
      await rollback(rt);
      expect(inst.sim.org.users.get(member)).toMatchObject({ status: 'ACTIVE', firstName: 'Bob' });
      expect(inst.sim.org.groups.get(theirs.id)).toBeDefined();
    } finally {
      rt.close();
    }
  });

  it('a record left in creating is not proven ours by a STAGED user in our group created before our mark', async () => {
    inst = await editableInstallation();
    await inst.create({ limit: 3 });
    const rt = await inst.open();
    try {
      const row = [...rt.journal.all(['panelist'])].find((r) => r.state === 'pending')!;
      // Someone put a user with this login (and exactly our profile) in our group before we marked it.
      const early = await rt.okta!.createUser({ profile: profileOf(row), passwordHash: null, groupIds: [rt.journal.group('panelist')!.oktaId] });
      expect(early.outcome).toBe('created');
      inst.sim.org.users.get((early as { user: { id: string } }).user.id)!.created -= 10 * 60_000;
      rt.journal.setState('panelist', row.key, { state: 'creating', syncedHash: row.sourceHash }, Date.now());
      const summary = await inst.create({ rt });
      expect(summary.adopted).toBe(0);
      expect(rt.journal.get('panelist', row.key)).toMatchObject({ state: 'conflict', ours: false, oktaId: null });
      expect(rt.journal.get('panelist', row.key)?.message).toMatch(/before our create/);
    } finally {
      rt.close();
    }
  });

  it('a create that Okta carried out but that ended failed is proven ours on a run hours later (the first creating mark counts)', async () => {
    inst = await editableInstallation();
    await inst.create({ limit: 3 });
    const rt = await inst.open();
    try {
      const row = [...rt.journal.all(['panelist'])].find((r) => r.state === 'pending')!;
      const hour = 60 * 60_000;
      rt.journal.setState('panelist', row.key, { state: 'creating', syncedHash: row.sourceHash }, Date.now() - 2 * hour);
      const made = await rt.okta!.createUser({ profile: profileOf(row), passwordHash: null, groupIds: [rt.journal.group('panelist')!.oktaId] });
      if (made.outcome !== 'created') throw new Error(made.outcome);
      inst.sim.org.users.get(made.user.id)!.created = Date.now() - hour;
      rt.journal.setState('panelist', row.key, { state: 'failed', reason: 'okta.HTTP_500', lastError: 'HTTP_500' }, Date.now() - hour);
      const summary = await inst.create({ rt });
      expect(summary).toMatchObject({ adopted: 1, failed: 0 });
      expect(rt.journal.get('panelist', row.key)).toMatchObject({ state: 'staged', ours: true, ownership: 'recovered', oktaId: made.user.id });
    } finally {
      rt.close();
    }
  });

  it('a header-only export with deactivateRemoved stops before any deactivation (mass-change guard); confirmed, it deactivates; when the rows come back, plan says reactivate and users activate brings them back', async () => {
    inst = await editableInstallation();
    await inst.create();
    const rt = await inst.open();
    try {
      const ours = [...rt.journal.all()].filter((r) => r.ours && r.oktaId);
      expect(ours.length).toBeGreaterThan(50);
      const admins = readFileSync(path.join(inst.dir, 'admins.csv'), 'utf8');
      const panelists = readFileSync(path.join(inst.dir, 'panelists.csv'), 'utf8');
      writeFileSync(path.join(inst.dir, 'admins.csv'), `${admins.split('\n')[0]}\n`);
      writeFileSync(path.join(inst.dir, 'panelists.csv'), `${panelists.split('\n')[0]}\n`);

      const stopped = await inst.create({ rt, deactivateRemoved: true, maxDeactivateShare: 0.05 }).catch((e: unknown) => e);
      expect(stopped).toBeInstanceOf(UsageError);
      expect((stopped as UsageError).code).toBe('MASS_DEACTIVATION');
      expect((stopped as UsageError).message).toMatch(new RegExp(`deactivate ${ours.length} of the installation's ${ours.length} Okta users .*--yes`));
      expect([...inst.sim.org.users.iterateFrom(0)].filter((u) => u.status === 'DEPROVISIONED')).toHaveLength(0);

      // The same share below the limit needs no confirmation: 0 of them is fine, all of them with --yes.
      const confirmed = await inst.create({ rt, deactivateRemoved: true, confirmed: true });
      expect(confirmed.deactivated).toBe(ours.length);

      writeFileSync(path.join(inst.dir, 'admins.csv'), admins);
      writeFileSync(path.join(inst.dir, 'panelists.csv'), panelists);
      const plan = await planUsers({ journal: rt.journal, okta: null }, userSourceSpecs(rt.config), { share: 1 });
      const reactivate = plan.counts.reduce((n, c) => n + c.reactivate, 0);
      expect(reactivate).toBe(ours.length);
      expect(plan.counts.reduce((n, c) => n + c.done, 0)).toBe(0);
      await inst.create({ rt });
      expect(rt.journal.get(ours[0]!.kind, ours[0]!.key)).toMatchObject({ state: 'deactivated', reactivationPending: true });
      expect(rt.journal.countActivationWork(['admin', 'panelist'])).toBe(ours.length);
      const links: string[] = [];
      const summary = await activateUsers({ journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: new FakeClock() },
        { installation: 'samples', kinds: ['admin', 'panelist'], sendEmail: false, concurrency: 4, onLink: (_r, url) => links.push(url) });
      expect(summary).toMatchObject({ reactivated: ours.length, failed: 0 });
      expect(links).toHaveLength(ours.length);
      for (const r of ours) {
        expect(rt.journal.get(r.kind, r.key)).toMatchObject({ state: 'provisioned', oktaId: r.oktaId, reactivationPending: false });
        expect(inst.sim.org.users.get(r.oktaId!)?.status).toBe('PROVISIONED');
      }
    } finally {
      rt.close();
    }
  });

  it("a new key with the login of a removed record of ours takes over its user and updates the profile (never keeps the old name)", async () => {
    inst = await editableInstallation();
    await inst.create();
    const [key, email] = plainPanelist(inst.dir, 1);
    let rt = await inst.open();
    const old = rt.journal.get('panelist', key)!;
    rt.close();
    expect(old).toMatchObject({ state: 'staged', ours: true });
    editCsv(inst.dir, 'panelists.csv', (c) => (c[0] === key ? ['P888888', email, 'Petra', 'Neumann', ...c.slice(4)] : c));
    rt = await inst.open();
    try {
      const users = inst.sim.org.users.size;
      const summary = await inst.create({ rt });
      expect(summary).toMatchObject({ created: 0, adopted: 0, inherited: 1, failed: 0 });
      expect(inst.sim.org.users.size).toBe(users);
      expect(inst.sim.org.users.get(old.oktaId!)).toMatchObject({ login: email, firstName: 'Petra', lastName: 'Neumann' });
      expect(rt.journal.get('panelist', 'P888888')).toMatchObject({ state: 'staged', ours: true, ownership: 'inherited', oktaId: old.oktaId, reason: 'key.changed' });
      expect(rt.journal.get('panelist', key)).toMatchObject({ state: 'removed', ours: false, oktaId: null, reason: 'removed.key_changed' });
      const verify = await verifyUsers({ journal: rt.journal, okta: rt.okta! });
      expect(verify.differences).toEqual([]);
      const plan = await planUsers({ journal: rt.journal, okta: null }, userSourceSpecs(rt.config), { share: 1 });
      expect(plan.counts.find((c) => c.kind === 'panelist')).toMatchObject({ create: 0, update: 0, retry: 0 });
    } finally {
      rt.close();
    }
  });
});
