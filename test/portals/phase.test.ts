import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { CoreEmitter, type CoreEvents } from '../../src/core/events.js';
import type { PortalStore } from '../../src/journal/contracts.js';
import { openMemoryJournal, type MemoryJournal } from '../../src/journal/memory.js';
import { openOktaGateway } from '../../src/app/okta-gateway.js';
import type { OktaGateway } from '../../src/okta/types.js';
import { portalAppInput, type PortalSettings } from '../../src/portals/settings.js';
import { syncPortals, type PortalDeps, type PortalWriteBack } from '../../src/portals/sync.js';
import { CredentialsFile } from '../../src/portals/credentials-file.js';
import type { PortalRecord } from '../../src/records/types.js';
import { hashSecret } from '../../src/sim/routes/apps.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

/**
 * The portal phase on its own (no CLI), with the real gateway against the simulator: the rarer
 * branches — write-back, labels that only share a prefix, two apps with our exact label, a newer
 * credentials entry, an app deleted in Okta, a renamed portal.
 */
let dir: string;
let sim: Simulator;
let okta: OktaGateway;
let journal: MemoryJournal;
let portals: PortalStore;
let credentials: CredentialsFile;
let emitter: CoreEmitter;
let warnings: CoreEvents['warning'][];

const settings: PortalSettings = { callbackPath: '/oidc/callback', postLogoutPath: '/', tokenEndpointAuthMethod: 'client_secret_basic' };

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-portal-phase-'));
  sim = await startSimulator({ noLimits: true, seed: 11 });
  emitter = new CoreEmitter();
  warnings = [];
  emitter.on('warning', (w) => warnings.push(w));
  okta = openOktaGateway({
    orgUrl: sim.url, share: 0.8, concurrency: 4, maxAttempts: 3, clock: systemClock, emitter,
    credentials: { env: { OKTA_API_TOKEN: sim.token } },
  });
  // The in-memory journal: what is proven here is the phase against Okta; the SQL of the portal rows
  // has its own tests (journal.test.ts, test/journal/contract.test.ts) and sync.test.ts runs it end to end.
  journal = openMemoryJournal();
  portals = journal.portals;
  credentials = new CredentialsFile(path.join(dir, 'portal-credentials.json'));
});
afterEach(async () => {
  journal.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

function portal(key: string, name: string, baseUrl: string): PortalRecord {
  return { key, line: Number(key) + 1, name, baseUrl, redirectUris: [], classification: { state: 'pending' } };
}

const P1 = portal('1', 'Consumer Panel', 'https://panel.example.com');
const P2 = portal('2', 'Employee Portal', 'https://survey.example.com/employee');

function deps(writeBack: PortalWriteBack | null = null): PortalDeps {
  return { portals, journal, okta, emitter, clock: systemClock, credentials, writeBack };
}

const options = { installation: 'acme', settings, assignGroups: ['admin' as const], groupNames: {} };

function appsLabelled(label: string) {
  return [...sim.org.apps.all()].filter((a) => a.label === label);
}

describe('portal phase', () => {
  it('writes back to the database after the credentials file holds the secret, with the same secret', async () => {
    const seen: { key: string; secret: string; inFile: string | undefined; state: string | undefined }[] = [];
    const writeBack: PortalWriteBack = async (c) => {
      seen.push({ key: c.portalKey, secret: c.clientSecret, inFile: credentials.read()[c.portalKey]?.clientSecret, state: portals.get(c.portalKey)?.state });
    };
    const summary = await syncPortals(deps(writeBack), [P1, P2], options);
    expect(summary.counts.created).toBe(2);
    expect(summary.outcomes.map((o) => o.writeBack)).toEqual(['written', 'written']);
    expect(seen.map((s) => s.key)).toEqual(['1', '2']);
    for (const s of seen) {
      expect(s.inFile).toBe(s.secret);
      expect(s.state).toBe('registering');
    }
  });

  it('reports a failed write-back per portal without failing the registration or leaking the secret', async () => {
    const summary = await syncPortals(deps(async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3306'))), [P1, P2], options);
    expect(summary.counts.created).toBe(2);
    expect(summary.writeBackFailed).toBe(2);
    expect(portals.get('1')).toMatchObject({ state: 'registered', message: expect.stringContaining('write-back') });
    expect(warnings.map((w) => w.message).join('\n')).toContain('ECONNREFUSED');
    const secret = credentials.read()['1']?.clientSecret ?? '';
    expect(secret).not.toBe('');
    expect(JSON.stringify(warnings)).not.toContain(secret);
  });

  it('does not adopt an app whose label only starts with ours (q= is a prefix match)', async () => {
    const wanted = portalAppInput(P1, settings, 'acme');
    const lookalike = await okta.createOidcApp({ ...wanted, label: `${wanted.label} (old)` });
    const summary = await syncPortals(deps(), [P1], options);
    expect(summary.counts.created).toBe(1);
    expect(appsLabelled(wanted.label)).toHaveLength(1);
    expect(portals.get('1')?.appId).not.toBe(lookalike.id);
    expect(sim.org.apps.get(lookalike.id)?.label).toBe(`${wanted.label} (old)`);
  });

  it('refuses to pick between two apps with exactly our label, and creates nothing', async () => {
    const wanted = portalAppInput(P1, settings, 'acme');
    await okta.createOidcApp(wanted);
    await okta.createOidcApp(wanted);
    const summary = await syncPortals(deps(), [P1, P2], options);
    expect(summary.counts).toMatchObject({ failed: 1, created: 1 });
    expect(appsLabelled(wanted.label)).toHaveLength(2);
    expect(portals.get('1')).toMatchObject({ state: 'failed', reason: 'APP_AMBIGUOUS', appId: null });
    expect(portals.get('1')?.message).toMatch(/2 Okta apps are labelled exactly/);
    expect(portals.get('2')?.state).toBe('registered');
  });

  it('keeps a newer credentials entry; the next run issues a new secret for the app it already created', async () => {
    writeFileSync(credentials.path, JSON.stringify({ '1': { clientId: 'x', clientSecret: 'kept-newer-secret', appId: 'x', label: 'x', issuedAt: '2999-01-01T00:00:00.000Z' } }));
    const first = await syncPortals(deps(), [P1], options);
    expect(first.outcomes[0]).toMatchObject({ action: 'failed', reason: 'CREDENTIALS_NEWER' });
    expect(credentials.read()['1']?.clientSecret).toBe('kept-newer-secret');
    const appId = portals.get('1')?.appId;
    expect(appId).toBeTruthy();
    expect(portals.get('1')?.secretIssuedAt).toBeNull();

    rmSync(credentials.path);
    const second = await syncPortals(deps(), [P1], options);
    expect(second.outcomes[0]).toMatchObject({ action: 'updated', appId });
    expect(second.outcomes[0]?.changes).toContain('secret');
    const app = sim.org.apps.get(appId ?? '');
    expect(app?.secrets).toHaveLength(1);
    expect(app?.secrets[0]?.hash).toBe(hashSecret(credentials.read()['1']?.clientSecret ?? ''));
    expect(portals.get('1')?.state).toBe('registered');
    expect(sim.org.apps.size).toBe(1);
  });

  it('a rotation that dies before the hand-over is finished by the next run, even without the flag', async () => {
    await syncPortals(deps(), [P1], options);
    const appId = portals.get('1')?.appId ?? '';
    const good = credentials.read()['1'];
    writeFileSync(credentials.path, JSON.stringify({ '1': { ...good, issuedAt: '2999-01-01T00:00:00.000Z' } }));
    const failed = await syncPortals(deps(), [P1], { ...options, rotateSecret: '1' });
    expect(failed.outcomes[0]).toMatchObject({ action: 'failed', reason: 'CREDENTIALS_NEWER' });
    expect(sim.org.apps.get(appId)?.secrets).toHaveLength(2);
    expect(portals.get('1')?.secretIssuedAt).toBeNull();

    // With the file gone, nothing says which of the two secrets the portal uses: neither is removed.
    rmSync(credentials.path);
    const unknown = await syncPortals(deps(), [P1], options);
    expect(unknown.outcomes[0]).toMatchObject({ action: 'failed', reason: 'SECRET_IN_USE_UNKNOWN' });
    expect(sim.org.apps.get(appId)?.secrets.map((s) => s.status)).toEqual(['ACTIVE', 'ACTIVE']);

    // The operator puts back the entry the portal uses: the other secret (nobody has it) makes room.
    writeFileSync(credentials.path, JSON.stringify({ '1': good }));
    const resumed = await syncPortals(deps(), [P1], options);
    expect(resumed.outcomes[0]?.changes).toEqual(['secret']);
    const app = sim.org.apps.get(appId);
    expect(app?.secrets).toHaveLength(1);
    expect(app?.secrets[0]?.hash).toBe(hashSecret(credentials.read()['1']?.clientSecret ?? ''));
    expect(credentials.read()['1']?.clientSecret).not.toBe(good?.clientSecret);
  });

  it('a portal key too long for the app label is invalid (key.too_long) before any Okta call, on every run', async () => {
    const long = portal(`K${'x'.repeat(110)}`, 'Panel', 'https://long.example.com');
    for (let run = 0; run < 2; run++) {
      const summary = await syncPortals(deps(), [long], options);
      expect(summary.outcomes[0]).toMatchObject({ action: 'invalid', reason: 'key.too_long' });
    }
    expect(portals.get(long.key)?.state).toBe('invalid');
    expect(sim.org.apps.size).toBe(0);
  });

  it('registers a portal again when its app was deleted in Okta, with a warning', async () => {
    await syncPortals(deps(), [P1], options);
    const gone = portals.get('1')?.appId ?? '';
    await okta.deactivateApp(gone);
    await okta.deleteApp(gone);
    const summary = await syncPortals(deps(), [P1], options);
    expect(summary.counts.created).toBe(1);
    expect(portals.get('1')?.appId).not.toBe(gone);
    expect(warnings.some((w) => w.code === 'PORTAL_APP_GONE' && w.message.includes(gone))).toBe(true);
  });

  it('relabels the same app when the portal is renamed in the source', async () => {
    await syncPortals(deps(), [P1], options);
    const appId = portals.get('1')?.appId;
    const summary = await syncPortals(deps(), [{ ...P1, name: 'Consumer Panel DE' }], options);
    expect(summary.outcomes[0]).toMatchObject({ action: 'updated', appId, changes: ['label'] });
    expect(sim.org.apps.get(appId ?? '')?.label).toBe('EFS acme · Consumer Panel DE (1)');
    expect(sim.org.apps.size).toBe(1);
  });

  it('a changed token endpoint auth method updates the same app, assigning only the configured groups', async () => {
    await syncPortals(deps(), [P1], options);
    const appId = portals.get('1')?.appId ?? '';
    const admins = journal.group('admin')?.oktaId;
    expect([...(sim.org.apps.get(appId)?.groups.keys() ?? [])]).toEqual([admins]);
    expect(journal.group('panelist')).toBeNull();
    const summary = await syncPortals(deps(), [P1], { ...options, settings: { ...settings, tokenEndpointAuthMethod: 'client_secret_post' } });
    expect(summary.outcomes[0]).toMatchObject({ action: 'updated', appId, changes: ['settings'] });
    expect(sim.org.apps.get(appId)?.tokenEndpointAuthMethod).toBe('client_secret_post');
    expect(sim.org.apps.get(appId)?.secrets).toHaveLength(1);
  });

  it('marks portals that left the source as removed and leaves their apps alone', async () => {
    await syncPortals(deps(), [P1, P2], options);
    const summary = await syncPortals(deps(), [P2], options);
    expect(summary.removed).toBe(1);
    expect(portals.get('1')).toMatchObject({ state: 'removed', reason: 'source.missing' });
    expect(sim.org.apps.size).toBe(2);
  });
});
