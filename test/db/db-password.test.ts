import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/schema.js';
import { passwordOrigin, readDatabasePassword } from '../../src/source/db-password.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-dbpw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: DatabaseConfig = { host: '127.0.0.1', port: 3306, database: 'efs', user: 'efs_reader', passwordEnv: 'EFS_DB_PASSWORD' };

describe('db-password readDatabasePassword', () => {
  it('reads the password from EFS_DB_PASSWORD by default', () => {
    expect(readDatabasePassword(base, { EFS_DB_PASSWORD: 's3cret;with spaces ' })).toBe('s3cret;with spaces ');
  });

  it('reads the env var named by database.passwordEnv', () => {
    expect(readDatabasePassword({ ...base, passwordEnv: 'EFS_PROD_DB_PW' }, { EFS_DB_PASSWORD: 'wrong', EFS_PROD_DB_PW: 'right' })).toBe('right');
  });

  it('says which env var to export when it is not set or empty', () => {
    expect(() => readDatabasePassword(base, {})).toThrow(/the database password is not set: export EFS_DB_PASSWORD=.*database\.passwordFile/);
    expect(() => readDatabasePassword({ ...base, passwordEnv: 'MY_PW' }, { MY_PW: '' })).toThrow(/export MY_PW=/);
  });

  it('prefers database.passwordFile and drops the final newline only', () => {
    const file = path.join(dir, 'pw');
    writeFileSync(file, '  pa ss\r\n');
    expect(readDatabasePassword({ ...base, passwordFile: file }, { EFS_DB_PASSWORD: 'env' })).toBe('  pa ss');
  });

  it('names the file when it is missing or empty', () => {
    const missing = path.join(dir, 'nope');
    expect(() => readDatabasePassword({ ...base, passwordFile: missing }, {})).toThrow(`cannot read database.passwordFile ${missing} (ENOENT)`);
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(() => readDatabasePassword({ ...base, passwordFile: empty }, {})).toThrow(/is empty/);
  });

  it('describes where the password comes from without revealing it', () => {
    expect(passwordOrigin(base)).toBe('$EFS_DB_PASSWORD');
    expect(passwordOrigin({ ...base, passwordFile: '/etc/efs/pw' })).toBe('database.passwordFile (/etc/efs/pw)');
  });
});
