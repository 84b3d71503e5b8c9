import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  assertCliBuilt,
  csvLocations,
  databaseLocations,
  insertDuplicatePanelists,
  oktaUsers,
  portalOutcomes,
  startPhaseInstallation,
  userOutcomes,
  writeCsvExports,
  type PhaseInstallation,
} from './phases-harness.js';
import { describeMariaDb, loadEfsSamples, readSample, startMariaDb, type PrivateMariaDb } from './mariadb-server.js';

/**
 * `plan`, `users create`, `portals sync` and the delta sync with `database` sources, run with the
 * built CLI against a private MariaDB and the simulator, next to the same data as CSV exports: the
 * outcome must be the same per key. The database user has the README's permissions (SELECT, plus
 * UPDATE on the two credential columns for the write-back) and its password comes from EFS_DB_PASSWORD.
 */
const DB_PASSWORD = 'phases-db-pw-7c1e';
const WRITE_BACK = `portalWriteBack: |
    UPDATE portals SET oidc_client_id = :clientId, oidc_client_secret = :clientSecret
    WHERE portal_id = :portalKey`;

interface PlanJson {
  counts: { kind: string; create: number; update: number; removed: number; total: number }[];
  toCreate: number;
}

describeMariaDb('database source through plan, users create, portals sync and the delta sync', () => {
  let server: PrivateMariaDb;
  let csv: PhaseInstallation;
  let db: PhaseInstallation;

  beforeAll(async () => {
    assertCliBuilt();
    server = await startMariaDb();
    await server.database('efs');
    await loadEfsSamples(server, 'efs');
    await insertDuplicatePanelists(server, 'efs');
    await server.exec(
      `CREATE USER 'efs_migration'@'127.0.0.1' IDENTIFIED BY ?;
       GRANT SELECT ON efs.staff TO 'efs_migration'@'127.0.0.1';
       GRANT SELECT ON efs.panelists TO 'efs_migration'@'127.0.0.1';
       GRANT SELECT ON efs.panel_status TO 'efs_migration'@'127.0.0.1';
       GRANT SELECT ON efs.portals TO 'efs_migration'@'127.0.0.1';
       GRANT UPDATE (oidc_client_id, oidc_client_secret) ON efs.portals TO 'efs_migration'@'127.0.0.1'`,
      [DB_PASSWORD],
    );
    csv = await startPhaseInstallation(csvLocations('./exports'), {});
    writeCsvExports(path.join(csv.dir, 'exports'));
    const database = `database:\n  host: 127.0.0.1\n  port: ${server.port}\n  database: efs\n  user: efs_migration\n  ${WRITE_BACK}\n`;
    db = await startPhaseInstallation(databaseLocations(), { EFS_DB_PASSWORD: DB_PASSWORD }, database);
  }, 120_000);

  afterAll(async () => {
    await csv?.close();
    await db?.close();
    await server?.stop();
  });

  it('plan counts the same per kind and outcome from the database as from the CSV exports', async () => {
    const fromCsv = await csv.cli('plan', '--json', '--offline');
    const fromDb = await db.cli('plan', '--json', '--offline');
    expect([fromCsv.code, fromCsv.stderr]).toEqual([0, '']);
    expect([fromDb.code, fromDb.stderr]).toEqual([0, '']);
    const planDb = JSON.parse(fromDb.stdout) as PlanJson;
    expect(planDb).toEqual(JSON.parse(fromCsv.stdout));
    expect(planDb.toCreate).toBeGreaterThan(80);
    // The tester row (pinput bit 32) is filtered by the query; two extra rows and two duplicates are counted.
    expect(planDb.counts.find((c) => c.kind === 'panelist')).toMatchObject({ total: readSample('panelists').length + 4, duplicate: 2 });
  }, 60_000);

  it('users create gives every record the same state, reason and values as the CSV source, and Okta the same users', async () => {
    const fromCsv = await csv.cli('users', 'create');
    const fromDb = await db.cli('users', 'create');
    expect(fromCsv.code).toBe(1); // invalid and conflicting sample records: exit 1 by design
    expect(fromDb.code).toBe(fromCsv.code);
    const want = userOutcomes(csv.journalFile);
    const got = userOutcomes(db.journalFile);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [key, outcome] of want) expect(got.get(key), key).toEqual(outcome);

    const states = [...got.values()].map((o) => o.state);
    expect(states.filter((s) => s === 'staged').length).toBeGreaterThan(80);
    for (const s of ['invalid', 'duplicate', 'skipped']) expect(states).toContain(s);
    // The awkward rows: same login (case, spaces), admin who is also a panelist, blocked twin, no email.
    expect(got.get('panelist:P900004')).toMatchObject({ state: 'duplicate', reason: 'duplicate.same_login', duplicateOf: 'panelist:P000018' });
    expect(got.get('panelist:P900005')).toMatchObject({ state: 'duplicate', reason: 'duplicate.merged', duplicateOf: 'admin:2' });
    expect(got.get('admin:2')).toMatchObject({ state: 'staged', groups: ['admin', 'panelist'] });
    expect([got.get('panelist:P000071')?.state, got.get('panelist:P000072')?.state]).toEqual(['skipped', 'staged']);
    expect(got.get('admin:13')).toMatchObject({ state: 'invalid', reason: 'email.missing' });
    expect(got.get('panelist:P900001')).toMatchObject({ state: 'staged', firstName: '𠮷野', lastName: 'Ōta 😀' });
    expect(got.get('panelist:P900002')).toMatchObject({ state: 'staged', lastLogin: null });
    expect(got.has('panelist:P900003')).toBe(false);
    expect(oktaUsers(db.sim)).toEqual(oktaUsers(csv.sim));
    expect(oktaUsers(db.sim).get('yoshino@example.jp')).toMatchObject({ firstName: '𠮷野', lastName: 'Ōta 😀', status: 'STAGED' });
  }, 120_000);

  it('portals sync registers the same portals and writes each new secret into the portals table, nowhere else', async () => {
    const fromCsv = await csv.cli('portals', 'sync');
    const fromDb = await db.cli('portals', 'sync');
    expect([fromCsv.code, fromDb.code]).toEqual([0, 0]);
    const want = portalOutcomes(csv.journalFile);
    expect(portalOutcomes(db.journalFile)).toEqual(want);
    expect([...want.values()].map((p) => p.state)).toEqual(['registered', 'registered', 'registered']);

    const file = JSON.parse(readFileSync(db.credentialsFile, 'utf8')) as Record<string, { clientId: string; clientSecret: string }>;
    const stored = await server.rows('SELECT portal_id AS k, oidc_client_id AS id, oidc_client_secret AS secret FROM efs.portals ORDER BY portal_id');
    expect(stored).toEqual([
      ...['1', '2', '3'].map((k) => ({ k: Number(k), id: file[k]?.clientId, secret: file[k]?.clientSecret })),
      // The offline portal is not in the query, so nothing is registered or written for it.
      { k: 4, id: null, secret: null },
    ]);
    const secrets = Object.values(file).map((e) => e.clientSecret);
    const journal = db.journalBytes();
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20);
      expect(journal.includes(Buffer.from(secret))).toBe(false);
      expect(fromDb.stdout + fromDb.stderr).not.toContain(secret);
    }
    expect(fromDb.stderr).not.toMatch(/write-back failed/);

    // A rerun changes nothing: no write to Okta, no new secret, the table keeps the same credentials.
    const mark = db.proxy.requests.length;
    const rerun = await db.cli('portals', 'sync');
    expect(rerun.code).toBe(0);
    expect(db.proxy.writesSince(mark)).toEqual([]);
    expect(await server.rows('SELECT portal_id AS k, oidc_client_id AS id, oidc_client_secret AS secret FROM efs.portals ORDER BY portal_id')).toEqual(stored);
  }, 120_000);

  it('a rerun after rows changed in the database syncs only the new, the changed and the deleted panelist', async () => {
    const before = userOutcomes(db.journalFile);
    const targets = new Set([...before.values()].map((o) => o.duplicateOf));
    // Two plain staged panelists that no duplicate points at (so no other record is affected).
    const [changed, deleted] = [...before.entries()]
      .filter(([k, o]) => k.startsWith('panelist:') && o.state === 'staged' && !targets.has(k))
      .map(([k]) => k.slice('panelist:'.length));
    if (!changed || !deleted) throw new Error('the samples have no two plain staged panelists');
    const deletedLogin = before.get(`panelist:${deleted}`)?.login as string;
    const changedLogin = before.get(`panelist:${changed}`)?.login as string;
    await server.exec(
      `INSERT INTO efs.panelists (pseudonym, u_email, u_firstname, u_name, u_language, pstatus) VALUES ('P900010', 'new.panelist@example.com', 'Neu', 'Panelistin', 'de', 0);
       UPDATE efs.panelists SET u_name = 'Müller-Lüdenscheid' WHERE pseudonym = ?;
       DELETE FROM efs.panelists WHERE pseudonym = ?`,
      [changed, deleted],
    );

    const plan = await db.cli('plan', '--json', '--offline');
    const panelists = (JSON.parse(plan.stdout) as PlanJson).counts.find((c) => c.kind === 'panelist');
    expect(panelists).toMatchObject({ create: 1, update: 1, removed: 1 });

    const mark = db.proxy.requests.length;
    const run = await db.cli('users', 'create');
    expect(run.stdout).toMatch(/created 1, adopted 0, linked 0, conflicts \d+, updated 1, deactivated 0/);
    const writes = db.proxy.writesSince(mark).map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);
    const changedId = db.sim.org.users.getByLogin(changedLogin)?.id;
    expect(writes.sort()).toEqual(['POST /api/v1/users', `POST /api/v1/users/${changedId}`].sort());

    const after = userOutcomes(db.journalFile);
    expect(after.get('panelist:P900010')).toMatchObject({ state: 'staged', login: 'new.panelist@example.com' });
    expect(after.get(`panelist:${changed}`)).toMatchObject({ state: 'staged', lastName: 'Müller-Lüdenscheid' });
    expect(db.sim.org.users.getByLogin(changedLogin)?.lastName).toBe('Müller-Lüdenscheid');
    expect(after.get(`panelist:${deleted}`)).toMatchObject({ state: 'removed', reason: 'removed.missing' });
    // Only reported without --deactivate-removed: the Okta user is left as it is.
    expect(db.sim.org.users.getByLogin(deletedLogin)?.status).toBe('STAGED');
    for (const [key, outcome] of before) {
      if ([`panelist:${changed}`, `panelist:${deleted}`].includes(key)) continue;
      expect(after.get(key), key).toEqual(outcome);
    }

    const mark2 = db.proxy.requests.length;
    const deactivate = await db.cli('users', 'create', '--deactivate-removed');
    expect(deactivate.stdout).toMatch(/created 0, adopted 0, linked 0, conflicts \d+, updated 0, deactivated 1/);
    const deletedId = db.sim.org.users.getByLogin(deletedLogin)?.id;
    expect(db.proxy.writesSince(mark2).map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)).toEqual([`POST /api/v1/users/${deletedId}/lifecycle/deactivate`]);
    expect(db.sim.org.users.getByLogin(deletedLogin)?.status).toBe('DEPROVISIONED');
  }, 120_000);
});
