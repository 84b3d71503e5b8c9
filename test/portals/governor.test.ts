import { describe, expect, it } from 'vitest';
import { startPortalHarness } from './harness.js';

describe('portals sync and the rate governor', () => {
  it('registers the sample portals under Okta\'s default limits (apps 100/min, 50% per token) without a single 429', async () => {
    const h = await startPortalHarness({ sim: { seed: 5 } });
    try {
      const run = await h.sync();
      expect(run.code).toBe(0);
      const stats = h.sim.stats() as { rateLimited: number; concurrencyLimited: number; requests: Record<string, Record<string, number>> };
      expect(stats.rateLimited).toBe(0);
      expect(stats.concurrencyLimited).toBe(0);
      // Buckets by exact path: per portal a look-up by label, a create, a read of its secrets, a read
      // of its group assignments and two assignments all spend the apps bucket (only /apps/{id} is `app`).
      expect(stats.requests.apps).toEqual({ '200': 18 });
      expect(h.sim.org.apps.size).toBe(3);
    } finally {
      await h.close();
    }
  });
});
