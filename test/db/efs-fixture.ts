import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { PrivateMariaDb } from '../../src/bench/mariadb-server.js';

/**
 * An EFS-like schema (no EFS schema is published; names follow EFS's vocabulary: staff, `u_*`
 * participant variables, pseudonym, pstatus codes, pinput bitmask) filled with the rows of the CSV
 * samples, so database and CSV tests see the same awkward data: NULLs where the CSV is empty,
 * non-ASCII names, the same person twice, a field holding the delimiter, spaces around an email.
 */
export const efsSchema = `
CREATE TABLE staff (
  staff_id INT PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  email VARCHAR(255) NULL,
  firstname VARCHAR(100) NULL,
  lastname VARCHAR(100) NULL,
  language CHAR(2) NULL,
  auth_method VARCHAR(16) NOT NULL DEFAULT 'password',
  expires DATE NOT NULL DEFAULT '2030-12-31',
  last_login DATETIME NULL
) ENGINE=InnoDB;
CREATE TABLE panel_status (
  pstatus TINYINT PRIMARY KEY,
  label VARCHAR(32) NOT NULL
) ENGINE=InnoDB;
INSERT INTO panel_status VALUES (0, 'active'), (1, 'inactive'), (2, 'deleted'), (3, 'blocked'), (16, 'tester');
CREATE TABLE panelists (
  panelist_id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  pseudonym VARCHAR(32) NOT NULL,
  u_email VARCHAR(255) NULL,
  u_firstname VARCHAR(255) NULL,
  u_name VARCHAR(255) NULL,
  u_gender TINYINT NULL,
  u_language VARCHAR(8) NULL,
  pstatus TINYINT NOT NULL,
  pinput INT NOT NULL DEFAULT 2,
  last_login DATE NULL,
  u_passwd VARBINARY(64) NULL,
  KEY (pseudonym)
) ENGINE=InnoDB;
CREATE TABLE portals (
  portal_id INT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  url VARCHAR(512) NOT NULL,
  type VARCHAR(32) NOT NULL,
  online TINYINT NOT NULL DEFAULT 1,
  oidc_client_id VARCHAR(255) NULL,
  oidc_client_secret VARCHAR(255) NULL
) ENGINE=InnoDB;
`;

/** The example queries of the README: aliases give the columns the CSV export's names. */
export const exampleQueries = {
  admins:
    'SELECT s.staff_id AS admin_id, s.username, s.email, s.firstname AS first_name, s.lastname AS last_name, ' +
    's.language, s.auth_method AS auth FROM staff s ORDER BY s.staff_id',
  panelists:
    'SELECT p.pseudonym AS pcode, p.u_email, p.u_firstname, p.u_name, p.u_gender, p.u_language, ' +
    's.label AS p_status, p.last_login FROM panelists p JOIN panel_status s ON s.pstatus = p.pstatus ' +
    'WHERE p.pinput & 32 = 0 ORDER BY p.panelist_id',
  portals: 'SELECT portal_id, name, url, type FROM portals WHERE online = 1 ORDER BY portal_id',
};

const STATUS: Record<string, number> = { active: 0, inactive: 1, deleted: 2, blocked: 3 };

export type CsvRow = Record<string, string>;

export function readSample(name: 'admins' | 'panelists' | 'portals'): CsvRow[] {
  const file = fileURLToPath(new URL(`../fixtures/samples/${name}.csv`, import.meta.url));
  return parse(readFileSync(file, 'utf8'), { columns: true, delimiter: ';', skip_empty_lines: true }) as CsvRow[];
}

/** Rows beyond the CSV samples, for what a CSV cannot show: 4-byte UTF-8, zero dates, binary, testers. */
export const extraPanelists = [
  // 𠮷 is outside the BMP (4 bytes in UTF-8): it survives only with utf8mb4 end to end.
  { pseudonym: 'P900001', u_email: 'yoshino@example.jp', u_firstname: '𠮷野', u_name: 'Ōta 😀', pstatus: 0, pinput: 2, last_login: '2026-05-01', u_passwd: Buffer.from('$2y$10$abcdefghijklmnopqrstuv') },
  // EFS-era "never": a zero date; the source turns it into NULL.
  { pseudonym: 'P900002', u_email: 'zero.date@example.com', u_firstname: 'Zero', u_name: 'Date', pstatus: 0, pinput: 2, last_login: '0000-00-00', u_passwd: Buffer.from([0xff, 0x00, 0x10, 0x80]) },
  // A tester (pinput bit 32): the example query leaves it out.
  { pseudonym: 'P900003', u_email: 'tester@example.com', u_firstname: 'Test', u_name: 'Er', pstatus: 16, pinput: 32, last_login: null, u_passwd: null },
];

export interface EfsSampleCounts {
  admins: number;
  panelists: number;
  portals: number;
}

const nullIfEmpty = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);

/** Creates the EFS-like schema in database `database` (made with `server.database(name)`) and loads the samples. */
export async function loadEfsSamples(server: PrivateMariaDb, database: string): Promise<EfsSampleCounts> {
  await server.exec(`USE \`${database}\`; ${efsSchema}`);
  const admins = readSample('admins');
  await server.exec(
    `INSERT INTO \`${database}\`.staff (staff_id, username, email, firstname, lastname, language, auth_method, last_login) VALUES ?`,
    [admins.map((a) => [Number(a.admin_id), a.username, nullIfEmpty(a.email), nullIfEmpty(a.first_name), nullIfEmpty(a.last_name), nullIfEmpty(a.language), a.auth, null])],
  );
  const panelists = readSample('panelists');
  const rows: unknown[][] = panelists.map((p) => [
    p.pcode,
    nullIfEmpty(p.u_email),
    nullIfEmpty(p.u_firstname),
    nullIfEmpty(p.u_name),
    nullIfEmpty(p.u_gender) === null ? null : Number(p.u_gender),
    nullIfEmpty(p.u_language),
    STATUS[p.p_status as string] ?? 0,
    2,
    nullIfEmpty(p.last_login),
    null,
  ]);
  for (const e of extraPanelists) {
    rows.push([e.pseudonym, e.u_email, e.u_firstname, e.u_name, null, null, e.pstatus, e.pinput, e.last_login, e.u_passwd]);
  }
  // The zero date needs a permissive sql_mode, as on the old installations that hold such values.
  await server.exec(
    `SET SESSION sql_mode = ''; INSERT INTO \`${database}\`.panelists (pseudonym, u_email, u_firstname, u_name, u_gender, u_language, pstatus, pinput, last_login, u_passwd) VALUES ?; SET SESSION sql_mode = DEFAULT`,
    [rows],
  );
  const portals = readSample('portals');
  await server.exec(`INSERT INTO \`${database}\`.portals (portal_id, name, url, type) VALUES ?`, [
    [...portals.map((p) => [Number(p.portal_id), p.name, p.url, p.type]), [4, 'Old Offline Portal', 'https://old.example.com/', 'panel']],
  ]);
  await server.exec(`UPDATE \`${database}\`.portals SET online = 0 WHERE portal_id = 4`);
  return { admins: admins.length, panelists: panelists.length + extraPanelists.length - 1, portals: portals.length };
}
