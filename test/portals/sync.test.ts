import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { CoreEmitter } from '../../src/core/events.js';
import { portalJournal } from '../../src/journal/portals.js';
import { openJournal } from '../../src/journal/sqlite.js';
import { openOktaGateway } from '../../src/app/okta-gateway.js';
import { portalAppInput } from '../../src/portals/settings.js';
import type { AppRec } from '../../src/sim/store/apps.js';
import { hashSecret } from '../../src/sim/routes/apps.js';
import { readCredentials, startPortalHarness, type PortalHarness } from './harness.js';

let h: PortalHarness;
beforeEach(async () => {
  h = await startPortalHarness();
});
afterEach(async () => {
  await h.close();
});

const LABELS = ['EFS acme · Consumer Panel (1)', 'EFS acme · Employee Portal (2)', 'EFS acme · Customer Community (3)'];

function apps(): AppRec[] {
  return [...h.sim.org.apps.all()].sort((a, b) => a.seq - b.seq);
}

function appByLabel(label: string): AppRec {
  const found = apps().filter((a) => a.label === label);
  expect(found).toHaveLength(1);
  return found[0] as AppRec;
}

/** The one secret Okta holds for the app is the one in the credentials file. */
function expectFileHoldsTheOnlySecret(key: string, app: AppRec): string {
  const entry = readCredentials(h.credentialsFile)[key];
  expect(entry).toBeDefined();
  expect(app.secrets).toHaveLength(1);
  expect(app.secrets[0]?.status).toBe('ACTIVE');
  expect(app.secrets[0]?.hash).toBe(hashSecret(entry?.clientSecret ?? ''));
  return entry?.clientSecret ?? '';
}

function expectSecretsNowhereElse(secrets: string[], outputs: string[]): void {
  const journal = h.journalBytes();
  for (const s of secrets) {
    expect(s.length).toBeGreaterThan(20);
    expect(journal.includes(Buffer.from(s))).toBe(false);
    for (const o of outputs) expect(o).not.toContain(s);
  }
}

function setUrl(key: string, url: string): void {
  const lines = readFileSync(h.csv, 'utf8').split('\n').map((l) => (l.startsWith(`${key};`) ? l.replace(/;https?:[^;]*;/, `;${url};`) : l));
  writeFileSync(h.csv, lines.join('\n'));
}

