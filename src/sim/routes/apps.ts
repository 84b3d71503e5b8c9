import { createHash } from 'node:crypto';
import { boolParam, json, noContent, objectBody, type Ctx, type Reply, type Route } from '../context.js';
import { E, validationError } from '../errors.js';
import { checkFilter, evaluate, parseExpression, type Expr, type Getter } from '../filter.js';
import { iso, type Org } from '../org.js';
import { decodeCursor, linkHeader, pageLimit, takePage } from '../pagination.js';
import { secretString } from '../random.js';
import { appJson, assignmentJson } from '../render.js';
import type { AppRec, SecretRec } from '../store/apps.js';
import { validateOidcApp } from '../validation/app.js';

/**
 * /api/v1/apps routes (https://developer.okta.com/docs/reference/api/apps/). The client secret is
 * in the answer to the create only; gets, lists and updates never show it again.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function newSecretRec(org: Org, secret: string, now: number): SecretRec {
  const rec: SecretRec = { id: org.newId('ocs'), status: 'ACTIVE', hash: hashSecret(secret), lastFour: secret.slice(-4), created: now, lastUpdated: now };
  org.secretValues.set(rec.id, secret);
  return rec;
}

/**
 * The secret an update answers with: "The client_secret is only shown when an OAuth 2.0 client app
 * is created or updated (and only if the token_endpoint_auth_method requires a client secret)"
 * (Okta Management OpenAPI, ApplicationCredentialsOAuthClient.client_secret). The newest active one.
 */
function currentSecret(org: Org, a: AppRec): string | null {
  if (!usesSecret(a.tokenEndpointAuthMethod)) return null;
  const active = a.secrets.filter((x) => x.status === 'ACTIVE').sort((x, y) => y.created - x.created);
  for (const s of active) {
    const v = org.secretValues.get(s.id);
    if (v !== undefined) return v;
  }
  return null;
}

export function usesSecret(method: string): boolean {
  return method !== 'none' && method !== 'private_key_jwt';
}

export function findApp(ctx: Ctx): AppRec {
  const id = decodeURIComponent(ctx.params[0] ?? '');
  const a = ctx.org.apps.get(id);
  if (!a) throw E.notFound(`${id} (App)`);
  return a;
}

function appGetter(a: AppRec): Getter {
  return (attr) => {
    switch (attr) {
      case 'id': return a.id;
      case 'status': return a.status;
      case 'name': return a.name;
      case 'label': return a.label;
      case 'lastUpdated': return iso(a.lastUpdated);
      case 'credentials.oauthClient.client_id': return a.clientId;
      default: return undefined;
    }
  };
}

function clientIdTaken(org: Org, clientId: string, self: AppRec | null): boolean {
  for (const a of org.apps.all()) if (a !== self && a.clientId === clientId) return true;
  return false;
}

function createApp(ctx: Ctx): Reply {
  const { app, problems } = validateOidcApp(objectBody(ctx));
  if (!app) throw validationError(problems);
  const org = ctx.org;
  const id = org.newId('0oa');
  const clientId = app.clientId ?? id;
  if (app.clientId && clientIdTaken(org, clientId, null)) {
    throw validationError(['client_id: An object with this field already exists in the current organization']);
  }
  const now = ctx.now;
  const secret = usesSecret(app.tokenEndpointAuthMethod) ? secretString(48) : null;
  const rec: AppRec = {
    id, seq: org.apps.nextAppSeq(), name: 'oidc_client', label: app.label,
    status: boolParam(ctx.query, 'activate', true) ? 'ACTIVE' : 'INACTIVE',
    signOnMode: 'OPENID_CONNECT', created: now, lastUpdated: now, clientId,
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod, pkceRequired: app.pkceRequired,
    oauthClient: app.oauthClient, secrets: secret ? [newSecretRec(org, secret, now)] : [],
    groups: new Map(), nextAssignmentSeq: 1,
  };
  org.apps.put(rec);
  return json(200, appJson(rec, ctx.baseUrl, secret));
}

function replaceApp(ctx: Ctx): Reply {
  const a = findApp(ctx);
  const { app, problems } = validateOidcApp(objectBody(ctx));
  if (!app) throw validationError(problems);
  if (app.clientId && app.clientId !== a.clientId) throw validationError(['client_id: The client_id of an app cannot be changed']);
  a.label = app.label;
  a.tokenEndpointAuthMethod = app.tokenEndpointAuthMethod;
  a.pkceRequired = app.pkceRequired;
  a.oauthClient = app.oauthClient;
  a.lastUpdated = ctx.now;
  return json(200, appJson(a, ctx.baseUrl, currentSecret(ctx.org, a)));
}

