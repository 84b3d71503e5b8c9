import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock, FakeClock } from '../../src/core/clock.js';
import type { OktaUserStatus } from '../../src/okta/types.js';
import type { Simulator } from '../../src/sim/index.js';
import { DIST_CLI, SAMPLES, samplesConfig, type TestInstallation } from '../helpers/installation.js';

/**
 * Shared by the lifecycle tests (activate, sync, verify, rollback, status): drive a FakeClock while
 * real HTTP goes to the simulator, edit a copy of the sample exports, run the built CLI without
 * blocking the in-process simulator, and lose one answer after Okta carried the request out.
 */

/** Yields to the event loop once (I/O callbacks included), so the simulator and the SDK can progress. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Awaits `run` while moving the fake clock to each sleeper's wake time as soon as the code under
 * test parks on it. Time moves only when the code sleeps, so recorded times are exact.
 */
export async function drive<T>(clock: FakeClock, run: Promise<T>): Promise<T> {
  let settled = false;
  const done = run.finally(() => {
    settled = true;
  });
  done.catch(() => undefined);
  while (!settled) {
    const wake = clock.nextWake();
    if (wake !== null) await clock.advance(Math.max(0, wake - clock.now()));
    else await tick();
  }
  return done;
}

/**
 * Real time plus every sleep taken: sleeps return at once, so the governor's retry backoff costs
 * no wall time in tests that inject faults (the simulator has no rate limits there).
 */
export class SkippingClock implements Clock {
  skipped = 0;

  now(): number {
    return Date.now() + this.skipped;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.skipped += Math.max(0, ms);
    return Promise.resolve();
  }
}

/** Polls a condition on the event loop (no guessed sleep); fails after `maxTicks` turns. */
export async function until(condition: () => boolean, maxTicks = 200_000): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error('condition not met');
}

/** A config whose sources are copies of the samples in the installation's folder (editable). */
export function editableConfig(dir: string, orgUrl: string, extra = ''): string {
  for (const file of ['admins.csv', 'panelists.csv', 'portals.csv']) copyFileSync(path.join(SAMPLES, file), path.join(dir, file));
  return samplesConfig(orgUrl, extra, dir);
}

/** Rewrites one semicolon CSV of the installation: `edit` gets each data row's cells (null drops the row). */
export function editCsv(dir: string, file: string, edit: (cells: string[]) => string[] | null): void {
  const full = path.join(dir, file);
  const [header, ...rows] = readFileSync(full, 'utf8').split('\n');
  const out = [header as string];
  for (const row of rows) {
    if (row.trim() === '') continue;
    const cells = edit(row.split(';'));
    if (cells) out.push(cells.join(';'));
  }
  writeFileSync(full, `${out.join('\n')}\n`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (dist/cli/main.js) asynchronously: the simulator lives in this process, so a
 * spawnSync would block it and the child would never get an answer.
 */
export function runCli(inst: TestInstallation, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST_CLI, ...args, '-c', inst.configFile], {
      cwd: inst.dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...inst.env, ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The org's users as comparable facts: id, login, status, names, email and group names. */
export function orgPicture(sim: Simulator): string[] {
  const groupsOf = new Map<string, string[]>();
  for (const g of sim.org.groups.all()) for (const m of g.members.ids()) groupsOf.set(m, [...(groupsOf.get(m) ?? []), g.name]);
  const users = [...sim.org.users.iterateFrom(0)].map((u) =>
    [u.id, u.login, u.status, u.email, u.firstName, u.lastName, (groupsOf.get(u.id) ?? []).sort().join('+')].join('|'));
  const groups = [...sim.org.groups.all()].map((g) => `group|${g.id}|${g.name}`);
  return [...users, ...groups].sort();
}

export function simStatus(sim: Simulator, login: string): OktaUserStatus | null {
  return (sim.org.users.getByLogin(login)?.status as OktaUserStatus | undefined) ?? null;
}

/** Emails per Okta user id in the simulator's outbox. */
export function emailsPerUser(sim: Simulator): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of sim.outbox()) m.set(e.userId, (m.get(e.userId) ?? 0) + 1);
  return m;
}
