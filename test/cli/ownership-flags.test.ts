import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testInstallation, type TestInstallation } from '../helpers/installation.js';
import { editableConfig, runCli } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

const deprovisioned = (i: TestInstallation): number => [...i.sim.org.users.iterateFrom(0)].filter((u) => u.status === 'DEPROVISIONED').length;

describe('cli users create: the mass-change guard and --adopt-groups', () => {
  it('a header-only export with --deactivate-removed exits 2 naming --yes and the share, deactivating nobody; a higher --max-deactivate-share is still checked, --yes runs it; plan then shows the reactivations', async () => {
    inst = await testInstallation();
    writeFileSync(inst.configFile, editableConfig(inst.dir, inst.sim.url));
    expect((await runCli(inst, ['users', 'create'])).code).toBe(1); // the samples hold invalid records
    const panelists = path.join(inst.dir, 'panelists.csv');
    const full = readFileSync(panelists, 'utf8');
    writeFileSync(panelists, `${full.split('\n')[0]}\n`);

    const stopped = await runCli(inst, ['users', 'create', '--deactivate-removed']);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/would deactivate \d+ of the installation's \d+ Okta users \(\d+ %\), more than the 5\.0 % allowed .*--yes/);
    expect(deprovisioned(inst)).toBe(0);
    // Raising the share to 50 % is still too little for nearly every panelist; --yes confirms.
    expect((await runCli(inst, ['users', 'create', '--deactivate-removed', '--max-deactivate-share', '0.5'])).code).toBe(2);
    const confirmed = await runCli(inst, ['users', 'create', '--deactivate-removed', '--yes']);
    expect(confirmed.stdout).toMatch(/deactivated [1-9]\d*/);
    const gone = deprovisioned(inst);
    expect(gone).toBeGreaterThan(50);

    writeFileSync(panelists, full);
    const plan = await runCli(inst, ['plan']);
    expect(plan.stdout).toMatch(new RegExp(`panelist\\s+back in source, deactivated: reactivate \\(users activate\\)\\s+${gone}`));
    const rerun = await runCli(inst, ['users', 'create']);
    expect(rerun.stderr).toMatch(new RegExp(`${gone} users whose Okta user was deactivated are back in the source: "efs-okta users activate" reactivates them`));
    const activate = await runCli(inst, ['users', 'activate', '--kind', 'panelists', '--yes']);
    expect(activate.code, activate.stderr).toBe(0);
    expect(activate.stdout).toMatch(new RegExp(`reactivated ${gone}`));
    expect(deprovisioned(inst)).toBe(0);
  }, 90_000);

  it('a group with the installation name made by someone else stops users create (exit 2) until --adopt-groups', async () => {
    inst = await testInstallation();
    const rt = await inst.open();
    await rt.okta!.createGroup('EFS samples admins', 'made by hand');
    rt.close();
    const refused = await runCli(inst, ['users', 'create']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Okta already has a group "EFS samples admins" .* --adopt-groups/);
    expect(inst.sim.org.users.size).toBe(0);
    const adopted = await runCli(inst, ['users', 'create', '--adopt-groups']);
    expect(adopted.code).toBe(1);
    expect(inst.sim.org.users.size).toBeGreaterThan(50);
  });
});
