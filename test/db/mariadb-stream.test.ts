import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/schema.js';
import { InterruptedError } from '../../src/core/errors.js';
import { openMariaDbSource } from '../../src/source/mariadb.js';
import { describeMariaDb, startMariaDb, type PrivateMariaDb } from './mariadb-server.js';

// A real gc() makes heap measurements exact instead of depending on when V8 happens to collect.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 200_000;
const QUERY = 'SELECT pseudonym AS pcode, u_email, u_firstname, u_name, filler FROM big ORDER BY id';

describeMariaDb('mariadb source streaming a large table', () => {
  let server: PrivateMariaDb;
  let db: DatabaseConfig;

  beforeAll(async () => {
    server = await startMariaDb({ bufferPool: '64M' });
    db = await server.database('efs');
    // The SEQUENCE engine (built into MariaDB) generates the rows inside the server: no client round trips.
    await server.exec(
      'USE efs; CREATE TABLE efs.big (id INT PRIMARY KEY, pseudonym VARCHAR(16), u_email VARCHAR(255), u_firstname VARCHAR(64), u_name VARCHAR(64), filler VARCHAR(600));' +
        "INSERT INTO efs.big SELECT seq, CONCAT('P', LPAD(seq, 7, '0')), CONCAT('user', seq, '@example.com'), 'Ångström', CONCAT('Name ', seq), REPEAT('x', 500) FROM seq_1_to_200000",
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Waits until the server has no session of the source's user left (the source closed its connection). */
  async function sessionsGone(): Promise<number> {
    for (let i = 0; i < 250; i++) {
      const [row] = await server.rows("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = 'efs_admin'");
      if (Number(row?.n) === 0) return 0;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [row] = await server.rows("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = 'efs_admin'");
    return Number(row?.n);
  }

  it('streams 200,000 rows in order with heap growth far below the table size', async () => {
    const source = openMariaDbSource('mariadb efs.big', QUERY, db, { queryKey: 'sources.panelists.query' });
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let lastCode = '';
    for await (const row of source.rows()) {
      count++;
      if (row.line !== count) throw new Error(`row ${count} has line ${row.line}`);
      lastCode = row.values.pcode ?? '';
      if (count % 25_000 === 0) {
        expect(row.values).toEqual({ pcode: `P${String(count).padStart(7, '0')}`, u_email: `user${count}@example.com`, u_firstname: 'Ångström', u_name: `Name ${count}`, filler: 'x'.repeat(500) });
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(count).toBe(ROWS);
    expect(lastCode).toBe('P0200000');
    // Holding the rows would take > 150 MB (200,000 × ~600 bytes of text); a stream holds a few hundred.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
    expect(await sessionsGone()).toBe(0);
  });

  it('stops the query and closes the connection when the consumer breaks early', async () => {
    const source = openMariaDbSource('mariadb efs.big', QUERY, db);
    const seen: string[] = [];
    for await (const row of source.rows()) {
      seen.push(row.values.pcode ?? '');
      if (seen.length === 10) break;
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `P${String(i + 1).padStart(7, '0')}`));
    expect(await sessionsGone()).toBe(0);
  });

  it('ends with InterruptedError when the signal aborts mid-stream, and leaves no session behind', async () => {
    const controller = new AbortController();
    const source = openMariaDbSource('mariadb efs.big', QUERY, db);
    let count = 0;
    const run = (async () => {
      for await (const _row of source.rows(controller.signal)) {
        count++;
        if (count === 1000) controller.abort(new Error('Ctrl-C'));
      }
    })();
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(count).toBeGreaterThanOrEqual(1000);
    expect(count).toBeLessThan(ROWS);
    expect(await sessionsGone()).toBe(0);
    await expect(source.rows(controller.signal)[Symbol.asyncIterator]().next()).rejects.toThrow('reading the database source was interrupted');
  });
});
