import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOrgUrl } from '../../src/config/load.js';
import { createPrivateAppendFile, writePrivateFile } from '../../src/files/private-file.js';
import { openJournal } from '../../src/journal/sqlite.js';
import { normalizeOrgUrl } from '../../src/okta/client.js';
import { CredentialsFile } from '../../src/portals/credentials-file.js';
import { LinksFile } from '../../src/report/links-file.js';
import { REPO, scratchBase } from './harness.js';
import { cliInProcess } from './in-process.js';

/**
 * Where a secret could still slip out: plain http to a host that only looks like loopback, config
 * errors that echo the value they reject, warnings about readable secret files that nobody hears,
 * and files with personal data left world-readable or written through a symlink. Every command runs
 * in-process against a loopback port nothing listens on: no case needs the network.
 */
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'bad-config');
const TOKEN = '00CanaryTokenAbCdEfGhIjKlMnOpQrStUvWxYz0123';
let dir: string;

function config(name: string, okta: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `installation: acme\nokta: ${okta}\njournal: ${name}.sqlite\nsources:\n  panelists:\n    file: panelists.csv\n    delimiter: ";"\n    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name }\n  portals:\n    file: panelists.csv\n    delimiter: ";"\n    columns: { key: pcode, name: u_name, url: u_email }\n`);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(scratchBase(), 'efs-okta-secret-paths-'));
  copyFileSync(path.join(FIXTURES, 'panelists.csv'), path.join(dir, 'panelists.csv'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets: plain http only to a literal loopback address', () => {
  it('config and client accept 127.0.0.0/8 as an IP, ::1 and localhost; refuse names that merely start like them', () => {
    for (const ok of ['http://127.0.0.1:8017', 'http://127.5.6.7:8017', 'http://localhost:8017', 'http://[::1]:8017', 'http://127.1:8017']) {
      expect(() => validateOrgUrl(ok), ok).not.toThrow();
      expect(() => normalizeOrgUrl(ok), ok).not.toThrow();
    }
    for (const bad of ['http://127.evil.test:18080', 'http://127.0.0.1.evil.test', 'http://localhost.evil.test', 'http://127.0.0.1.nip.io:8080', 'http://[::2]:80']) {
      expect(() => validateOrgUrl(bad), bad).toThrow(/must use https .*loopback address/);
      expect(() => normalizeOrgUrl(bad), bad).toThrow(/must use https/);
    }
  });

  it('the CLI refuses okta.orgUrl http://127.evil.test:18080 with a config error (exit 2) before any request', async () => {
    const r = await cliInProcess(['plan', '-c', config('evil-loopback.yaml', '{ orgUrl: "http://127.evil.test:18080" }')], { OKTA_API_TOKEN: TOKEN });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('okta.orgUrl must use https');
    expect(r.stderr).toContain('127.evil.test');
  });
});

describe('secrets: config errors name the key, never the secret value', () => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyLines = pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));

  it('okta.oauth.privateKeyFile holding the PEM text itself: exit 2, the key named, no line of it printed', async () => {
    const inline = JSON.stringify(pem);
    const r = await cliInProcess(['plan', '-c', config('inline-key.yaml', `{ orgUrl: "http://127.0.0.1:9", oauth: { clientId: 0oa-x, privateKeyFile: ${inline} } }`)]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('okta.oauth.privateKeyFile holds the key itself');
    for (const line of keyLines) expect(r.stderr).not.toContain(line);
    expect(r.stderr).not.toContain('BEGIN PRIVATE KEY');
  });

  it('okta: <token> (the token where the section belongs): exit 2, "okta" named, the token not echoed', async () => {
    const r = await cliInProcess(['plan', '-c', config('token-as-okta.yaml', TOKEN)]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^okta: .*not shown/m);
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stderr).not.toContain(TOKEN.slice(0, 20));
  });

  it('the token pasted as okta.orgUrl, as --token-file or in EFS_OKTA_SHARE: never echoed', async () => {
    const asUrl = await cliInProcess(['plan', '-c', config('token-as-url.yaml', `{ orgUrl: ${TOKEN} }`)], { OKTA_API_TOKEN: 'x' });
    const asFile = await cliInProcess(['plan', '-c', config('token-as-file.yaml', '{ orgUrl: "http://127.0.0.1:9" }'), '--token-file', TOKEN]);
    const asShare = await cliInProcess(['plan', '-c', config('token-as-share.yaml', '{ orgUrl: "http://127.0.0.1:9" }')], { OKTA_API_TOKEN: 'x', EFS_OKTA_SHARE: TOKEN });
    for (const [what, r] of [['orgUrl', asUrl], ['--token-file', asFile], ['EFS_OKTA_SHARE', asShare]] as const) {
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr, what).not.toContain(TOKEN);
    }
    expect(asUrl.stderr).toContain('okta.orgUrl');
    expect(asFile.stderr).toContain('--token-file');
    expect(asShare.stderr).toContain('EFS_OKTA_SHARE must be a number');
  });
});

