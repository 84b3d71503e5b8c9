import type { Kind } from '../core/types.js';
import type { Journal, PlanCounts } from '../journal/types.js';
import { terminalText } from '../core/terminal-text.js';

/** Plain-text table helper: left-aligned first column, right-aligned numbers. */
export function table(input: (string | number)[][]): string {
  // Cells may hold names from the source or Okta: escaped before they are measured.
  const rows = input.map((row) => row.map(terminalText));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '))
    .join('\n');
}

/** Counts per kind and state (with reasons for skipped/invalid/failed), from the journal. */
export function stateSummary(journal: Journal, kinds?: Kind[]): string {
  const rows: (string | number)[][] = [['kind', 'state', 'reason', 'count']];
  for (const c of journal.countByState(kinds)) rows.push([c.kind, c.state, c.reason ?? '', c.count]);
  if (rows.length === 1) return '(the journal has no records yet)';
  return table(rows);
}

export function planTable(counts: PlanCounts[]): string {
  const rows: (string | number)[][] = [['kind', 'outcome', 'count']];
  for (const c of counts) {
    rows.push([c.kind, 'total in source', c.total]);
    rows.push([c.kind, 'create (new)', c.create]);
    if (c.retry) rows.push([c.kind, 'retry (failed before / resume)', c.retry]);
    if (c.conflict) rows.push([c.kind, 'conflict (re-check)', c.conflict]);
    if (c.reactivate) rows.push([c.kind, 'back in source, deactivated: reactivate (users activate)', c.reactivate]);
    rows.push([c.kind, 'update (changed in source)', c.update]);
    rows.push([c.kind, 'done already', c.done]);
    for (const [reason, n] of Object.entries(c.skipped).sort()) rows.push([c.kind, `skip: ${reason}`, n]);
    for (const [reason, n] of Object.entries(c.invalid).sort()) rows.push([c.kind, `invalid: ${reason}`, n]);
    if (c.duplicate) rows.push([c.kind, 'duplicate', c.duplicate]);
    rows.push([c.kind, 'removed from source', c.removed]);
  }
  return table(rows);
}

/** Filter warnings, one paragraph each, for the terminal (plan, users create); the values seen are escaped. */
export function filterWarningLines(warnings: readonly { message: string }[]): string[] {
  return warnings.map((w) => `WARNING: ${terminalText(w.message)}`);
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return 'unknown';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}
