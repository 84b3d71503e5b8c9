import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/app/doctor.js';
import { samplesConfig, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

async function doctor(i: TestInstallation, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; report: DoctorReport; stdout: string }> {
  const r = await runCli(i, ['doctor', '--json'], env);
  return { code: r.code, report: JSON.parse(r.stdout) as DoctorReport, stdout: r.stdout };
}

const check = (report: DoctorReport, name: string) => report.checks.find((c) => c.name === name);

describe('cli/doctor (read-only org checks) against the simulator', () => {
  it('a healthy org: token, users, groups, apps, schema, token share and bucket limits from headers; nothing written', async () => {
    inst = await testInstallation({ sim: { noLimits: false } });
    const text = await runCli(inst, ['doctor']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^OK +token and users: API token works/m);
    inst.sim.reset();
    const { code, report } = await doctor(inst);
    expect(code).toBe(0);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['token and users', 'ok'], ['groups', 'ok'], ['apps', 'ok'], ['user schema', 'ok'], ['principal rate limits', 'ok'], ['buckets', 'ok'],
    ]);
    expect(report.schema?.required).toEqual(['login', 'firstName', 'lastName', 'email']);
    expect(report.buckets).toEqual(expect.arrayContaining([{ bucket: 'users', limit: 600 }, { bucket: 'groups', limit: 500 }, { bucket: 'apps', limit: 100 }]));
    const stats = inst.sim.stats() as { requests: Record<string, Record<string, number>> };
    const requests = Object.values(stats.requests).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
    expect(requests).toBeLessThanOrEqual(8); // a handful of calls
    expect(inst.sim.org.users.size).toBe(0);
    expect(inst.sim.org.groups.size).toBe(1); // Everyone only
  });

  it('an org schema requiring an attribute efs-okta does not send fails doctor and plan (not a million E0000001)', async () => {
    inst = await testInstallation();
    inst.sim.org.behaviour.userSchema.customRequired = ['employeeNumber'];
    inst.sim.org.behaviour.userSchema.customProperties = { employeeNumber: { title: 'Employee number', type: 'string' } };
    const { code, report } = await doctor(inst);
    expect(code).toBe(1);
    expect(check(report, 'user schema')).toMatchObject({ status: 'fail', detail: expect.stringContaining('requires employeeNumber') });
    const plan = await runCli(inst, ['plan']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/error: this Okta org's user schema requires employeeNumber/);
  });

  it('plan checks every record against the org\'s login pattern (schema.mismatch) ', async () => {
    inst = await testInstallation();
    inst.sim.org.behaviour.userSchema.loginPattern = '[a-z0-9.]+@example\\.com';
    const plan = await runCli(inst, ['plan', '--json']);
    expect(plan.code).toBe(0);
    const counts = (JSON.parse(plan.stdout) as { counts: { kind: string; invalid: Record<string, number> }[] }).counts;
    const mismatched = counts.reduce((n, c) => n + (c.invalid['schema.mismatch'] ?? 0), 0);
    expect(mismatched).toBeGreaterThan(10);
    const offline = JSON.parse((await runCli(inst, ['plan', '--json', '--offline'])).stdout) as { counts: { invalid: Record<string, number> }[] };
    expect(offline.counts.every((c) => c.invalid['schema.mismatch'] === undefined)).toBe(true);
  });

  it('a token without the apps scope: apps fails naming the scope, the other checks still run; an existing group is reported', async () => {
    inst = await testInstallation();
    inst.sim.denyScopes(['apps', 'app']);
    const rt = await inst.open();
    try {
      await rt.okta!.createGroup('EFS samples panelists', 'made by hand');
    } finally {
      rt.close();
    }
    const { code, report } = await doctor(inst);
    expect(code).toBe(1);
    expect(check(report, 'apps')).toMatchObject({ status: 'fail', detail: expect.stringContaining('okta.apps.manage') });
    expect(check(report, 'groups')).toMatchObject({ status: 'warn', detail: expect.stringContaining('"EFS samples panelists" exists') });
    expect(check(report, 'user schema')?.status).toBe('ok');
  });

  it('a revoked token: exit 3, the fix named', async () => {
    inst = await testInstallation();
    inst.sim.revokeToken();
    const { code, report } = await doctor(inst);
    expect(code).toBe(3);
    expect(report.checks).toHaveLength(1);
    expect(check(report, 'token and users')).toMatchObject({ status: 'fail', detail: expect.stringContaining('Security > API > Tokens') });
  });

  it('an OAuth service app: whether DPoP is required, and its share from the Principal Rate Limits API', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    inst = await testInstallation({
      sim: { tokenShare: 0.4, oauthApps: [{ clientId: '0oa-doctor', publicJwk: publicKey.export({ format: 'jwk' }) as JWK, dpop: true, scopes: ['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage'] }] },
      configText: (url) => samplesConfig(url).replace(/okta: \{[^}]*\}/, `okta: { orgUrl: ${JSON.stringify(url)}, share: 1, tokenShare: 0.5, oauth: { clientId: 0oa-doctor, privateKeyFile: service.pem } }`),
    });
    const keyFile = path.join(inst.dir, 'service.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    chmodSync(keyFile, 0o600);
    const { code, report } = await doctor(inst, { OKTA_API_TOKEN: '' });
    expect(code).toBe(0);
    expect(check(report, 'token and users')?.detail).toMatch(/OAuth service app 0oa-doctor works.*DPoP-bound tokens/);
    expect(check(report, 'principal rate limits')).toMatchObject({ status: 'warn', detail: expect.stringContaining('set okta.tokenShare: 0.4') });
  });
});
