import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Everything a test run writes to the temporary directory (journals, configs, simulators' files, the
// shared rate-budget ledger, MariaDB and Redis data) goes under one folder of this run, removed at the
// end by test/global-setup.ts: a run leaves no trace in /tmp, and never touches the user's home.
const runTmp = path.join(os.tmpdir(), `efs-okta-test-${process.pid}`);
mkdirSync(runTmp, { recursive: true });
process.env.EFS_OKTA_TEST_TMP = runTmp;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep the number of workers (each may run a simulator or MariaDB client) small.
    maxWorkers: 2,
    reporters: ['default'],
    globalSetup: ['test/global-setup.ts'],
    env: { TMPDIR: runTmp, EFS_OKTA_STATE_DIR: path.join(runTmp, 'state') },
  },
});
