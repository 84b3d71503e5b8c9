import { afterEach, describe, expect, it } from 'vitest';
import { userSourceSpecs } from '../../src/app/runtime.js';
import { planUsers } from '../../src/users/plan.js';
import { testInstallation, type TestInstallation } from '../helpers/installation.js';

/** users/plan: when 50 %, 90 % and 100 % of the users active in the last year will be created. */
let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

describe('users/plan: users active in the last year', () => {
  it('with --order last-login they come right after the admins; in key order they are spread over the run', async () => {
    inst = await testInstallation();
    const rt = await inst.open();
    try {
      const since = '2026-01-01T00:00:00';
      const specs = () => userSourceSpecs(rt.config);
      const byLogin = await planUsers({ journal: rt.journal, okta: rt.okta }, specs(), { share: 1, active: { since, order: 'last-login' } });
      const byKey = await planUsers({ journal: rt.journal, okta: rt.okta }, specs(), { share: 1, active: { since, order: 'key' } });
      const admins = byLogin.counts.find((c) => c.kind === 'admin')!.create;
      const active = byLogin.active!.users;
      expect(active).toBeGreaterThan(20);
      expect(active).toBeLessThan(byLogin.toCreate - admins);
      expect(byLogin.active!.at.map((a) => [a.percent, a.position])).toEqual([
        [50, admins + Math.ceil(active / 2)], [90, admins + Math.ceil(active * 0.9)], [100, admins + active],
      ]);
      expect(byKey.active!.users).toBe(active);
      expect(byKey.active!.at[2]!.position).toBeGreaterThan(admins + active);
      // The org's rate turns positions into times: share 1 of the simulator's 600/min users bucket.
      expect(byLogin.rate?.perMinute).toBeGreaterThan(0);
      expect(byLogin.active!.at[2]!.etaMs).toBe(Math.ceil(((admins + active) / byLogin.rate!.perMinute) * 60_000));
    } finally {
      rt.close();
    }
  });
});
