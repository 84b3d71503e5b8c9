import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { activateUsers } from '../../src/users/activate.js';
import { planRollback, rollbackUsers } from '../../src/users/rollback.js';
import { profileOf } from '../../src/users/outcome.js';
import { FakeClock, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { editableConfig, editCsv, orgPicture } from './lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

function rollback(rt: Runtime, signal?: AbortSignal) {
  return rollbackUsers({ journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: rt.clock }, { installation: 'samples', concurrency: 4, signal });
}

function writes(i: TestInstallation): number {
  const requests = i.sim.stats().requests as Record<string, Record<string, number>>;
  let n = 0;
  for (const b of Object.values(requests)) for (const [k, v] of Object.entries(b)) if (!k.startsWith('GET')) n += v;
  return n;
}

/**
 * An org with a user of someone else, the login of admin 2 (linked), and the panelists' group made
 * by hand before the migration; then phase 1, a sync that deactivates a removed panelist (and sees
 * the linked admin leave the export), phase 2 for the admins, and a create that crashed before its
 * answer was recorded.
 */
async function migrated(): Promise<{ i: TestInstallation; before: string[] }> {
  const i = await testInstallation();
  writeFileSync(i.configFile, editableConfig(i.dir, i.sim.url, 'onExisting: link\n'));
  const pre = await i.open();
  try {
    await pre.okta!.createUser({ profile: { login: 'someone.else@example.org', email: 'someone.else@example.org', firstName: 'Some', lastName: 'One' }, passwordHash: null, groupIds: [] });
    await pre.okta!.createUser({ profile: { login: 'jonas.2@example.com', email: 'jonas.2@example.com', firstName: 'Other', lastName: 'Person' }, passwordHash: null, groupIds: [] });
    await pre.okta!.createGroup('EFS samples panelists', 'made by hand');
  } finally {
    pre.close();
  }
  const before = orgPicture(i.sim);

  // The hand-made group is used only on explicit request (--adopt-groups); it stays theirs.
  await i.create({ limit: 60, adoptGroups: true });
  const rt = await i.open();
  try {
    const [gone, back] = [...rt.journal.all(['panelist'])].filter((r) => r.state === 'staged');
    const original = readFileSync(path.join(i.dir, 'panelists.csv'), 'utf8');
    editCsv(i.dir, 'panelists.csv', (c) => (c[0] === gone!.key ? null : c));
    // The linked admin leaves the export too: still ours to unlink from the group, never to deactivate.
    editCsv(i.dir, 'admins.csv', (c) => (c[0] === '2' ? null : c));
    await i.create({ rt, deactivateRemoved: true, limit: 0 });
    expect(rt.journal.get('panelist', gone!.key)).toMatchObject({ state: 'deactivated' });
    // Another one leaves (not deactivated) and comes back with a new email; the run that would
    // sync it has not got to it yet.
    editCsv(i.dir, 'panelists.csv', (c) => (c[0] === back!.key ? null : c));
    await i.create({ rt, limit: 0 });
    expect(rt.journal.get('panelist', back!.key)).toMatchObject({ state: 'removed' });
    writeFileSync(path.join(i.dir, 'panelists.csv'), original);
    editCsv(i.dir, 'panelists.csv', (c) => (c[0] === gone!.key ? null : c[0] === back!.key ? [c[0], 'back.again@example.org', ...c.slice(2)] : c));
    await i.create({ rt, limit: 0 });
    expect(rt.journal.get('panelist', back!.key)).toMatchObject({ state: 'creating', oktaId: back!.oktaId, login: 'back.again@example.org' });
    expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'removed', ours: false });
    expect(i.sim.org.users.getByLogin('jonas.2@example.com')?.status).toBe('STAGED');
    await activateUsers({ journal: rt.journal, okta: rt.okta!, emitter: rt.emitter, clock: new FakeClock() },
      { installation: 'samples', kinds: ['admin'], sendEmail: true, concurrency: 4 });
    // A crash right after Okta created a user: the journal still says `creating`, without an id.
    const pending = [...rt.journal.all(['panelist'])].find((r) => r.state === 'pending')!;
    rt.journal.setState('panelist', pending.key, { state: 'creating', syncedHash: pending.sourceHash }, Date.now());
    const created = await rt.okta!.createUser({ profile: profileOf(pending), passwordHash: null, groupIds: [rt.journal.group('panelist')!.oktaId] });
    expect(created.outcome).toBe('created');
  } finally {
    rt.close();
  }
  return { i, before };
}

describe('users/rollback against the simulator', () => {
  it('leaves the org as it was before phase 1: foreign and linked users survive, the group we made goes', async () => {
    const { i, before } = await migrated();
    inst = i;
    const rt = await i.open();
    try {
      const rows = [...rt.journal.all()];
      const ours = rows.filter((r) => r.ours && r.oktaId && r.state !== 'creating');
      expect(ours.some((r) => r.state === 'provisioned')).toBe(true);
      expect(rt.journal.group('admin')?.created).toBe(true);
      expect(rt.journal.group('panelist')?.created).toBe(false);

      const plan = planRollback(rt.journal);
      // Looked up: the create that crashed, and the removed panelist that came back.
      expect(plan).toEqual({ deleteUsers: ours.length, unlinkUsers: 1, lookUp: 2, deleteGroups: [{ kind: 'admin', name: 'EFS samples admins' }] });
      // Planning calls nothing.
      expect(orgPicture(i.sim)).not.toEqual(before);

      const result = await rollback(rt);
      expect(result).toEqual({ deleted: ours.length + 2, unlinked: 1, failed: 0, groupsDeleted: 1, interrupted: false });
      expect(orgPicture(i.sim)).toEqual(before);
      expect(i.sim.org.users.getByLogin('jonas.2@example.com')?.firstName).toBe('Other');
      expect(rt.journal.get('admin', '2')).toMatchObject({ state: 'removed', reason: 'rollback.unlinked' });
      for (const r of ours) expect(rt.journal.get(r.kind, r.key)).toMatchObject({ state: 'deleted', reason: 'rollback' });
      expect(rt.journal.group('admin')).toBeNull();

      // A second rollback finds nothing to do and writes nothing.
      const w = writes(i);
      expect(await rollback(rt)).toMatchObject({ deleted: 0, unlinked: 0, failed: 0 });
      expect(writes(i)).toBe(w);
    } finally {
      rt.close();
    }
  });

  it('an interrupted rollback resumes where it stopped', async () => {
    const { i, before } = await migrated();
    inst = i;
    const rt = await i.open();
    try {
      const plan = planRollback(rt.journal);
      const controller = new AbortController();
      let deleted = 0;
      rt.emitter.on('record:state', (e) => {
        if (e.to === 'deleted' && ++deleted === 10) controller.abort(new Error('Ctrl-C'));
      });
      const first = await rollback(rt, controller.signal);
      expect(first.interrupted).toBe(true);
      expect(first.groupsDeleted).toBe(0);
      expect(rt.journal.group('admin')).not.toBeNull();
      expect(orgPicture(i.sim)).not.toEqual(before);

      const second = await rollback(rt);
      expect(second).toMatchObject({ failed: 0, groupsDeleted: 1, interrupted: false });
      // Every user deleted exactly once over the two runs.
      expect(first.deleted + second.deleted).toBe(plan.deleteUsers + plan.lookUp);
      expect(first.unlinked + second.unlinked).toBe(1);
      expect(orgPicture(i.sim)).toEqual(before);
    } finally {
      rt.close();
    }
  });
});

