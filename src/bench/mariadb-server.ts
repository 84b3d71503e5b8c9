import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2';
import type { Connection } from 'mysql2';
import type { DatabaseConfig } from '../config/schema.js';
import { findExecutable, freePort, isExecutable } from './local-server.js';

/**
 * A private, throw-away MariaDB server for tests and the benchmark: its own data directory, socket
 * and loopback port, real users with passwords (so "access denied" is real), stopped and deleted at
 * the end. Nothing depends on a system-wide server. Needs Debian's `mariadb-server` package.
 */
export interface PrivateMariaDb {
  host: string;
  port: number;
  socket: string;
  /** An administrative user (all privileges) that logs in with `password` over TCP. */
  user: string;
  password: string;
  /** A file holding `password`, usable as database.passwordFile. */
  passwordFile: string;
  dir: string;
  /** (Re)creates database `name` (utf8mb4) and returns a config that reaches it as `user`. */
  database(name: string): Promise<DatabaseConfig>;
  /** Runs SQL as root over the socket (several statements allowed); returns the driver's result. */
  exec(sql: string, values?: unknown[]): Promise<unknown>;
  /** Runs a SELECT as root and returns its rows as objects. */
  rows(sql: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** InnoDB buffer pool, e.g. '64M' (the default keeps several test servers cheap). */
  bufferPool?: string;
  /** Serve TLS with these PEM files. */
  tls?: { cert: string; key: string; ca?: string };
}

const SEARCH = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

/** Path of the server binary (MARIADBD overrides the search), or null when mariadb-server is not installed. */
export function findMariaDbd(): string | null {
  const chosen = process.env.MARIADBD;
  if (chosen) return isExecutable(chosen) ? chosen : null;
  return findExecutable(['mariadbd', 'mysqld'], SEARCH);
}

/** mariadbd refuses to run as root unless told to; the data directory belongs to whoever we are. */
function userArgs(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => finish(new Error(`mariadbd did not become ready within ${timeoutMs} ms:\n${log.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('ready for connections')) finish();
    };
    const onExit = (code: number | null): void => finish(new Error(`mariadbd exited (code ${code}) before it was ready:\n${log.slice(-2000)}`));
    function finish(err?: Error): void {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining stderr so the server never blocks on a full pipe.
      child.stderr?.resume();
      if (err) reject(err);
      else resolve();
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function query(conn: Connection, sql: string, values?: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    conn.query(sql, values, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export async function startMariaDb(options: StartOptions = {}): Promise<PrivateMariaDb> {
  const mariadbd = findMariaDbd();
  const installDb = findExecutable(['mariadb-install-db', 'mysql_install_db'], SEARCH);
  if (!mariadbd || !installDb) {
    throw new Error('mariadbd is not installed: apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server (npm test installs it when run as root)');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-mariadb-'));
  const datadir = path.join(dir, 'data');
  const socket = path.join(dir, 'mariadb.sock');
  const common = [
    `--innodb-buffer-pool-size=${options.bufferPool ?? '32M'}`,
    '--innodb-log-file-size=16M',
    // Containers often forbid io_uring/libaio; synchronous I/O works everywhere.
    '--innodb-use-native-aio=0',
  ];
  const install = spawnSync(
    installDb,
    // Its own tmpdir: the bootstrap's temporary tables (/tmp/#sql-temptable-<pid>-…) must not meet
    // those of servers that other test files install at the same moment.
    ['--no-defaults', `--datadir=${datadir}`, `--tmpdir=${dir}`, ...userArgs(), '--auth-root-authentication-method=normal', '--skip-test-db', ...common],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
  }

  let child: ChildProcess | null = null;
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const args = [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(dir, 'mariadbd.pid')}`,
      `--tmpdir=${dir}`,
      ...userArgs(),
      ...common,
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--performance-schema=OFF',
      '--max-connections=100',
      ...(options.tls ? [`--ssl-cert=${options.tls.cert}`, `--ssl-key=${options.tls.key}`, ...(options.tls.ca ? [`--ssl-ca=${options.tls.ca}`] : [])] : []),
    ];
    child = spawn(mariadbd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await waitReady(child, 30_000);
      break;
    } catch (err) {
      child.kill('SIGKILL');
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt < 3 && /Address already in use|Bind on TCP\/IP port/.test(String(err))) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }
  const server = child;
  const killOnExit = (): void => {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const root = mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true, charset: 'UTF8MB4_UNICODE_CI' });
  root.on('error', () => undefined);
  const user = 'efs_admin';
  const password = randomBytes(12).toString('base64url');
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  for (const host of ['127.0.0.1', 'localhost']) {
    await query(root, `CREATE USER '${user}'@'${host}' IDENTIFIED BY ?; GRANT ALL PRIVILEGES ON *.* TO '${user}'@'${host}' WITH GRANT OPTION`, [password]);
  }

  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    socket,
    user,
    password,
    passwordFile,
    dir,
    async database(name: string): Promise<DatabaseConfig> {
      await query(root, `DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      return { host: '127.0.0.1', port, database: name, user, passwordEnv: 'EFS_DB_PASSWORD', passwordFile };
    },
    exec: (sql, values) => query(root, sql, values),
    async rows(sql, values) {
      return (await query(root, sql, values)) as Record<string, unknown>[];
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      await new Promise<void>((resolve) => root.end(() => resolve()));
      root.destroy();
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
        server.kill('SIGTERM');
        const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
