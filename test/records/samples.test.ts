import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/load.js';
import { buildUserRules } from '../../src/config/user-rules.js';
import type { PortalRecord, UserRecord } from '../../src/records/types.js';
import { openRowSource } from '../../src/source/open.js';
import { byKey, outcome, readPortals, readUsers } from '../fixtures/read-records.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const configFile = path.join(here, '../fixtures/samples.efs-okta.yaml');

describe('records: the example EFS exports in test/fixtures/samples', () => {
  let config: Config;
  let admins: Map<string, UserRecord>;
  let panelists: Map<string, UserRecord>;
  let panelistList: UserRecord[];
  let portals: PortalRecord[];

  beforeAll(async () => {
    config = loadConfig(configFile, {}, {});
    const a = config.sources.admins!;
    const p = config.sources.panelists!;
    admins = byKey(await readUsers(openRowSource('admins', a, config), buildUserRules('admin', a, config)));
    panelistList = await readUsers(openRowSource('panelists', p, config), buildUserRules('panelist', p, config));
    panelists = byKey(panelistList);
    portals = await readPortals(openRowSource('portals', config.sources.portals!, config), config.sources.portals!.columns);
  });

  it('config resolves the sample paths relative to the config file', () => {
    expect(config.sources.panelists!.file).toBe(path.resolve(here, '../fixtures/samples/panelists.csv'));
  });

  it('admins: root without email is invalid email.missing', () => {
    const root = admins.get('13')!;
    expect(outcome(root)).toBe('invalid:email.missing');
    expect(root.line).toBe(14);
  });

  it('admins: sso admins are federated, even with a Unicode email', () => {
    for (const key of ['3', '6', '9', '12']) expect(outcome(admins.get(key)!)).toBe('skipped:federated');
    expect(admins.get('6')!.classification).toMatchObject({ message: expect.stringContaining('auth is "sso"') });
  });

  it('admins: ASCII admins are pending with their locale, a Unicode local part is email.non_ascii', () => {
    for (const key of ['1', '2', '4', '5', '7', '10']) expect(outcome(admins.get(key)!)).toBe('pending');
    expect(admins.get('1')!.locale).toBe('fr_FR');
    expect(admins.get('1')!.preferredLanguage).toBe('fr');
    expect(outcome(admins.get('8')!)).toBe('invalid:email.non_ascii');
    expect(outcome(admins.get('11')!)).toBe('invalid:email.non_ascii');
    expect(admins.size).toBe(13);
  });

  it('panelists: the customer domain is skipped federated, whatever the status', () => {
    expect(outcome(panelists.get('P000050')!)).toBe('skipped:federated');
    expect(outcome(panelists.get('P000025')!)).toBe('skipped:federated'); // deleted, but federated first
    expect(panelists.get('P000050')!.classification).toMatchObject({ message: expect.stringContaining('acme-corp.example') });
  });

  it('panelists: inactive, deleted and blocked are skipped under their status', () => {
    expect(outcome(panelists.get('P000004')!)).toBe('skipped:inactive');
    expect(outcome(panelists.get('P000003')!)).toBe('skipped:deleted');
    expect(outcome(panelists.get('P000011')!)).toBe('skipped:blocked');
    expect(outcome(panelists.get('P000021')!)).toBe('skipped:blocked');
  });

  it('panelists: not-an-email is email.invalid', () => {
    expect(outcome(panelists.get('P000017')!)).toBe('invalid:email.invalid');
  });

  it('panelists: a Unicode local part is email.non_ascii with a message asking the customer to fix it', () => {
    const r = panelists.get('P000001')!;
    expect(outcome(r)).toBe('invalid:email.non_ascii');
    expect(r.classification).toMatchObject({ message: expect.stringMatching(/Okta rejects Unicode.*customer must fix the address/) });
  });

  it('panelists: the missing first name is reported (after the Unicode email of the same row)', () => {
    const r = panelists.get('P000023')!;
    expect(r.firstName).toBeNull();
    expect(outcome(r)).toBe('invalid:email.non_ascii');
    expect(r.classification).toMatchObject({ message: expect.stringContaining('also: firstName.missing') });
  });

  it('panelists: the over-long last name is lastName.too_long', () => {
    const r = panelists.get('P000058')!;
    expect(outcome(r)).toBe('invalid:lastName.too_long');
    expect(r.classification).toMatchObject({ message: expect.stringContaining('60 characters long; Okta allows at most 50') });
  });

  it('panelists: an upper-case email gets a lower-case domain and a case-folded login key', () => {
    const r = panelists.get('P000031')!;
    expect(outcome(r)).toBe('pending');
    expect(r.email).toBe('ELIAS.WEBER31@mail.example.org');
    expect(r.login).toBe(r.email);
    expect(r.loginKey).toBe('elias.weber31@mail.example.org');
    expect(r.lastLogin).toBe('2026-11-04T00:00:00');
  });

  it('panelists: surrounding spaces are trimmed', () => {
    expect(panelists.get('P000044')!.email).toBe('ångström.garcía44@panel.example.de');
  });

  it('panelists: a quoted field holding the delimiter is read as one value', () => {
    const r = panelists.get('P000090')!;
    expect(r.firstName).toBe('Quoted; Name');
    expect(r.lastName).toBe('Meyer');
    expect(r.line).toBe(91);
  });

  it('panelists: non-ASCII names are kept (NFC) and valid', () => {
    const r = panelists.get('P000015')!;
    expect(outcome(r)).toBe('pending');
    expect(r.lastName).toBe("O'Brien");
    const names = panelistList.filter((p) => p.firstName === 'Øystein' || p.lastName === 'Dąbrowski');
    expect(names.length).toBeGreaterThan(3);
    for (const p of names) expect(p.firstName!.normalize('NFC')).toBe(p.firstName);
  });

  it('panelists: the same person twice shares one login key (the journal dedupes it)', () => {
    const a = panelists.get('P000071')!;
    const b = panelists.get('P000072')!;
    expect(a.loginKey).toBe(b.loginKey);
    expect(outcome(a)).toBe('skipped:blocked');
    expect(outcome(b)).toBe('pending');
  });

  it('panelists: every row is read and classified, nothing dropped', () => {
    expect(panelistList).toHaveLength(200);
    const count = (state: string): number => panelistList.filter((p) => p.classification.state === state).length;
    expect(count('pending') + count('skipped') + count('invalid')).toBe(200);
    const federated = panelistList.filter((p) => p.email?.endsWith('@acme-corp.example'));
    expect(panelistList.filter((p) => outcome(p) === 'skipped:federated')).toEqual(federated);
    // Every non-federated row whose status is not active is skipped under its status.
    for (const p of panelistList) {
      if (!federated.includes(p) && p.status !== 'active') expect(outcome(p)).toBe(`skipped:${p.status}`);
    }
    // Active, non-federated, ASCII, well-formed: pending.
    for (const p of panelistList) {
      const simple = p.status === 'active' && !federated.includes(p) && /^[a-z0-9.]+@[a-z.]+$/i.test(p.email ?? '') && p.key !== 'P000058';
      if (simple) expect(outcome(p)).toBe('pending');
    }
  });

  it('portals: the three sample portals are pending with base URLs without a trailing slash', () => {
    expect(portals.map((p) => [p.key, outcome(p), p.baseUrl])).toEqual([
      ['1', 'pending', 'https://panel.example.com'],
      ['2', 'pending', 'https://survey.example.com/employee'],
      ['3', 'pending', 'https://community.example.org'],
    ]);
  });
});
