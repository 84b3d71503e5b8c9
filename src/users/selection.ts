import type { UserKind, UserState } from '../core/types.js';
import type { RecordReader } from '../journal/contracts.js';
import type { JournalRow } from '../journal/types.js';
import { loginKey } from '../records/login-key.js';

/**
 * --only FILE and --exclude FILE for the sending commands: each line (a login or a source key) is
 * matched against the journal, and a line that selects nobody the command could send to is
 * reported with why, so a typo never silently drops (or includes) a user.
 */
export interface ListLine {
  line: number;
  value: string;
}

export type UnmatchedReason = 'unknown' | 'federated' | 'already active' | 'invalid' | 'not ours' | 'not created yet' | 'not waiting' | 'ambiguous';

export interface Unmatched extends ListLine {
  reason: UnmatchedReason;
  detail: string;
}

export interface ListMatch {
  /** `kind:key` of each selected record. */
  ids: Set<string>;
  unmatched: Unmatched[];
}

/** Lines of a list file: trimmed, without blanks and # comments, with their line numbers. */
export function parseListText(text: string): ListLine[] {
  const out: ListLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const value = raw.trim();
    if (value && !value.startsWith('#')) out.push({ line: i + 1, value });
  });
  return out;
}

/** Why a record found for a line is not one the command can send to (null: it can). */
function refusal(row: JournalRow, sendable: UserState[]): { reason: UnmatchedReason; detail: string } | null {
  if (sendable.includes(row.state as UserState) && row.ours && row.oktaId) return null;
  const detail = `${row.kind} ${row.key} is ${row.state}${row.reason ? ` (${row.reason})` : ''}`;
  if (row.state === 'skipped' && row.reason === 'federated') return { reason: 'federated', detail };
  if (row.state === 'active') return { reason: 'already active', detail };
  if (row.state === 'invalid') return { reason: 'invalid', detail };
  if (row.state === 'linked' || row.state === 'conflict' || (row.oktaId && !row.ours)) return { reason: 'not ours', detail };
  if (['pending', 'creating', 'failed', 'duplicate', 'skipped', 'removed'].includes(row.state)) return { reason: 'not created yet', detail };
  return { reason: 'not waiting', detail };
}

/**
 * Matches each line to the records of `kinds`: by source key, else by login (folded as Okta folds
 * logins). `sendable` are the states the command acts on (activate: staged; reminders: provisioned).
 */
export function matchList(journal: RecordReader, lines: ListLine[], kinds: UserKind[], sendable: UserState[] | 'any'): ListMatch {
  const ids = new Set<string>();
  const unmatched: Unmatched[] = [];
  for (const l of lines) {
    const rows: JournalRow[] = [];
    for (const kind of kinds) {
      const byKey = journal.get(kind, l.value);
      if (byKey) rows.push(byKey);
    }
    if (rows.length === 0 && l.value.includes('@')) rows.push(...journal.findByLoginKey(loginKey(l.value)).filter((r) => kinds.includes(r.kind as UserKind)));
    if (rows.length === 0) {
      const looksValid = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(l.value) || /^[\w.:-]{1,200}$/.test(l.value);
      unmatched.push({ ...l, reason: looksValid ? 'unknown' : 'invalid', detail: looksValid ? `no ${kinds.join(' or ')} with this key or login in the journal` : 'neither a login (an email address) nor a source key' });
      continue;
    }
    const ok = sendable === 'any' ? rows : rows.filter((r) => refusal(r, sendable) === null);
    if (ok.length === 0) {
      const first = refusal(rows[0] as JournalRow, sendable as UserState[]) as { reason: UnmatchedReason; detail: string };
      unmatched.push({ ...l, ...first });
      continue;
    }
    for (const r of ok) ids.add(`${r.kind}:${r.key}`);
  }
  return { ids, unmatched };
}

/** The report of unmatched lines, one per line: `FILE:LINE  VALUE  reason: detail`. */
export function describeUnmatched(file: string, unmatched: Unmatched[]): string {
  return unmatched.map((u) => `  ${file}:${u.line}  ${u.value}  ${u.reason}: ${u.detail}`).join('\n');
}
