import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/users/verify.js';
import { testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

describe('cli/verify', () => {
  it('exits 0 only when journal and Okta agree; --json and -o CSV list the differences', async () => {
    inst = await testInstallation();
    await inst.create();
    const ok = await runCli(inst, ['verify']);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^journal and Okta agree: \d+ users checked, \d+ group members$/m);
    expect(ok.code).toBe(0);

    // Edited in the Okta Admin Console by hand.
    const rt = await inst.open();
    const row = [...rt.journal.all(['panelist'])].find((r) => r.state === 'staged')!;
    rt.close();
    inst.sim.org.users.get(row.oktaId!)!.lastName = 'Hand-Edited';

    const csv = path.join(inst.dir, 'differences.csv');
    const bad = await runCli(inst, ['verify', '--json', '-o', csv]);
    expect(bad.code).toBe(1);
    const result = JSON.parse(bad.stdout) as VerifyResult;
    expect(result.differences).toEqual([{
      type: 'profile_drift', kind: 'panelist', key: row.key, login: row.login, oktaId: row.oktaId,
      expected: `lastName=${row.lastName}`, actual: 'lastName=Hand-Edited',
    }]);
    expect(statSync(csv).mode & 0o777).toBe(0o600);
    const lines = readFileSync(csv, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('type,kind,key,login,okta_id,expected,actual');
    expect(lines[1]).toContain(`profile_drift,panelist,${row.key},`);
    expect(lines[1]).toContain('lastName=Hand-Edited');
  });
});
