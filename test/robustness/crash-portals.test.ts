import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/sqlite.js';
import { portalJournal, type PortalRow } from '../../src/journal/portals.js';
import type { PortalCredentialEntry } from '../../src/portals/credentials-file.js';
import { hashSecret } from '../../src/sim/routes/apps.js';
import { crashLoop, installation, type Installation } from './harness.js';

/**
 * Crash and resume (issue 7) of `portals sync`: 60 portals, the CLI killed with SIGKILL at 20
 * seeded random moments (mostly after the simulator has seen a random number of further requests:
 * between an app's create and the journal write, during group assignment, between a new secret and
 * its hand-over, …) and resumed each time. At the end: one app per portal, and the secret in the
 * credentials file is the app's only secret.
 */
const KILLS = Number(process.env.EFS_OKTA_CRASH_KILLS ?? 20);
const PORTALS = 60;
let inst: Installation;
let credentialsFile: string;

beforeAll(async () => {
  inst = await installation({ panelists: 10, portals: PORTALS, sim: { latencyMs: 10, jitterMs: 5, seed: 23 } });
  credentialsFile = path.join(inst.dir, 'portal-credentials.json');
});
afterAll(async () => {
  await inst?.cleanup();
});

function portalRows(): PortalRow[] {
  const j = openJournal(inst.journalFile, { readonly: true });
  try {
    return portalJournal(j).all();
  } finally {
    j.close();
  }
}

function credentials(): Record<string, PortalCredentialEntry> {
  try {
    return JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, PortalCredentialEntry>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

/** Requests that reached the simulator, answered or not: the sync is sequential, so a kill at a new arrival has that request in flight. */
function requestsSeen(): number {
  const s = inst.sim.stats();
  return (s.total as number) + (s.inFlight as number);
}

function appsByLabel(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const a of inst.sim.org.apps.all()) m.set(a.label, [...(m.get(a.label) ?? []), a.id]);
  return m;
}

describe('robustness: portals sync killed (SIGKILL) at random moments and resumed', () => {
  it('portals sync killed 20 times, then resumed to the end: one app per portal, its only secret in the credentials file (0600)', async () => {
    const log = await crashLoop(inst, ['portals', 'sync'], {
      kills: KILLS, seed: 7003, progress: requestsSeen, maxStep: 16,
      afterEachKill: () => {
        // Never two apps for one portal, and the credentials file is always whole JSON (atomic replace).
        expect([...appsByLabel()].filter(([, ids]) => ids.length > 1)).toEqual([]);
        credentials();
      },
    });
    const last = await inst.cli(['portals', 'sync']);
    expect(last.code, last.stderr).toBe(0);
    const rows = portalRows();
    expect(rows).toHaveLength(PORTALS);
    const labels = appsByLabel();
    expect(inst.sim.org.apps.size).toBe(PORTALS);
    const creds = credentials();
    expect(Object.keys(creds).sort()).toEqual(rows.map((r) => r.key).sort());
    const groupIds = [...inst.sim.org.groups.all()].filter((g) => g.type === 'OKTA_GROUP').map((g) => g.id);
    expect(groupIds).toHaveLength(2);
    for (const row of rows) {
      expect(row.state, row.key).toBe('registered');
      expect(labels.get(row.label as string), row.key).toEqual([row.appId]);
      const app = inst.sim.org.apps.get(row.appId as string);
      expect(app?.clientId).toBe(row.clientId);
      // The secret handed over is the app's one and only (active) secret: older ones were retired.
      expect(app?.secrets.map((s) => [s.status, s.hash])).toEqual([['ACTIVE', hashSecret((creds[row.key] as PortalCredentialEntry).clientSecret)]]);
      expect(creds[row.key]?.clientId).toBe(row.clientId);
      expect([...(app?.groups.keys() ?? [])].sort()).toEqual([...groupIds].sort());
      expect(row.secretIssuedAt).not.toBeNull();
    }
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    // A kill during an atomic replace may leave its temp file behind; it must be 0600 too.
    for (const f of readdirSync(inst.dir).filter((n) => n.startsWith('.portal-credentials.json'))) {
      expect(statSync(path.join(inst.dir, f)).mode & 0o777, f).toBe(0o600);
    }
    // The journal never holds a secret.
    const journalBytes = readFileSync(inst.journalFile);
    for (const entry of Object.values(creds)) expect(journalBytes.includes(entry.clientSecret)).toBe(false);
    expect(log.kills).toBe(KILLS);
    expect(log.killsWithRequestsInFlight).toBeGreaterThanOrEqual(Math.floor(KILLS / 4));
    console.info(`crash/portals: ${log.kills} kills (${log.killsWithRequestsInFlight} with requests in flight) in ${log.ms} ms; ${PORTALS} portals`);
  }, 150_000);
});
