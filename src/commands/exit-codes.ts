import { isEfsOktaError } from '../core/errors.js';
import { NEEDS_ACTION } from '../core/lifecycle/record.js';
import type { Kind } from '../core/types.js';
import type { Journal } from '../journal/types.js';

/**
 * How a command ends, as a process exit code: the one table the CLI, the demo and scripts share.
 * Scripts branch on these numbers (retry on 130, page someone on 3), so they never change meaning.
 */
export const EXIT_CODES = {
  /** Everything ended well. */
  done: 0,
  /** Finished, but records need attention (invalid, conflict, failed; a difference; an unconfirmed reminder). */
  attention: 1,
  /** A usage or config mistake: nothing was done. */
  usage: 2,
  /** Auth, permission or another fatal error: the run stopped. */
  fatal: 3,
  /** Interrupted (Ctrl-C): in-flight work was recorded; the same command continues. */
  interrupted: 130,
} as const;

/** The outcome of a run, as its journal record (`runs.outcome`) says it. */
export type RunOutcome = 'done' | 'interrupted' | 'error';

/** A finished run's exit code: interrupted wins over attention, which wins over done. */
export function exitCodeFor(outcome: Exclude<RunOutcome, 'error'>, attention: boolean): number {
  if (outcome === 'interrupted') return EXIT_CODES.interrupted;
  return attention ? EXIT_CODES.attention : EXIT_CODES.done;
}

/** The exit code of a run that ended in an error: the named error says it, anything else is fatal. */
export function exitCodeForError(err: unknown): number {
  return isEfsOktaError(err) ? err.exitCode : EXIT_CODES.fatal;
}

/** True when records of these kinds need attention: what makes a finished `users create` exit 1. */
export function needsAttention(journal: Journal, kinds: Kind[]): boolean {
  return journal.countByState(kinds).some((c) => NEEDS_ACTION.includes(c.state) && c.count > 0);
}
