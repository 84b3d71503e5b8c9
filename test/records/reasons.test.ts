import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REASONS } from '../../src/records/reasons.js';
import { BAD_INPUT } from '../fixtures/bad-input/manifest.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');

function readmeSection(): string {
  const readme = readFileSync(path.join(root, 'docs', 'sources.md'), 'utf8');
  const start = readme.indexOf('<!-- BEGIN: sources -->');
  const end = readme.indexOf('<!-- END: sources -->');
  expect(start).toBeGreaterThanOrEqual(0);
  return readme.slice(start, end);
}

describe('records/reasons', () => {
  it('every reason code is documented in docs/sources.md (linked from the README)', () => {
    const section = readmeSection();
    const missing = Object.keys(REASONS).filter((code) => !section.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('every invalid reason the bad-input corpus expects is a known reason code', () => {
    const used = BAD_INPUT.flatMap((c) => Object.values(c.outcomes ?? {}))
      .filter((o) => o.startsWith('invalid:'))
      .map((o) => o.slice('invalid:'.length));
    expect(used.filter((code) => !(code in REASONS))).toEqual([]);
    // The corpus exercises most of the catalogue.
    expect(new Set(used).size).toBeGreaterThanOrEqual(30);
  });
});
