import type { BudgetLease } from '../okta/budget.js';
import { allocateShares } from '../okta/budget-share.js';
import { terminalText } from '../core/terminal-text.js';
import { formatDuration, table } from './summary.js';

/**
 * `efs-okta status --org`: every run drawing on the org's shared rate budget, from the budget's
 * store (the leases the runs renew every second), whichever machine or installation they belong to.
 */
export interface OrgRun {
  installation: string;
  host: string;
  pid: number;
  priority: number;
  /** This run's part of each bucket (fraction of the bucket's limit). */
  fraction: number;
  token: string;
  phase: string | null;
  done: number | null;
  total: number | null;
  ratePerMinute: number | null;
  etaMs: number | null;
  startedAt: number;
  heartbeatAgeMs: number;
}

export interface OrgStatusModel {
  org: string;
  store: string;
  where: string;
  runs: OrgRun[];
}

export function buildOrgStatus(org: string, store: { kind: string; where: string }, leases: readonly BudgetLease[], now: number): OrgStatusModel {
  // The division the runs compute at their next heartbeat (a lease holds the one of its last).
  const division = allocateShares(leases);
  return {
    org,
    store: store.kind,
    where: store.where,
    runs: leases.map((l) => ({
      installation: l.installation, host: l.host, pid: l.pid, priority: l.priority, fraction: division.get(l.runId) ?? l.fraction, token: l.principal,
      phase: l.progress?.phase ?? null, done: l.progress?.done ?? null, total: l.progress?.total ?? null,
      ratePerMinute: l.progress?.ratePerMinute ?? null, etaMs: l.progress?.etaMs ?? null,
      startedAt: l.startedAt, heartbeatAgeMs: Math.max(0, now - l.heartbeatAt),
    })).sort((a, b) => a.startedAt - b.startedAt),
  };
}

/** What other machines wrote to the store, made safe for a terminal (control and bidi characters). */
const safe = (v: string): string => terminalText(v);

export function renderOrgStatus(m: OrgStatusModel): string {
  const head = `org ${safe(m.org)} · shared rate budget: ${m.store} (${safe(m.where)})`;
  if (m.runs.length === 0) return `${head}\nno run is drawing on this org's budget`;
  const rows: (string | number)[][] = [['installation', 'host', 'pid', 'token', 'priority', 'share', 'rate/min', 'done', 'ETA', 'heartbeat']];
  for (const r of m.runs) {
    rows.push([
      safe(r.installation), safe(r.host), r.pid, safe(r.token), r.priority, `${(r.fraction * 100).toFixed(1)} %`,
      r.ratePerMinute === null ? '-' : Math.round(r.ratePerMinute),
      r.done === null ? '-' : `${r.done}/${r.total ?? '?'}${r.phase ? ` ${safe(r.phase)}` : ''}`,
      formatDuration(r.etaMs), `${formatDuration(r.heartbeatAgeMs)} ago`,
    ]);
  }
  return `${head}\n${table(rows)}`;
}
