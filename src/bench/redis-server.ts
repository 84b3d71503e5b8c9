import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findExecutable, freePort, isExecutable } from './local-server.js';

/**
 * A private, throw-away Redis for tests and the benchmark: its own directory and loopback port,
 * a password (so the client's password path is real), no persistence, stopped and deleted at the
 * end. Nothing depends on a system-wide server. Needs Debian's `redis-server` package.
 */
export interface PrivateRedis {
  host: string;
  port: number;
  password: string;
  /** redis://127.0.0.1:PORT (no password: that goes in EFS_OKTA_REDIS_PASSWORD). */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

const SEARCH = ['/usr/bin', '/usr/local/bin', '/usr/sbin'];

/** Path of redis-server (REDIS_SERVER overrides the search), or null when it is not installed. */
export function findRedisServer(): string | null {
  const chosen = process.env.REDIS_SERVER;
  if (chosen) return isExecutable(chosen) ? chosen : null;
  return findExecutable(['redis-server'], SEARCH);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startRedis(): Promise<PrivateRedis> {
  const bin = findRedisServer();
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server), or set REDIS_SERVER');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-redis-'));
  const port = await freePort();
  const password = `test-${Math.random().toString(36).slice(2)}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', password, '--daemonize', 'no', '--loglevel', 'warning'];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not listen on port ${port} within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1', port, password, url: `redis://127.0.0.1:${port}`, dir,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