function listApps(ctx: Ctx): Reply {
  const q = ctx.query;
  let expr: Expr | null = null;
  const filter = q.get('filter');
  if (filter) {
    expr = parseExpression(filter);
    checkFilter(expr, (attr, op) => op === 'eq' && ['id', 'status', 'name', 'group.id', 'credentials.oauthClient.client_id'].includes(attr));
  }
  const text = q.get('q')?.toLowerCase() ?? null;
  const after = decodeCursor(q.get('after'));
  const limit = pageLimit(q, 20, 200);
  const test = (a: AppRec): boolean => {
    if (a.seq <= after) return false;
    if (text && !a.label.toLowerCase().startsWith(text) && !a.name.toLowerCase().startsWith(text)) return false;
    if (!expr) return true;
    const base = appGetter(a);
    return evaluate(expr, (attr) => (attr === 'group.id' ? null : base(attr))) || groupMatch(expr, a);
  };
  const all = [...ctx.org.apps.all()].filter(test).sort((x, y) => x.seq - y.seq);
  const { page, nextAfter } = takePage(all, limit, (a) => a.seq);
  return json(200, page.map((a) => appJson(a, ctx.baseUrl)), { Link: linkHeader(ctx, nextAfter) });
}

/** `filter=group.id eq "…"`: apps that the group is assigned to. */
function groupMatch(expr: Expr, a: AppRec): boolean {
  return expr.kind === 'cmp' && expr.attr === 'group.id' && typeof expr.value === 'string' && a.groups.has(expr.value);
}

function findGroupId(ctx: Ctx): string {
  const gid = decodeURIComponent(ctx.params[1] ?? '');
  if (!ctx.org.groups.get(gid)) throw E.notFound(`${gid} (UserGroup)`);
  return gid;
}

export const appRoutes: Route[] = [
  { method: 'GET', pattern: /^\/api\/v1\/apps$/, bucket: 'apps', handler: listApps },
  { method: 'POST', pattern: /^\/api\/v1\/apps$/, bucket: 'apps', handler: createApp },
  { method: 'GET', pattern: /^\/api\/v1\/apps\/([^/]+)$/, bucket: 'app', handler: (ctx) => json(200, appJson(findApp(ctx), ctx.baseUrl)) },
  { method: 'PUT', pattern: /^\/api\/v1\/apps\/([^/]+)$/, bucket: 'app', handler: replaceApp },
  {
    method: 'DELETE', pattern: /^\/api\/v1\/apps\/([^/]+)$/, bucket: 'app',
    handler: (ctx) => {
      const a = findApp(ctx);
      if (a.status === 'ACTIVE') throw E.deleteActiveApp();
      ctx.org.apps.remove(a.id);
      return noContent;
    },
  },
  {
    method: 'POST', pattern: /^\/api\/v1\/apps\/([^/]+)\/lifecycle\/(activate|deactivate)$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      const status = ctx.params[1] === 'activate' ? 'ACTIVE' : 'INACTIVE';
      if (a.status !== status) {
        a.status = status;
        a.lastUpdated = ctx.now;
      }
      return json(200, {});
    },
  },
  {
    method: 'GET', pattern: /^\/api\/v1\/apps\/([^/]+)\/groups$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      const after = decodeCursor(ctx.query.get('after'));
      const limit = pageLimit(ctx.query, 20, 200);
      const entries = [...a.groups.entries()].filter(([, r]) => r.seq > after).sort((x, y) => x[1].seq - y[1].seq);
      const { page, nextAfter } = takePage(entries, limit, ([, r]) => r.seq);
      const body = page.map(([gid, r]) => assignmentJson(a.id, gid, r.priority, r.lastUpdated, ctx.baseUrl));
      return json(200, body, { Link: linkHeader(ctx, nextAfter) });
    },
  },
  {
    method: 'GET', pattern: /^\/api\/v1\/apps\/([^/]+)\/groups\/([^/]+)$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      const gid = decodeURIComponent(ctx.params[1] ?? '');
      const r = a.groups.get(gid);
      if (!r) throw E.notFound(`${gid} (ApplicationGroupAssignment)`);
      return json(200, assignmentJson(a.id, gid, r.priority, r.lastUpdated, ctx.baseUrl));
    },
  },
  {
    method: 'PUT', pattern: /^\/api\/v1\/apps\/([^/]+)\/groups\/([^/]+)$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      const gid = findGroupId(ctx);
      const body = objectBody(ctx);
      const existing = a.groups.get(gid);
      const priority = typeof body.priority === 'number' ? body.priority : (existing?.priority ?? a.groups.size);
      const rec = { priority, lastUpdated: ctx.now, seq: existing?.seq ?? a.nextAssignmentSeq++ };
      a.groups.set(gid, rec);
      return json(200, assignmentJson(a.id, gid, rec.priority, rec.lastUpdated, ctx.baseUrl));
    },
  },
  {
    method: 'DELETE', pattern: /^\/api\/v1\/apps\/([^/]+)\/groups\/([^/]+)$/, bucket: 'apps',
    handler: (ctx) => {
      const a = findApp(ctx);
      const gid = decodeURIComponent(ctx.params[1] ?? '');
      if (!a.groups.delete(gid)) throw E.notFound(`${gid} (ApplicationGroupAssignment)`);
      return noContent;
    },
  },
];
