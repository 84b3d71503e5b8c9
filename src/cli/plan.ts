import type { Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { plan as planCommand, type PlanSummary } from '../commands/plan.js';
import { OKTA_DEFAULT_TOKEN_SHARE } from '../config/schema.js';
import type { Config } from '../config/load.js';
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
      const s = await planCommand(rt, { offline: o.offline });
      process.exitCode = s.exitCode;
      if (o.json) {
        process.stdout.write(`${jsonText({ installation: s.installation, ...s.plan, orgSchema: { checked: (s.org?.schema ?? null) !== null, requiredNotSent: s.requiredNotSent } }, 2)}
`);
        return;
      }
      process.stdout.write(`${renderPlan(s, rt.config.okta).join('\n')}\n`);
    } finally {
      rt.close();
    }
  });
}

export function renderPlan(s: PlanSummary, okta: Config['okta']): string[] {
  const { plan, org } = s;
  const unsent = s.requiredNotSent;
  const out: string[] = [`installation ${s.installation} · journal ${s.journalPath}${s.journalInMemory ? ' (not created yet: nothing migrated)' : ''}`, '', planTable(plan.counts), ''];
  if (plan.warnings.length > 0) out.push(...filterWarningLines(plan.warnings), '');
  if (unsent.length > 0) {
    out.push(`error: this Okta org's user schema requires ${unsent.join(', ')}, which efs-okta does not send: every create would be refused (E0000001); make it optional in Okta Admin > Directory > Profile Editor (efs-okta doctor shows the schema)`);
  } else if (org) {
    out.push(org.schema ? "records checked against this org's user schema (schema.mismatch when one does not fit)" : `note: ${org.note}`);
  }
  if (plan.rate) {
    const { share, tokenShare } = okta;
    const why = tokenShare < share
      ? `the token's ${pct(tokenShare)} (okta.tokenShare${tokenShare === OKTA_DEFAULT_TOKEN_SHARE ? ", Okta's default: if the org admin raised this token's rate limit, set it" : ''})`
      : `${pct(share)} (okta.share)`;
    out.push(`Okta users bucket: limit ${plan.rate.limit}/min, ${plan.rate.remaining} remaining now; this run may use ${why} → ${plan.rate.perMinute} creations/min`);
    if (plan.rate.remaining < plan.rate.limit * 0.5) out.push(`note: less than half the bucket is left right now: other applications are using it`);
  }
  out.push(`to create: ${plan.toCreate}, to update: ${plan.toUpdate}, ETA ${formatDuration(plan.etaMs)}${plan.rate ? '' : ' (run without --offline to ask Okta for the rate)'}`);
  if (plan.active) {
    const when = plan.active.at.map((a) => `${a.percent} % after ${a.etaMs === null ? `${a.position} creations` : formatDuration(a.etaMs)}`).join(', ');
    out.push(`users active in the last year (last login since ${plan.active.since.slice(0, 10)}): ${plan.active.users}; created (order ${plan.active.order}): ${when}`);
  }
  return out;
}

function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}
