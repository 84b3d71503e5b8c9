import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJsonlSource } from '../../src/source/jsonl.js';
import { collectRows } from '../fixtures/read-records.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'efs-okta-jsonl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('source/jsonl', () => {
  it('converts numbers and booleans to text and keeps null', async () => {
    const f = await file('a.jsonl', '{"id":1,"ok":true,"n":1.5,"x":null}\n');
    expect(await collectRows(openJsonlSource({ file: f }))).toEqual([{ line: 1, values: { id: '1', ok: 'true', n: '1.5', x: null } }]);
  });

  it('flags a nested value only under a mapped key', async () => {
    const f = await file('nested.jsonl', '{"id":"1","name":{"a":1},"tags":["x"]}\n');
    const [mapped] = await collectRows(openJsonlSource({ file: f, requiredColumns: [{ column: 'name', key: 'sources.panelists.columns.lastName' }] }));
    expect(mapped).toMatchObject({ values: { name: '{"a":1}', tags: '["x"]' }, problem: { code: 'field.not_text' } });
    const [unmapped] = await collectRows(openJsonlSource({ file: f, requiredColumns: [{ column: 'id', key: 'k' }] }));
    expect(unmapped!.problem).toBeUndefined();
  });

  it('an over-long line becomes one field.too_long row and the next lines keep their numbers', async () => {
    const f = await file('long.jsonl', `{"id":"1"}\n{"id":"2","blob":"${'z'.repeat(5000)}"}\n{"id":"3"}`);
    const rows = await collectRows(openJsonlSource({ file: f, maxLineLength: 1000 }));
    expect(rows.map((r) => [r.line, r.values.id ?? null, r.problem?.code ?? null])).toEqual([
      [1, '1', null],
      [2, null, 'field.too_long'],
      [3, '3', null],
    ]);
  });

  it('counts CRLF and CR line breaks once and skips blank lines', async () => {
    const f = await file('crlf.jsonl', '{"id":"1"}\r\n\r\n{"id":"2"}\r{"id":"3"}\n');
    const rows = await collectRows(openJsonlSource({ file: f }));
    expect(rows.map((r) => [r.line, r.values.id])).toEqual([[1, '1'], [3, '2'], [4, '3']]);
  });

  it('a line that is not JSON is a row.invalid_json row with the parser message', async () => {
    const f = await file('bad.jsonl', '{"id": "1",}\n');
    const [row] = await collectRows(openJsonlSource({ file: f }));
    expect(row).toMatchObject({ line: 1, values: {}, problem: { code: 'row.invalid_json' } });
    expect(row!.problem!.message).toContain('line 1 is not valid JSON');
  });
});
