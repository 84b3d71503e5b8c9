import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserSourceConfig } from '../../src/config/schema.js';
import { openJournal } from '../../src/journal/sqlite.js';
import { portalJournal } from '../../src/journal/portals.js';
import { planPortals } from '../../src/portals/plan.js';
import { markUnlabelable, readPortalRecords } from '../../src/portals/records.js';
import type { PortalRecord } from '../../src/records/types.js';
import { normalizeUser } from '../../src/records/normalize.js';
import { normalizePortal } from '../../src/portals/normalize.js';
import { buildUserRules } from '../../src/config/user-rules.js';
import { SourceError } from '../../src/core/errors.js';
import { openRowSource } from '../../src/source/open.js';
import { scratchBase } from './harness.js';

/**
 * The source as written is the source as recorded: every row is one record (the names made up for
 * duplicate and empty keys never take a real key's place), numeric JSON keys keep their exact text,
 * and a header too wide to read is a file-level error, not rows cut short.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(scratchBase(), 'efs-okta-input-fidelity-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The message of each record of the last journalRecords() call, by key. */
const messages = new Map<string, string>();
const COLUMNS = { key: 'pcode', email: 'u_email', firstName: 'u_firstname', lastName: 'u_name' };

async function journalRecords(name: string, text: string | Buffer, type: 'csv' | 'jsonl' = 'csv', encoding?: string): Promise<Record<string, string>> {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const source = { file, type, ...(type === 'csv' ? { delimiter: ';' } : {}), ...(encoding ? { encoding } : {}), columns: COLUMNS } as UserSourceConfig;
  const rules = buildUserRules('panelist', source, { federation: { domains: [] }, missingName: 'invalid' });
  const journal = openJournal(path.join(dir, `${name}.sqlite`), { installation: 'test' });
  try {
    const snap = journal.beginSnapshot();
    snap.markKindRead('panelist');
    for await (const row of openRowSource('panelists', source, {}).rows()) snap.add(normalizeUser(row, rules));
    snap.apply(1000);
    snap.discard();
    for (const r of journal.all(['panelist'])) messages.set(r.key, r.message ?? '');
    return Object.fromEntries([...journal.all(['panelist'])].map((r) => [r.key, `${r.line}:${r.state}${r.reason ? `:${r.reason}` : ''}`]));
  } finally {
    journal.close();
  }
}

describe('every row is one record: made-up keys never collide with real ones', () => {
  it('real keys "P1#line4" and "(line 6)" next to a duplicate P1 on line 4 and an empty key on line 6', async () => {
    const records = await journalRecords('real-first.csv', [
      'pcode;u_email;u_firstname;u_name',
      'P1;a1@example.com;Ann;One',
      'P1#line4;a2@example.com;Ben;Two',
      'P1;a3@example.com;Cat;Three',
      '(line 6);a4@example.com;Dan;Four',
      ';a5@example.com;Eve;Five',
      '',
    ].join('\n'));
    expect(Object.keys(records)).toHaveLength(5);
    expect(records['P1']).toBe('2:pending');
    expect(records['P1#line4']).toBe('3:pending');
    expect(records['(line 6)']).toBe('5:pending');
    const others = Object.entries(records).filter(([k]) => !['P1', 'P1#line4', '(line 6)'].includes(k)).map(([, v]) => v).sort();
    expect(others).toEqual(['4:invalid:key.duplicate', '6:invalid:key.missing']);
  });

  it('the made-up key comes first and the real one after it: the real key keeps its name and its record', async () => {
    const records = await journalRecords('made-up-first.csv', [
      'pcode;u_email;u_firstname;u_name',
      'P1;a1@example.com;Ann;One',
      'P1;a2@example.com;Ben;Two',
      'P1#line3;a3@example.com;Cat;Three',
      ';a4@example.com;Dan;Four',
      '(line 5);a5@example.com;Eve;Five',
      '',
    ].join('\n'));
    expect(Object.keys(records)).toHaveLength(5);
    expect(records['P1#line3']).toBe('4:pending');
    expect(records['(line 5)']).toBe('6:pending');
    const others = Object.entries(records).filter(([k]) => !['P1', 'P1#line3', '(line 5)'].includes(k)).map(([, v]) => v).sort();
    expect(others).toEqual(['3:invalid:key.duplicate', '5:invalid:key.missing']);
  });

  it('portals: a real key "(line 3)" and an empty key on line 3 are two portals', async () => {
    const file = path.join(dir, 'portals.csv');
    writeFileSync(file, 'key;name;url\n(line 3);Panel A;https://a.example.com\n;Panel B;https://b.example.com\n');
    const columns = { key: 'key', name: 'name', url: 'url' };
    const records = await readPortalRecords(openRowSource('portals', { file, delimiter: ';', columns } as never, {}), (row) => normalizePortal(row, columns));
    expect(records).toHaveLength(2);
    expect(records.map((r) => `${r.line}:${r.classification.state}${r.classification.state === 'pending' ? '' : `:${r.classification.reason}`}`).sort()).toEqual(['2:pending', '3:invalid:key.missing']);
    expect(new Set(records.map((r) => r.key)).size).toBe(2);
  });
});

