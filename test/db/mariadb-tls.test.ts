import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/schema.js';
import { SourceError } from '../../src/core/errors.js';
import { openMariaDbSource } from '../../src/source/mariadb.js';
import type { SourceRow } from '../../src/core/source-row.js';
import { describeMariaDb, startMariaDb, type PrivateMariaDb } from './mariadb-server.js';

async function collect(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** A throw-away CA and a server certificate for 127.0.0.1, made with the openssl CLI. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=efs-okta test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

const CIPHER = "SELECT VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'";

describeMariaDb('mariadb source over TLS', () => {
  let dir: string;
  let certs: { ca: string; cert: string; key: string };
  let server: PrivateMariaDb;
  let db: DatabaseConfig;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'efs-tls-'));
    certs = makeCertificates(dir);
    server = await startMariaDb({ tls: certs });
    db = await server.database('efs');
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects with TLS when database.tls.ca names the CA file, or holds the PEM itself', async () => {
    const [row] = await collect(openMariaDbSource('tls', CIPHER, { ...db, tls: { ca: certs.ca, rejectUnauthorized: true } }).rows());
    expect(row?.values.cipher).toMatch(/^TLS_|^ECDHE|AES|CHACHA/);
    const inline = await collect(openMariaDbSource('tls', CIPHER, { ...db, tls: { ca: readFileSync(certs.ca, 'utf8'), rejectUnauthorized: true } }).rows());
    expect(inline[0]?.values.cipher).toBe(row?.values.cipher);
  });

  it('says to set database.tls.ca when the server certificate is not trusted', async () => {
    const err = (await collect(openMariaDbSource('tls', 'SELECT 1', { ...db, tls: { rejectUnauthorized: true } }).rows()).catch((e: unknown) => e)) as SourceError;
    expect(err).toBeInstanceOf(SourceError);
    expect(err.code, err.message).toBe('DB_TLS');
    expect(err.message).toMatch(/^the TLS certificate of MariaDB at 127\.0\.0\.1:\d+ was not accepted \(self-signed certificate in certificate chain\): set database\.tls\.ca/);
  });

  it('names an unreadable database.tls.ca file', async () => {
    const missing = path.join(dir, 'nope.pem');
    await expect(collect(openMariaDbSource('tls', 'SELECT 1', { ...db, tls: { ca: missing, rejectUnauthorized: true } }).rows())).rejects.toThrow(
      `cannot read database.tls.ca ${missing} (ENOENT)`,
    );
  });

  it('says when database.tls is set but the server offers no TLS', async () => {
    const plain = await startMariaDb();
    try {
      const plainDb = await plain.database('efs');
      await expect(collect(openMariaDbSource('tls', 'SELECT 1', { ...plainDb, tls: { ca: certs.ca, rejectUnauthorized: true } }).rows())).rejects.toThrow(
        `MariaDB at 127.0.0.1:${plain.port} does not offer TLS, but database.tls is set`,
      );
    } finally {
      await plain.stop();
    }
  });
});
