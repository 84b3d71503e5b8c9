import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { preflightSources, PORTAL_SOURCES, USER_SOURCES } from '../../src/app/preflight.js';
import { loadConfig } from '../../src/config/load.js';
import { openJournal } from '../../src/journal/sqlite.js';
import { exampleQueries } from './efs-fixture.js';
import { describeMariaDb, loadEfsSamples, startMariaDb, type PrivateMariaDb } from './mariadb-server.js';
import { assertCliBuilt, configText, csvLocations, databaseLocations, startPhaseInstallation, type PhaseInstallation } from './phases-harness.js';

/**
 * Early validation (src/app/preflight.ts): `plan`, `users create` and `portals sync` check every
 * database source (reachable, query prepares, every mapped column returned) before they read a
 * single row, so a misspelt panelists alias does not first stream all admins.
 */
const panelistsWithoutLastName = exampleQueries.panelists.replace('p.u_name,', 'p.u_name AS lastname,');
const portalsWithoutUrl = exampleQueries.portals.replace('url,', 'url AS base_url,');

describeMariaDb('preflight of database sources', () => {
  let server: PrivateMariaDb;
  let inst: PhaseInstallation | null = null;
  let database = '';

  beforeAll(async () => {
    assertCliBuilt();
    server = await startMariaDb();
    await server.database('efs');
    await loadEfsSamples(server, 'efs');
    database = `database:\n  host: 127.0.0.1\n  port: ${server.port}\n  database: efs\n  user: ${server.user}\n  passwordFile: ${JSON.stringify(server.passwordFile)}\n`;
  }, 120_000);
  afterEach(async () => {
    await inst?.close();
    inst = null;
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** SELECTs the server has run so far (a prepare is not counted; streaming a source is). */
  async function selectsRun(): Promise<number> {
    const [row] = await server.rows("SHOW GLOBAL STATUS LIKE 'Com_select'");
    return Number(row?.Value);
  }

  it('plan and users create stop with the missing column named before any row is read or any user created', async () => {
    inst = await startPhaseInstallation(databaseLocations({ panelists: panelistsWithoutLastName }), {}, database);
    const selects = await selectsRun();
    const plan = await inst.cli('plan', '--json', '--offline');
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain(
      'efs-okta: sources.panelists.query does not return u_name (needed by sources.panelists.columns.lastName): add it to the SELECT with that alias (... AS u_name) or fix the mapping',
    );
    expect(plan.stdout).toBe('');

    const create = await inst.cli('users', 'create');
    expect(create.code).toBe(2);
    expect(create.stderr).toContain('sources.panelists.query does not return u_name');
    // The admins query (read first) was prepared but never run; nothing reached Okta.
    expect(await selectsRun()).toBe(selects);
    expect(inst.proxy.writesSince(0)).toEqual([]);
    expect([...inst.sim.org.users.iterateFrom(0)]).toHaveLength(0);
    const journal = openJournal(inst.journalFile, { readonly: true });
    try {
      expect([...journal.all()]).toEqual([]);
      expect(journal.db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
    } finally {
      journal.close();
    }
  }, 60_000);

  it('portals sync stops before any app is created when the portals query lacks a mapped column or the write-back is no UPDATE', async () => {
    inst = await startPhaseInstallation(databaseLocations({ portals: portalsWithoutUrl }), {}, database);
    const missing = await inst.cli('portals', 'sync');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('sources.portals.query does not return url (needed by sources.portals.columns.url)');
    await inst.close();

    inst = await startPhaseInstallation(databaseLocations(), {}, `${database}  portalWriteBack: "DELETE FROM portals WHERE portal_id = :portalKey"\n`);
    const selects = await selectsRun();
    const writeBack = await inst.cli('portals', 'sync');
    expect(writeBack.code).toBe(2);
    expect(writeBack.stderr).toContain('database.portalWriteBack must be a single UPDATE statement (got DELETE...)');
    expect(await selectsRun()).toBe(selects);
    expect(inst.proxy.writesSince(0)).toEqual([]);
    expect([...inst.sim.org.apps.all()]).toHaveLength(0);
  }, 60_000);

  it('names an unreachable server and access denied before reading, and does no I/O for file sources', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-preflight-'));
    const write = (name: string, text: string): string => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const down = write('down.yaml', configText('https://acme.okta.com', databaseLocations(), 'database: { host: 127.0.0.1, port: 1, database: efs, user: efs_admin }\n'));
    await expect(preflightSources(loadConfig(down, {}, {}), USER_SOURCES, { env: { EFS_DB_PASSWORD: 'x' } })).rejects.toMatchObject({
      code: 'DB_UNREACHABLE',
      message: expect.stringContaining('cannot reach MariaDB at 127.0.0.1:1 (ECONNREFUSED): check database.host/port') as unknown,
    });
    const denied = write('denied.yaml', configText('https://acme.okta.com', databaseLocations(), `database: { host: 127.0.0.1, port: ${server.port}, database: efs, user: ${server.user} }\n`));
    await expect(preflightSources(loadConfig(denied, {}, {}), PORTAL_SOURCES, { env: { EFS_DB_PASSWORD: 'wrong-password' } })).rejects.toMatchObject({
      code: 'DB_ACCESS_DENIED',
      message: expect.stringContaining(`access denied for user ${server.user}`) as unknown,
    });
    // CSV sources only (the files do not even exist): nothing is opened, the readers report later.
    const files = write('files.yaml', configText('https://acme.okta.com', csvLocations('./missing')));
    await expect(preflightSources(loadConfig(files, {}, {}), [...USER_SOURCES, ...PORTAL_SOURCES])).resolves.toBeUndefined();
  });
});
