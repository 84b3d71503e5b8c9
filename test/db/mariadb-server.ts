import { afterAll, beforeAll, describe } from 'vitest';
import type { DatabaseConfig } from '../../src/config/schema.js';
import { findMariaDbd, startMariaDb, type PrivateMariaDb } from '../../src/bench/mariadb-server.js';
import { loadEfsSamples } from './efs-fixture.js';

/**
 * Test helper: a private MariaDB server per test file (start it in beforeAll, stop it in afterAll).
 *
 *   const db = await startMariaDb();
 *   const config = await db.database('efs');          // DatabaseConfig, password in a file
 *   await db.exec('CREATE TABLE ...; INSERT ...');      // as root over the socket
 *   ...
 *   await db.stop();
 *
 * In CI (CI=true) a missing mariadbd is an error, so the suite fails instead of passing silently;
 * on a developer machine without mariadb-server the MariaDB suites are skipped with a message.
 */
export { startMariaDb, findMariaDbd, type PrivateMariaDb, type StartOptions } from '../../src/bench/mariadb-server.js';
export { efsSchema, exampleQueries, extraPanelists, loadEfsSamples, readSample, type EfsSampleCounts } from './efs-fixture.js';

const missing = findMariaDbd() === null;
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/** `describe` for suites that need a real MariaDB server. */
export function describeMariaDb(name: string, fn: () => void): void {
  if (missing && !inCi) {
    console.warn(`[${name}] skipped: mariadbd is not installed (apt-get install mariadb-server; CI installs it and fails without it)`);
    describe.skip(`${name} (skipped: mariadbd not installed)`, fn);
    return;
  }
  describe(name, fn);
}

/**
 * A private server for the enclosing describe block, with the EFS samples loaded into database `efs`:
 * `set` receives the server and a config for that database once it is ready.
 */
export function withEfsSamplesServer(set: (server: PrivateMariaDb, db: DatabaseConfig) => void): void {
  let server: PrivateMariaDb | null = null;
  beforeAll(async () => {
    server = await startMariaDb();
    const db = await server.database('efs');
    await loadEfsSamples(server, 'efs');
    set(server, db);
  });
  afterAll(async () => {
    await server?.stop();
  });
}
