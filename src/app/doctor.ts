import type { Config } from '../config/load.js';
import { AuthError, describeError } from '../core/errors.js';
import { USER_KINDS } from '../core/types.js';
import type { GovernedOktaGateway } from './okta-gateway.js';
import { groupName } from '../groups/ensure.js';
import { parseUserSchema, unsentRequired, type OrgUserSchema } from '../records/org-schema.js';

/**
 * `efs-okta doctor`: what a support engineer needs to know about the org before the first create,
 * from a handful of read-only calls (nothing is created or changed):
 * - the token works and may read users, groups and apps (a 403 names the scope and role missing);
 * - the org's user schema: required attributes efs-okta does not send, a login pattern, lengths;
 * - the token's real share of each bucket (Principal Rate Limits API, where readable) and the
 *   buckets' limits from the X-Rate-Limit-Limit headers of these calls;
 * - whether the service app needs DPoP; whether groups with the installation's names exist.
 * Each check runs on its own gateway, so a 403 on one (which stops a run) does not hide the others.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  schema: OrgUserSchema | null;
  buckets: { bucket: string; limit: number }[];
}

export type OpenGateway = () => Promise<GovernedOktaGateway>;

export async function runDoctor(config: Config, open: OpenGateway): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const limits = new Map<string, number>();
  let schema: OrgUserSchema | null = null;
  const used: GovernedOktaGateway[] = [];
  const attempt = async (name: string, what: string, fn: (gw: GovernedOktaGateway) => Promise<DoctorCheck>): Promise<boolean> => {
    const gw = await open();
    used.push(gw);
    try {
      checks.push(await fn(gw));
      return true;
    } catch (err) {
      // The share is optional knowledge (the API needs okta.principalRateLimits.read): not readable is a warning.
      if (name === 'principal rate limits') {
        checks.push({ name, status: 'warn', detail: `not readable (${err instanceof AuthError ? 'the token may not read it' : describeError(err)}): okta.tokenShare ${config.okta.tokenShare} is used` });
      } else {
        checks.push({ name, status: 'fail', detail: `${what}: ${describeError(err)}` });
      }
      return false;
    }
  };

  const tokenWorks = await attempt('token and users', 'listing users', async (gw) => {
    await gw.probeUsersBucket();
    const dpop = gw.usesDpop?.() ?? null;
    const how = config.okta.oauth
      ? `OAuth service app ${config.okta.oauth.clientId} works${dpop === null ? '' : dpop ? '; DPoP-bound tokens (Okta requires DPoP for this app, efs-okta handles it)' : '; Bearer tokens (DPoP not required)'}`
      : 'API token works';
    return { name: 'token and users', status: 'ok', detail: `${how}; users can be read` };
  });
  if (tokenWorks) {
    await attempt('groups', 'looking up the installation\'s groups', async (gw) => {
      const found: string[] = [];
      for (const kind of USER_KINDS) {
        const name = groupName(config.installation, kind, config.groups[kind]);
        const g = await gw.findGroupByName(name);
        if (g) found.push(`"${name}" exists (${g.id})`);
      }
      return found.length === 0
        ? { name: 'groups', status: 'ok', detail: 'groups can be read; no group carries the installation\'s names yet (users create makes them)' }
        : { name: 'groups', status: 'warn', detail: `${found.join('; ')}: users create will use it; if it belongs to something else, set groups.admin / groups.panelist to other names` };
    });
    await attempt('apps', 'listing apps', async (gw) => {
      const apps = await gw.findAppsByLabelPrefix(`EFS ${config.installation}`);
      return { name: 'apps', status: 'ok', detail: `apps can be read; ${apps.length} app(s) labelled "EFS ${config.installation}…"` };
    });
    await attempt('user schema', 'reading the org\'s user schema', async (gw) => {
      schema = parseUserSchema(await gw.getUserSchema?.());
      return schemaCheck(schema);
    });
    await attempt('principal rate limits', 'reading the Principal Rate Limits API', async (gw) => tokenShareCheck(config, gw));
  }
  for (const gw of used) {
    for (const s of gw.governor.allStatus()) if (s.limit !== null) limits.set(s.bucket, s.limit);
  }
  const buckets = [...limits.entries()].map(([bucket, limit]) => ({ bucket, limit })).sort((a, b) => a.bucket.localeCompare(b.bucket));
  if (tokenWorks && buckets.length > 0) checks.push({ name: 'buckets', status: 'ok', detail: buckets.map((b) => `${b.bucket} ${b.limit}/min`).join(', ') + ' (X-Rate-Limit-Limit of these calls)' });
  return { checks, schema, buckets };
}

function schemaCheck(schema: OrgUserSchema): DoctorCheck {
  const missing = unsentRequired(schema);
  if (missing.length > 0) {
    return { name: 'user schema', status: 'fail', detail: `the org requires ${missing.join(', ')}, which efs-okta does not send: every create would be refused (E0000001); make the attribute optional in Okta Admin > Directory > Profile Editor, or ask the efs-okta maintainers to map it` };
  }
  const login = schema.attributes.login;
  const notes: string[] = [];
  if (login?.pattern) notes.push(`login must match ${login.pattern}`);
  for (const f of ['firstName', 'lastName', 'email', 'login']) {
    const a = schema.attributes[f];
    if (a?.maxLength !== undefined) notes.push(`${f} ≤ ${a.maxLength}`);
  }
  return { name: 'user schema', status: login?.pattern ? 'warn' : 'ok', detail: `required: ${schema.required.join(', ') || '(none)'}; ${notes.join(', ')}; plan checks every record against it` };
}

async function tokenShareCheck(config: Config, gw: GovernedOktaGateway): Promise<DoctorCheck> {
  const configured = config.okta.tokenShare;
  const name = 'principal rate limits';
  if (!gw.listPrincipalRateLimits) return { name, status: 'warn', detail: `not available: okta.tokenShare ${configured} is used` };
  if (config.okta.oauth) {
    const mine = (await gw.listPrincipalRateLimits('OAUTH_CLIENT')).find((p) => p.principalId === config.okta.oauth?.clientId);
    if (!mine || mine.defaultPercentage === null) return { name, status: 'ok', detail: `no entry for ${config.okta.oauth.clientId}: Okta's default 50 % applies (okta.tokenShare ${configured})` };
    const share = mine.defaultPercentage / 100;
    return share === configured
      ? { name, status: 'ok', detail: `the service app may use ${mine.defaultPercentage} % of each bucket, as okta.tokenShare says` }
      : { name, status: 'warn', detail: `the service app may use ${mine.defaultPercentage} % of each bucket, okta.tokenShare says ${configured}: set okta.tokenShare: ${share}` };
  }
  const tokens = await gw.listPrincipalRateLimits('SSWS_TOKEN');
  const shares = [...new Set(tokens.map((t) => t.defaultPercentage).filter((p): p is number => p !== null))];
  return {
    name, status: 'ok',
    detail: `${tokens.length} API token(s) have an entry (${shares.map((s) => `${s} %`).join(', ') || 'none'}); the API names tokens by id, which the token does not reveal, so okta.tokenShare ${configured} is used: set it to this token's share if an admin changed it`,
  };
}
