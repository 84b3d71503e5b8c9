import { describe, expect, it } from 'vitest';
import { normalizeUser } from '../../src/records/normalize.js';
import { buildUserRules } from '../../src/config/user-rules.js';
import type { UserRules } from '../../src/records/types.js';
import type { SourceRow } from '../../src/core/source-row.js';
import { outcome } from '../fixtures/read-records.js';

const rules: UserRules = {
  kind: 'admin',
  columns: { key: 'id', email: 'mail', firstName: 'first', lastName: 'last', status: 'state' },
  include: { state: ['active'] },
  exclude: { role: ['tester'] },
  federatedWhen: { auth: ['SSO'] },
  federatedDomains: ['acme-corp.example'],
  missingName: { policy: 'invalid' },
};

function row(values: Record<string, string | null>, problem?: SourceRow['problem']): SourceRow {
  return problem ? { line: 7, values, problem } : { line: 7, values };
}
const base = { id: 'A1', mail: 'anna@example.com', first: 'Anna', last: 'Meyer', state: 'active', auth: 'password', role: 'staff' };

describe('records/normalize', () => {
  it('a clean row is pending with normalized fields and its login key', () => {
    const r = normalizeUser(row({ ...base, mail: ' Anna.Meyer@EXAMPLE.com\u200b' }), rules);
    expect(r).toMatchObject({ kind: 'admin', key: 'A1', line: 7, email: 'Anna.Meyer@example.com', login: 'Anna.Meyer@example.com', loginKey: 'anna.meyer@example.com', status: 'active' });
    expect(outcome(r)).toBe('pending');
  });

  it('order: a damaged row is invalid before anything else, even when federated', () => {
    const r = normalizeUser(row({ ...base, auth: 'sso' }, { code: 'row.ragged', message: 'line 7 has 9 fields, the header has 8' }), rules);
    expect(r.classification).toEqual({ state: 'invalid', reason: 'row.ragged', message: 'line 7 has 9 fields, the header has 8' });
  });

  it('order: no key → key.missing, tracked under the line', () => {
    const r = normalizeUser(row({ ...base, id: '  ' }), rules);
    expect(r.key).toBe('(line 7)');
    expect(outcome(r)).toBe('invalid:key.missing');
  });

  it('order: federated (per-row rule, case-insensitive) beats a missing name and an excluded status', () => {
    expect(outcome(normalizeUser(row({ ...base, auth: 'sso', first: '', state: 'inactive' }), rules))).toBe('skipped:federated');
  });

  it('federated by domain includes subdomains but not look-alike domains', () => {
    expect(outcome(normalizeUser(row({ ...base, mail: 'a@ACME-corp.example' }), rules))).toBe('skipped:federated');
    expect(outcome(normalizeUser(row({ ...base, mail: 'a@eu.acme-corp.example' }), rules))).toBe('skipped:federated');
    expect(outcome(normalizeUser(row({ ...base, mail: 'a@notacme-corp.example' }), rules))).toBe('pending');
  });

  it('order: an excluded status beats validation; include and exclude both apply', () => {
    expect(outcome(normalizeUser(row({ ...base, state: 'Inactive', mail: 'broken' }), rules))).toBe('skipped:inactive');
    expect(outcome(normalizeUser(row({ ...base, state: null }), rules))).toBe('skipped:excluded');
    expect(outcome(normalizeUser(row({ ...base, role: 'Tester' }), rules))).toBe('skipped:tester');
  });

  it('a key with control characters or over 255 characters is invalid', () => {
    expect(outcome(normalizeUser(row({ ...base, id: 'A\u00071' }), rules))).toBe('invalid:key.control_characters');
    expect(outcome(normalizeUser(row({ ...base, id: 'K'.repeat(256) }), rules))).toBe('invalid:key.too_long');
  });

  it('validation reports the first failure and lists the others', () => {
    const r = normalizeUser(row({ ...base, mail: 'bad', first: null, last: 'x'.repeat(51) }), rules);
    expect(outcome(r)).toBe('invalid:email.too_short');
    expect(r.classification).toMatchObject({ message: expect.stringContaining('(also: firstName.missing, lastName.too_long)') });
  });

  it('missingName placeholder fills a missing first or last name', () => {
    const r = normalizeUser(row({ ...base, first: null }), { ...rules, missingName: { policy: 'placeholder', value: 'Unknown' } });
    expect(r.firstName).toBe('Unknown');
    expect(outcome(r)).toBe('pending');
  });

  it('a mapped login column is used instead of the email', () => {
    const r = normalizeUser(row({ ...base, login: 'Anna@Panel.Example' }), { ...rules, columns: { ...rules.columns, login: 'login' } });
    expect(r).toMatchObject({ login: 'Anna@panel.example', email: 'anna@example.com', loginKey: 'anna@panel.example' });
  });

  it('buildUserRules turns the config into rules (domains cleaned, placeholder policy)', () => {
    const built = buildUserRules(
      'panelist',
      { columns: { key: 'pcode' }, include: { p_status: ['active'] }, federatedWhen: { auth: ['sso'] }, passwordHash: { algorithm: 'MD5', valueColumn: 'pw' } },
      { federation: { domains: [' @Acme-Corp.example ', '*.other.example'] }, missingName: { placeholder: '-' }, locales: { EN: 'en_GB' } },
    );
    expect(built).toEqual({
      kind: 'panelist',
      columns: { key: 'pcode' },
      include: { p_status: ['active'] },
      federatedWhen: { auth: ['sso'] },
      passwordHash: { algorithm: 'MD5', valueColumn: 'pw' },
      federatedDomains: ['acme-corp.example', 'other.example'],
      missingName: { policy: 'placeholder', value: '-' },
      // The config's table overrides the defaults (keys lower-cased); other defaults stay.
      locales: expect.objectContaining({ en: 'en_GB', de: 'de_DE' }),
    });
  });
});
