import { formatDuration } from '../core/duration.js';
import type { FunnelData } from '../journal/activation.js';
import { table } from './summary.js';

/** The activation funnel for the terminal: totals, then one line per wave. */
export function renderFunnel(f: FunnelData, now: number): string {
  const t = f.totals;
  if (t.emailed === 0) return 'activation: no user has been sent a link yet';
  const pct = (n: number): string => `${((100 * n) / t.emailed).toFixed(1)} %`;
  const lines = [
    `activation funnel (${f.lastRefreshAt ? `Okta read ${formatDuration(now - f.lastRefreshAt)} ago by "users refresh"` : 'Okta not read yet: run "efs-okta users refresh"'}):`,
    `  emailed ${t.emailed} → password set (ACTIVE) ${t.passwordSet} (${pct(t.passwordSet)}) → signed in ${t.signedIn} (${pct(t.signedIn)})`,
    `  PROVISIONED (emailed, no password yet) ${t.provisioned}${f.oldestWaitingSince ? `, oldest link ${formatDuration(now - f.oldestWaitingSince)} old` : ''}; links expired ${t.expired}; reminded ${t.reminded} (${t.reminders} reminders)`,
  ];
  if (f.waves.length > 1 || (f.waves[0]?.wave ?? 0) !== 0) {
    const rows: (string | number)[][] = [['wave', 'started', 'emailed', 'password set', 'signed in', 'provisioned', 'expired']];
    for (const w of f.waves) rows.push([w.wave || '?', w.startedAt ? new Date(w.startedAt).toISOString().slice(0, 16).replace('T', ' ') : '', w.emailed, w.passwordSet, w.signedIn, w.provisioned, w.expired]);
    lines.push(table(rows).split('\n').map((l) => `  ${l}`).join('\n'));
  }
  return lines.join('\n');
}
