import { afterAll, beforeAll, describe, it } from 'vitest';
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
 * A missing mariadbd fails the suite (one failing test in place of its tests) with the command that installs it (npm test's
 * pretest installs it as root, or stops earlier with the same command): a suite never skips.
 */
export { startMariaDb, findMariaDbd, type PrivateMariaDb, type StartOptions } from '../../src/bench/mariadb-server.js';
export { efsSchema, exampleQueries, extraPanelists, loadEfsSamples, readSample, type EfsSampleCounts } from './efs-fixture.js';

export const MARIADBD_MISSING = 'mariadbd is not installed: run npm test as root (its pretest installs it) or ' +
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server';

/** `describe` for suites that need a real MariaDB server. */
export function describeMariaDb(name: string, fn: () => void): void {
  if (findMariaDbd() === null) {
    describe(name, () => {
      it('needs mariadbd (Debian package mariadb-server)', () => {
        throw new Error(MARIADBD_MISSING);
      });
    });
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
