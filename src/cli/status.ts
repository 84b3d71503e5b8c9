import type { Command } from 'commander';
import { openBudgetStore } from '../app/budget.js';
import { openRuntime } from '../app/runtime.js';
import { loadConfig, requireOrgUrl } from '../config/load.js';
import { UsageError } from '../core/errors.js';
import { buildOrgStatus, renderOrgStatus } from '../report/org-status.js';
import { systemClock } from '../core/clock.js';
import { buildStatus, type StatusModel } from '../report/status-model.js';
import { formatDuration, table } from '../report/summary.js';
import { renderFunnel } from '../report/funnel-text.js';
import { configFlags, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { jsonText, terminalText } from '../core/terminal-text.js';

/** Human rendering of the status model (the same model `--json` prints and the dashboard shows); values from the journal escaped. */
export function renderStatus(s: StatusModel): string {
  const lines: string[] = [];
  lines.push(`installation ${terminalText(s.journal.installation ?? '?')} · journal ${terminalText(s.journal.file)}`);
  lines.push(s.run.active
    ? `running: ${terminalText(s.run.command ?? s.run.phase ?? '?')} since ${new Date(s.run.startedAt ?? 0).toISOString()}${s.run.heartbeatAgeMs !== null && s.run.heartbeatAgeMs > 60_000 ? ` (no heartbeat for ${formatDuration(s.run.heartbeatAgeMs)})` : ''}`
    : `no run in progress${s.run.outcome ? ` (last: ${s.run.phase ?? '?'} ${s.run.outcome}${s.run.finishedAt ? ` at ${new Date(s.run.finishedAt).toISOString()}` : ''})` : ''}`);
  const rows: (string | number)[][] = [['kind', 'state', 'count']];
  for (const k of s.kinds) for (const [state, n] of Object.entries(k.states)) if (n) rows.push([k.kind, state, n]);
  lines.push('', rows.length > 1 ? table(rows) : '(the journal has no records yet)', '');
  if (s.progress) lines.push(`progress: ${s.progress.phase} ${s.progress.done}/${s.progress.total}${s.progress.fresh ? '' : ' (not moving)'}`);
  lines.push(`rate: ${Math.round(s.rate.currentPerMinute)}/min now, ${Math.round(s.rate.averagePerMinute)}/min over ${formatDuration(s.rate.windowMs)}${s.rate.bucket ? `; bucket ${s.rate.bucket.bucket} limit ${s.rate.bucket.limit}/min, this run's share ${s.rate.bucket.allowedPerMinute}/min` : ''}`);
  lines.push(`429s: ${s.throttling.rateLimited} and retries: ${s.throttling.retries} in the last ${formatDuration(s.throttling.windowMs)}; ETA ${formatDuration(s.eta.ms)}`);
  if (s.activation && s.activation.totals.emailed > 0) lines.push('', renderFunnel(s.activation, s.generatedAt));
  if (s.failures.length) {
    lines.push('', 'needs attention:');
    for (const f of s.failures.slice(0, 15)) lines.push(`  ${f.state} ${terminalText(f.reason)}: ${f.count}`);
  }
  return lines.join('\n');
}

/** `status --org`: reads the budget's store only (no journal, no Okta call), so any desk can look. */
async function showOrg(o: ConfigOptionValues & { json?: boolean }): Promise<void> {
  const config = loadConfig(o.config, configFlags(o), process.env);
  const org = requireOrgUrl(config);
  const store = await openBudgetStore(config, org, process.env);
  if (!store) throw new UsageError('NO_BUDGET_STORE', 'okta.budget.store is none: no run records itself anywhere; use --budget-store local (this machine) or redis (--budget-url) to see the runs that share one');
  try {
    const model = buildOrgStatus(org, store, await store.list(systemClock.now()), systemClock.now());
    process.stdout.write(`${o.json ? JSON.stringify(model, null, 2) : renderOrgStatus(model)}\n`);
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('status')
      .description('where a run stands, from the journal (works while a run goes on in another process)')
      .option('--json', 'print the status model as JSON')
      .option('--org', "every run drawing on the org's shared rate budget (installation, host, rate, ETA), from okta.budget's store")
      .option('--watch [seconds]', 'refresh every N seconds (default 2) until Ctrl-C'),
  ).action(async (o: ConfigOptionValues & { json?: boolean; watch?: boolean | string; org?: boolean }) => {
    if (o.org) {
      await showOrg(o);
      return;
    }
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true });
    try {
      const show = (): void => {
        const now = systemClock.now();
        const model = buildStatus(rt.journal, { now, funnel: rt.journal.activation?.funnel(now) ?? null });
        const text = o.json ? jsonText(model, 2) : renderStatus(model);
        process.stdout.write(o.watch && process.stdout.isTTY ? `\x1b[2J\x1b[H${text}\n` : `${text}\n`);
      };
      show();
      if (o.watch) {
        const seconds = typeof o.watch === 'string' ? parseWhole(o.watch) || 2 : 2;
        await new Promise<void>((resolve) => {
          const timer = setInterval(show, seconds * 1000);
          const stop = (): void => {
            clearInterval(timer);
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }
    } finally {
      rt.close();
    }
  });
}
