import { JournalError } from '../core/errors.js';
import { PORTAL_STATES } from '../core/lifecycle/portal.js';
import type { RecordState } from '../core/lifecycle/record.js';
import { USER_STATES } from '../core/lifecycle/user.js';

/**
 * SQL `IN (…)` lists of states, generated from the lifecycle modules' named sets, so the SQL and the
 * TypeScript always mean the same set. Only known state literals get in (never input): the list is
 * spliced into the statement text, where a parameter would cost a prepared statement per length.
 */
const KNOWN: ReadonlySet<string> = new Set<string>([...USER_STATES, ...PORTAL_STATES]);

function list(states: readonly RecordState[]): string {
  if (states.length === 0) throw new JournalError('JOURNAL_STATE_SQL', 'an empty state list has no SQL form: name a set from src/core/lifecycle');
  for (const s of states) {
    if (!KNOWN.has(s)) throw new JournalError('JOURNAL_STATE_SQL', `"${String(s)}" is not a record state: name a set from src/core/lifecycle`, { context: { state: String(s) } });
  }
  return `(${states.map((s) => `'${s}'`).join(',')})`;
}

/** `IN ('a','b')` for a named set of states. */
export function inStates(states: readonly RecordState[]): string {
  return `IN ${list(states)}`;
}

/** `NOT IN ('a','b')` for a named set of states. */
export function notInStates(states: readonly RecordState[]): string {
  return `NOT IN ${list(states)}`;
}
