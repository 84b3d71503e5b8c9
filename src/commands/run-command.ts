import type { Clock } from '../core/clock.js';
import { InterruptedError } from '../core/errors.js';
import type { CoreEmitter } from '../core/events.js';
import type { SqliteJournal } from '../journal/sqlite.js';
import { exitCodeFor, exitCodeForError, type RunOutcome } from './exit-codes.js';

/**
 * The one way a command that writes runs (in the style of umzug's `runCommand`): it holds the journal
 * lock for the whole command, opens the journal's run record when the work starts (`start()`), closes
 * it with the outcome — done, interrupted or error, whatever path the command takes — emits
 * `command:started` / `command:finished`, and maps the outcome to the exit code (exit-codes.ts).
 * `status` and the dashboard read the run record from another process: a command that wrote without
 * one, or left it open after an error, would show as running or as killed.
 */
export interface CommandSpec {
  /** The lock holder's name and what `status` tells to run again ("users create"). */
  command: string;
  /** The run record's phase (journal `runs.phase`). */
  phase: string;
  /** false: hold the lock but write no run record (a reconciliation that only reads, like verify). */
  record?: boolean;
}

/** What the command's body sees: `start()` opens the run record, at the point the work begins. */
export interface CommandRun {
  /** Opens the run record (once; later calls return the same id). */
  start(): number;
  /** The run record's id, once started. */
  readonly runId: number | null;
}

/** What a command's body returns: its typed summary and how it ended. */
export interface CommandResult<S> {
  summary: S;
  /** Stopped by its signal before the work was done: the same command continues. */
  interrupted?: boolean;
  /** Finished, but something needs a person (exit 1). */
  attention?: boolean;
  /** The counts written to the run record. */
  counts?: Record<string, number>;
}

/** How a command ended, for its caller: the summary, the outcome and the exit code it maps to. */
export interface CommandOutcome<S> {
  summary: S;
  outcome: Exclude<RunOutcome, 'error'>;
  exitCode: number;
  /** The journal's run record (null: the command ended before its work started, or keeps none). */
  runId: number | null;
}

/** The runtime parts the wrapper uses. Open the runtime without `lock`: the wrapper takes it. */
export interface CommandDeps {
  journal: SqliteJournal;
  emitter: CoreEmitter;
  clock: Clock;
}

export async function runCommand<S>(deps: CommandDeps, spec: CommandSpec, body: (run: CommandRun) => Promise<CommandResult<S>>): Promise<CommandOutcome<S>> {
  const { journal, emitter, clock } = deps;
  journal.acquireLock(spec.command);
  let runId: number | null = null;
  const run: CommandRun = {
    start: () => {
      if (runId !== null) return runId;
      if (spec.record === false) throw new Error(`${spec.command} keeps no run record: it cannot start one`);
      const at = clock.now();
      runId = journal.startRun(spec.phase, at);
      emitter.emit('command:started', { command: spec.command, phase: spec.phase, runId, at });
      return runId;
    },
    get runId() {
      return runId;
    },
  };
  const close = (outcome: RunOutcome, counts: Record<string, number>, exitCode: number): void => {
    if (runId === null) return;
    const at = clock.now();
    journal.finishRun(runId, outcome, counts, at);
    emitter.emit('command:finished', { command: spec.command, phase: spec.phase, runId, at, outcome, exitCode });
  };
  try {
    let result: CommandResult<S>;
    try {
      result = await body(run);
    } catch (err) {
      // Interrupted before its summary (e.g. while waiting for --start-at): recorded as such, not as an error.
      const outcome: RunOutcome = err instanceof InterruptedError ? 'interrupted' : 'error';
      close(outcome, {}, exitCodeForError(err));
      throw err;
    }
    const outcome = result.interrupted ? 'interrupted' : 'done';
    const exitCode = exitCodeFor(outcome, result.attention ?? false);
    close(outcome, result.counts ?? {}, exitCode);
    return { summary: result.summary, outcome, exitCode, runId };
  } finally {
    journal.releaseLock();
  }
}
