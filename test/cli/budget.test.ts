import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { DIST_CLI, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli, type CliResult } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
let stateDir = '';
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** A second installation's config and panelists (logins of its own) in the test installation's dir. */
function installation(dir: string, name: string, orgUrl: string, users: number): string {
  const rows = Array.from({ length: users }, (_, i) => `${name}-${i};${name}.${i}@example.com;Pat;${name}${i};active`);
  writeFileSync(path.join(dir, `${name}.csv`), `pcode;u_email;u_firstname;u_name;p_status\n${rows.join('\n')}\n`);
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `installation: ${name}
okta: { orgUrl: ${JSON.stringify(orgUrl)}, concurrency: 4 }
sources:
  panelists:
    file: ${name}.csv
    delimiter: ";"
    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name, status: p_status }
journal: ${name}.sqlite
`);
  return file;
}

/** The built CLI with exactly these arguments (runCli adds the test installation's own -c). */
function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST_CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('cli/shared rate budget (local ledger)', () => {
  it('two installations on one token share it: no 429, status --org lists both while they run, none after', async () => {
    // 120 per 2 s window, 60 of them for the token (Okta's default 50 %): each run gets 30.
    inst = await testInstallation({ sim: { noLimits: false, tokenShare: 0.5, windowSeconds: 2, limits: { users: 120 }, latencyMs: 2, jitterMs: 1 } });
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-state-'));
    const env = { ...inst.env, EFS_OKTA_BUDGET_STORE: 'local', EFS_OKTA_STATE_DIR: stateDir };
    const dir = inst.dir;
    const one = installation(inst.dir, 'one', inst.sim.url, 50);
    const two = installation(inst.dir, 'two', inst.sim.url, 50);
    for (const c of [one, two]) expect((await cli(dir, ['plan', '-c', c], env)).code).toBe(0);
    const runs = [cli(dir, ['users', 'create', '-c', one], env), cli(dir, ['users', 'create', '-c', two], env)];
    let settled = 0;
    for (const r of runs) void r.then(() => settled++);
    let seen = '';
    while (settled === 0) {
      const s = await cli(dir, ['status', '--org', '-c', one], env);
      expect(s.code).toBe(0);
      if (/\bone\b[\s\S]*\btwo\b|\btwo\b[\s\S]*\bone\b/.test(s.stdout)) {
        seen = s.stdout;
        break;
      }
    }
    const [a, b] = await Promise.all(runs);
    expect(a!.stdout).toMatch(/failed 0 in/);
    expect(b!.stdout).toMatch(/failed 0 in/);
    expect(inst.sim.stats().rateLimited).toBe(0);
    expect(inst.sim.org.users.size).toBe(100);
    expect(seen).toMatch(/shared rate budget: local \(.*rate-budget-127\.0\.0\.1_\d+\.sqlite\)/);
    expect(seen).toMatch(/installation +host +pid +token +priority +share/);
    expect(seen).toMatch(/\bone +\S+ +\d+ +ssws:[0-9a-f]{16} +1 +25\.0 %/);
    expect(seen).not.toContain(inst.sim.token);
    const after = await cli(dir, ['status', '--org', '--json', '-c', one], env);
    expect(JSON.parse(after.stdout)).toMatchObject({ store: 'local', runs: [] });
  }, 90_000);

  it('status --org with store none says what to configure', async () => {
    inst = await testInstallation();
    const r = await runCli(inst, ['status', '--org']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/okta\.budget\.store is none: .*--budget-store local/);
  });
});
