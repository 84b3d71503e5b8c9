import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep the number of workers (each may run a simulator or MariaDB client) small.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
