import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

function writeConfig(okta: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-config-'));
  const file = path.join(dir, 'efs-okta.yaml');
  writeFileSync(file, `installation: acme-prod
okta: { orgUrl: https://acme.okta.com${okta} }
sources:
  panelists: { file: panelists.csv, columns: { key: pcode, email: u_email } }
`);
  return file;
}

describe('config okta.budget', () => {
  test('defaults: the local ledger in the XDG state directory, priority 1', () => {
    const c = loadConfig(writeConfig(''), {}, { HOME: '/home/sup' });
    expect(c.okta.budget).toEqual({ store: 'local', url: null, priority: 1, dir: '/home/sup/.local/state/efs-okta' });
    expect(loadConfig(writeConfig(''), {}, { XDG_STATE_HOME: '/var/state' }).okta.budget.dir).toBe('/var/state/efs-okta');
  });

  test('layers defaults < file < env < flags', () => {
    const file = writeConfig(', budget: { store: redis, url: "redis://file:6379", priority: 2, dir: state }');
    expect(loadConfig(file, {}, {}).okta.budget).toEqual({ store: 'redis', url: 'redis://file:6379', priority: 2, dir: path.join(path.dirname(file), 'state') });
    const env = { EFS_OKTA_BUDGET_URL: 'redis://env:6379', EFS_OKTA_PRIORITY: '3', EFS_OKTA_STATE_DIR: '/tmp/st' };
    expect(loadConfig(file, {}, env).okta.budget).toEqual({ store: 'redis', url: 'redis://env:6379', priority: 3, dir: '/tmp/st' });
    expect(loadConfig(file, { budgetStore: 'local', priority: 0.5 }, env).okta.budget).toMatchObject({ store: 'local', url: null, priority: 0.5 });
  });

  test('bad values get specific messages; a password never goes in the URL (nor in the message)', () => {
    expect(() => loadConfig(writeConfig(', budget: { store: memcached }'), {}, {})).toThrow(/okta\.budget\.store: must be one of "local", "redis", "none"/);
    expect(() => loadConfig(writeConfig(', budget: { priority: 0 }'), {}, {})).toThrow(/okta\.budget\.priority: must be a weight above 0/);
    expect(() => loadConfig(writeConfig(', budget: { store: redis }'), {}, {})).toThrow(/no URL is set: set okta\.budget\.url/);
    expect(() => loadConfig(writeConfig(', budget: { store: redis, url: "http://x" }'), {}, {})).toThrow(/must start with redis:\/\//);
    let message = '';
    try {
      loadConfig(writeConfig(', budget: { store: redis, url: "redis://:hunter2secret@host:6379" }'), {}, {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/holds a password: .* EFS_OKTA_REDIS_PASSWORD/);
    expect(message).not.toContain('hunter2secret');
    expect(() => loadConfig(writeConfig(''), { budgetStore: 'zookeeper' }, {})).toThrow(/--budget-store must be one of local, redis, none/);
  });
});
