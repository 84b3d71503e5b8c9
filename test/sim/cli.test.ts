import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runSim, simOptionsFromFlags, type SimFlags } from '../../src/cli/sim.js';
import { UsageError } from '../../src/core/errors.js';
import { sdkClient } from './helpers.js';

const base: SimFlags = { host: '127.0.0.1', port: '0', limit: [], limits: true, tenantLoad: [] };

describe('sim CLI flags', () => {
  test('every flag maps to a simulator option', () => {
    const o = simOptionsFromFlags({
      ...base, port: '8017', token: 'tok', window: '5', limit: ['users=50', 'apps=0'], tokenShare: '0.25',
      concurrency: '10', latency: '40:15', failRate: '0.05', dropRate: '0.01', tenantLoad: ['users=0.3'],
      seed: '9', state: 'org.db', saveInterval: '10', linkLifetime: '8h', emailsPerRecipient: '5',
    });
    expect(o).toEqual({
      host: '127.0.0.1', port: 8017, token: 'tok', windowSeconds: 5, limits: { users: 50, apps: 0 }, noLimits: false,
      tokenShare: 0.25, concurrency: 10, latencyMs: 40, jitterMs: 15, failRate: 0.05, dropRate: 0.01,
      tenantLoad: { users: 0.3 }, seed: 9, stateFile: 'org.db', saveIntervalMs: 10_000,
      linkLifetimeSeconds: 8 * 3600, emailsPerRecipientPerMinute: 5,
    });
  });

  test('--limit all=0 and --no-limits turn limits off', () => {
    expect(Object.values(simOptionsFromFlags({ ...base, limit: ['all=0'] }).limits ?? {})).toEqual(Array(8).fill(0));
    expect(simOptionsFromFlags({ ...base, limits: false }).noLimits).toBe(true);
  });

  test.each([
    [{ limit: ['nope=3'] }],
    [{ latency: 'fast' }],
    [{ failRate: '2' }],
    [{ port: '70000' }],
    [{ tenantLoad: ['users=1.5'] }],
    [{ tokenShare: '0' }],
    [{ linkLifetime: 'a week' }],
  ])('bad flags are usage errors: %o', (bad) => {
    expect(() => simOptionsFromFlags({ ...base, ...bad } as SimFlags)).toThrow(UsageError);
  });

  test('prints exactly the listening line plus the generated token, serves, then stops', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    await runSim(simOptionsFromFlags(base), out, async (sim) => {
      const okta = sdkClient(sim);
      const g = await okta.groupApi.createGroup({ group: { profile: { name: 'cli' } } });
      expect(g.id).toMatch(/^00g/);
    });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^okta simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^token: \S{20,}$/);
  });

  test('with --token only the listening line is printed', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    await runSim(simOptionsFromFlags({ ...base, token: 'given' }), out, async () => undefined);
    expect(text).toMatch(/^okta simulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
