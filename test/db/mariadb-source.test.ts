import { expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/schema.js';
import { SourceError } from '../../src/core/errors.js';
import { checkDatabaseSource, openMariaDbSource } from '../../src/source/mariadb.js';
import type { SourceRow } from '../../src/core/source-row.js';
import { exampleQueries, extraPanelists, readSample } from './efs-fixture.js';
import { describeMariaDb, withEfsSamplesServer, type PrivateMariaDb } from './mariadb-server.js';

async function collect(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const csvValues = (row: Record<string, string>): Record<string, string | null> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === '' ? null : v]));

describeMariaDb('mariadb source against a private server', () => {
  let server: PrivateMariaDb;
  let db: DatabaseConfig;
  withEfsSamplesServer((s, d) => {
    server = s;
    db = d;
  });

  it('streams panelists under the CSV column names with row numbers, NULLs, duplicates and non-ASCII intact', async () => {
    const source = openMariaDbSource('mariadb efs.panelists', exampleQueries.panelists, db, { queryKey: 'sources.panelists.query' });
    expect(source.description).toBe('mariadb efs.panelists');
    const rows = await collect(source.rows());
    const csv = readSample('panelists');
    // The tester (pinput 32) is filtered out by the query.
    expect(rows).toHaveLength(csv.length + extraPanelists.length - 1);
    expect(rows.map((r) => r.line)).toEqual(rows.map((_, i) => i + 1));
    csv.forEach((expected, i) => expect(rows[i]?.values, `row ${i + 1}`).toEqual(csvValues(expected)));

    const byCode = new Map(rows.map((r) => [r.values.pcode, r.values]));
    expect(byCode.get('P000044')?.u_email).toBe('  ångström.garcía44@panel.example.de ');
    expect(byCode.get('P000090')?.u_firstname).toBe('Quoted; Name');
    expect(byCode.get('P000023')?.u_firstname).toBeNull();
    expect(rows.filter((r) => r.values.u_email === 'anna.muller1@example.com')).toHaveLength(2);
    expect(byCode.get('P900001')).toMatchObject({ u_firstname: '𠮷野', u_name: 'Ōta 😀', last_login: '2026-05-01', u_gender: null });
    expect(byCode.get('P900002')?.last_login).toBeNull();
    expect(byCode.has('P900003')).toBe(false);
  });

  it('streams admins and portals with the same values as the CSV samples', async () => {
    const admins = await collect(openMariaDbSource('mariadb efs.staff', exampleQueries.admins, db).rows());
    expect(admins.map((r) => r.values)).toEqual(readSample('admins').map(csvValues));
    expect(admins.find((r) => r.values.username === 'root')?.values.email).toBeNull();
    const portals = await collect(openMariaDbSource('mariadb efs.portals', exampleQueries.portals, db).rows());
    expect(portals.map((r) => r.values)).toEqual(readSample('portals').map(csvValues));
  });

  it('converts numbers, decimals, big integers, dates, timestamps and binary values to text', async () => {
    await server.exec(
      "CREATE TABLE efs.types_demo (i INT, d DECIMAL(10,2), f DOUBLE, big BIGINT UNSIGNED, dt DATETIME, da DATE, ts TIMESTAMP NULL, bin VARBINARY(16), raw VARBINARY(16), j JSON, e ENUM('a','b'));" +
        "INSERT INTO efs.types_demo VALUES (-7, 1234.50, 0.1, 18446744073709551615, '2026-02-19 10:11:12', '2026-02-19', '2026-02-19 10:11:12', 'text', UNHEX('FF0010'), '{\"a\": [1, 2]}', 'b')",
    );
    const [row] = await collect(openMariaDbSource('types', 'SELECT * FROM types_demo', db).rows());
    expect(row?.values).toEqual({
      i: '-7',
      d: '1234.50',
      f: '0.1',
      big: '18446744073709551615',
      dt: '2026-02-19T10:11:12',
      da: '2026-02-19',
      // TIMESTAMP values are read in UTC; the private server runs in the system zone, so compare via UTC.
      ts: expect.stringMatching(/^2026-02-1[89]T\d\d:\d\d:12Z$/),
      bin: 'text',
      raw: '/wAQ',
      j: '{"a": [1, 2]}',
      e: 'b',
    });
    const [utc] = await server.rows("SELECT DATE_FORMAT(CONVERT_TZ(ts, @@session.time_zone, '+00:00'), '%Y-%m-%dT%H:%i:%sZ') AS ts FROM efs.types_demo");
    expect(row?.values.ts).toBe(utc?.ts);
  });

  it('reads in a read-only transaction: the server refuses a write hidden in a function', async () => {
    await server.exec(
      'CREATE TABLE efs.audit (n INT); CREATE FUNCTION efs.bump() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO efs.audit VALUES (1); RETURN 1; END',
    );
    const [flags] = await collect(openMariaDbSource('flags', 'SELECT @@session.tx_read_only AS ro, @@session.time_zone AS tz', db).rows());
    expect(flags?.values).toEqual({ ro: '1', tz: '+00:00' });
    const err = await collect(openMariaDbSource('bump', 'SELECT efs.bump() AS x', db, { queryKey: 'sources.admins.query' }).rows()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toBe('sources.admins.query tried to write in the read-only transaction: the query must only read');
    expect(await server.rows('SELECT COUNT(*) AS n FROM efs.audit')).toEqual([{ n: 0 }]);
  });

  it('refuses a non-SELECT before connecting', () => {
    const nowhere: DatabaseConfig = { ...db, port: 1, passwordFile: '/nonexistent' };
    expect(() => openMariaDbSource('x', 'DELETE FROM panelists', nowhere, { queryKey: 'sources.panelists.query' })).toThrow(
      'sources.panelists.query must be a single SELECT (got DELETE...): the tool only reads the EFS database',
    );
  });

  it('names a mapped column the query does not return, with the mapping key, before the first row', async () => {
    const mapped = [
      { column: 'pcode', key: 'sources.panelists.columns.key' },
      { column: 'email', key: 'sources.panelists.columns.email' },
    ];
    const source = openMariaDbSource('p', exampleQueries.panelists, db, { queryKey: 'sources.panelists.query', mappedColumns: mapped });
    const err = (await collect(source.rows()).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.code).toBe('DB_MAPPED_COLUMN_MISSING');
    expect(err.message).toContain('sources.panelists.query does not return email (needed by sources.panelists.columns.email)');
    expect(err.message).toContain('the query returns pcode, u_email,');

    const upper = openMariaDbSource('p', 'SELECT pseudonym AS PCODE FROM panelists', db, { queryKey: 'sources.panelists.query', mappedColumns: mapped.slice(0, 1) });
    await expect(collect(upper.rows())).rejects.toThrow('pcode (needed by sources.panelists.columns.key; the query returns PCODE, names must match exactly)');

    const twice = openMariaDbSource('p', 'SELECT pseudonym AS pcode, u_email AS pcode FROM panelists', db, { mappedColumns: mapped.slice(0, 1) });
    await expect(collect(twice.rows())).rejects.toThrow(/returns column pcode twice \(needed by sources.panelists.columns.key\)/);
  });

  it('checkDatabaseSource prepares the query without running it and checks the mapped columns', async () => {
    const ok = await checkDatabaseSource(exampleQueries.panelists, db, {
      queryKey: 'sources.panelists.query',
      mappedColumns: [{ column: 'u_email', key: 'sources.panelists.columns.email' }],
    });
    expect(ok.columns).toEqual(['pcode', 'u_email', 'u_firstname', 'u_name', 'u_gender', 'u_language', 'p_status', 'last_login']);
    await expect(
      checkDatabaseSource(exampleQueries.admins, db, { queryKey: 'sources.admins.query', mappedColumns: [{ column: 'mail', key: 'sources.admins.columns.email' }] }),
    ).rejects.toThrow('sources.admins.query does not return mail (needed by sources.admins.columns.email)');
    await expect(
      checkDatabaseSource('SELECT p.u_emial FROM panelists p', db, { queryKey: 'sources.panelists.query', mappedColumns: [] }),
    ).rejects.toThrow('unknown column p.u_emial in sources.panelists.query (in the SELECT list)');
    await expect(checkDatabaseSource('UPDATE panelists SET pstatus = 2', db, { queryKey: 'sources.panelists.query', mappedColumns: [] })).rejects.toThrow(
      /must be a single SELECT/,
    );
  });

  it('names an unknown column in the query and the config key of the query', async () => {
    const source = openMariaDbSource('p', 'SELECT pseudonym, u_emial FROM panelists', db, { queryKey: 'sources.panelists.query' });
    const err = (await collect(source.rows()).catch((e: unknown) => e)) as SourceError;
    expect(err.code).toBe('DB_UNKNOWN_COLUMN');
    expect(err.message).toBe(
      'unknown column u_emial in sources.panelists.query (in the SELECT list): fix the column name in the query (SHOW COLUMNS FROM <table> lists them)',
    );
    await expect(collect(openMariaDbSource('p', 'SELECT * FROM panelist', db, { queryKey: 'sources.panelists.query' }).rows())).rejects.toThrow(
      'table efs.panelist does not exist, used in sources.panelists.query',
    );
  });

  it('says when the host cannot be reached', async () => {
    // Port 1 (tcpmux) is not listening on a test machine.
    const source = openMariaDbSource('p', 'SELECT 1', { ...db, port: 1 });
    await expect(collect(source.rows())).rejects.toThrow(
      'cannot reach MariaDB at 127.0.0.1:1 (ECONNREFUSED): check database.host/port and that the server accepts TCP connections',
    );
    const socket = openMariaDbSource('p', 'SELECT 1', { ...db, socket: `${server.dir}/no.sock` });
    await expect(collect(socket.rows())).rejects.toThrow(`cannot reach MariaDB at socket ${server.dir}/no.sock (ENOENT): check database.socket`);
  });

  it('says access denied for a wrong password, naming the user and where the password came from', async () => {
    const env = { EFS_DB_PASSWORD: 'not-the-password' };
    const viaEnv = openMariaDbSource('p', 'SELECT 1', { ...db, passwordFile: undefined }, { env });
    const err = (await collect(viaEnv.rows()).catch((e: unknown) => e)) as SourceError;
    expect(err.code).toBe('DB_ACCESS_DENIED');
    expect(err.message).toBe(`access denied for user efs_admin at 127.0.0.1:${server.port}: check database.user and the password in $EFS_DB_PASSWORD`);
    expect(JSON.stringify(err.context)).not.toContain('not-the-password');

    const right = await collect(openMariaDbSource('p', 'SELECT 1 AS one', { ...db, passwordFile: undefined }, { env: { EFS_DB_PASSWORD: server.password } }).rows());
    expect(right[0]?.values).toEqual({ one: '1' });
  });

  it('says when the password env var is not set, before connecting', async () => {
    const source = openMariaDbSource('p', 'SELECT 1', { ...db, passwordFile: undefined, passwordEnv: 'EFS_TEST_UNSET_PW' }, { env: {} });
    await expect(collect(source.rows())).rejects.toThrow('the database password is not set: export EFS_TEST_UNSET_PW=...');
  });

  it('says when the database does not exist', async () => {
    const source = openMariaDbSource('p', 'SELECT 1', { ...db, database: 'efs_typo' });
    await expect(collect(source.rows())).rejects.toThrow(`unknown database efs_typo at 127.0.0.1:${server.port}: check database.database`);
  });

  it('works for a user that has SELECT only, and names a missing table privilege', async () => {
    await server.exec(
      "CREATE USER 'efs_reader'@'127.0.0.1' IDENTIFIED BY 'reader-pw'; GRANT SELECT ON efs.panelists TO 'efs_reader'@'127.0.0.1'; GRANT SELECT ON efs.panel_status TO 'efs_reader'@'127.0.0.1'",
    );
    const reader: DatabaseConfig = { ...db, user: 'efs_reader', passwordFile: undefined };
    const env = { EFS_DB_PASSWORD: 'reader-pw' };
    const rows = await collect(openMariaDbSource('p', exampleQueries.panelists, reader, { env }).rows());
    expect(rows.length).toBeGreaterThan(200);
    const err = (await collect(openMariaDbSource('p', exampleQueries.portals, reader, { env, queryKey: 'sources.portals.query' }).rows()).catch((e: unknown) => e)) as SourceError;
    expect(err.code).toBe('DB_PERMISSION');
    expect(err.message).toMatch(/^user efs_reader lacks a privilege for sources.portals.query: SELECT command denied .*portals/);
  });
});
