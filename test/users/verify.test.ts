import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { activateUsers } from '../../src/users/activate.js';
import { verifyUsers, type Difference } from '../../src/users/verify.js';
import { FakeClock, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { editableConfig, editCsv } from './lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

function brief(d: Difference): string {
  return `${d.type} ${d.kind ?? '-'}:${d.key ?? '-'} ${d.expected} → ${d.actual}`;
}

/** Phase 1 for everyone, phase 2 for the admins: both states are in the org. */
async function installed(): Promise<{ i: TestInstallation; rt: Runtime }> {
  const i = await testInstallation();
  await i.create();
  const rt = await i.open();
  await activateUsers({ journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: new FakeClock() },
    { installation: 'samples', kinds: ['admin'], sendEmail: true, concurrency: 4 });
  return { i, rt };
}

describe('users/verify against the simulator', () => {
  it('finds nothing when journal and Okta agree, using one list call per group page', async () => {
    const { i, rt } = await installed();
    inst = i;
    try {
      const before = (i.sim.stats().requests as Record<string, Record<string, number>>)['user-get'] ?? {};
      const result = await verifyUsers({ journal: rt.journal, okta: rt.okta! });
      expect(result.differences.map(brief)).toEqual([]);
      const tracked = [...rt.journal.all()].filter((r) => ['staged', 'provisioned', 'active'].includes(r.state)).length;
      expect(result.checked).toBe(tracked);
      expect(result.groupMembers).toBe(tracked);
      // Everyone was seen through the groups: no per-user look-up.
      expect((i.sim.stats().requests as Record<string, Record<string, number>>)['user-get'] ?? {}).toEqual(before);
    } finally {
      rt.close();
    }
  });

  it('finds each planted difference: deleted by hand, status changed, profile edited, out of the group, stray member', async () => {
    const { i, rt } = await installed();
    inst = i;
    try {
      const okta = rt.okta!;
      const panelists = [...rt.journal.all(['panelist'])].filter((r) => r.state === 'staged');
      const admin = [...rt.journal.all(['admin'])].find((r) => r.state === 'provisioned')!;
      const [deleted, activated, edited, ungrouped] = panelists;
      const pg = rt.journal.group('panelist')!.oktaId;

      await okta.deactivateUser(deleted!.oktaId!);
      await okta.deleteUser(deleted!.oktaId!);
      await okta.activateUser(activated!.oktaId!, false);
      await okta.deactivateUser(admin.oktaId!);
      await okta.updateUserProfile(edited!.oktaId!, { firstName: 'Edited-By-Hand' });
      await okta.removeUserFromGroup(pg, ungrouped!.oktaId!);
      const stray = await okta.createUser({ profile: { login: 'stray@example.org', email: 'stray@example.org', firstName: 'S', lastName: 'T' }, passwordHash: null, groupIds: [pg] });
      expect(stray.outcome).toBe('created');
      const strayId = stray.outcome === 'created' ? stray.user.id : '';

      const result = await verifyUsers({ journal: rt.journal, okta });
      expect(result.differences.map(brief).sort()).toEqual([
        `missing_in_okta panelist:${deleted!.key} staged → no such user`,
        `not_in_group panelist:${ungrouped!.key} panelist → none`,
        `not_in_journal -:- not in the groups → member of panelist`,
        `profile_drift panelist:${edited!.key} firstName=${edited!.firstName} → firstName=Edited-By-Hand`,
        `unexpected_status admin:${admin.key} provisioned → DEPROVISIONED`,
        `unexpected_status panelist:${activated!.key} staged → PROVISIONED`,
      ].sort());
      const strayDiff = result.differences.find((d) => d.type === 'not_in_journal')!;
      expect([strayDiff.oktaId, strayDiff.login]).toEqual([strayId, 'stray@example.org']);
    } finally {
      rt.close();
    }
  });

  it('knows the users of removed and deactivated records: still in the groups, not strangers', async () => {
    inst = await testInstallation();
    writeFileSync(inst.configFile, editableConfig(inst.dir, inst.sim.url));
    await inst.create();
    const rt = await inst.open();
    try {
      const gone = [...rt.journal.all(['panelist'])].filter((r) => r.state === 'staged').slice(0, 2);
      editCsv(inst.dir, 'panelists.csv', (c) => (gone.some((g) => g.key === c[0]) ? null : c));
      await inst.create({ rt });
      for (const g of gone) expect(rt.journal.get('panelist', g.key)).toMatchObject({ state: 'removed' });
      expect((await verifyUsers({ journal: rt.journal, okta: rt.okta! })).differences.map(brief)).toEqual([]);

      await inst.create({ rt, deactivateRemoved: true });
      for (const g of gone) expect(inst.sim.org.users.get(g.oktaId!)?.status).toBe('DEPROVISIONED');
      expect((await verifyUsers({ journal: rt.journal, okta: rt.okta! })).differences.map(brief)).toEqual([]);
    } finally {
      rt.close();
    }
  });

  it("does not report a linked user's own profile (not ours) as drift", async () => {
    inst = await testInstallation({ extraConfig: 'onExisting: link\n' });
    const pre = await inst.open();
    await pre.okta!.createUser({ profile: { login: 'jonas.2@example.com', email: 'jonas.2@example.com', firstName: 'Other', lastName: 'Person' }, passwordHash: null, groupIds: [] });
    pre.close();
    await inst.create();
    const rt = await inst.open();
    try {
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'linked' });
      const result = await verifyUsers({ journal: rt.journal, okta: rt.okta! });
      expect(result.differences.map(brief)).toEqual([]);
    } finally {
      rt.close();
    }
  });

  it('tells PROVISIONED from ACTIVE: a journal "active" user still PROVISIONED in Okta is a difference; a "provisioned" one who set a password since is progress, counted apart', async () => {
    const { i, rt } = await installed();
    inst = i;
    try {
      const admins = [...rt.journal.all(['admin'])].filter((r) => r.state === 'provisioned');
      const [setPassword, claimedActive] = admins;
      // One admin follows the link; the journal of another claims ACTIVE while Okta has PROVISIONED.
      i.sim.org.users.get(setPassword!.oktaId!)!.status = 'ACTIVE';
      rt.journal.setState('admin', claimedActive!.key, { state: 'active' }, Date.now());
      const result = await verifyUsers({ journal: rt.journal, okta: rt.okta! });
      expect(result.differences.map(brief)).toEqual([`unexpected_status admin:${claimedActive!.key} active → PROVISIONED`]);
      expect(result.passwordSetSinceRefresh).toBe(1);
    } finally {
      rt.close();
    }
  });
});
