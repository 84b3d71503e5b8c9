import type { Command } from 'commander';
import { preflightSources, USER_SOURCES } from '../app/preflight.js';
import { connectOkta } from '../app/connect-okta.js';
import { openRuntime, userSourceSpecs, type Runtime } from '../app/runtime.js';
import { describeError } from '../core/errors.js';
import { parseUserSchema, unsentRequired, type OrgUserSchema } from '../records/org-schema.js';
import { effectiveShare } from '../config/load.js';
import { OKTA_DEFAULT_TOKEN_SHARE } from '../config/schema.js';
import { planUsers } from '../users/plan.js';
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
      const org = o.offline ? null : await readOrgSchema(rt.config, rt);
      const specs = userSourceSpecs(rt.config).map((s) => (org?.schema ? { ...s, rules: { ...s.rules, orgSchema: org.schema } } : s));
      const order = rt.config.sources.panelists?.columns.lastLogin ? 'last-login' as const : 'key' as const;
      // By day: the same plan all day long (and the same for two sources read a second apart).
      const since = `${new Date(rt.clock.now() - 365 * 86_400_000).toISOString().slice(0, 10)}T00:00:00`;
      const plan = await planUsers({ journal: rt.journal, okta: rt.okta }, specs, { share: effectiveShare(rt.config.okta), active: { since, order } });
      const unsent = org?.schema ? unsentRequired(org.schema) : [];
      if (unsent.length > 0) process.exitCode = 1;
      if (o.json) {
        process.stdout.write(`${jsonText({ installation: rt.config.installation, ...plan, orgSchema: { checked: (org?.schema ?? null) !== null, requiredNotSent: unsent } }, 2)}
`);
        return;
      }
      const out: string[] = [`installation ${rt.config.installation} · journal ${rt.journal.path}${rt.journal.inMemory ? ' (not created yet: nothing migrated)' : ''}`, '', planTable(plan.counts), ''];
      if (plan.warnings.length > 0) out.push(...filterWarningLines(plan.warnings), '');
      if (unsent.length > 0) {
        out.push(`error: this Okta org's user schema requires ${unsent.join(', ')}, which efs-okta does not send: every create would be refused (E0000001); make it optional in Okta Admin > Directory > Profile Editor (efs-okta doctor shows the schema)`);
      } else if (org) {
        out.push(org.schema ? "records checked against this org's user schema (schema.mismatch when one does not fit)" : `note: ${org.note}`);
      }
      if (plan.rate) {
        const { share, tokenShare } = rt.config.okta;
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
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      rt.close();
    }
  });
}

/**
 * The org's user schema, on a gateway of its own: a token that may not read schemas (403) must not
 * stop the plan, which then checks records against Okta's defaults only.
 */
async function readOrgSchema(config: Runtime['config'], rt: Runtime): Promise<{ schema: OrgUserSchema | null; note: string }> {
  try {
    const { okta: gw } = await connectOkta(config, { emitter: rt.emitter, clock: rt.clock, env: process.env }, { joinBudget: false });
    const raw = await gw.getUserSchema?.();
    return raw === undefined ? { schema: null, note: 'the org schema is not available' } : { schema: parseUserSchema(raw), note: '' };
  } catch (err) {
    return { schema: null, note: `the org's user schema could not be read (${describeError(err)}): records were checked against Okta's defaults only` };
  }
}

function pct(f: number): string {
  return `${Math.round(f * 100)}%`;
}
