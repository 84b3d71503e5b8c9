import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/sqlite.js';
import { buildStatus, type StatusModel } from '../../src/report/status-model.js';
import { DIST_CLI, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli, until } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

describe('cli/status and the journal lock', () => {
  it('status (text and --json) reads the journal while another process holds it; a second users create refuses, naming that process', async () => {
    inst = await testInstallation();
    await inst.create();
    // This test process plays the run in progress.
    const holder = await inst.open({ lock: 'users activate' });
    try {
      const requestsBefore = JSON.stringify(inst.sim.stats().requests);
      const [status, json, second] = await Promise.all([
        runCli(inst, ['status']),
        runCli(inst, ['status', '--json']),
        runCli(inst, ['users', 'create']),
      ]);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^installation samples · journal samples\.efs-okta\.sqlite/);
      expect(status.stdout).toMatch(/running: users activate since /);
      expect(status.stdout).toMatch(/panelist\s+staged\s+\d+/);

      // --json prints the status model: buildStatus of the same journal at the same instant.
      expect(json.code).toBe(0);
      const printed = JSON.parse(json.stdout) as StatusModel;
      const journal = openJournal(holder.config.journal, { installation: 'samples', readonly: true });
      try {
        expect(printed).toEqual(buildStatus(journal, { now: printed.generatedAt }));
      } finally {
        journal.close();
      }
      expect(printed.run).toMatchObject({ active: true, command: 'users activate' });
      expect(printed.totals.inOkta).toBeGreaterThan(80);

      expect(second.code).toBe(3);
      expect(second.stderr).toContain(`is in use by "users activate" (process ${process.pid} on ${os.hostname()}`);
      expect(second.stderr).toMatch(/"efs-okta status" shows its progress/);
      expect(second.stdout).toBe('');
      // Refused before anything was sent to Okta.
      expect(JSON.stringify(inst.sim.stats().requests)).toBe(requestsBefore);
    } finally {
      holder.close();
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
