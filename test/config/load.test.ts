import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveShare, loadConfig, requireOrgUrl } from '../../src/config/load.js';
import { configTemplate } from '../../src/config/template.js';

function writeConfig(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-config-'));
  const file = path.join(dir, 'efs-okta.yaml');
  writeFileSync(file, text);
  return file;
}

const minimal = `installation: acme-prod
okta: { orgUrl: https://acme.okta.com }
sources:
  panelists: { file: panelists.csv, columns: { key: pcode, email: u_email } }
`;

describe('config/load', () => {
  it('resolves relative paths against the config file and applies defaults', () => {
    const file = writeConfig(minimal);
    const c = loadConfig(file, {}, {});
    expect(c.sources.panelists?.file).toBe(path.join(path.dirname(file), 'panelists.csv'));
    expect(c.journal).toBe(path.join(path.dirname(file), 'acme-prod.efs-okta.sqlite'));
    expect(c.okta).toMatchObject({ orgUrl: 'https://acme.okta.com', share: 0.8, concurrency: 8 });
    expect(c.onExisting).toBe('report');
  });

  it('layers defaults < file < env < flags', () => {
    const file = writeConfig(minimal);
    const env = { OKTA_ORG_URL: 'https://env.okta.com', EFS_OKTA_SHARE: '0.5' };
    expect(loadConfig(file, {}, env).okta).toMatchObject({ orgUrl: 'https://env.okta.com', share: 0.5 });
    expect(loadConfig(file, { orgUrl: 'http://127.0.0.1:8017', share: 0.3 }, env).okta).toMatchObject({ orgUrl: 'http://127.0.0.1:8017', share: 0.3 });
  });

  it("paces to the token's share of a bucket (Okta's default 0.5) when it is below okta.share", () => {
    const file = writeConfig(minimal);
    const c = loadConfig(file, {}, {});
    expect(c.okta).toMatchObject({ share: 0.8, tokenShare: 0.5 });
    expect(effectiveShare(c.okta)).toBe(0.5);
    const raised = loadConfig(file, {}, { EFS_OKTA_TOKEN_SHARE: '1' });
    expect(effectiveShare(raised.okta)).toBe(0.8);
    expect(effectiveShare(loadConfig(file, { tokenShare: 0.7 }, { EFS_OKTA_TOKEN_SHARE: '1' }).okta)).toBe(0.7);
    expect(() => loadConfig(file, { tokenShare: 0 }, {})).toThrow(/--token-share must be in \(0, 1\] \(got 0\)/);
    const inFile = writeConfig(minimal.replace('okta: { orgUrl: https://acme.okta.com }', 'okta: { orgUrl: https://acme.okta.com, tokenShare: 2 }'));
    expect(() => loadConfig(inFile, {}, {})).toThrow(/okta\.tokenShare: .*2/);
  });

  it('names the key, the value and what is allowed for each mistake', () => {
    const file = writeConfig(minimal.replace('okta: { orgUrl: https://acme.okta.com }', 'okta: { orgUrl: https://acme.okta.com, share: 1.5 }\nonExisting: merge'));
    expect(() => loadConfig(file, {}, {})).toThrow(/okta\.share: .*1\.5/);
    expect(() => loadConfig(file, {}, {})).toThrow(/onExisting: must be one of "report", "link" \(got "merge"\)/);
  });

  it('safety.maxDeactivateShare: 5 % by default, file < EFS_OKTA_MAX_DEACTIVATE_SHARE < --max-deactivate-share, validated with the key named', () => {
    const file = writeConfig(minimal);
    expect(loadConfig(file, {}, {}).safety.maxDeactivateShare).toBe(0.05);
    const inFile = writeConfig(`${minimal}safety: { maxDeactivateShare: 0.2 }\n`);
    expect(loadConfig(inFile, {}, {}).safety.maxDeactivateShare).toBe(0.2);
    expect(loadConfig(inFile, {}, { EFS_OKTA_MAX_DEACTIVATE_SHARE: '0.3' }).safety.maxDeactivateShare).toBe(0.3);
    expect(loadConfig(inFile, { maxDeactivateShare: 0 }, { EFS_OKTA_MAX_DEACTIVATE_SHARE: '0.3' }).safety.maxDeactivateShare).toBe(0);
    const bad = writeConfig(`${minimal}safety: { maxDeactivateShare: 5 }\n`);
    expect(() => loadConfig(bad, {}, {})).toThrow(/safety\.maxDeactivateShare: must be a fraction .* \(got 5\)/);
    expect(() => loadConfig(file, {}, { EFS_OKTA_MAX_DEACTIVATE_SHARE: '-1' })).toThrow(/from 0 to 1 \(got -1\)/);
  });

  it('rejects unknown keys by name', () => {
    const file = writeConfig(`${minimal}colour: blue\n`);
    expect(() => loadConfig(file, {}, {})).toThrow(/unknown key\(s\) "colour"/);
  });

  it('refuses plain http except on loopback', () => {
    const file = writeConfig(minimal.replace('https://acme.okta.com', 'http://acme.okta.com'));
    expect(() => loadConfig(file, {}, {})).toThrow(/must use https/);
  });

  it('says how to fix a missing org URL only when Okta is needed', () => {
    const file = writeConfig(minimal.replace('okta: { orgUrl: https://acme.okta.com }\n', ''));
    const c = loadConfig(file, {}, {});
    expect(() => requireOrgUrl(c)).toThrow(/export OKTA_ORG_URL or pass --org-url/);
  });

  it('reports a missing file with the way to create one', () => {
    expect(() => loadConfig('/nonexistent/efs-okta.yaml', {}, {})).toThrow(/efs-okta init/);
  });

  it('accepts the template that init writes', () => {
    const file = writeConfig(configTemplate('acme-prod'));
    expect(loadConfig(file, {}, {}).installation).toBe('acme-prod');
  });
});
