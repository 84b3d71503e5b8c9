import { rmSync } from 'node:fs';

/** Removes the run's temporary folder (vitest.config.ts) once every test file has finished. */
export default function setup(): () => void {
  return () => {
    const dir = process.env.EFS_OKTA_TEST_TMP;
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
