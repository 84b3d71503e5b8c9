import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIST_CLI, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

describe('cli/users activate', () => {
  it('--no-email writes the links to a 0600 file in reportDir and nothing secret to stdout or stderr', async () => {
    inst = await testInstallation();
    await inst.create();
    const r = await runCli(inst, ['users', 'activate', '--kind', 'admins', '--no-email']);
    expect(r.code).toBe(0);
    expect(inst.sim.outbox()).toHaveLength(0);
    const reportDir = path.join(inst.dir, 'samples-reports');
    const files = readdirSync(reportDir).filter((f) => f.startsWith('activation-links-'));
    expect(files).toHaveLength(1);
    const file = path.join(reportDir, files[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('kind,key,login,activation_url');
    const urls = lines.slice(1).map((l) => l.split(',').at(-1)!);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    expect(urls.every((u) => u.startsWith(`${inst!.sim.url}/welcome/`))).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`activated ${urls.length} \\(0 emailed, ${urls.length} links\\)`));
    expect(r.stdout).toContain(file);
    for (const u of urls) {
      expect(r.stdout).not.toContain(u.slice(u.lastIndexOf('/') + 1));
      expect(r.stderr).not.toContain(u.slice(u.lastIndexOf('/') + 1));
    }
    expect(r.stdout + r.stderr).not.toContain('/welcome/');
  });

  it('--dry-run calls nothing; --only and --max limit who gets an email', async () => {
    inst = await testInstallation();
    await inst.create();
    const requests = JSON.stringify(inst.sim.stats().requests);
    const dry = await runCli(inst, ['users', 'activate', '--dry-run', '--per-hour', '60', '--max', '30']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would activate 30 of \d+ staged users, each receiving an activation email, over about 0\.5 h/);
    expect(JSON.stringify(inst.sim.stats().requests)).toBe(requests);

    // Two panelists by login (any case) and one by source key; --max 2 keeps the first two in journal order.
    const rt = await inst.open();
    const staged = [...rt.journal.all(['panelist'])].filter((x) => x.state === 'staged').slice(0, 3);
    rt.close();
    const only = path.join(inst.dir, 'wave.txt');
    writeFileSync(only, `# wave 1\n${staged[0]!.login!.toUpperCase()}\n\n${staged[1]!.key}\n${staged[2]!.login}\n`);
    // The dry run counts who --only and --max select, as the run will.
    const dryOnly = await runCli(inst, ['users', 'activate', '--dry-run', '--kind', 'panelists', '--only', only]);
    expect(dryOnly.stdout).toMatch(/would activate 3 of \d+ staged users \(those of .*wave\.txt\)/);
    const dryOnlyMax = await runCli(inst, ['users', 'activate', '--dry-run', '--kind', 'panelists', '--only', only, '--max', '2', '--order', 'key']);
    expect(dryOnlyMax.stdout).toMatch(/would activate 2 of \d+ staged users/);
    const r = await runCli(inst, ['users', 'activate', '--kind', 'panelists', '--only', only, '--max', '2', '--order', 'key']);
    expect(r.code).toBe(0);
    expect(inst.sim.outbox().map((e) => e.login).sort()).toEqual([staged[0]!.login, staged[1]!.login].sort());
    expect(r.stdout).toMatch(/activated 2 \(2 emailed, 0 links\)/);
  });

  it('--start-at waits before the first email: killed while waiting nothing was sent; started again after the time, it sends', async () => {
    inst = await testInstallation();
    await inst.create();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const child = spawn(process.execPath, [DIST_CLI, 'users', 'activate', '--kind', 'admins', '--start-at', later, '-c', inst.configFile], {
      cwd: inst.dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...inst.env },
    });
    let out = '';
    // The plan line is printed just before the wait: kill the run once it waits.
    await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('starting ')) resolve();
    }));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    expect(out).toMatch(new RegExp(`will send \\d+ activation emails to \\d+ admins, as fast as the rate limits allow, starting ${later.replace(/[.]/g, '\\.')} \\(in (59m|1h)`));
    expect(inst.sim.outbox()).toHaveLength(0);
    const rt = await inst.open();
    expect([...rt.journal.all(['admin'])].filter((r) => r.state === 'staged').length).toBeGreaterThan(3);
    rt.close();
    const r = await runCli(inst, ['users', 'activate', '--kind', 'admins', '--start-at', new Date(Date.now() - 60_000).toISOString()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('starting now');
    expect(inst.sim.outbox().length).toBeGreaterThan(3);
  });
});
