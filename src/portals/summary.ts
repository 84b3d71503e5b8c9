import type { PortalPlanEntry } from './plan.js';
import type { PortalSyncSummary } from './sync.js';
import { terminalText } from '../core/terminal-text.js';

/**
 * What `portals sync` prints. Built from outcomes that never carry a secret: the client secret
 * exists only in the credentials file, so there is nothing here that could leak it.
 */
function table(input: string[][]): string {
  // Cells may hold labels and messages from the source or Okta: escaped before they are measured.
  const rows = input.map((row) => row.map(terminalText));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

export function syncTable(summary: PortalSyncSummary): string {
  const rows: string[][] = [['portal', 'outcome', 'app id', 'client id', 'details']];
  for (const o of summary.outcomes) {
    const details =
      o.action === 'invalid' || o.action === 'failed'
        ? `${o.reason ?? ''}: ${o.message ?? ''}`
        : [o.changes.join(', '), o.writeBack === 'failed' ? 'database write-back FAILED' : o.writeBack === 'written' ? 'written back to the database' : '']
            .filter(Boolean)
            .join('; ');
    rows.push([o.key, o.action, o.appId ?? '', o.clientId ?? '', details]);
  }
  return table(rows);
}

export function syncFooter(summary: PortalSyncSummary, credentialsPath: string): string {
  const c = summary.counts;
  const lines = [
    `created ${c.created}, found again ${c.adopted}, updated ${c.updated}, unchanged ${c.unchanged}, invalid ${c.invalid}, failed ${c.failed}` +
      (summary.removed ? `, ${summary.removed} no longer in the source (their apps left alone)` : ''),
  ];
  if (summary.secretsIssued > 0) {
    lines.push(
      `${summary.secretsIssued} client secret(s) written to ${credentialsPath} (mode 0600): hand client id and secret to the portal configuration, then delete the file or move it into your vault`,
    );
  }
  if (summary.writeBackFailed > 0) lines.push(`${summary.writeBackFailed} database write-back(s) failed: configure those portals from the credentials file`);
  if (c.failed > 0) lines.push('failed portals are safe to retry: run the same command again (an app that was created is found by its label, never created twice)');
  return lines.map(terminalText).join('\n');
}

const PLAN_WORDS: Record<PortalPlanEntry['action'], string> = {
  create: 'create (after a look-up by label)',
  resume: 'resume (look up by label, create only if absent)',
  update: 'update its app',
  unchanged: 'unchanged (checked against Okta on the real run)',
  invalid: 'invalid',
};

export function planTableText(entries: PortalPlanEntry[]): string {
  const rows: string[][] = [['portal', 'would', 'new secret', 'label / reason']];
  for (const e of entries) {
    rows.push([e.key, PLAN_WORDS[e.action], e.newSecret ? 'yes' : '', e.action === 'invalid' ? `${e.reason ?? ''}: ${e.message ?? ''}` : (e.label ?? '')]);
  }
  return table(rows);
}
