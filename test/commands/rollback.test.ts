import { afterEach, describe, expect, it, vi } from 'vitest';
import { rollback } from '../../src/commands/rollback.js';
import { syncPortals } from '../../src/commands/sync-portals.js';
import { EXIT_CODES } from '../../src/commands/exit-codes.js';
import { oktaLogins, testInstallation, type TestInstallation } from '../helpers/installation.js';
import { cliInProcess } from '../robustness/in-process.js';

let inst: TestInstallation | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await inst?.cleanup();
  inst = null;
});

/** Phase 1 and the portals, in-process: the org rollback works on. */
async function migrated(): Promise<TestInstallation> {
  const i = await testInstallation();
  await i.create();
  const rt = await i.open();
  try {
    expect((await syncPortals(rt)).exitCode).toBe(0);
  } finally {
    rt.close();
  }
  expect([...i.sim.org.apps.all()].length).toBe(3);
  return i;
}

describe('commands/rollback: every path writes its run record; interrupted is interrupted', () => {
  it('a users rollback closes a run record "rollback done" with what it deleted', async () => {
    inst = await migrated();
    const rt = await inst.open();
    try {
      const r = await rollback(rt, { users: true });
      expect(r).toMatchObject({ outcome: 'done', exitCode: EXIT_CODES.done });
      expect(r.summary.users?.deleted).toBeGreaterThan(0);
      const [run] = rt.journal.lastRuns(1);
      expect(run).toMatchObject({ id: r.runId, phase: 'rollback', outcome: 'done' });
      expect(run?.counts?.deleted).toBe(r.summary.users?.deleted);
    } finally {
      rt.close();
    }
  }, 120_000);

  it('a portal rollback stopped by its signal with apps left is interrupted: exit 130, run record interrupted, users left alone', async () => {
    inst = await migrated();
    const users = oktaLogins(inst.sim).size;
    const rt = await inst.open();
    try {
      const stop = new AbortController();
      stop.abort(new Error('interrupted'));
      const r = await rollback(rt, { portals: true, users: true, signal: stop.signal });
      expect(r).toMatchObject({ outcome: 'interrupted', exitCode: EXIT_CODES.interrupted });
      expect(r.summary.portals).toMatchObject({ deleted: 0, interrupted: true });
      expect(r.summary.users).toBeNull();
      expect(rt.journal.lastRuns(1)[0]).toMatchObject({ phase: 'rollback', outcome: 'interrupted' });
    } finally {
      rt.close();
    }
    expect([...inst.sim.org.apps.all()].length).toBe(3);
    expect(oktaLogins(inst.sim).size).toBe(users);
  }, 120_000);

  it('cli: `rollback --portals --yes` interrupted by Ctrl-C exits 130 and says how to continue (it exited 0)', async () => {
    inst = await migrated();
    // Ctrl-C the moment the command listens for it: before the first app is deleted.
    const on = process.on.bind(process);
    vi.spyOn(process, 'on').mockImplementation(((event: string, listener: (...a: unknown[]) => void) => {
      on(event as 'SIGINT', listener);
      if (event === 'SIGINT') listener('SIGINT');
      return process;
    }) as typeof process.on);
    const r = await cliInProcess(['rollback', '--portals', '--yes', '-c', inst.configFile], { ...inst.env } as Record<string, string>);
    vi.restoreAllMocks();
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('portal apps deleted 0, failed 0');
    expect(r.stderr).toContain('efs-okta: interrupted: run the same command again to continue');
    expect([...inst.sim.org.apps.all()].length).toBe(3);
    const again = await cliInProcess(['rollback', '--portals', '--yes', '-c', inst.configFile], { ...inst.env } as Record<string, string>);
    expect(again.code).toBe(0);
    expect([...inst.sim.org.apps.all()].length).toBe(0);
  }, 120_000); // a loaded two-core machine needs more than the default 30 s for three in-process runs
});