describe('JSON Lines: numbers keep their exact text', () => {
  it('keys 12345678901234567890 and 12345678901234567891 stay two records; 1e2 stays "1e2", 1.50 stays "1.50"', async () => {
    const records = await journalRecords('numbers.jsonl', [
      '{"pcode": 12345678901234567890, "u_email": "a1@example.com", "u_firstname": "Ann", "u_name": "One"}',
      '{"pcode": 12345678901234567891, "u_email": "a2@example.com", "u_firstname": "Ben", "u_name": "Two"}',
      '{"pcode": 1e2, "u_email": "a3@example.com", "u_firstname": "Cat", "u_name": "Three"}',
      '{"pcode": 1.50, "u_email": "a4@example.com", "u_firstname": "Dan", "u_name": "Four"}',
      '{"pcode": "100", "u_email": "a5@example.com", "u_firstname": "Eve", "u_name": "Five"}',
      '{"pcode": -0, "u_email": "a6@example.com", "u_firstname": "Fay", "u_name": "Six", "nested": {"n": 1E+400, "s": "x\\"1e5"}}',
      '',
    ].join('\n'), 'jsonl');
    expect(records).toEqual({
      '12345678901234567890': '1:pending',
      '12345678901234567891': '2:pending',
      '1e2': '3:pending',
      '1.50': '4:pending',
      '100': '5:pending',
      '-0': '6:pending',
    });
  });
});

describe('CSV: a header wider than the reader keeps', () => {
  it('20,004 columns: a file-level error naming the count and the limit, not every row ragged', async () => {
    const header = ['pcode', 'u_email', 'u_firstname', 'u_name', ...Array.from({ length: 20_000 }, (_, i) => `extra${i}`)];
    const row = ['P1', 'a@example.com', 'Ann', 'One', ...Array.from({ length: 20_000 }, () => '')];
    const err = await journalRecords('wide.csv', `${header.join(';')}\n${row.join(';')}\n`).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('SOURCE_HEADER_TOO_WIDE');
    expect((err as SourceError).message).toContain('the header line 1 has 20004 columns; the reader keeps at most 10000');
  });
});

