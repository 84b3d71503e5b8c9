import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import type { DatabaseConfig, ParsedConfig } from '../../src/config/schema.js';
import { mappedColumns, type SourceKind } from '../../src/source/mapped-columns.js';
import { checkDatabaseSource, openMariaDbSource } from '../../src/source/mariadb.js';
import { writePortalCredentials } from '../../src/portals/writeback.js';
import { describeMariaDb, loadEfsSamples, startMariaDb, type PrivateMariaDb } from './mariadb-server.js';

/** docs/database.md (the README links it) is a contract: its config must parse, its queries run, its GRANTs suffice. */
const readme = readFileSync(fileURLToPath(new URL('../../docs/database.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('<!-- BEGIN: database -->'), readme.indexOf('<!-- END: database -->'));
const block = (lang: string): string => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
  if (!m?.[1]) throw new Error(`no ${lang} block in docs/database.md`);
  return m[1];
};

describeMariaDb('docs/database.md (the database section the README links)', () => {
  let server: PrivateMariaDb;
  let config: ParsedConfig;
  let db: DatabaseConfig;
  const env = { EFS_DB_PASSWORD: 'migration-pw' };

  beforeAll(async () => {
    config = parseConfig(parseYaml(block('yaml')), 'README.md');
    server = await startMariaDb();
    const local = await server.database('efs');
    await loadEfsSamples(server, 'efs');
    // The README's GRANTs, for a client on loopback instead of 10.0.0.% and without REQUIRE SSL.
    const grants = block('sql')
      .replaceAll("'10.0.0.%'", "'127.0.0.1'")
      .replace(" IDENTIFIED BY '...' REQUIRE SSL", " IDENTIFIED BY 'migration-pw'")
      .replace(/--[^\n]*/g, '');
    await server.exec(grants);
    const { tls: _tls, ...rest } = config.database as DatabaseConfig;
    db = { ...rest, host: local.host, port: local.port };
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('parses as a valid config with a database section and three database sources', () => {
    expect(config.database).toMatchObject({ database: 'efs', user: 'efs_migration', passwordEnv: 'EFS_DB_PASSWORD' });
    for (const kind of ['admins', 'panelists', 'portals'] as const) expect(config.sources[kind]?.type).toBe('database');
  });

  it('has queries that return every mapped column, checked as the documented user', async () => {
    for (const kind of ['admins', 'panelists', 'portals'] as SourceKind[]) {
      const source = config.sources[kind];
      if (!source?.query) throw new Error(`README sources.${kind} has no query`);
      const check = await checkDatabaseSource(source.query, db, { queryKey: `sources.${kind}.query`, mappedColumns: mappedColumns(kind, source), env });
      expect(check.columns.length).toBeGreaterThan(2);
    }
  });

  it('streams the samples through the README queries (comments inside literal blocks keep ORDER BY)', async () => {
    const query = config.sources.panelists?.query ?? '';
    expect(query).toContain('\n');
    const codes: string[] = [];
    for await (const row of openMariaDbSource('readme', query, db, { env }).rows()) codes.push(row.values.pcode ?? '');
    expect(codes.slice(0, 3)).toEqual(['P000001', 'P000002', 'P000003']);
    expect(codes).not.toContain('P900003');
  });

  it('has a write-back statement the documented column GRANT allows', async () => {
    const sql = config.database?.portalWriteBack ?? '';
    expect(await writePortalCredentials(db, sql, { portalKey: '3', clientId: '0oa3', clientSecret: 'readme-secret' }, { env })).toEqual({ matchedRows: 1 });
    expect(await server.rows('SELECT oidc_client_id AS id FROM efs.portals WHERE portal_id = 3')).toEqual([{ id: '0oa3' }]);
  });
});
