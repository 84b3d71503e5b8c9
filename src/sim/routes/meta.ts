import { json, type Ctx, type Reply, type Route } from '../context.js';
import { E } from '../errors.js';
import { eqValues, parseExpression } from '../filter.js';
import type { Org } from '../org.js';

/**
 * Read-only org facts that `efs-okta doctor` asks for:
 * - GET /api/v1/meta/schemas/user/default: the user schema (Schemas API,
 *   https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Schema/#tag/Schema/operation/getUserSchema):
 *   Okta's default base attributes, plus what the org added (`org.behaviour.userSchema`).
 * - GET /api/v1/principal-rate-limits?filter=principalType eq "…": each token's or service app's
 *   share of the buckets (Principal Rate Limits API,
 *   https://developer.okta.com/docs/api/openapi/okta-management/management/tag/PrincipalRateLimit/);
 *   `filter` is required.
 */
export function userSchemaJson(org: Org, base: string): Record<string, unknown> {
  const extra = org.behaviour.userSchema;
  const str = (title: string, min: number, max: number, more: Record<string, unknown> = {}) => ({ title, type: 'string', minLength: min, maxLength: max, mutability: 'READ_WRITE', scope: 'NONE', ...more });
  const baseProps: Record<string, unknown> = {
    login: str('Username', 5, 100, { required: true, ...(extra.loginPattern ? { pattern: extra.loginPattern } : {}) }),
    firstName: str('First name', 1, 50, { required: true }),
    lastName: str('Last name', 1, 50, { required: true }),
    email: str('Primary email', 5, 100, { required: true, format: 'email' }),
    locale: { title: 'Locale', type: 'string' },
    preferredLanguage: { title: 'Preferred language', type: 'string' },
  };
  return {
    id: `${base}/meta/schemas/user/default`,
    $schema: 'http://json-schema.org/draft-04/schema#',
    name: 'user',
    title: 'User',
    type: 'object',
    definitions: {
      base: { id: '#base', type: 'object', properties: baseProps, required: ['login', 'firstName', 'lastName', 'email'] },
      custom: { id: '#custom', type: 'object', properties: extra.customProperties, required: extra.customRequired },
    },
  };
}

function principalRateLimits(ctx: Ctx): Reply {
  const filter = ctx.query.get('filter');
  if (!filter) throw E.invalidSearch('filter is required: principalType eq "SSWS_TOKEN" or "OAUTH_CLIENT"');
  const types = eqValues(parseExpression(filter), 'principalType');
  if (!types) throw E.invalidSearch('filter must be principalType eq "…"');
  return json(200, ctx.org.behaviour.principalRateLimits.filter((p) => types.includes(p.principalType)));
}

export const metaRoutes: Route[] = [
  { method: 'GET', pattern: /^\/api\/v1\/meta\/schemas\/user\/default$/, bucket: 'other', handler: (ctx) => json(200, userSchemaJson(ctx.org, ctx.baseUrl)) },
  { method: 'GET', pattern: /^\/api\/v1\/principal-rate-limits$/, bucket: 'other', handler: principalRateLimits },
];
