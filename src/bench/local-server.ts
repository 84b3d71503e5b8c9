import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * What the private test servers (MariaDB, Redis) share: finding Debian's binary and a free loopback
 * port. The servers run from their own temp directories, so nothing depends on a system-wide one.
 */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` found on PATH or in `extraDirs` (sbin is not on every PATH), or null. */
export function findExecutable(names: string[], extraDirs: string[]): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

/** A loopback port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
