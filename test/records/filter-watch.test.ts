import { describe, expect, it } from 'vitest';
import { configTemplate } from '../../src/config/template.js';
import { FilterWatch } from '../../src/records/filter-watch.js';
import type { UserRules } from '../../src/records/types.js';
import { parse as parseYaml } from 'yaml';

const base: UserRules = { kind: 'panelist', columns: { key: 'id', email: 'mail' }, federatedDomains: [], missingName: { policy: 'invalid' } };

function watch(rules: Partial<UserRules>, values: Record<string, (string | null)[]>): ReturnType<FilterWatch['warnings']> {
  const w = new FilterWatch();
  const observe = w.source('panelist', { ...base, ...rules });
  const n = Math.max(...Object.values(values).map((v) => v.length));
  for (let i = 0; i < n; i++) {
    const row: Record<string, string | null> = {};
    for (const [column, list] of Object.entries(values)) row[column] = list[i] ?? null;
    observe({ line: i + 2, values: row });
  }
  return w.warnings();
}

const codes = [...Array<string>(60).fill('0'), ...Array<string>(25).fill('1'), ...Array<string>(10).fill('2'), ...Array<string>(4).fill('3'), '16', '7', '7'];

describe('records/filter-watch: filters that match no row or skip more than half of a source', () => {
  it('include matching no row: names the filter, the row count and the top 5 values with counts', () => {
    const [w, ...rest] = watch({ include: { p_status: ['active'] } }, { p_status: codes });
    expect(rest).toEqual([]);
    expect(w).toMatchObject({ kind: 'panelist', rule: 'include', column: 'p_status', rows: 102, matched: 0, skipped: 102 });
    expect(w!.top).toEqual([{ value: '"0"', count: 60 }, { value: '"1"', count: 25 }, { value: '"2"', count: 10 }, { value: '"3"', count: 4 }, { value: '"7"', count: 2 }]);
    expect(w!.message).toBe('include: { p_status: [active] } matches no row of the panelist source (102 rows): every one is skipped. ' +
      'Values in column p_status: "0" 60, "1" 25, "2" 10, "3" 4, "7" 2, …. Check the filter\'s values against these (status codes differ per installation).');
  });

  it('include skipping more than half warns; half or less does not', () => {
    expect(watch({ include: { s: ['1'] } }, { s: codes }).map((w) => [w.matched, w.skipped])).toEqual([[25, 77]]);
    expect(watch({ include: { s: ['0'] } }, { s: codes })).toEqual([]);
    expect(watch({ include: { s: ['a'] } }, { s: ['a', 'a', 'b', 'b'] })).toEqual([]);
  });

  it('exclude and federatedWhen: warns when they match no row or keep more than half out', () => {
    expect(watch({ exclude: { s: ['deleted'] } }, { s: codes })[0]!.message).toMatch(/^exclude: \{ s: \[deleted\] \} matches no row/);
    expect(watch({ exclude: { s: ['0', '1'] } }, { s: codes })[0]).toMatchObject({ matched: 85, skipped: 85 });
    expect(watch({ federatedWhen: { auth: ['SSO'] } }, { auth: ['password', 'password', 'sso'] })).toEqual([]);
    const [fed] = watch({ federatedWhen: { auth: ['saml'] } }, { auth: ['password', 'sso', 'sso', null] });
    expect(fed!.message).toMatch(/^federatedWhen: \{ auth: \[saml\] \} matches no row of the panelist source \(4 rows\)\. Values in column auth: "sso" 2, "password" 1, \(empty\) 1\. Check that this column/);
  });

  it('values compare as the filter does (trimmed, case-insensitive); an empty source warns about nothing', () => {
    expect(watch({ include: { s: ['Active'] } }, { s: ['ACTIVE ', 'active', 'x'] })).toEqual([]);
    expect(watch({ include: { s: ['active'] } }, { s: [] })).toEqual([]);
  });

  it('counts at most 10000 distinct values per column one by one (bounded memory on a unique column)', () => {
    const unique = Array.from({ length: 20_005 }, (_, i) => `v${i}`);
    const [w] = watch({ include: { s: ['none'] } }, { s: unique });
    expect(w!.rows).toBe(20_005);
    expect(w!.top).toHaveLength(5);
    expect(w!.message).toContain(', …. Check');
  });

  it('the init template suggests no filter values (a commented placeholder instead)', () => {
    const template = configTemplate('acme');
    const parsed = parseYaml(template) as { sources: Record<string, Record<string, unknown>> };
    for (const source of Object.values(parsed.sources)) {
      expect(source.include).toBeUndefined();
      expect(source.federatedWhen).toBeUndefined();
    }
    expect(template).toMatch(/# include: \{ COLUMN: \[VALUE, \.\.\.\] \}/);
    expect(template).toMatch(/plan warns, naming the values it saw/);
  });
});
