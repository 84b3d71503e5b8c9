import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderStatus } from '../../src/cli/status.js';
import { jsonText, terminalText } from '../../src/core/terminal-text.js';
import { openJournal } from '../../src/journal/sqlite.js';
import type { PortalSyncSummary } from '../../src/portals/sync.js';
import type { VerifyResult } from '../../src/users/verify.js';
import { planTableText, syncTable } from '../../src/portals/summary.js';
import { csvLine } from '../../src/report/csv.js';
import { esc } from '../../src/report/html/escape.js';
import { htmlReport } from '../../src/report/html/index.js';
import { writeRecordsReport } from '../../src/report/records-report.js';
import { buildStatus } from '../../src/report/status-model.js';
import { stateSummary, table } from '../../src/report/summary.js';
import { testInstallation, type TestInstallation } from '../helpers/installation.js';
import { cliInProcess } from './in-process.js';

/**
 * Names from Okta or the source holding terminal escape sequences (`ESC]0;…BEL` retitles the
 * terminal, `ESC[2J` clears it), CR/LF (a forged line of output) or bidi overrides (U+202E makes
 * `gpj.exe` display as `exe.jpg`) reach no terminal and no report raw: every renderer escapes them.
 */
const HOSTILE = '\u001b]0;pwned\u0007Eve\u001b[2J\r\nforged: journal and Okta agree\u202Egpj.exe\u0000\u0085\u2066';
const RAW = ['\u001b', '\u0007', '\r', '\u202E', '\u0000', '\u0085', '\u2066'];

function expectClean(text: string, where: string): void {
  for (const c of RAW) expect(text.includes(c), `${where} holds U+${(c.codePointAt(0) ?? 0).toString(16)} raw`).toBe(false);
  expect(text, where).not.toMatch(/^forged/m);
}

describe('terminal-text: the one escaping function', () => {
  it('escapes controls, line breaks and bidi characters visibly; JSON stays valid and lossless', () => {
    expect(terminalText(HOSTILE)).toBe('\\u001B]0;pwned\\u0007Eve\\u001B[2J\\r\\nforged: journal and Okta agree\\u202Egpj.exe\\u0000\\u0085\\u2066');
    expect(terminalText('Zoë Ünal 山田')).toBe('Zoë Ünal 山田');
    const json = jsonText({ name: HOSTILE });
    expectClean(json, 'jsonText');
    expect((JSON.parse(json) as { name: string }).name).toBe(HOSTILE);
  });

  it('tables, status, portal summaries, CSV cells and HTML escape what they print', () => {
    expectClean(table([['kind', 'name'], ['panelist', HOSTILE]]), 'table');
    const outcome = { key: HOSTILE, action: 'failed' as const, appId: null, clientId: null, label: HOSTILE, changes: [], reason: 'E0000001', message: HOSTILE, writeBack: 'off' as const };
    const summary: PortalSyncSummary = { outcomes: [outcome], counts: { created: 0, adopted: 0, updated: 0, unchanged: 0, invalid: 0, failed: 1 }, secretsIssued: 0, writeBackFailed: 0, removed: 0, interrupted: false };
    expectClean(syncTable(summary), 'portals sync table');
    expectClean(planTableText([{ key: HOSTILE, action: 'invalid', newSecret: false, label: null, reason: 'name.control_characters', message: HOSTILE } as never]), 'portals plan table');
    expectClean(csvLine([HOSTILE, 'x']).replace(/\r\n$/, ''), 'csv line');
    expect(csvLine([HOSTILE]).split('\r\n')).toHaveLength(2);
    expectClean(esc(HOSTILE), 'html');
  });
});

describe('renderers over a journal and an org holding hostile names', () => {
  let inst: TestInstallation;
  beforeAll(async () => {
    inst = await testInstallation();
    await inst.create();
    const rt = await inst.open();
    try {
      const rows = [...rt.journal.all(['panelist'])].filter((r) => r.state === 'staged').slice(0, 2);
      // Edited in Okta by hand (or by another tool): verify reports the drift, quoting the names.
      for (const r of rows) inst.sim.org.users.get(r.oktaId as string)!.lastName = HOSTILE;
      // A record's message quoting a source value, and a failure reason, as the status lists them.
      rt.journal.db.prepare("UPDATE records SET state = 'failed', reason = ?, message = ? WHERE kind = 'admin'").run(HOSTILE, HOSTILE);
    } finally {
      rt.close();
    }
  }, 60_000);
  afterAll(async () => {
    await inst?.cleanup();
  });

  it('verify (table, --json and -o CSV) escapes names from Okta', async () => {
    const env = { OKTA_API_TOKEN: inst.sim.token };
    const human = await cliInProcess(['verify', '-c', inst.configFile], env as Record<string, string>);
    expect(human.code, human.stderr).toBe(1);
    expect(human.stdout).toContain('profile_drift');
    expectClean(human.stdout, 'verify table');
    const csv = path.join(inst.dir, 'verify.csv');
    const json = await cliInProcess(['verify', '--json', '-o', csv, '-c', inst.configFile], env as Record<string, string>);
    expectClean(json.stdout, 'verify --json');
    const parsed = JSON.parse(json.stdout) as VerifyResult;
    expect(parsed.differences.some((d) => d.actual.includes(HOSTILE))).toBe(true);
    expectClean(readFileSync(csv, 'utf8').replace(/\r\n/g, '\n'), 'verify -o');
  });

  it('status, the state summary and every report format escape names and messages', async () => {
    const journal = openJournal(path.join(inst.dir, 'samples.efs-okta.sqlite'), { readonly: true });
    try {
      expectClean(renderStatus(buildStatus(journal, { now: Date.now() })), 'status');
      expectClean(stateSummary(journal), 'state summary');
      for (const format of ['csv', 'json'] as const) {
        const out = new PassThrough();
        let text = '';
        out.on('data', (c: Buffer) => (text += c.toString('utf8')));
        await writeRecordsReport(journal, format, out);
        expect(text).toContain(format === 'csv' ? '\\u001B]0;pwned' : '\\u001b]0;pwned');
        expectClean(format === 'csv' ? text.replace(/\r\n/g, '\n') : text, `report ${format}`);
      }
      expectClean(htmlReport(journal, { now: Date.now(), unmasked: true }), 'report html');
    } finally {
      journal.close();
    }
  });
});
