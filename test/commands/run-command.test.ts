import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands/run-command.js';
import { EXIT_CODES } from '../../src/commands/exit-codes.js';
import { FakeClock } from '../../src/core/clock.js';
import { AuthError, InterruptedError } from '../../src/core/errors.js';
import { CoreEmitter, type CoreEvents } from '../../src/core/events.js';
import { openJournal, type SqliteJournal } from '../../src/journal/sqlite.js';

let dir: string;
let journal: SqliteJournal;
const clock = new FakeClock(Date.parse('2026-11-02T09:00:00Z'));
const emitter = new CoreEmitter();
const finished: CoreEvents['command:finished'][] = [];
emitter.on('command:finished', (e) => finished.push(e));

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'efs-okta-run-command-'));
  journal = openJournal(path.join(dir, 'j.sqlite'), { installation: 'acme' });
  finished.length = 0;
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

const deps = () => ({ journal, emitter, clock });
const lastRun = () => journal.lastRuns(1)[0];

describe('commands/run-command: the one wrapper of every command that writes', () => {
  it('done: the run record closes done with its counts; attention maps to exit 1; the lock is held during and released after', async () => {
    const r = await runCommand(deps(), { command: 'users create', phase: 'create' }, async (run) => {
      run.start();
      expect(journal.lockHolder()?.command).toBe('users create');
      return { summary: 'ok', attention: true, counts: { created: 2 } };
    });
    expect(r).toMatchObject({ summary: 'ok', outcome: 'done', exitCode: EXIT_CODES.attention });
    expect(lastRun()).toMatchObject({ phase: 'create', outcome: 'done', counts: { created: 2 } });
    expect(journal.lockHolder()).toBeNull();
    expect(finished).toEqual([expect.objectContaining({ command: 'users create', outcome: 'done', exitCode: 1, runId: r.runId })]);
  });

  it('interrupted: outcome interrupted and exit 130, whether the body says so or throws InterruptedError', async () => {
    const said = await runCommand(deps(), { command: 'rollback', phase: 'rollback' }, async (run) => {
      run.start();
      return { summary: null, interrupted: true, attention: true };
    });
    expect(said).toMatchObject({ outcome: 'interrupted', exitCode: EXIT_CODES.interrupted });
    expect(lastRun()?.outcome).toBe('interrupted');
    await expect(runCommand(deps(), { command: 'rollback', phase: 'rollback' }, async (run) => {
      run.start();
      throw new InterruptedError('INTERRUPTED', 'stop');
    })).rejects.toThrow(InterruptedError);
    expect(lastRun()?.outcome).toBe('interrupted');
  });

  it('error: the run record closes as error (status does not show it running or killed), the error goes on, the lock is released', async () => {
    await expect(runCommand(deps(), { command: 'rollback', phase: 'rollback' }, async (run) => {
      run.start();
      throw new AuthError('OKTA_401', 'token refused');
    })).rejects.toThrow(AuthError);
    expect(lastRun()).toMatchObject({ phase: 'rollback', outcome: 'error' });
    expect(lastRun()?.finishedAt).not.toBeNull();
    expect(finished.at(-1)).toMatchObject({ outcome: 'error', exitCode: EXIT_CODES.fatal });
    expect(journal.lockHolder()).toBeNull();
  });

  it('a command that stops before its work started (a refused confirmation) leaves no run record', async () => {
    await expect(runCommand(deps(), { command: 'users activate', phase: 'activate' }, async () => {
      throw new Error('not confirmed');
    })).rejects.toThrow('not confirmed');
    expect(journal.lastRuns(5)).toEqual([]);
  });

  it('record: false holds the lock but keeps no run record (verify)', async () => {
    const r = await runCommand(deps(), { command: 'verify', phase: 'verify', record: false }, async () => ({ summary: 3, attention: false }));
    expect(r).toMatchObject({ outcome: 'done', exitCode: 0, runId: null });
    expect(journal.lastRuns(5)).toEqual([]);
  });

  it('refuses to run while another live process holds the journal', async () => {
    const other = openJournal(journal.path, { installation: 'acme' });
    try {
      other.acquireLock('users create');
      // Same process here: the lock row names this pid, which is alive.
      await expect(runCommand(deps(), { command: 'rollback', phase: 'rollback' }, async () => ({ summary: null }))).rejects.toThrow(/in use by "users create"/);
      expect(journal.lastRuns(5)).toEqual([]);
    } finally {
      other.close();
    }
  });
});
