import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/sqlite.js';
import { buildStatus, type StatusModel } from '../../src/report/status-model.js';
import { DIST_CLI, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli, until } from '../phases/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

describe('cli/status and the journal lock', () => {
  it('status reads the journal while another process holds it; a second users create refuses, naming that process', async () => {
    inst = await testInstallation();
    await inst.create();
    // This test process plays the run in progress.
    const holder = await inst.open({ lock: 'users activate' });
    try {
      const status = await runCli(inst, ['status']);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^installation samples · journal samples\.efs-okta\.sqlite/);
      expect(status.stdout).toMatch(/running: users activate since /);
      expect(status.stdout).toMatch(/panelist\s+staged\s+\d+/);

      const requestsBefore = JSON.stringify(inst.sim.stats().requests);
      const second = await runCli(inst, ['users', 'create']);
      expect(second.code).toBe(3);
      expect(second.stderr).toContain(`is in use by "users activate" (process ${process.pid} on ${os.hostname()}`);
      expect(second.stderr).toMatch(/"efs-okta status" shows its progress/);
      expect(second.stdout).toBe('');
      // Refused before anything was sent to Okta.
      expect(JSON.stringify(inst.sim.stats().requests)).toBe(requestsBefore);
      const activate = await runCli(inst, ['users', 'activate']);
      expect(activate.code).toBe(3);
      expect(activate.stderr).toContain(`process ${process.pid}`);
      expect(inst.sim.outbox()).toHaveLength(0);
    } finally {
      holder.close();
    }
  });

  it('status --json is the status model (buildStatus at the same instant)', async () => {
    inst = await testInstallation();
    await inst.create();
    const r = await runCli(inst, ['status', '--json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as StatusModel;
    const rt = await inst.open();
    const file = rt.config.journal;
    rt.close();
    const journal = openJournal(file, { installation: 'samples', readonly: true });
    try {
      expect(printed).toEqual(buildStatus(journal, { now: printed.generatedAt }));
      expect(printed.run).toMatchObject({ active: false, phase: null });
      expect(printed.totals.inOkta).toBeGreaterThan(80);
    } finally {
      journal.close();
    }
  });

  it('status --watch refreshes until interrupted', async () => {
    inst = await testInstallation();
    await inst.create();
    const child = spawn(process.execPath, [DIST_CLI, 'status', '--watch', '1', '-c', inst.configFile], { env: { PATH: process.env.PATH, ...inst.env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await until(() => (out.match(/^installation samples/gm) ?? []).length >= 2, 5_000_000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
