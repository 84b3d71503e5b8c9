import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/dashboard.js';
import type { DashboardPayload } from '../../src/dashboard/feed.js';
import { openJournal } from '../../src/journal/sqlite.js';
import { seedRecords } from '../report/fixture.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-dash-cli-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard verb', () => {
  it('serves every --journal given on loopback, prints its URL and stops on SIGINT', async () => {
    const files = ['a.sqlite', 'b.sqlite'].map((f) => path.join(dir, f));
    for (const f of files) {
      const j = openJournal(f, { installation: path.basename(f, '.sqlite') });
      seedRecords(j, Date.now(), { admin: 2 });
      j.close();
    }
    let printed = '';
    const urlSeen = new Promise<string>((resolve) => {
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed += String(chunk);
        const m = /dashboard on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(printed);
        if (m?.[1]) resolve(m[1]);
        return true;
      });
    });
    const program = new Command().exitOverride();
    register(program);
    const run = program.parseAsync(['node', 'efs-okta', 'dashboard', '--journal', files[0]!, '--journal', files[1]!, '--port', '0']);
    const url = await urlSeen;
    expect(printed).toContain('2 journals');
    const payload = (await (await fetch(`${url}api/status`)).json()) as DashboardPayload;
    expect(payload.journals.map((j) => j.status?.journal.installation)).toEqual(['a', 'b']);
    process.emit('SIGINT');
    await run;
    await expect(fetch(`${url}api/status`)).rejects.toThrow();
  });
});
