import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/sqlite.js';
import { samplesConfig, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli } from '../users/lifecycle-helpers.js';

/**
 * What a new user trips over on a first run: a filter written with another installation's values,
 * plan leaving files and counters behind, a wrong port retried for seconds, activate before create.
 */
let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

const numericFilter = (url: string): string => samplesConfig(url).replace('include: { p_status: [active] }', 'include: { p_status: ["1", "2"] }');
const journalFiles = (i: TestInstallation): string[] => readdirSync(i.dir).filter((f) => f.startsWith('samples.efs-okta.sqlite'));
const refusedPort = (): string => samplesConfig('http://127.0.0.1:1');

describe('cli first run: filters that match nothing are loud', { timeout: 120_000 }, () => {
  it('plan names an include filter that matches no row, with the top 5 values of the column; exit 0, no user created', async () => {
    inst = await testInstallation({ configText: numericFilter });
    const plan = await runCli(inst, ['plan', '--offline']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('WARNING: include: { p_status: [1, 2] } matches no row of the panelist source (200 rows): every one is skipped. ' +
      'Values in column p_status: "active" 155, "blocked" 18, "inactive" 17, "deleted" 10. Check the filter\'s values against these');
    const json = await runCli(inst, ['plan', '--offline', '--json']);
    const parsed = JSON.parse(json.stdout) as { warnings: { kind: string; rule: string; column: string; matched: number }[] };
    expect(parsed.warnings).toMatchObject([{ kind: 'panelist', rule: 'include', column: 'p_status', matched: 0 }]);
  });

  it('users create (and its --dry-run) print the same warning before creating', async () => {
    inst = await testInstallation({ configText: numericFilter });
    const dry = await runCli(inst, ['users', 'create', '--dry-run']);
    expect(dry.stdout).toMatch(/WARNING: include: \{ p_status: \[1, 2\] \} matches no row of the panelist source/);
    const run = await runCli(inst, ['users', 'create']);
    expect(run.stderr).toMatch(/efs-okta: WARNING: include: \{ p_status: \[1, 2\] \} matches no row of the panelist source \(200 rows\)/);
  });

  it('the sample config (filters that fit the data) prints no warning', async () => {
    inst = await testInstallation();
    const plan = await runCli(inst, ['plan', '--offline']);
    expect(plan.stdout).not.toContain('WARNING');
  });
});

describe('cli first run: plan leaves no trace', { timeout: 120_000 }, () => {
  it('plan --offline creates no journal file', async () => {
    inst = await testInstallation();
    const plan = await runCli(inst, ['plan', '--offline']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/journal .*samples\.efs-okta\.sqlite \(not created yet: nothing migrated\)/);
    expect(journalFiles(inst)).toEqual([]);
  });

  it('a plan against the simulator (rate probe) creates no journal file either', async () => {
    inst = await testInstallation();
    const plan = await runCli(inst, ['plan']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/Okta users bucket: limit/);
    expect(journalFiles(inst)).toEqual([]);
  });

  it('a failed plan (wrong port) writes nothing into an existing journal: no retry counters for status', async () => {
    inst = await testInstallation();
    await inst.create();
    const journal = path.join(inst.dir, 'samples.efs-okta.sqlite');
    const count = (): number => {
      const j = openJournal(journal, { readonly: true });
      try {
        return j.activitySince(0).length;
      } finally {
        j.close();
      }
    };
    const before = count();
    const wrong = await runCli(inst, ['plan', '--org-url', 'http://127.0.0.1:1']);
    expect(wrong.code).toBe(3);
    expect(count()).toBe(before);
    const status = await runCli(inst, ['status']);
    expect(status.stdout).toMatch(/429s: 0 and retries: 0 in the last/);
  });
});

describe('cli first run: a refused connection stops at once', { timeout: 120_000 }, () => {
  it('plan names okta.orgUrl and does not say the next run retries', async () => {
    inst = await testInstallation({ configText: refusedPort });
    const plan = await runCli(inst, ['plan']);
    expect(plan.code).toBe(3);
    expect(plan.stderr).toMatch(/got no answer \(ECONNREFUSED\): connection refused: nothing accepts connections at that host and port: check okta\.orgUrl/);
    expect(plan.stderr).not.toMatch(/attempt\(s\)|next run retries/);
  });

  it('users create stops with the same message after one attempt, leaving no record failed', async () => {
    inst = await testInstallation({ configText: refusedPort });
    const run = await runCli(inst, ['users', 'create']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/ECONNREFUSED\): connection refused: .*check okta\.orgUrl/);
    const j = openJournal(path.join(inst.dir, 'samples.efs-okta.sqlite'), { readonly: true });
    try {
      expect(j.countByState().filter((c) => c.state === 'failed')).toEqual([]);
      expect(j.activitySince(0).filter((a) => a.type === 'request:retry')).toEqual([]);
    } finally {
      j.close();
    }
  });
});

describe('cli first run: users activate before users create', { timeout: 120_000 }, () => {
  it('says to run users create first, exit 2, and creates no journal', async () => {
    inst = await testInstallation();
    for (const args of [['users', 'activate'], ['users', 'activate', '--dry-run']]) {
      const r = await runCli(inst, args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/has no admin or panelist records yet: run "efs-okta users create" first/);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(path.join(inst.dir, 'samples.efs-okta.sqlite'))).toBe(false);
  });
});
