import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/report.js';
import { UsageError } from '../../src/core/errors.js';
import { openJournal } from '../../src/journal/sqlite.js';
import { personalData, seedRecords, settle } from './fixture.js';

let dir: string;
let config: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-report-cli-'));
  const j = openJournal(path.join(dir, 'acme.sqlite'), { installation: 'acme' });
  seedRecords(j, Date.now(), { panelist: 5 });
  settle(j, 'panelist', 2, Date.now(), 'failed');
  j.close();
  config = path.join(dir, 'efs-okta.yaml');
  writeFileSync(config, 'installation: acme\njournal: ./acme.sqlite\n');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function report(...args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(['node', 'efs-okta', 'report', '-c', config, ...args]);
}

describe('report verb, html format', () => {
  it('writes one self-contained file readable only by its owner, logins masked', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = path.join(dir, 'report.html');
    await report('--format', 'html', '-o', out);
    const html = readFileSync(out, 'utf8');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('p***@customer-example.org');
    expect(html).not.toContain(personalData('panelist', 0).email);
    expect(html).not.toMatch(/https?:/);
  });

  it('--unmasked shows full logins; it is refused for csv and json', async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    await report('--format', 'html', '--unmasked');
    expect(stdout).toContain(personalData('panelist', 0).email);
    await expect(report('--format', 'csv', '--unmasked')).rejects.toBeInstanceOf(UsageError);
  });
});
