import { connectOkta } from '../app/connect-okta.js';
import { preflightSources, USER_SOURCES } from '../app/preflight.js';
import { userSourceSpecs, type Runtime } from '../app/runtime.js';
import { effectiveShare } from '../config/load.js';
import { describeError } from '../core/errors.js';
import { parseUserSchema, unsentRequired, type OrgUserSchema } from '../records/org-schema.js';
import { planUsers, type Plan } from '../users/plan.js';
import { exitCodeFor } from './exit-codes.js';

/** `plan`: read-only; what a run would do per kind and outcome, the rate Okta gives this token, and the ETA. */
export interface PlanOptions {
  /** Do not ask Okta (no credentials needed): no rate, no schema check. */
  offline?: boolean;
  /** Where credentials are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface PlanSummary {
  installation: string;
  /** Per kind and outcome, the rate, the ETA and who is active. */
  plan: Plan;
  journalPath: string;
  /** The journal file does not exist yet: nothing migrated. */
  journalInMemory: boolean;
  /** The org's user schema (null: offline, or it could not be read: `note` says why). */
  org: { schema: OrgUserSchema | null; note: string } | null;
  /** Attributes the org requires that efs-okta does not send: every create would be refused. */
  requiredNotSent: string[];
  /** 1 when the org requires attributes efs-okta does not send, else 0. */
  exitCode: number;
}

/**
 * Runs on a runtime opened read-only (`readonly`, `emptyJournalIfMissing`: plan leaves no trace),
 * with Okta unless offline.
 */
export async function plan(rt: Runtime, options: PlanOptions = {}): Promise<PlanSummary> {
  await preflightSources(rt.config, USER_SOURCES);
  const org = options.offline ? null : await readOrgSchema(rt, options.env ?? process.env);
  const specs = userSourceSpecs(rt.config).map((s) => (org?.schema ? { ...s, rules: { ...s.rules, orgSchema: org.schema } } : s));
  const order = rt.config.sources.panelists?.columns.lastLogin ? 'last-login' as const : 'key' as const;
  // By day: the same plan all day long (and the same for two sources read a second apart).
  const since = `${new Date(rt.clock.now() - 365 * 86_400_000).toISOString().slice(0, 10)}T00:00:00`;
  const result = await planUsers({ journal: rt.journal, okta: rt.okta }, specs, { share: effectiveShare(rt.config.okta), active: { since, order } });
  const unsent = org?.schema ? unsentRequired(org.schema) : [];
  return {
    plan: result,
    installation: rt.config.installation,
    journalPath: rt.journal.path,
    journalInMemory: rt.journal.inMemory,
    org,
    requiredNotSent: unsent,
    exitCode: exitCodeFor('done', unsent.length > 0),
  };
}

/**
 * The org's user schema, on a gateway of its own: a token that may not read schemas (403) must not
 * stop the plan, which then checks records against Okta's defaults only.
 */
async function readOrgSchema(rt: Runtime, env: NodeJS.ProcessEnv): Promise<{ schema: OrgUserSchema | null; note: string }> {
  try {
    const { okta: gw } = await connectOkta(rt.config, { emitter: rt.emitter, clock: rt.clock, env }, { joinBudget: false });
    const raw = await gw.getUserSchema?.();
    return raw === undefined ? { schema: null, note: 'the org schema is not available' } : { schema: parseUserSchema(raw), note: '' };
  } catch (err) {
    return { schema: null, note: `the org's user schema could not be read (${describeError(err)}): records were checked against Okta's defaults only` };
  }
}
