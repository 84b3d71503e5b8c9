import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/core/errors.js';
import { detectDelimiter, openCsvSource } from '../../src/source/csv.js';
import { collectRows } from '../fixtures/read-records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'efs-okta-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('source/csv', () => {
  it('yields column → value rows with the line each starts on, and reports what it detected', async () => {
    const f = await file('a.csv', 'id,mail,name\n1,a@x.de,"Anna\nMaria"\n2,b@x.de,Ben\n');
    const source = openCsvSource({ file: f });
    const rows = await collectRows(source);
    expect(rows).toEqual([
      { line: 2, values: { id: '1', mail: 'a@x.de', name: 'Anna\nMaria' } },
      { line: 4, values: { id: '2', mail: 'b@x.de', name: 'Ben' } },
    ]);
    expect(source.description).toBe('a.csv');
    expect(source.info).toEqual({ encoding: 'utf-8', delimiter: ',', header: ['id', 'mail', 'name'], headerLine: 1 });
  });

  it('gives a ragged row the key it could read and null for missing fields', async () => {
    const f = await file('ragged.csv', 'id;mail;name\n7;a@x.de\n');
    const [row] = await collectRows(openCsvSource({ file: f }));
    expect(row).toMatchObject({ line: 2, values: { id: '7', mail: 'a@x.de', name: null }, problem: { code: 'row.ragged' } });
    expect(row!.problem!.message).toContain('line 2 has 2 fields, the header has 3');
  });

  it('decodes a UTF-8 character split across two read chunks', async () => {
    const pad = 'x'.repeat(256 * 1024 - 'id;name\n1;'.length - 1);
    const f = await file('split.csv', Buffer.from(`id;name\n1;${pad}ü\n`, 'utf8'));
    const [row] = await collectRows(openCsvSource({ file: f, encoding: 'utf-8', maxFieldLength: 300 * 1024 }));
    expect(row!.values.name!.endsWith('ü')).toBe(true);
    expect(row!.problem).toBeUndefined();
  });

  it('auto: decides on the first 64 KiB; a Windows-1252 byte after that is flagged row.encoding, not guessed', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `${i};name${i}`).join('\n');
    const f = await file('late.csv', Buffer.concat([Buffer.from(`id;name\n${rows}\n`), iconv.encode('9999;Müller\n', 'windows-1252')]));
    const source = openCsvSource({ file: f, encoding: 'auto' });
    const all = await collectRows(source);
    expect(source.info.encoding).toBe('utf-8');
    expect(all.at(-1)).toMatchObject({ values: { id: '9999' }, problem: { code: 'row.encoding' } });
    expect(all.filter((r) => r.problem)).toHaveLength(1);
  });

  it('a BOM overrides the configured encoding', async () => {
    const f = await file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id;name\n1;Zoë\n')]));
    const source = openCsvSource({ file: f, encoding: 'windows-1252' });
    expect((await collectRows(source))[0]!.values).toEqual({ id: '1', name: 'Zoë' });
    expect(source.info.encoding).toBe('utf-8');
  });

  it('names a missing mapped column, the config key, the line and the header it found', async () => {
    const f = await file('panelists.csv', 'pcode;mail\nP1;a@x.de\n');
    const err = await collectRows(openCsvSource({ file: f, requiredColumns: [{ column: 'u_email', key: 'sources.panelists.columns.email' }] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toBe('panelists.csv: column "u_email" (sources.panelists.columns.email) not in the header line 1; the header has: pcode, mail');
    expect((err as SourceError).context).toMatchObject({ file: 'panelists.csv', line: 1 });
  });

  it('hints at case when a mapped column differs only in case', async () => {
    const f = await file('case.csv', 'PCODE;u_email\n');
    const err = await collectRows(openCsvSource({ file: f, requiredColumns: [{ column: 'pcode', key: 'sources.panelists.columns.key' }] })).catch((e: unknown) => e);
    expect((err as Error).message).toContain('(the header has "PCODE": names are case-sensitive)');
  });

  it('stops with the abort reason when the signal fires', async () => {
    const f = await file('abort.csv', `id\n${Array.from({ length: 100 }, (_, i) => i).join('\n')}\n`);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(collectRowsWith(openCsvSource({ file: f }), controller.signal)).rejects.toThrow('stop');
  });

  it('detects the delimiter from the header line, ignoring quoted ones', () => {
    expect(detectDelimiter('a;b;c\n1,2,3,4,5,6')).toBe(';');
    expect(detectDelimiter('"a;b;c",d,e')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('a|b')).toBe('|');
    expect(detectDelimiter('single')).toBe(';');
  });
});

async function collectRowsWith(source: ReturnType<typeof openCsvSource>, signal: AbortSignal): Promise<number> {
  let n = 0;
  for await (const _row of source.rows(signal)) n++;
  return n;
}