describe('portals sync against the simulator', () => {
  it('registers every sample portal as an OIDC web app with the right settings and group assignments', async () => {
    const run = await h.sync();
    expect(run.code).toBe(0);
    expect(apps().map((a) => a.label)).toEqual(LABELS);
    const admins = h.sim.org.groups.getByName('EFS acme admins');
    const panelists = h.sim.org.groups.getByName('EFS acme panelists');
    expect(admins && panelists).toBeTruthy();

    const employee = appByLabel(LABELS[1] as string);
    expect(employee).toMatchObject({ name: 'oidc_client', signOnMode: 'OPENID_CONNECT', status: 'ACTIVE', tokenEndpointAuthMethod: 'client_secret_basic' });
    expect(employee.oauthClient).toMatchObject({
      redirect_uris: ['https://survey.example.com/employee/oidc/callback'],
      post_logout_redirect_uris: ['https://survey.example.com/employee/'],
      initiate_login_uri: 'https://survey.example.com/employee/login',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      application_type: 'web',
    });
    expect(appByLabel(LABELS[0] as string).oauthClient.redirect_uris).toEqual(['https://panel.example.com/oidc/callback']);

    const secrets: string[] = [];
    const journal = openJournal(h.journalFile, { readonly: true });
    try {
      const rows = portalJournal(journal).all();
      expect(rows.map((r) => [r.key, r.state])).toEqual([['1', 'registered'], ['2', 'registered'], ['3', 'registered']]);
      for (const [i, key] of ['1', '2', '3'].entries()) {
        const app = appByLabel(LABELS[i] as string);
        expect([...app.groups.keys()].sort()).toEqual([admins?.id, panelists?.id].sort());
        const row = rows.find((r) => r.key === key);
        expect(row).toMatchObject({ appId: app.id, clientId: app.clientId, label: app.label });
        expect(row?.secretIssuedAt).not.toBeNull();
        const entry = readCredentials(h.credentialsFile)[key];
        expect(entry).toMatchObject({ clientId: app.clientId, appId: app.id, label: app.label });
        expect(Number.isNaN(Date.parse(entry?.issuedAt ?? ''))).toBe(false);
        secrets.push(expectFileHoldsTheOnlySecret(key, app));
      }
    } finally {
      journal.close();
    }
    expect(statSync(h.credentialsFile).mode & 0o777).toBe(0o600);
    expectSecretsNowhereElse(secrets, [run.stdout, run.stderr]);
    expect(run.stdout).toContain('3 client secret(s) written to');
  });

  it('a rerun sends no write request and changes nothing (apps, secrets, credentials file)', async () => {
    expect((await h.sync()).code).toBe(0);
    const before = JSON.stringify(apps().map((a) => ({ ...a, groups: [...a.groups.entries()] })));
    const file = readFileSync(h.credentialsFile, 'utf8');
    const mark = h.proxy.requests.length;
    const rerun = await h.sync();
    expect(rerun.code).toBe(0);
    expect(h.proxy.requests.length).toBeGreaterThan(mark);
    expect(h.proxy.writesSince(mark)).toEqual([]);
    expect(JSON.stringify(apps().map((a) => ({ ...a, groups: [...a.groups.entries()] })))).toBe(before);
    expect(readFileSync(h.credentialsFile, 'utf8')).toBe(file);
    expect(rerun.stdout).toContain('unchanged 3');
  });

  it('a changed base URL updates the redirect URIs of the same app and issues no new secret', async () => {
    await h.sync();
    const before = appByLabel(LABELS[1] as string);
    const file = readFileSync(h.credentialsFile, 'utf8');
    setUrl('2', 'https://surveys.example.net/staff');
    const mark = h.proxy.requests.length;
    const run = await h.sync();
    expect(run.code).toBe(0);
    const after = appByLabel(LABELS[1] as string);
    expect(after.id).toBe(before.id);
    expect(after.oauthClient.redirect_uris).toEqual(['https://surveys.example.net/staff/oidc/callback']);
    expect(after.oauthClient.post_logout_redirect_uris).toEqual(['https://surveys.example.net/staff/']);
    expect(apps()).toHaveLength(3);
    expect(h.proxy.writesSince(mark).map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/v1/apps/${before.id}`]);
    expect(readFileSync(h.credentialsFile, 'utf8')).toBe(file);
    expect(run.stdout).toMatch(/2\s+updated.*redirect_uris/);
  });

  it('an invalid URL is rejected with its reason while the others register (exit 1)', async () => {
    writeFileSync(h.csv, `${readFileSync(h.csv, 'utf8').trimEnd()}\n4;Old Panel;http://old.example.com/;panel\n5;Wild;https://*.example.com/;panel\n`);
    const run = await h.sync();
    expect(run.code).toBe(1);
    expect(apps().map((a) => a.label)).toEqual(LABELS);
    const journal = openJournal(h.journalFile, { readonly: true });
    try {
      const pj = portalJournal(journal);
      expect(pj.get('4')).toMatchObject({ state: 'invalid', reason: 'url.not_https', appId: null });
      expect(pj.get('5')).toMatchObject({ state: 'invalid', reason: 'url.wildcard', appId: null });
      expect(pj.get('3')?.state).toBe('registered');
    } finally {
      journal.close();
    }
    expect(run.stdout).toMatch(/4\s+invalid.*url\.not_https/);
    expect(Object.keys(readCredentials(h.credentialsFile))).toEqual(['1', '2', '3']);
  });

  it('after a crash between Okta\'s answer and the journal write, finds the one app by label and recovers its secret without rotating', async () => {
    // The "crashed" run: Okta created the app and answered, the journal never heard of it.
    const config = loadConfig(h.configFile, { orgUrl: h.proxy.url });
    const okta = openOktaGateway({
      orgUrl: h.proxy.url, share: 0.8, concurrency: 4, maxAttempts: 3, clock: systemClock, emitter: new CoreEmitter(),
      credentials: { env: { OKTA_API_TOKEN: h.sim.token } },
    });
    const record = { key: '2', line: 3, name: 'Employee Portal', baseUrl: 'https://survey.example.com/employee', redirectUris: [], classification: { state: 'pending' as const } };
    const lost = await okta.createOidcApp(portalAppInput(record, config.portals, 'acme'));
    expect(lost.clientSecret).toBeTruthy();

    const mark = h.proxy.requests.length;
    const run = await h.sync();
    expect(run.code).toBe(0);
    const app = appByLabel(LABELS[1] as string);
    expect(app.id).toBe(lost.id);
    expect(apps()).toHaveLength(3);
    // Okta shows the secret again in the answer to an update (PUT): the lost one is handed over,
    // nothing is rotated (no request to the app's credentials/secrets).
    const secret = expectFileHoldsTheOnlySecret('2', app);
    expect(secret).toBe(lost.clientSecret);
    expect(h.proxy.writesSince(mark).filter((r) => r.path.startsWith(`/api/v1/apps/${app.id}/credentials/secrets`))).toEqual([]);
    const journal = openJournal(h.journalFile, { readonly: true });
    try {
      expect(portalJournal(journal).get('2')).toMatchObject({ state: 'registered', appId: lost.id });
    } finally {
      journal.close();
    }
    expect(run.stdout).toMatch(/2\s+adopted/);
    expectSecretsNowhereElse([secret, lost.clientSecret ?? ''], [run.stdout, run.stderr]);
  });

  it('a create whose answer was lost is looked up by label, not sent again: one app, one secret, registered in the same run', async () => {
    h.proxy.dropAnswerOnce((method, p) => method === 'POST' && p.split('?')[0] === '/api/v1/apps');
    const run = await h.sync();
    expect(run.code).toBe(0);
    expect(h.proxy.requests.filter((r) => r.method === 'POST' && r.path.split('?')[0] === '/api/v1/apps')).toHaveLength(3);
    expect(h.proxy.requests.some((r) => r.status === 'dropped')).toBe(true);
    expect(apps().map((a) => a.label)).toEqual(LABELS);
    for (const [i, key] of ['1', '2', '3'].entries()) expectFileHoldsTheOnlySecret(key, appByLabel(LABELS[i] as string));
    expect(run.stdout).toMatch(/1\s+adopted/);
  });

  it('a portal left in `registering` by a killed run is looked up by label first', async () => {
    await h.sync();
    const first = appByLabel(LABELS[0] as string);
    // Simulate the journal of a run killed right after it wrote `registering` and Okta created the app.
    const journal = openJournal(h.journalFile);
    portalJournal(journal).update('1', { state: 'registering', appId: null, clientId: null, secretIssuedAt: null }, Date.now());
    journal.close();
    const mark = h.proxy.requests.length;
    const run = await h.sync();
    expect(run.code).toBe(0);
    expect(appByLabel(LABELS[0] as string).id).toBe(first.id);
    expect(h.proxy.writesSince(mark).some((r) => r.method === 'POST' && r.path.split('?')[0] === '/api/v1/apps')).toBe(false);
    expectFileHoldsTheOnlySecret('1', appByLabel(LABELS[0] as string));
  });

  it('--rotate-secret issues a new secret, retires the old one and rewrites only that entry', async () => {
    await h.sync();
    const before = readCredentials(h.credentialsFile);
    const mark = h.proxy.requests.length;
    const run = await h.sync('--rotate-secret', '2');
    expect(run.code).toBe(0);
    const after = readCredentials(h.credentialsFile);
    expect(after['1']).toEqual(before['1']);
    expect(after['3']).toEqual(before['3']);
    expect(after['2']?.clientSecret).not.toBe(before['2']?.clientSecret);
    expect(after['2']?.clientId).toBe(before['2']?.clientId);
    expect(Date.parse(after['2']?.issuedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(before['2']?.issuedAt ?? ''));
    const app = appByLabel(LABELS[1] as string);
    expectFileHoldsTheOnlySecret('2', app);
    const writes = h.proxy.writesSince(mark);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((r) => r.path.startsWith(`/api/v1/apps/${app.id}/credentials/secrets`))).toBe(true);
    expectSecretsNowhereElse([after['2']?.clientSecret ?? '', before['2']?.clientSecret ?? ''], [run.stdout, run.stderr]);
  });

  it('--rotate-secret with a key not in the source is a usage error before any call', async () => {
    const run = await h.sync('--rotate-secret', 'nope');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no portal with this key');
    expect(h.proxy.requests).toEqual([]);
  });

  it('--dry-run calls nothing in Okta, writes no credentials and leaves the journal unchanged', async () => {
    const run = await h.sync('--dry-run');
    expect(run.code).toBe(0);
    expect(h.proxy.requests).toEqual([]);
    expect(run.stdout).toMatch(/1\s+create/);
    expect(readCredentials(h.credentialsFile)).toEqual({});
    const journal = openJournal(h.journalFile, { readonly: true });
    try {
      expect(portalJournal(journal).all()).toEqual([]);
    } finally {
      journal.close();
    }
  });
});
