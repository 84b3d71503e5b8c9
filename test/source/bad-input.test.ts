import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalSourceConfig, UserSourceConfig } from '../../src/config/schema.js';
import { SourceError } from '../../src/core/errors.js';
import { buildUserRules } from '../../src/config/user-rules.js';
import type { PortalRecord, UserRecord } from '../../src/records/types.js';
import { openRowSource } from '../../src/source/open.js';
import { BAD_INPUT, DEFAULT_SOURCE, FEDERATED_DOMAINS, type BadInputCase } from '../fixtures/bad-input/manifest.js';
import { outcome, readPortals, readUsers } from '../fixtures/read-records.js';

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad-input');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'efs-okta-bad-input-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function read(c: BadInputCase): Promise<(UserRecord | PortalRecord)[]> {
  const file = c.generate ? path.join(tmp, c.file) : path.join(corpus, c.file);
  if (c.generate) await c.generate(file);
  if (c.kind === 'portals') {
    const source = { delimiter: ';', ...c.source, file } as PortalSourceConfig;
    return readPortals(openRowSource('portals', source, {}), source.columns);
  }
  const source = { ...DEFAULT_SOURCE, ...c.source, file } as UserSourceConfig;
  const rules = buildUserRules('panelist', source, { federation: { domains: FEDERATED_DOMAINS }, missingName: c.missingName ?? 'invalid', locales: c.locales });
  return readUsers(openRowSource('panelists', source, {}), rules);
}

describe('source + records: the bad-input corpus (test/fixtures/bad-input/manifest.ts)', () => {
  it('has at least 40 kinds of broken input', () => {
    expect(BAD_INPUT.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BAD_INPUT.map((c) => c.name)).size).toBe(BAD_INPUT.length);
  });

  for (const c of BAD_INPUT) {
    if (c.error) {
      const { code, includes } = c.error;
      it(`${c.file}: ${c.name} → file-level ${code}`, async () => {
        const err = await read(c).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SourceError);
        expect((err as SourceError).code).toBe(code);
        for (const fragment of includes) expect((err as SourceError).message).toContain(fragment);
      });
      continue;
    }
    it(`${c.file}: ${c.name}`, async () => {
      const records = await read(c);
      const expected = c.outcomes ?? {};
      const actual = Object.fromEntries(records.map((r) => [r.key, outcome(r)]));
      expect(actual).toEqual(expected);
      // Totals add up: every row read is one record in exactly one state; none dropped, none doubled.
      expect(records).toHaveLength(Object.keys(expected).length);
      const states = records.map((r) => r.classification.state);
      expect(states.filter((s) => s === 'pending' || s === 'skipped' || s === 'invalid')).toHaveLength(records.length);
      for (const r of records) {
        if (r.classification.state !== 'pending') expect(r.classification.message.length).toBeGreaterThan(20);
      }
      for (const [key, fields] of Object.entries(c.fields ?? {})) {
        expect(records.find((r) => r.key === key), `record ${key}`).toMatchObject(fields);
      }
      for (const [key, line] of Object.entries(c.lines ?? {})) {
        expect(records.find((r) => r.key === key)?.line, `line of ${key}`).toBe(line);
      }
    });
  }
});
