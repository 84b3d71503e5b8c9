import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

function writeConfig(database: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-config-db-'));
  mkdirSync(path.join(dir, 'conf'));
  const file = path.join(dir, 'conf', 'efs-okta.yaml');
  writeFileSync(
    file,
    `installation: acme
sources:
  panelists: { type: database, query: "SELECT pcode FROM panelists", columns: { key: pcode } }
database:
${database}`,
  );
  return file;
}

describe('config/load database section', () => {
  it('resolves a relative database.tls.ca and passwordFile against the config file folder', () => {
    const file = writeConfig('  database: efs\n  user: efs_migration\n  passwordFile: secrets/db-password\n  tls: { ca: certs/efs-db-ca.pem }\n');
    const db = loadConfig(file, {}, {}).database;
    const dir = path.dirname(file);
    expect(db?.tls).toEqual({ ca: path.join(dir, 'certs', 'efs-db-ca.pem'), rejectUnauthorized: true });
    expect(db?.passwordFile).toBe(path.join(dir, 'secrets', 'db-password'));
  });

  it('keeps an absolute database.tls.ca and the PEM text itself unchanged', () => {
    const absolute = writeConfig('  database: efs\n  user: u\n  tls: { ca: /etc/efs-okta/ca.pem, rejectUnauthorized: false }\n');
    expect(loadConfig(absolute, {}, {}).database?.tls).toEqual({ ca: '/etc/efs-okta/ca.pem', rejectUnauthorized: false });
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
    const inline = writeConfig(`  database: efs\n  user: u\n  tls:\n    ca: |\n${pem.split('\n').filter(Boolean).map((l) => `      ${l}`).join('\n')}\n`);
    expect(loadConfig(inline, {}, {}).database?.tls?.ca).toBe(pem);
  });

  it('leaves tls out when it is not configured', () => {
    const file = writeConfig('  database: efs\n  user: u\n');
    expect(loadConfig(file, {}, {}).database?.tls).toBeUndefined();
  });
});
