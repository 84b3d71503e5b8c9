import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { userSourceSpecs, type Runtime } from '../../src/app/runtime.js';
import type { PlanCounts } from '../../src/journal/types.js';
import { planUsers } from '../../src/users/plan.js';
import { planTable } from '../../src/report/summary.js';
import { verifyUsers } from '../../src/users/verify.js';
import { oktaLogins, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { editableConfig, editCsv } from './lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

/** An installation whose exports are copies the test edits between runs. */
async function editableInstallation(extra = ''): Promise<TestInstallation> {
  const i = await testInstallation();
  writeFileSync(i.configFile, editableConfig(i.dir, i.sim.url, extra));
  return i;
}

async function plan(rt: Runtime): Promise<Map<string, PlanCounts>> {
  const p = await planUsers({ journal: rt.journal, okta: null }, userSourceSpecs(rt.config), { share: 1 });
  return new Map(p.counts.map((c) => [c.kind, c]));
}

/** Okta write requests (anything but GET) the simulator has answered so far. */
function writes(i: TestInstallation): number {
  const requests = i.sim.stats().requests as Record<string, Record<string, number>>;
  let n = 0;
  for (const bucket of ['users', 'user', 'groups', 'group']) for (const [k, v] of Object.entries(requests[bucket] ?? {})) if (!k.startsWith('GET')) n += v;
  return n;
}

function stagedKeys(rt: Runtime, kind: 'admin' | 'panelist'): string[] {
  return [...rt.journal.all([kind])].filter((r) => r.state === 'staged').map((r) => r.key);
}

describe('sync of changed records (rerun of users create) against the simulator', () => {
  it('pushes changed names and emails as partial updates; the login follows the email; plan shows them', async () => {
    inst = await editableInstallation();
    await inst.create();
    let rt = await inst.open();
    const [renamed, moved] = stagedKeys(rt, 'panelist');
    const admin = stagedKeys(rt, 'admin')[0]!;
    const before = { renamed: rt.journal.get('panelist', renamed!)!, moved: rt.journal.get('panelist', moved!)!, admin: rt.journal.get('admin', admin)! };
    rt.close();
    // Someone set a phone number in Okta: a partial update must keep it.
    const movedUser = inst.sim.org.users.get(before.moved.oktaId!)!;
    movedUser.extra = { mobilePhone: '+49 30 1234' };

    editCsv(inst.dir, 'panelists.csv', (c) => {
      if (c[0] === renamed) c[2] = 'Renata';
      if (c[0] === moved) c[1] = 'moved.somewhere@example.org';
      return c;
    });
    editCsv(inst.dir, 'admins.csv', (c) => (c[0] === admin ? [c[0]!, c[1]!, c[2]!, c[3]!, 'Married-Name', c[5]!, c[6]!] : c));

    rt = await inst.open();
    try {
      const p = await plan(rt);
      expect(p.get('panelist')).toMatchObject({ update: 2, create: 0, removed: 0 });
      expect(p.get('admin')).toMatchObject({ update: 1, create: 0, removed: 0 });
      expect(planTable([p.get('panelist')!])).toMatch(/^panelist\s+update \(changed in source\)\s+2$/m);

      const summary = await inst.create({ rt });
      expect(summary).toMatchObject({ created: 0, updated: 3, failed: 0 });

      const u1 = inst.sim.org.users.get(before.renamed.oktaId!)!;
      expect([u1.firstName, u1.lastName, u1.login]).toEqual(['Renata', before.renamed.lastName, before.renamed.login]);
      const u2 = inst.sim.org.users.get(before.moved.oktaId!)!;
      expect([u2.login, u2.email, u2.firstName]).toEqual(['moved.somewhere@example.org', 'moved.somewhere@example.org', before.moved.firstName]);
      expect(u2.extra).toMatchObject({ mobilePhone: '+49 30 1234' });
      expect(inst.sim.org.users.getByLogin(before.moved.login!)).toBeUndefined();
      expect(inst.sim.org.users.get(before.admin.oktaId!)?.lastName).toBe('Married-Name');
      // One Okta user per record still, and the journal follows.
      expect([...oktaLogins(inst.sim).values()].every((n) => n === 1)).toBe(true);
      expect(rt.journal.get('panelist', moved!)).toMatchObject({ state: 'staged', login: 'moved.somewhere@example.org', dirty: false, oktaId: before.moved.oktaId });
      expect((await verifyUsers({ journal: rt.journal, okta: rt.okta! })).differences).toEqual([]);

      // Nothing changed since: the plan is all done, a rerun writes nothing.
      expect((await plan(rt)).get('panelist')).toMatchObject({ update: 0, create: 0 });
      const w = writes(inst);
      expect(await inst.create({ rt })).toMatchObject({ updated: 0, created: 0 });
      expect(writes(inst)).toBe(w);
    } finally {
      rt.close();
    }
  });

  it("never pushes a linked user's source changes (not ours)", async () => {
    inst = await editableInstallation('onExisting: link\n');
    const pre = await inst.open();
    await pre.okta!.createUser({ profile: { login: 'jonas.2@example.com', email: 'jonas.2@example.com', firstName: 'Other', lastName: 'Person' }, passwordHash: null, groupIds: [] });
    pre.close();
    await inst.create();
    editCsv(inst.dir, 'admins.csv', (c) => (c[0] === '2' ? [c[0], c[1]!, c[2]!, 'Jonathan', 'Schneider-Neu', c[5]!, c[6]!] : c));
    const rt = await inst.open();
    try {
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'linked', ours: false });
      expect((await plan(rt)).get('admin')).toMatchObject({ update: 0 });
      const summary = await inst.create({ rt });
      expect(summary.updated).toBe(0);
      const theirs = inst.sim.org.users.getByLogin('jonas.2@example.com')!;
      expect([theirs.firstName, theirs.lastName]).toEqual(['Other', 'Person']);
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'linked' });
    } finally {
      rt.close();
    }
  });

  it('reports a removed or newly excluded panelist as removed; deactivates only with --deactivate-removed', async () => {
    inst = await editableInstallation();
    await inst.create();
    let rt = await inst.open();
    const [gone, excluded] = stagedKeys(rt, 'panelist');
    const goneId = rt.journal.get('panelist', gone!)!.oktaId!;
    const excludedId = rt.journal.get('panelist', excluded!)!.oktaId!;
    rt.close();
    editCsv(inst.dir, 'panelists.csv', (c) => {
      if (c[0] === gone) return null;
      if (c[0] === excluded) c[6] = 'inactive';
      return c;
    });

    rt = await inst.open();
    try {
      const p = await plan(rt);
      expect(p.get('panelist')).toMatchObject({ removed: 2, update: 0, create: 0 });
      expect(planTable([p.get('panelist')!])).toMatch(/^panelist\s+removed from source\s+2$/m);
      const first = await inst.create({ rt });
      expect(first).toMatchObject({ deactivated: 0, failed: 0 });
      expect(rt.journal.get('panelist', gone!)).toMatchObject({ state: 'removed', reason: 'removed.missing', oktaId: goneId });
      expect(rt.journal.get('panelist', excluded!)).toMatchObject({ state: 'removed', reason: 'removed.excluded', oktaId: excludedId });
      expect(inst.sim.org.users.get(goneId)?.status).toBe('STAGED');
      expect(inst.sim.org.users.get(excludedId)?.status).toBe('STAGED');

      const second = await inst.create({ rt, deactivateRemoved: true });
      expect(second).toMatchObject({ deactivated: 2, failed: 0 });
      expect(inst.sim.org.users.get(goneId)?.status).toBe('DEPROVISIONED');
      expect(inst.sim.org.users.get(excludedId)?.status).toBe('DEPROVISIONED');
      expect(rt.journal.get('panelist', gone!)).toMatchObject({ state: 'deactivated' });
      // Nobody else was touched.
      const deprovisioned = [...inst.sim.org.users.iterateFrom(0)].filter((u) => u.status === 'DEPROVISIONED');
      expect(deprovisioned.map((u) => u.id).sort()).toEqual([goneId, excludedId].sort());

      const w = writes(inst);
      expect(await inst.create({ rt, deactivateRemoved: true })).toMatchObject({ deactivated: 0 });
      expect(writes(inst)).toBe(w);
    } finally {
      rt.close();
    }
  });

  it('a removed panelist who comes back with a new email keeps the same Okta user', async () => {
    inst = await editableInstallation();
    await inst.create();
    let rt = await inst.open();
    const row = [...rt.journal.all(['panelist'])].find((r) => r.state === 'staged')!;
    rt.close();
    const original = readFileSync(path.join(inst.dir, 'panelists.csv'), 'utf8');
    editCsv(inst.dir, 'panelists.csv', (c) => (c[0] === row.key ? null : c));
    await inst.create();
    writeFileSync(path.join(inst.dir, 'panelists.csv'), original);
    editCsv(inst.dir, 'panelists.csv', (c) => (c[0] === row.key ? [c[0], 'back.again@example.org', ...c.slice(2)] : c));
    const users = inst.sim.org.users.size;
    rt = await inst.open();
    try {
      expect(rt.journal.get('panelist', row.key)).toMatchObject({ state: 'removed' });
      const summary = await inst.create({ rt });
      expect(summary).toMatchObject({ created: 0, failed: 0 });
      expect(inst.sim.org.users.size).toBe(users);
      expect(inst.sim.org.users.get(row.oktaId!)?.login).toBe('back.again@example.org');
      expect(rt.journal.get('panelist', row.key)).toMatchObject({ state: 'staged', oktaId: row.oktaId, login: 'back.again@example.org' });
    } finally {
      rt.close();
    }
  });

  it('a profile update Okta refuses keeps the Okta user: retried as an update later, never created twice', async () => {
    inst = await editableInstallation();
    await inst.create();
    let rt = await inst.open();
    const key = stagedKeys(rt, 'panelist')[0]!;
    const row = rt.journal.get('panelist', key)!;
    // A login someone else holds in Okta: the update is refused (E0000001).
    await rt.okta!.createUser({ profile: { login: 'taken@example.org', email: 'taken@example.org', firstName: 'T', lastName: 'K' }, passwordHash: null, groupIds: [] });
    rt.close();
    editCsv(inst.dir, 'panelists.csv', (c) => (c[0] === key ? [c[0], 'taken@example.org', ...c.slice(2)] : c));
    rt = await inst.open();
    try {
      const first = await inst.create({ rt });
      expect(first).toMatchObject({ updated: 0, failed: 1, created: 0 });
      const failed = rt.journal.get('panelist', key)!;
      expect([failed.state, failed.oktaId, failed.ours, failed.lastError]).toEqual(['failed', row.oktaId, true, 'E0000001']);
      const users = inst.sim.org.users.size;

      // Still refused on the next run: still no second user.
      expect(await inst.create({ rt })).toMatchObject({ created: 0, failed: 1 });
      expect(inst.sim.org.users.size).toBe(users);

      // The customer fixes the address: the same Okta user gets it.
      editCsv(inst.dir, 'panelists.csv', (c) => (c[0] === key ? [c[0], 'fixed.address@example.org', ...c.slice(2)] : c));
      const third = await inst.create({ rt });
      expect(third).toMatchObject({ created: 0, adopted: 0, updated: 1, failed: 0 });
      expect(inst.sim.org.users.size).toBe(users);
      expect(inst.sim.org.users.get(row.oktaId!)?.login).toBe('fixed.address@example.org');
      expect(rt.journal.get('panelist', key)).toMatchObject({ state: 'staged', oktaId: row.oktaId, dirty: false });
      expect(inst.sim.org.users.getByLogin('taken@example.org')?.firstName).toBe('T');
    } finally {
      rt.close();
    }
  });
});
