import os from 'node:os';
import { JournalError } from '../core/errors.js';
import type { LockHolder } from './types.js';

/** A lock whose holder has not beaten its heart for this long is considered stale (crashed host). */
export const STALE_LOCK_MS = 5 * 60_000;

/**
 * Whether the process holding the lock still runs: on this host, asked of the OS; on another host
 * (a journal on a shared disk), judged by its heartbeat.
 */
export function isAlive(holder: LockHolder, now: number): boolean {
  if (holder.host === os.hostname()) {
    try {
      process.kill(holder.pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return now - holder.heartbeat < STALE_LOCK_MS;
}

/** This process, as the holder of a lock taken now. */
export function thisProcess(command: string, now: number): LockHolder {
  return { pid: process.pid, host: os.hostname(), command, startedAt: now, heartbeat: now };
}

export function lockedError(path: string, holder: LockHolder): JournalError {
  return new JournalError('JOURNAL_LOCKED', `the journal ${path} is in use by "${holder.command}" (process ${holder.pid} on ${holder.host}, since ${new Date(holder.startedAt).toISOString()}): wait for it to finish or stop it (Ctrl-C); "efs-okta status" shows its progress`, {
    context: { pid: holder.pid, host: holder.host },
  });
}
