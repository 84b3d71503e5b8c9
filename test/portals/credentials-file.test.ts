import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialsFile, CredentialsFileError, type PortalCredentialEntry } from '../../src/portals/credentials-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-creds-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (secret: string, issuedAt: string): PortalCredentialEntry => ({ clientId: 'cid', clientSecret: secret, appId: '0oa1', label: 'EFS x · P (1)', issuedAt });

describe('portals credentials file', () => {
  it('writes a new file with mode 0600, keyed by portal key', () => {
    const file = new CredentialsFile(path.join(dir, 'sub', 'portal-credentials.json'));
    file.write('1', entry('s3cret-one', '2026-01-01T00:00:00.000Z'));
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toEqual({ '1': entry('s3cret-one', '2026-01-01T00:00:00.000Z') });
  });

  it('merges with the entries of other portals and replaces an older entry of the same portal', () => {
    const file = new CredentialsFile(path.join(dir, 'c.json'));
    file.write('2', entry('two', '2026-01-01T00:00:00.000Z'));
    file.write('1', entry('one', '2026-01-01T00:00:00.000Z'));
    file.write('1', entry('one-new', '2026-01-02T00:00:00.000Z'));
    const all = file.read();
    expect(Object.keys(all)).toEqual(['1', '2']);
    expect(all['1']?.clientSecret).toBe('one-new');
    expect(all['2']?.clientSecret).toBe('two');
  });

  it('tightens a file that was readable by others to 0600 when it rewrites it', () => {
    const p = path.join(dir, 'c.json');
    writeFileSync(p, '{}\n');
    chmodSync(p, 0o644);
    new CredentialsFile(p).write('1', entry('x', '2026-01-01T00:00:00.000Z'));
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an entry newer than the one being written, and leaves the file as it was', () => {
    const file = new CredentialsFile(path.join(dir, 'c.json'));
    file.write('1', entry('newer', '2026-03-01T00:00:00.000Z'));
    const before = readFileSync(file.path, 'utf8');
    let caught: unknown;
    try {
      file.write('1', entry('older', '2026-02-01T00:00:00.000Z'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CredentialsFileError);
    expect((caught as CredentialsFileError).code).toBe('CREDENTIALS_NEWER');
    expect((caught as Error).message).not.toContain('newer"');
    expect((caught as Error).message).not.toContain('older');
    expect(readFileSync(file.path, 'utf8')).toBe(before);
  });

  it('refuses to touch a file that is not a JSON object (it may hold the only copy of secrets)', () => {
    const p = path.join(dir, 'c.json');
    writeFileSync(p, 'not json');
    const file = new CredentialsFile(p);
    expect(() => file.write('1', entry('x', '2026-01-01T00:00:00.000Z'))).toThrow(/not a JSON object/);
    expect(readFileSync(p, 'utf8')).toBe('not json');
  });

  it('reports a path it cannot write to with a named error and leaves no temp file behind', () => {
    // A regular file where the directory should be: fails for root too (unlike a chmod).
    const blocker = path.join(dir, 'blocker');
    writeFileSync(blocker, 'x');
    const file = new CredentialsFile(path.join(blocker, 'c.json'));
    expect(() => file.write('1', entry('x', '2026-01-01T00:00:00.000Z'))).toThrow(CredentialsFileError);
    try {
      file.write('1', entry('x', '2026-01-01T00:00:00.000Z'));
    } catch (err) {
      expect((err as CredentialsFileError).code).toBe('CREDENTIALS_WRITE');
      expect((err as Error).message).toContain('portals.credentialsFile');
    }
    expect(readdirSync(dir)).toEqual(['blocker']);
  });
});
