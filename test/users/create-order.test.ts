import { afterEach, describe, expect, it } from 'vitest';
import { pageByLastLogin } from '../../src/journal/activation.js';
import { testInstallation, type TestInstallation } from '../helpers/installation.js';

/** users/create with --order last-login: the panelists who signed in to EFS last are created first. */
let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

describe('users/create: --order last-login', () => {
  it('creates admins first, then panelists by most recent EFS sign-in (none last), also when a run stops at --limit', async () => {
    inst = await testInstallation({ sim: { concurrency: 0 } });
    const rt = await inst.open();
    try {
      const pendingPage = (k: ('admin' | 'panelist')[], after: Parameters<typeof pageByLastLogin>[3], limit: number) => pageByLastLogin(rt.journal.db, k, 'pending', after, limit);
      await inst.create({ rt, concurrency: 1, limit: 30, pendingPage });
      await inst.create({ rt, concurrency: 1, pendingPage });
      const byId = new Map([...rt.journal.all()].filter((r) => r.oktaId).map((r) => [r.oktaId as string, r]));
      const created = [...inst.sim.org.users.iterateFrom(0)].map((u) => byId.get(u.id)!).filter(Boolean);
      const admins = created.filter((r) => r.kind === 'admin');
      const panelists = created.filter((r) => r.kind === 'panelist');
      expect(created.slice(0, admins.length).every((r) => r.kind === 'admin')).toBe(true);
      const logins = panelists.map((r) => r.lastLogin ?? '');
      expect(logins.filter(Boolean).length).toBeGreaterThan(10);
      expect(logins).toEqual([...logins].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    } finally {
      rt.close();
    }
  });
});
