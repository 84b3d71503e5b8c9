import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { DIST_CLI, oktaLogins, testInstallation, type TestInstallation } from '../helpers/installation.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

/** Runs the CLI in a child process; async, because the simulator lives in this process. */
function cli(i: TestInstallation, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DIST_CLI, ...args, '-c', i.configFile], { env: { ...process.env, ...i.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('cli/rollback', () => {
  it('without --yes only prints the plan; with --yes leaves the org as it was before phase 1', async () => {
    inst = await testInstallation();
    const before = oktaLogins(inst.sim).size;
    const groupsBefore = [...inst.sim.org.groups.all()].length;
    expect((await cli(inst, 'users', 'create')).code).toBe(1); // the samples hold invalid records
    expect((await cli(inst, 'portals', 'sync')).code).toBe(0);
    expect(oktaLogins(inst.sim).size).toBeGreaterThan(before);

    const dry = await cli(inst, 'rollback', '--all');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/nothing done; pass --yes/);
    expect(dry.stdout).toMatch(/deactivate and delete 3 app/);
    expect([...inst.sim.org.apps.all()].length).toBe(3);

    const done = await cli(inst, 'rollback', '--all', '--yes');
    // stderr carries only the progress lines (NDJSON when not a terminal).
    expect(done.stderr.trim().split('\n').every((l) => (JSON.parse(l) as { type: string }).type === 'progress')).toBe(true);
    expect(done.code).toBe(0);
    expect(oktaLogins(inst.sim).size).toBe(before);
    expect([...inst.sim.org.apps.all()].length).toBe(0);
    expect([...inst.sim.org.groups.all()].length).toBe(groupsBefore);

    // Replaying it is harmless.
    expect((await cli(inst, 'rollback', '--all', '--yes')).code).toBe(0);
  }, 120_000); // five CLI runs: a loaded two-core machine needs more than the default 30 s

  it('refuses --all together with --users by name', async () => {
    inst = await testInstallation();
    const r = await cli(inst, 'rollback', '--all', '--users');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--all already includes --users/);
  });
});
