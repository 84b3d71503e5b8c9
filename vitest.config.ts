import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep the number of workers (each may run a simulator or MariaDB client) small.
    maxWorkers: 2,
    reporters: ['default'],
    // Runs started by the tests keep their shared rate-budget ledger here, never in the user's home.
    env: { EFS_OKTA_STATE_DIR: path.join(os.tmpdir(), `efs-okta-test-state-${process.pid}`) },
  },
});
