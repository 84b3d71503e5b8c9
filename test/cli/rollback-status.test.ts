import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/sqlite.js';
import type { StatusModel } from '../../src/report/status-model.js';
import { oktaLogins, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

const journalOf = (i: TestInstallation): string => path.join(i.dir, 'samples.efs-okta.sqlite');

// Several CLI runs against the simulator per test: a loaded two-core machine needs more than the default 30 s.
describe('cli status after runs end: finished, killed, rolled back', { timeout: 120_000 }, () => {
  it('a run whose lock holder is gone (killed) shows as interrupted, with the command to continue', async () => {
    inst = await testInstallation();
    await inst.create();
    // A process that has exited: its pid is what a killed run leaves in the lock.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const j = openJournal(journalOf(inst), { installation: 'samples' });
    const started = Date.now() - 60_000;
    j.startRun('create', started);
    j.db.prepare('INSERT INTO lock (id, pid, host, command, started_at, heartbeat) VALUES (1, ?, ?, ?, ?, ?)').run(gone, os.hostname(), 'users create', started, started);
    j.close();

    const status = await runCli(inst, ['status']);
    expect(status.stdout).toContain(`interrupted: users create started at ${new Date(started).toISOString()} did not finish (its process is gone): run "efs-okta users create" again to continue`);
    expect(status.stdout).not.toMatch(/running:/);
    const json = JSON.parse((await runCli(inst, ['status', '--json'])).stdout) as StatusModel;
    expect(json.run).toMatchObject({ active: false, interrupted: true, command: 'users create', outcome: 'interrupted' });
    // The next run takes the lock over and continues.
    expect((await runCli(inst, ['users', 'create'])).code).toBe(1);
    expect((await runCli(inst, ['status'])).stdout).toMatch(/no run in progress \(last: users create done at /);
  });

  it('a finished run reads as what it did: no "now" rate, no "(not moving)", how long it took', async () => {
    inst = await testInstallation();
    expect((await runCli(inst, ['users', 'create'])).code).toBe(1); // the samples hold invalid records
    const status = await runCli(inst, ['status']);
    expect(status.stdout).toMatch(/no run in progress \(last: users create done at \S+, took (\d+s|under a second)\)/);
    expect(status.stdout).toMatch(/last run's progress: create, all 93 records in (\d+s \(\d+\/min\)|under a second)/);
    expect(status.stdout).not.toMatch(/\/min now|not moving|over 5m|bucket other|ETA/);
    expect(status.stdout).toMatch(/needs attention:\n {2}panelist invalid email\.non_ascii: 60\n {2}admin invalid email\.non_ascii: 2/);
  });
});

describe('cli rollback: dry run, one kind, progress, recorded like every run', { timeout: 120_000 }, () => {
  it('--dry-run prints the plan and changes nothing; --kind admins deletes only the admins', async () => {
    inst = await testInstallation();
    await inst.create();
    const before = oktaLogins(inst.sim).size;
    const dry = await runCli(inst, ['rollback', '--users', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/rollback plan \(nothing done; pass --yes to do it\):\n {2}users: delete 93 created by this journal/);
    expect(oktaLogins(inst.sim).size).toBe(before);
    expect((await runCli(inst, ['rollback', '--users', '--dry-run', '--yes'])).code).toBe(2);

    const adminsDry = await runCli(inst, ['rollback', '--users', '--kind', 'admins']);
    expect(adminsDry.stdout).toMatch(/for admins:\n {2}users: delete 6 created by this journal/);
    expect(adminsDry.stdout).toMatch(/groups: delete EFS samples admins once empty/);
    const admins = await runCli(inst, ['rollback', '--users', '--kind', 'admins', '--yes']);
    expect(admins.code).toBe(0);
    expect(admins.stdout).toMatch(/users deleted 6, unlinked 0, failed 0; groups deleted 1 in \d+s\n/);
    expect(oktaLogins(inst.sim).size).toBe(before - 6);
    expect((await runCli(inst, ['rollback', '--portals', '--kind', 'admins'])).code).toBe(2);
  });

  it('shows progress with an ETA, appears in status and in the HTML report, whose tables list the deleted records', async () => {
    inst = await testInstallation();
    await inst.create();
    const rb = await runCli(inst, ['rollback', '--users', '--yes']);
    expect(rb.code).toBe(0);
    const progress = rb.stderr.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase: string; done: number; total: number; etaMs: number | null });
    expect(progress.at(-1)).toMatchObject({ type: 'progress', phase: 'rollback', done: 93, total: 93, etaMs: 0 });

    const status = await runCli(inst, ['status']);
    expect(status.stdout).toMatch(/no run in progress \(last: rollback done at \S+, took (\d+s|under a second)\)/);
    expect(status.stdout).toMatch(/panelist\s+deleted\s+87/);

    const out = path.join(inst.dir, 'report.html');
    expect((await runCli(inst, ['report', '--format', 'html', '-o', out])).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Nothing is in Okta now: 93 record(s) this migration had created were deleted again by rollback');
    expect(html).not.toContain('Nothing is in Okta yet');
    expect(html).toMatch(/<td>panelist<\/td><td><code>deleted<\/code><\/td><td><code>rollback<\/code><\/td><td>deleted from Okta by efs-okta rollback[^<]*<\/td><td class="n">87<\/td>/);
    expect(html).toMatch(/<tr><td>rollback<\/td><td>[^<]+<\/td><td>\d+s<\/td><td>done<\/td>/);
  });

  it('a later portals sync registers the apps again without warning about the apps rollback deleted', async () => {
    inst = await testInstallation();
    expect((await runCli(inst, ['portals', 'sync'])).code).toBe(0);
    expect((await runCli(inst, ['rollback', '--portals', '--yes'])).code).toBe(0);
    expect([...inst.sim.org.apps.all()].length).toBe(0);
    const again = await runCli(inst, ['portals', 'sync']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/no longer exists|warning/);
    expect([...inst.sim.org.apps.all()].length).toBe(3);
  });
});
