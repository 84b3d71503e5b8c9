import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { portalJournal, type PortalJournal } from '../../src/journal/portals.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';

let dir: string;
let journal: SqliteJournal;
let portals: PortalJournal;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-pj-'));
  journal = openJournal(path.join(dir, 'j.sqlite'), { installation: 'test' });
  portals = portalJournal(journal);
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

const fields = { key: 'P1', line: 2, name: 'Panel', baseUrl: 'https://a.example.com', redirectUris: ['https://b.example.com/cb'] };

describe('portal journal', () => {
  it('migration 002 adds the portals table; a new portal starts pending', () => {
    expect(journal.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(2);
    const row = portals.upsertSource(fields, 1000);
    expect(row).toMatchObject({ key: 'P1', state: 'pending', line: 2, name: 'Panel', baseUrl: 'https://a.example.com', redirectUris: ['https://b.example.com/cb'], appId: null, secretIssuedAt: null, attempts: 0, createdAt: 1000 });
  });

  it('refreshes source fields without touching state, app id or updated_at when nothing changed', () => {
    portals.upsertSource(fields, 1000);
    portals.update('P1', { state: 'registered', appId: '0oa1', clientId: 'cid', label: 'L', settingsHash: 'h', secretIssuedAt: 1500, attemptsIncrement: true }, 2000);
    expect(portals.upsertSource(fields, 3000)).toMatchObject({ state: 'registered', appId: '0oa1', updatedAt: 2000, attempts: 1 });
    expect(portals.upsertSource({ ...fields, baseUrl: 'https://new.example.com' }, 4000)).toMatchObject({ state: 'registered', appId: '0oa1', baseUrl: 'https://new.example.com', updatedAt: 4000 });
  });

  it('updates only the fields given, counts states, and refuses an unknown portal', () => {
    portals.upsertSource(fields, 1000);
    portals.upsertSource({ ...fields, key: 'P2' }, 1000);
    portals.update('P1', { state: 'invalid', reason: 'url.not_https', message: 'm' }, 1100);
    portals.update('P1', { state: 'invalid', message: 'm2' }, 1200);
    expect(portals.get('P1')).toMatchObject({ reason: 'url.not_https', message: 'm2' });
    expect(portals.countByState()).toEqual([
      { state: 'invalid', reason: 'url.not_https', count: 1 },
      { state: 'pending', reason: null, count: 1 },
    ]);
    expect(() => portals.update('nope', { state: 'failed' }, 1)).toThrow(/no portal nope/);
  });
});
