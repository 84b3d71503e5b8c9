import bcrypt from 'bcryptjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createHash, pbkdf2Sync } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { testInstallation, type TestInstallation } from '../helpers/installation.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

const PASSWORD = 'Pa55word with ümlaut';

async function verifies(i: TestInstallation, login: string, password: string): Promise<unknown> {
  const res = await fetch(`${i.sim.url}/__sim/verify-password`, {
    method: 'POST',
    headers: { Authorization: `SSWS ${i.sim.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  return res.json();
}

describe('users/create: imported password hashes verify end to end (saltEncoding)', () => {
  it('a text salt (PHP, SHA-256 POSTFIX) and a hex salt (PBKDF2): the known password verifies in the simulator; provider IMPORT', async () => {
    const textSalt = 'Xy#9 salt';
    const hexSalt = Buffer.from('0011aabbccddeeff', 'hex');
    const sha256 = createHash('sha256').update(PASSWORD + textSalt).digest('hex');
    const pbkdf2 = pbkdf2Sync(PASSWORD, hexSalt, 4096, 32, 'sha256').toString('base64');
    inst = await testInstallation({
      configText: (url) => `installation: hashes
okta: { orgUrl: ${JSON.stringify(url)}, share: 1, tokenShare: 1, concurrency: 2 }
sources:
  admins:
    file: admins.csv
    columns: { key: id, email: email, firstName: first, lastName: last }
    passwordHash: { algorithm: SHA-256, valueColumn: pw, saltColumn: salt, saltOrder: POSTFIX, saltEncoding: text }
  panelists:
    file: panelists.csv
    columns: { key: id, email: email, firstName: first, lastName: last }
    passwordHash: { algorithm: PBKDF2, valueColumn: pw, saltColumn: salt, saltEncoding: hex, iterationCount: 4096, keySize: 32, digestAlgorithm: SHA256_HMAC }
journal: ./hashes.sqlite
`,
    });
    writeFileSync(path.join(inst.dir, 'admins.csv'), `id;email;first;last;pw;salt\n1;ann@example.com;Ann;Lee;${sha256};${textSalt}\n`);
    writeFileSync(path.join(inst.dir, 'panelists.csv'), `id;email;first;last;pw;salt\nP1;pia@example.com;Pia;Lee;${pbkdf2};${hexSalt.toString('hex')}\n`);
    const summary = await inst.create();
    expect(summary).toMatchObject({ created: 2, failed: 0, rejected: 0 });
    for (const login of ['ann@example.com', 'pia@example.com']) {
      expect(await verifies(inst, login, PASSWORD)).toMatchObject({ imported: true, verified: true });
      expect(await verifies(inst, login, 'wrong')).toMatchObject({ verified: false });
      expect(inst.sim.org.users.getByLogin(login)?.credential).toBe('hash');
    }
    const rt = await inst.open();
    try {
      const user = await rt.okta!.getUser('ann@example.com');
      expect(user?.status).toBe('STAGED');
      const raw = (await (await fetch(`${inst.sim.url}/api/v1/users/${user!.id}`, { headers: { Authorization: `SSWS ${inst.sim.token}` } })).json()) as { credentials: { provider: { type: string } } };
      expect(raw.credentials.provider.type).toBe('IMPORT');
      expect(rt.journal.get('admin', '1')).toMatchObject({ passwordImported: true, passwordHash: null });
    } finally {
      rt.close();
    }
  });

  it('a BCRYPT crypt string from PHP verifies', async () => {
    inst = await testInstallation({
      configText: (url) => `installation: bcrypt
okta: { orgUrl: ${JSON.stringify(url)}, share: 1, tokenShare: 1, concurrency: 2 }
sources:
  admins:
    file: admins.csv
    columns: { key: id, email: email, firstName: first, lastName: last }
    passwordHash: { algorithm: BCRYPT, valueColumn: pw }
journal: ./bcrypt.sqlite
`,
    });
    writeFileSync(path.join(inst.dir, 'admins.csv'), `id;email;first;last;pw\n1;bo@example.com;Bo;Lee;${bcrypt.hashSync(PASSWORD, 4).replace('$2b$', '$2y$')}\n`);
    expect(await inst.create()).toMatchObject({ created: 1 });
    expect(await verifies(inst, 'bo@example.com', PASSWORD)).toMatchObject({ verified: true });
  });

  it('config: a salt column without saltEncoding is refused with what to set', () => {
    expect(() => loadConfigText(`installation: x
sources:
  admins:
    file: admins.csv
    columns: { key: id }
    passwordHash: { algorithm: SHA-256, valueColumn: pw, saltColumn: salt, saltOrder: PREFIX }
`)).toThrow(/saltEncoding.*text.*base64 or hex/);
  });
});

function loadConfigText(text: string): unknown {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-salt-'));
  try {
    writeFileSync(path.join(dir, 'efs-okta.yaml'), text);
    writeFileSync(path.join(dir, 'admins.csv'), 'id\n');
    return loadConfig(path.join(dir, 'efs-okta.yaml'), {}, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
