import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/sqlite.js';
import { REPO, scratchBase } from './harness.js';
import { cliInProcess } from './in-process.js';

/**
 * A journal that cannot be used ends with a named message that says what to do, never
 * "unexpected error: SqliteError … at Database.prepare": a truncated journal, a file that is no
 * journal at all (exit 3, keep the file), and a journal path in a folder that does not exist
 * (a typo in --journal or the config: exit 2, no folder made on the fly).
 */
let dir: string;
let cfg: string;
const COMMANDS = [['status'], ['report'], ['users', 'create', '--dry-run'], ['plan', '--offline']];

beforeAll(() => {
  dir = mkdtempSync(path.join(scratchBase(), 'efs-okta-broken-journal-'));
  copyFileSync(path.join(REPO, 'test', 'fixtures', 'bad-config', 'panelists.csv'), path.join(dir, 'panelists.csv'));
  cfg = path.join(dir, 'efs-okta.yaml');
  writeFileSync(cfg, 'installation: acme\nokta: { orgUrl: "http://127.0.0.1:9" }\nsources:\n  panelists:\n    file: panelists.csv\n    delimiter: ";"\n    columns: { key: pcode, email: u_email, firstName: u_firstname, lastName: u_name }\n');
  const good = path.join(dir, 'good.sqlite');
  openJournal(good, { installation: 'acme' }).close();
  writeFileSync(path.join(dir, 'truncated.sqlite'), readFileSync(good).subarray(0, 1000));
  writeFileSync(path.join(dir, 'text.sqlite'), 'kind;key;login\npanelist;P1;anna@example.com\n'.repeat(200));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('robustness: a journal that cannot be used gets a named message, no stack trace', () => {
  for (const [file, says] of [['truncated.sqlite', 'is damaged (truncated or overwritten)'], ['text.sqlite', 'is not an efs-okta journal']] as const) {
    it(`${file}: exit 3, says what it is and what to do, keeps the file`, async () => {
      const before = readFileSync(path.join(dir, file));
      for (const args of COMMANDS) {
        const r = await cliInProcess([...args, '-c', cfg, '--journal', path.join(dir, file)], { OKTA_API_TOKEN: 'x' });
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
        expect(r.stderr).toContain(`${path.join(dir, file)} ${says}`);
        expect(r.stderr).toContain('restore it from a backup');
        expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
      }
      expect(readFileSync(path.join(dir, file)).equals(before)).toBe(true);
    });
  }

  it('a journal path in a folder that does not exist: a config error (exit 2) naming the setting; no folder is made', async () => {
    const missing = path.join(dir, 'no-such-folder', 'sub', 'acme.sqlite');
    for (const args of COMMANDS) {
      const r = await cliInProcess([...args, '-c', cfg, '--journal', missing], { OKTA_API_TOKEN: 'x' });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`the folder of the journal ${missing} does not exist: check --journal`);
      expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    }
    expect(existsSync(path.join(dir, 'no-such-folder'))).toBe(false);
  });
});