describe('secrets: the warning about a secret file others can read is shown by every command that reads it', () => {
  const COMMANDS = [['plan'], ['users', 'create'], ['users', 'activate'], ['verify'], ['portals', 'sync'], ['rollback', '--users', '--yes']];

  it('--token-file with mode 0644', async () => {
    const tokenFile = path.join(dir, 'token-0644');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    chmodSync(tokenFile, 0o644);
    const cfg = config('warn-token.yaml', '{ orgUrl: "http://127.0.0.1:9", maxAttempts: 1 }');
    for (const args of COMMANDS) {
      const r = await cliInProcess([...args, '-c', cfg, '--token-file', tokenFile]);
      expect(r.stderr, args.join(' ')).toContain(`efs-okta: warning: the API token file ${tokenFile} can be read by other users (mode 644): run chmod 600`);
      expect(r.stderr).not.toContain(TOKEN);
    }
  }, 60_000);

  it('an OAuth private key file with mode 0644', async () => {
    const keyFile = path.join(dir, 'service-0644.pem');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    chmodSync(keyFile, 0o644);
    const cfg = config('warn-key.yaml', '{ orgUrl: "http://127.0.0.1:9", maxAttempts: 1, oauth: { clientId: 0oa-x, privateKeyFile: service-0644.pem } }');
    for (const args of [['plan'], ['verify']]) {
      const r = await cliInProcess([...args, '-c', cfg]);
      expect(r.stderr, args.join(' ')).toContain(`efs-okta: warning: the OAuth private key file ${keyFile} can be read by other users (mode 644)`);
    }
  }, 30_000);
});

describe('secrets: files with personal data end 0600 and are never written through a symlink', () => {
  it('report -o (csv, json, html) onto an existing 0644 file: replaced, mode 0600', async () => {
    const cfg = config('report.yaml', '{ orgUrl: "http://127.0.0.1:9" }');
    openJournal(path.join(dir, 'report.yaml.sqlite'), { installation: 'acme' }).close();
    for (const format of ['csv', 'json', 'html']) {
      const out = path.join(dir, `existing.${format}`);
      writeFileSync(out, 'old content');
      chmodSync(out, 0o644);
      const r = await cliInProcess(['report', '-c', cfg, '--format', format, '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(out).mode & 0o777, format).toBe(0o600);
      expect(readFileSync(out, 'utf8')).not.toBe('old content');
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('report -o onto a symlink: refused with a clear message, the link target untouched', async () => {
    const cfg = config('report-link.yaml', '{ orgUrl: "http://127.0.0.1:9" }');
    openJournal(path.join(dir, 'report-link.yaml.sqlite'), { installation: 'acme' }).close();
    const target = path.join(dir, 'victim.txt');
    writeFileSync(target, 'precious');
    chmodSync(target, 0o644);
    for (const format of ['csv', 'html']) {
      const link = path.join(dir, `link.${format}`);
      symlinkSync(target, link);
      const r = await cliInProcess(['report', '-c', cfg, '--format', format, '-o', link]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`${link} is a symbolic link: efs-okta does not write the report through a link`);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    }
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(statSync(target).mode & 0o777).toBe(0o644);
  });

  it('the shared writer behind verify -o, the credentials file and the links file: 0600 over a 0644 file, refuses symlinks', () => {
    const existing = path.join(dir, 'verify.csv');
    writeFileSync(existing, 'x');
    chmodSync(existing, 0o644);
    writePrivateFile(existing, 'type,kind\r\n');
    expect(statSync(existing).mode & 0o777).toBe(0o600);

    const target = path.join(dir, 'victim2.txt');
    writeFileSync(target, 'precious');
    const link = path.join(dir, 'verify-link.csv');
    symlinkSync(target, link);
    expect(() => writePrivateFile(link, 'x')).toThrow(/is a symbolic link/);

    const credTarget = path.join(dir, 'victim-creds.json');
    writeFileSync(credTarget, '{}');
    const credLink = path.join(dir, 'creds-link.json');
    symlinkSync(credTarget, credLink);
    expect(() => new CredentialsFile(credLink).write('1', { clientId: 'c', clientSecret: 's', appId: 'a', label: 'l', issuedAt: new Date(0).toISOString() })).toThrow(/symbolic link/);
    const creds = path.join(dir, 'creds.json');
    writeFileSync(creds, '{}');
    chmodSync(creds, 0o644);
    new CredentialsFile(creds).write('1', { clientId: 'c', clientSecret: 's', appId: 'a', label: 'l', issuedAt: new Date(0).toISOString() });
    expect(statSync(creds).mode & 0o777).toBe(0o600);

    const linksLink = path.join(dir, 'links-link.csv');
    symlinkSync(path.join(dir, 'not-there-yet.csv'), linksLink);
    const links = new LinksFile(linksLink);
    expect(() => links.write('panelist', 'P1', 'a@example.com', 'https://x')).toThrow(/symbolic link/);
    expect(existsSync(path.join(dir, 'not-there-yet.csv'))).toBe(false);
    const fd = createPrivateAppendFile(path.join(dir, 'links.csv'));
    closeSync(fd);
    expect(statSync(path.join(dir, 'links.csv')).mode & 0o777).toBe(0o600);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readFileSync(credTarget, 'utf8')).toBe('{}');
  });
});