describe('smaller input cases', () => {
  const header = 'pcode;u_email;u_firstname;u_name';

  it('a U+FFFD the UTF-8 file really holds is not "probably Windows-1252"; a byte that is not UTF-8 still is', async () => {
    expect(await journalRecords('fffd-only.csv', `${header}\nP1;a1@example.com;Ann\uFFFD;One\n`, 'csv', 'utf-8')).toEqual({ P1: '2:pending' });
    const text = Buffer.concat([Buffer.from(`${header}\nP1;a1@example.com;Ann;One\nP2;a2@example.com;B`), Buffer.from([0xe9]), Buffer.from('n;Two\n')]);
    expect(await journalRecords('invalid-byte.csv', text, 'csv', 'utf-8')).toEqual({ P1: '2:pending', P2: '3:invalid:row.encoding' });
  });

  it('an invisible bidi mark after an email is reported as such, not as an internationalized domain', async () => {
    const records = await journalRecords('lrm.csv', `${header}\nP1;anna@example.com\u200E;Ann;One\nP2;ben@example.com\u200F;Ben;Two\n`);
    expect(records).toEqual({ P1: '2:invalid:email.control_characters', P2: '3:invalid:email.control_characters' });
    expect(messages.get('P1')).toContain('invisible bidi character (U+200E');
    expect(messages.get('P1')).not.toContain('internationalized');
  });

  it('UTF-16LE without a byte-order mark: read as such with encoding auto; rows of it in a UTF-8 file get a hint, not key.control_characters', async () => {
    const body = `${header}\nP1;anna@example.com;Ånna;One\n`;
    expect(await journalRecords('utf16le-auto.csv', Buffer.from(body, 'utf16le'), 'csv', 'auto')).toEqual({ P1: '2:pending' });
    const mixed = Buffer.concat([Buffer.from(`${header}\nP1;a1@example.com;Ann;One\n`), Buffer.from('P2;a2@example.com;Ben;Two', 'utf16le'), Buffer.from('\n')]);
    const records = await journalRecords('utf16le-rows.csv', mixed, 'csv', 'utf-8');
    const bad = Object.entries(records).find(([k]) => k !== 'P1');
    expect(bad?.[1]).toBe('3:invalid:row.encoding');
    expect(messages.get(bad?.[0] ?? '')).toContain('UTF-16 without a byte-order mark');
  });

  it('names made only of invisible characters (RLM, ALM, Hangul fillers) are empty names', async () => {
    const records = await journalRecords('invisible-names.csv', [
      header,
      'P1;a1@example.com;\u200F;One',
      'P2;a2@example.com;Ben;\u061C\u200E',
      'P3;a3@example.com;\u3164;\u115F\u1160',
      'P4;a4@example.com;\uFFA0 ;Four',
      'P5;a5@example.com;\u05E9\u05E8\u05D4\u200F;Five',
      '',
    ].join('\n'));
    expect(records).toEqual({
      P1: '2:invalid:firstName.missing',
      P2: '3:invalid:lastName.missing',
      P3: '4:invalid:firstName.missing',
      P4: '5:invalid:firstName.missing',
      P5: '6:pending',
    });
  });

  it('a portal key too long for the Okta app label (100 characters) makes the portal invalid in the plan and the sync, not failed on every run', () => {
    const long = `K${'x'.repeat(110)}`;
    const input: PortalRecord[] = [
      { key: long, line: 2, name: 'Panel', baseUrl: 'https://a.example.com', redirectUris: [], classification: { state: 'pending' } },
      { key: 'K1', line: 3, name: 'N'.repeat(120), baseUrl: 'https://b.example.com', redirectUris: [], classification: { state: 'pending' } },
    ];
    const journal = openJournal(path.join(dir, 'portal-label.sqlite'), { installation: 'acme' });
    try {
      const plan = planPortals(portalJournal(journal), input, { installation: 'acme', settings: { callbackPath: '/cb', postLogoutPath: '/', tokenEndpointAuthMethod: 'client_secret_basic' } });
      expect(plan.map((e) => [e.action, e.reason])).toEqual([['invalid', 'key.too_long'], ['create', null]]);
      expect(plan[0]?.message).toContain("would exceed Okta's 100 characters");
      expect(plan[1]?.label?.length).toBeLessThanOrEqual(100);
    } finally {
      journal.close();
    }
    // The sync classifies through the same function before any Okta call.
    expect(markUnlabelable(input, 'acme')[0]?.classification).toMatchObject({ state: 'invalid', reason: 'key.too_long' });
  });
});
