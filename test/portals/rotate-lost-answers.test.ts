import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/sim/routes/apps.js';
import type { AppRec } from '../../src/sim/store/apps.js';
import { readCredentials, startPortalHarness, type PortalHarness } from './harness.js';

/**
 * `portals sync --rotate-secret` when Okta carried out the call but its answer was lost: the secret
 * in the credentials file (the one the portal uses) is never deactivated or deleted before its
 * replacement is on file. Okta keeps at most two secrets per app
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/),
 * so room is made by removing secrets nobody was handed, never the one on file.
 */
let h: PortalHarness;
beforeEach(async () => {
  h = await startPortalHarness();
});
afterEach(async () => {
  await h.close();
});

const LABEL = 'EFS acme · Employee Portal (2)';

function app(): AppRec {
  const found = [...h.sim.org.apps.all()].filter((a) => a.label === LABEL);
  expect(found).toHaveLength(1);
  return found[0] as AppRec;
}

/** The secret the credentials file holds for portal 2 is one of the app's ACTIVE secrets. */
function expectOnFileActive(when: string): string {
  const onFile = readCredentials(h.credentialsFile)['2']?.clientSecret ?? '';
  expect(onFile.length, when).toBeGreaterThan(20);
  const match = app().secrets.find((s) => s.hash === hashSecret(onFile));
  expect(match?.status, `${when}: the secret on file is still active in Okta`).toBe('ACTIVE');
  return onFile;
}

const isSecretCreate = (method: string, p: string): boolean => method === 'POST' && /^\/api\/v1\/apps\/[^/]+\/credentials\/secrets$/.test(p);

describe('portals sync --rotate-secret with lost answers', () => {
  it('two rotations whose secret creation Okta carried out but whose answers were lost: the secret on file stays active; a third run rotates cleanly', async () => {
    expect((await h.sync()).code).toBe(0);
    const original = expectOnFileActive('after the first sync');

    for (const attempt of [1, 2]) {
      h.proxy.dropAnswerOnce(isSecretCreate);
      const run = await h.sync('--rotate-secret', '2');
      expect(run.code, `rotation ${attempt}: ${run.stderr}${run.stdout}`).toBe(1);
      expect(readCredentials(h.credentialsFile)['2']?.clientSecret, `rotation ${attempt}`).toBe(original);
      expectOnFileActive(`after lost rotation ${attempt}`);
      expect(app().secrets.length).toBeLessThanOrEqual(2);
    }
    expect(h.proxy.dropped).toBe(2);

    const done = await h.sync('--rotate-secret', '2');
    expect(done.code, done.stderr + done.stdout).toBe(0);
    const rotated = expectOnFileActive('after the rotation that got its answer');
    expect(rotated).not.toBe(original);
    // The old secret went only now, after its replacement was on file; nothing nobody has is left.
    expect(app().secrets.map((s) => [s.status, s.hash])).toEqual([['ACTIVE', hashSecret(rotated)]]);
  });

  it('a run without the flag finishes a rotation whose answer was lost, without touching the secret on file first', async () => {
    expect((await h.sync()).code).toBe(0);
    const original = expectOnFileActive('after the first sync');
    h.proxy.dropAnswerOnce(isSecretCreate);
    expect((await h.sync('--rotate-secret', '2')).code).toBe(1);
    expectOnFileActive('after the lost rotation');
    const resumed = await h.sync();
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const now = expectOnFileActive('after the resumed rotation');
    expect(now).not.toBe(original);
    expect(app().secrets).toHaveLength(1);
  });
});
