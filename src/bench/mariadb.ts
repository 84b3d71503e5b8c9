import { openMariaDbSource } from '../source/mariadb.js';
import { findMariaDbd, startMariaDb, type PrivateMariaDb } from './mariadb-server.js';

/**
 * Benchmark of the database source: a private MariaDB server with N panelist rows (1,000,000 by
 * default), streamed through the source the way `plan` reads it. Reports rows per second and the
 * peak RSS of this process while streaming (target: at most 300 MB). Prints nothing itself.
 */
export interface MariaDbBenchOptions {
  rows?: number;
}

export const RSS_TARGET_MB = 300;

export const PANELIST_QUERY =
  'SELECT p.pseudonym AS pcode, p.u_email, p.u_firstname, p.u_name, p.u_gender, p.u_language, ' +
  's.label AS p_status, p.last_login FROM panelists p JOIN panel_status s ON s.pstatus = p.pstatus ORDER BY p.panelist_id';

const MB = 1024 * 1024;

/**
 * Creates `panel_status` and `panelists` in `database` (made with `server.database(name)`) and fills
 * it with `rows` panelists; returns the seconds it took. The SEQUENCE engine (built into MariaDB)
 * generates the rows inside the server: a million rows take seconds and no client memory. Names mix
 * ASCII and non-ASCII, some values are NULL, about 80 % of the panelists are active.
 */
export async function loadBenchPanelists(server: PrivateMariaDb, database: string, rows: number): Promise<number> {
  const loadStart = performance.now();
  await server.exec(
    `USE \`${database}\`;` +
      'CREATE TABLE panel_status (pstatus TINYINT PRIMARY KEY, label VARCHAR(32) NOT NULL);' +
      "INSERT INTO panel_status VALUES (0, 'active'), (1, 'inactive'), (2, 'deleted'), (3, 'blocked');" +
      'CREATE TABLE panelists (panelist_id INT UNSIGNED PRIMARY KEY, pseudonym VARCHAR(32) NOT NULL, u_email VARCHAR(255), ' +
      'u_firstname VARCHAR(255), u_name VARCHAR(255), u_gender TINYINT, u_language VARCHAR(8), pstatus TINYINT NOT NULL, last_login DATE) ENGINE=InnoDB;' +
      `INSERT INTO panelists SELECT seq, CONCAT('P', LPAD(seq, 7, '0')), ` +
      "CONCAT(LOWER(ELT(1 + seq % 6, 'anna', 'oystein', 'jose', 'renee', 'lea', 'noah')), '.', seq, '@', ELT(1 + seq % 4, 'example.com', 'panel.example.de', 'mail.example.org', 'acme-corp.example')), " +
      "ELT(1 + seq % 6, 'Anna', 'Øystein', 'José', 'Renée', 'Lea', 'Noah'), ELT(1 + seq % 5, 'Müller', 'Dąbrowski', 'van der Berg', 'O''Brien', 'García'), " +
      "IF(seq % 3 = 0, NULL, 1 + seq % 2), ELT(1 + seq % 3, 'de', 'en', NULL), IF(seq % 10 < 8, 0, seq % 4), " +
      `IF(seq % 5 = 0, NULL, DATE('2026-01-01') + INTERVAL seq % 300 DAY) FROM seq_1_to_${rows}`,
  );
  return (performance.now() - loadStart) / 1000;
}

export async function benchMariaDb(options: MariaDbBenchOptions = {}): Promise<Record<string, number | string>> {
  if (findMariaDbd() === null) return { skipped: 'mariadb-server not installed' };
  const rows = options.rows ?? 1_000_000;
  const server = await startMariaDb({ bufferPool: '256M' });
  try {
    const db = await server.database('efs_bench');
    const loadSeconds = await loadBenchPanelists(server, 'efs_bench', rows);

    const source = openMariaDbSource('mariadb efs_bench.panelists', PANELIST_QUERY, db, { queryKey: 'sources.panelists.query' });
    const rssBefore = process.memoryUsage.rss();
    let peakRss = rssBefore;
    let count = 0;
    let chars = 0;
    const start = performance.now();
    for await (const row of source.rows()) {
      count++;
      // Touch the values as a consumer would, so that lazy work is not optimised away.
      chars += (row.values.u_email ?? '').length;
      if (count % 10_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    const seconds = (performance.now() - start) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (count !== rows) throw new Error(`streamed ${count} rows, expected ${rows}`);
    const peakRssMb = Math.round((peakRss / MB) * 10) / 10;
    return {
      source: 'mariadb',
      rows: count,
      loadSeconds: Math.round(loadSeconds * 100) / 100,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(count / seconds),
      rssBeforeMb: Math.round((rssBefore / MB) * 10) / 10,
      peakRssMb,
      rssTargetMb: RSS_TARGET_MB,
      withinTarget: peakRssMb <= RSS_TARGET_MB ? 'yes' : 'no',
      emailChars: chars,
    };
  } finally {
    await server.stop();
  }
}
