import type { Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { orgStatus, status } from '../commands/status.js';
import { loadConfig } from '../config/load.js';
import { renderOrgStatus } from '../report/org-status.js';
import type { StatusModel } from '../report/status-model.js';
import { formatDuration, table } from '../report/summary.js';
import { renderFunnel } from '../report/funnel-text.js';
import { configFlags, parseWhole, withConfigOptions, type ConfigOptionValues } from './options.js';
import { jsonText, terminalText } from '../core/terminal-text.js';

/** The command a run's phase (journal `runs.phase`) belongs to, for "run it again" advice. */
const PHASE_COMMAND: Record<string, string> = { create: 'users create', activate: 'users activate', portals: 'portals sync', rollback: 'rollback' };

function runLine(s: StatusModel): string {
  const r = s.run;
  const at = (t: number | null): string => new Date(t ?? 0).toISOString();
  const command = terminalText(r.command ?? PHASE_COMMAND[r.phase ?? ''] ?? r.phase ?? '?');
  if (r.active) {
    const stale = r.heartbeatAgeMs !== null && r.heartbeatAgeMs > 60_000 ? ` (no heartbeat for ${formatDuration(r.heartbeatAgeMs)})` : '';
    return `running: ${command} since ${at(r.startedAt)}${stale}`;
  }
  if (r.interrupted) {
    return `interrupted: ${command} started at ${at(r.startedAt)} did not finish (its process is gone): run "efs-okta ${command}" again to continue`;
  }
  if (!r.outcome) return 'no run yet';
  const took = r.durationMs !== null ? `, took ${tookText(r.durationMs)}` : '';
  return `no run in progress (last: ${command} ${r.outcome}${r.finishedAt ? ` at ${at(r.finishedAt)}` : ''}${took})`;
}

function tookText(ms: number): string {
  return ms < 1000 ? 'under a second' : formatDuration(ms);
}

/** Progress and rates: live figures while a run goes on; for a finished run, what it did. */
function activityLines(s: StatusModel): string[] {
  const lines: string[] = [];
  const p = s.progress;
  const throttling = `429s: ${s.throttling.rateLimited} and retries: ${s.throttling.retries} in the last ${formatDuration(s.throttling.windowMs)}`;
  if (s.run.active) {
    if (p) lines.push(`progress: ${terminalText(p.phase)} ${p.done}/${p.total}${p.fresh ? '' : ` (no progress for ${formatDuration(s.generatedAt - p.at)})`}`);
    const b = s.rate.bucket;
    lines.push(`rate: ${Math.round(s.rate.currentPerMinute)}/min now, ${Math.round(s.rate.averagePerMinute)}/min on average over the last ${formatDuration(s.rate.windowMs)}` +
      (b ? `; Okta rate-limit bucket "${terminalText(b.bucket)}": limit ${b.limit}/min, this run may use ${b.allowedPerMinute}/min` : ''));
    lines.push(`${throttling}; ETA ${formatDuration(s.eta.ms)}`);
    return lines;
  }
  if (p) {
    const done = p.done >= p.total ? (p.total === 1 ? 'the' : 'all') : `${p.done} of`;
    const ms = s.run.durationMs;
    // A rate over less than a second says nothing a person can use.
    const rate = ms === null || p.at < (s.run.startedAt ?? 0) ? '' : ms < 1000 ? ' in under a second' : ` in ${formatDuration(ms)} (${Math.round((p.done / ms) * 60_000)}/min)`;
    lines.push(`last run's progress: ${terminalText(p.phase)}, ${done} ${p.total === 1 ? '' : `${p.total} `}record${p.total === 1 ? '' : 's'}${rate}`);
  }
  lines.push(throttling);
  return lines;
}

/** Human rendering of the status model (the same model `--json` prints and the dashboard shows); values from the journal escaped. */
export function renderStatus(s: StatusModel): string {
  const lines: string[] = [];
  lines.push(`installation ${terminalText(s.journal.installation ?? '?')} · journal ${terminalText(s.journal.file)}`);
  lines.push(runLine(s));
  const rows: (string | number)[][] = [['kind', 'state', 'count']];
  for (const k of s.kinds) for (const [state, n] of Object.entries(k.states)) if (n) rows.push([k.kind, state, n]);
  lines.push('', rows.length > 1 ? table(rows) : '(the journal has no records yet)', '');
  lines.push(...activityLines(s));
  if (s.activation && s.activation.totals.emailed > 0) lines.push('', renderFunnel(s.activation, s.generatedAt));
  if (s.failures.length) {
    lines.push('', 'needs attention:');
    for (const f of s.failures.slice(0, 15)) lines.push(`  ${f.kind} ${f.state} ${terminalText(f.reason)}: ${f.count}`);
  }
  return lines.join('\n');
}

/** `status --org`: reads the budget's store only (no journal, no Okta call), so any desk can look. */
async function showOrg(o: ConfigOptionValues & { json?: boolean }): Promise<void> {
  const model = await orgStatus(loadConfig(o.config, configFlags(o), process.env), process.env);
  process.stdout.write(`${o.json ? JSON.stringify(model, null, 2) : renderOrgStatus(model)}\n`);
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
        const model = status(rt);
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
