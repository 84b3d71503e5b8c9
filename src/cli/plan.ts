import type { Command } from 'commander';
import { preflightSources, USER_SOURCES } from '../app/preflight.js';
import { openRuntime, userSourceSpecs } from '../app/runtime.js';
import { effectiveShare } from '../config/load.js';
import { OKTA_DEFAULT_TOKEN_SHARE } from '../config/schema.js';
import { planUsers } from '../phases/plan.js';
import { filterWarningLines, formatDuration, planTable } from '../report/summary.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';
import { jsonText } from '../core/terminal-text.js';

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('plan')
      .description('read-only: what a run would do per kind and outcome, the rate Okta gives this token, and the ETA')
      .option('--json', 'print the plan as JSON')
      .option('--offline', 'do not ask Okta for the rate (no credentials needed)'),
  ).action(async (o: ConfigOptionValues & { json?: boolean; offline?: boolean }) => {
    // Read-only: no journal file is created, and nothing (not even a retried probe) is written to one.
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: !o.offline, readonly: true, emptyJournalIfMissing: true });
    try {
      await preflightSources(rt.config, USER_SOURCES);
      const plan = await planUsers({ journal: rt.journal, okta: rt.okta }, userSourceSpecs(rt.config), { share: effectiveShare(rt.config.okta) });
      if (o.json) {
        process.stdout.write(`${jsonText({ installation: rt.config.installation, ...plan }, 2)}\n`);
        return;
      }
      const out: string[] = [`installation ${rt.config.installation} · journal ${rt.journal.path}${rt.journal.inMemory ? ' (not created yet: nothing migrated)' : ''}`, '', planTable(plan.counts), ''];
      if (plan.warnings.length > 0) out.push(...filterWarningLines(plan.warnings), '');
      if (plan.rate) {
        const { share, tokenShare } = rt.config.okta;
        const why = tokenShare < share
          ? `the token's ${pct(tokenShare)} (okta.tokenShare${tokenShare === OKTA_DEFAULT_TOKEN_SHARE ? ", Okta's default: if the org admin raised this token's rate limit, set it" : ''})`
          : `${pct(share)} (okta.share)`;
        out.push(`Okta users bucket: limit ${plan.rate.limit}/min, ${plan.rate.remaining} remaining now; this run may use ${why} → ${plan.rate.perMinute} creations/min`);
        if (plan.rate.remaining < plan.rate.limit * 0.5) out.push(`note: less than half the bucket is left right now: other applications are using it`);
      }
      out.push(`to create: ${plan.toCreate}, to update: ${plan.toUpdate}, ETA ${formatDuration(plan.etaMs)}${plan.rate ? '' : ' (run without --offline to ask Okta for the rate)'}`);
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      rt.close();
    }
  });
}

function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}
