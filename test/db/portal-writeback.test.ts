import { expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/schema.js';
import { SourceError } from '../../src/core/errors.js';
import { assertPortalWriteBack, writePortalCredentials } from '../../src/portals/writeback.js';
import { describeMariaDb, withEfsSamplesServer, type PrivateMariaDb } from './mariadb-server.js';

const UPDATE = 'UPDATE portals SET oidc_client_id = :clientId, oidc_client_secret = :clientSecret WHERE portal_id = :portalKey';
const SECRET = 'sEcReT-0123456789-abcdefghijklmnopqrstuvwxyz';

describeMariaDb('portal-writeback against a private server', () => {
  let server: PrivateMariaDb;
  let db: DatabaseConfig;
  withEfsSamplesServer((s, d) => {
    server = s;
    db = d;
  });

  const credentials = (portalKey: string) => async (): Promise<unknown[]> =>
    server.rows('SELECT oidc_client_id AS id, oidc_client_secret AS secret FROM efs.portals WHERE portal_id = ?', [Number(portalKey)]);

  it('writes the client id and secret of one portal and commits', async () => {
    const result = await writePortalCredentials(db, UPDATE, { portalKey: '2', clientId: '0oa2abc', clientSecret: SECRET });
    expect(result).toEqual({ matchedRows: 1 });
    expect(await credentials('2')()).toEqual([{ id: '0oa2abc', secret: SECRET }]);
    expect(await credentials('1')()).toEqual([{ id: null, secret: null }]);
    // Run twice with the same values: still exactly one matched row (found rows, not changed rows).
    expect(await writePortalCredentials(db, UPDATE, { portalKey: '2', clientId: '0oa2abc', clientSecret: SECRET })).toEqual({ matchedRows: 1 });
  });

  it('rolls back when the UPDATE matches no row or more than one row', async () => {
    const none = (await writePortalCredentials(db, UPDATE, { portalKey: '99', clientId: 'x', clientSecret: SECRET }).catch((e: unknown) => e)) as SourceError;
    expect(none.code).toBe('DB_WRITEBACK_ROWS');
    expect(none.message).toMatch(/^database.portalWriteBack matched 0 rows for portal 99, expected exactly 1: nothing was written/);

    const wide = 'UPDATE portals SET oidc_client_id = :clientId WHERE portal_id >= :portalKey';
    const many = (await writePortalCredentials(db, wide, { portalKey: '1', clientId: 'wrong', clientSecret: SECRET }).catch((e: unknown) => e)) as SourceError;
    expect(many.message).toContain('matched 4 rows for portal 1, expected exactly 1: nothing was written');
    expect(await server.rows("SELECT COUNT(*) AS n FROM efs.portals WHERE oidc_client_id = 'wrong'")).toEqual([{ n: 0 }]);
    for (const err of [none, many]) {
      expect(err.message).not.toContain(SECRET);
      expect(JSON.stringify(err.context)).not.toContain(SECRET);
    }
  });

  it('refuses anything that is not a single UPDATE before connecting', async () => {
    const nowhere: DatabaseConfig = { ...db, port: 1, passwordFile: '/nonexistent' };
    const params = { portalKey: '1', clientId: 'x', clientSecret: SECRET };
    await expect(writePortalCredentials(nowhere, 'DELETE FROM portals WHERE portal_id = :portalKey', params)).rejects.toThrow(
      'database.portalWriteBack must be a single UPDATE statement (got DELETE...)',
    );
    await expect(writePortalCredentials(nowhere, `${UPDATE}; DROP TABLE portals`, params)).rejects.toThrow(/more than one statement/);
    await expect(writePortalCredentials(nowhere, 'UPDATE portals SET oidc_client_secret = :clientSecret', params)).rejects.toThrow(
      /must select the portal row with WHERE \.\.\. = :portalKey/,
    );
    expect(() => assertPortalWriteBack('INSERT INTO portals (portal_id) VALUES (:portalKey)')).toThrow(/single UPDATE/);
    expect(() => assertPortalWriteBack(UPDATE)).not.toThrow();
  });

  it('names the missing UPDATE privilege of a SELECT-only user and leaves the row unchanged', async () => {
    await server.exec("CREATE USER 'efs_ro'@'127.0.0.1' IDENTIFIED BY 'ro-pw'; GRANT SELECT ON efs.* TO 'efs_ro'@'127.0.0.1'");
    const reader: DatabaseConfig = { ...db, user: 'efs_ro', passwordFile: undefined, passwordEnv: 'EFS_RO_PW' };
    const err = (await writePortalCredentials(reader, UPDATE, { portalKey: '3', clientId: 'ro', clientSecret: SECRET }, { env: { EFS_RO_PW: 'ro-pw' } }).catch(
      (e: unknown) => e,
    )) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.code).toBe('DB_PERMISSION');
    expect(err.message).toMatch(/^user efs_ro lacks a privilege for database.portalWriteBack: UPDATE command denied/);
    expect(err.message).not.toContain(SECRET);
    expect(await credentials('3')()).toEqual([{ id: null, secret: null }]);
  });

  it('works with the README grants: SELECT on the tables, UPDATE on the two credential columns only', async () => {
    await server.exec(
      "CREATE USER 'efs_wb'@'127.0.0.1' IDENTIFIED BY 'wb-pw'; GRANT SELECT ON efs.portals TO 'efs_wb'@'127.0.0.1'; " +
        "GRANT UPDATE (oidc_client_id, oidc_client_secret) ON efs.portals TO 'efs_wb'@'127.0.0.1'",
    );
    const writer: DatabaseConfig = { ...db, user: 'efs_wb', passwordFile: undefined };
    const env = { EFS_DB_PASSWORD: 'wb-pw' };
    expect(await writePortalCredentials(writer, UPDATE, { portalKey: '1', clientId: '0oa1wb', clientSecret: SECRET }, { env })).toEqual({ matchedRows: 1 });
    expect(await credentials('1')()).toEqual([{ id: '0oa1wb', secret: SECRET }]);
    const other = 'UPDATE portals SET name = :clientId WHERE portal_id = :portalKey';
    await expect(writePortalCredentials(writer, other, { portalKey: '1', clientId: 'x', clientSecret: SECRET }, { env })).rejects.toThrow(
      /^user efs_wb lacks a privilege for database.portalWriteBack: UPDATE command denied/,
    );
  });

  it('keeps the secret out of the error when the server rejects the values', async () => {
    await server.exec("CREATE TABLE efs.short_portals (portal_id INT PRIMARY KEY, secret VARCHAR(8)); INSERT INTO efs.short_portals VALUES (1, NULL); SET GLOBAL sql_mode = 'STRICT_ALL_TABLES'");
    const err = (await writePortalCredentials(db, 'UPDATE short_portals SET secret = :clientSecret WHERE portal_id = :portalKey', {
      portalKey: '1',
      clientId: 'x',
      clientSecret: SECRET,
    }).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/^MariaDB at 127\.0\.0\.1:\d+ refused database.portalWriteBack \(ER_DATA_TOO_LONG\)/);
    expect(err.message).not.toContain(SECRET);
    expect(await server.rows('SELECT secret FROM efs.short_portals')).toEqual([{ secret: null }]);
  });
});
