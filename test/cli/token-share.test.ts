import { afterEach, describe, expect, it } from 'vitest';
import { samplesConfig, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { runCli } from '../users/lifecycle-helpers.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  await inst?.cleanup();
  inst = null;
});

/**
 * An org as Okta ships it: one token may use half of each bucket. The sample config with the
 * defaults share 0.8 and tokenShare 0.5 (the helper's config says 1 for both).
 */
async function defaultOrg(limits: { users: number }, windowSeconds: number): Promise<TestInstallation> {
  return testInstallation({
    sim: { noLimits: false, tokenShare: 0.5, windowSeconds, limits, latencyMs: 2, jitterMs: 1 },
    configText: (url) => samplesConfig(url).replace('share: 1, tokenShare: 1, ', ''),
  });
}

describe('cli/token share', () => {
  it("plan says the token's default 50 % binds, and what to set when the admin raised it", async () => {
    inst = await defaultOrg({ users: 600 }, 60);
    const r = await runCli(inst, ['plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/limit 600\/min, \d+ remaining now; this run may use the token's 50% \(okta\.tokenShare, Okta's default: if the org admin raised this token's rate limit, set it\) → 300 creations\/min/);
    const raised = await runCli(inst, ['plan', '--token-share', '1']);
    expect(raised.stdout).toMatch(/this run may use 80% \(okta\.share\) → 480 creations\/min/);
  });

  it("users create paces to the token's share from the first request: no 429 to find the ceiling", async () => {
    // 120 per 2 s window, 60 of them for our token: the sample's 93 creates need two windows.
    inst = await defaultOrg({ users: 120 }, 2);
    const r = await runCli(inst, ['users', 'create']);
    expect(r.stdout).toMatch(/failed 0 in/);
    expect(inst.sim.stats().rateLimited).toBe(0);
    expect(inst.sim.org.users.size).toBeGreaterThan(60);
  });

  it("users create told a ceiling above the token's learns the real one from the first 429 and completes", async () => {
    // 100 per 6 s window, 50 for our token; told 100 %, the run paces to 80 per window (13/s), so
    // anything faster than 8.3 creations a second (a loaded CI machine included) reaches the token's
    // ceiling within the first window.
    inst = await defaultOrg({ users: 100 }, 6);
    const r = await runCli(inst, ['users', 'create', '--token-share', '1']);
    expect(r.stdout).toMatch(/failed 0 in/);
    const rateLimited = inst.sim.stats().rateLimited as number;
    expect(rateLimited).toBeGreaterThanOrEqual(1);
    // Learned once, not one 429 per window.
    expect(rateLimited).toBeLessThanOrEqual(3);
  });
});
