import { NEEDS_ACTION, type RecordState } from '../../core/lifecycle/record.js';
import type { Kind } from '../../core/types.js';
import type { FunnelData } from '../../journal/activation.js';
import type { Journal } from '../../journal/types.js';
import { buildStatus, type StatusJournal, type StatusModel } from '../status-model.js';
import { maskLogin, maskRecordText } from './mask.js';

/** What the HTML report shows, gathered from the journal (the renderer is a pure function of this). */
export interface HtmlReportData {
  generatedAt: number;
  unmasked: boolean;
  status: StatusModel;
  runs: { phase: string; startedAt: number; finishedAt: number | null; outcome: string | null; counts: Record<string, number> | null }[];
  /** Records that need the customer's action (failed, conflict, invalid), at most `actionsLimit`. */
  actions: ActionRow[];
  actionsTotal: number;
  actionsLimit: number;
}

export interface ActionRow {
  kind: Kind;
  key: string;
  /** Masked (`a***@example.com`) unless the report is unmasked. */
  login: string;
  state: RecordState;
  reason: string;
  message: string;
  line: number | null;
  attempts: number;
}

export type ReportJournal = StatusJournal & Pick<Journal, 'page'> & { lockHolderAlive?(now?: number): boolean };

export interface HtmlReportOptions {
  now: number;
  unmasked?: boolean;
  /** Rows in the action table; the rest are counted and left to `report --format csv` (default 20 000). */
  maxActionRows?: number;
  funnel?: FunnelData | null;
}

const KINDS: Kind[] = ['admin', 'panelist', 'portal'];
const PAGE = 1000;

/**
 * A run without an outcome is the one in progress only while a live process holds the journal's
 * lock; any other was killed or crashed (the journal is safe: the next run continues it).
 */
function unfinished(current: boolean): string | null {
  return current ? null : 'interrupted (killed or crashed before it finished; running the command again continues it)';
}

export function collectReportData(journal: ReportJournal, options: HtmlReportOptions): HtmlReportData {
  const unmasked = options.unmasked ?? false;
  const limit = options.maxActionRows ?? 20_000;
  const runs = journal.lastRuns(1000);
  // The chart covers the whole history of the journal: from its first run to now.
  const first = runs.reduce<number | null>((min, r) => (min === null || r.startedAt < min ? r.startedAt : min), null);
  const status = buildStatus(journal, { now: options.now, from: first ?? options.now - 3_600_000, funnel: options.funnel ?? null });

  const live = journal.lockHolderAlive ? journal.lockHolderAlive() : status.run.active;
  const actionsTotal = status.failures.reduce((n, f) => n + f.count, 0);
  const actions: ActionRow[] = [];
  let after: { kind: string; key: string } | null = null;
  while (actions.length < limit) {
    const page = journal.page({ kinds: KINDS, states: [...NEEDS_ACTION] }, after, Math.min(PAGE, limit - actions.length));
    for (const r of page) {
      actions.push({
        kind: r.kind, key: r.key, state: r.state, reason: r.reason ?? r.state, line: r.line, attempts: r.attempts,
        login: unmasked ? (r.login ?? '') : maskLogin(r.login),
        message: unmasked ? (r.message ?? '') : maskRecordText(r.message, [r.login, r.email, r.firstName, r.lastName]),
      });
    }
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    after = { kind: last.kind, key: last.key };
  }
  const order = (s: RecordState): number => NEEDS_ACTION.indexOf(s);
  actions.sort((a, b) => order(a.state) - order(b.state) || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.reason.localeCompare(b.reason) || a.key.localeCompare(b.key));

  return {
    generatedAt: options.now,
    unmasked,
    status,
    runs: runs.map((r, i) => ({ phase: r.phase, startedAt: r.startedAt, finishedAt: r.finishedAt, outcome: r.outcome ?? unfinished(i === 0 && live), counts: r.counts })).reverse(),
    actions,
    actionsTotal,
    actionsLimit: limit,
  };
}
