import { boolParam, json, noContent, objectBody, type Ctx, type Reply, type Route } from '../context.js';
import { checkFilter, eqValues, evaluate, parseExpression, type Expr, type Getter, type Op } from '../filter.js';
import { iso } from '../org.js';
import { decodeCursor, linkHeader, pageLimit, takePage } from '../pagination.js';
import { groupJson, userJson } from '../render.js';
import type { UserRec } from '../store/users.js';
import {
  activateUser, createUser, deactivateUser, deleteUser, findUser, reactivateUser, updateUser, type CreateUserBody,
} from '../users.js';

/**
 * /api/v1/users routes. Listing without filter/search/q leaves DEPROVISIONED users out, as Okta
 * does; `filter` accepts only what Okta documents (status, lastUpdated, id, type.id and
 * profile.login/email/firstName/lastName with eq; dates also with gt/ge/lt/le).
 */
const FILTER_EQ = new Set(['status', 'id', 'type.id', 'profile.login', 'profile.email', 'profile.firstName', 'profile.lastName']);
const DATE_ATTRS = new Set(['lastUpdated', 'created', 'activated', 'statusChanged', 'passwordChanged']);
const DATE_OPS: readonly Op[] = ['eq', 'gt', 'ge', 'lt', 'le'];

function userGetter(u: UserRec): Getter {
  return (attr) => {
    switch (attr) {
      case 'id': return u.id;
      case 'status': return u.status;
      case 'type.id': return 'oty1simdefaultusrtyp';
      case 'created': return iso(u.created);
      case 'lastUpdated': return iso(u.lastUpdated);
      case 'activated': return iso(u.activated);
      case 'statusChanged': return iso(u.statusChanged);
      case 'passwordChanged': return iso(u.passwordChanged);
      case 'profile.login': return u.login;
      case 'profile.email': return u.email;
      case 'profile.firstName': return u.firstName;
      case 'profile.lastName': return u.lastName;
      case 'credentials.provider.type': return u.credential === 'provider' ? u.providerType : 'OKTA';
      default: {
        if (!attr.startsWith('profile.')) return undefined;
        const v = u.extra?.[attr.slice('profile.'.length)];
        return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === null ? null : undefined;
      }
    }
  };
}

/** Candidates for an expression: an index lookup when it is an eq on login or id, else every user. */
function candidates(ctx: Ctx, expr: Expr | null, afterSeq: number): Iterable<UserRec> {
  if (expr) {
    const logins = eqValues(expr, 'profile.login');
    const ids = logins ? null : eqValues(expr, 'id');
    const hits = logins
      ? logins.map((l) => ctx.org.users.getByLogin(l))
      : ids?.map((id) => ctx.org.users.get(id));
    if (hits) {
      const unique = [...new Set(hits.filter((u): u is UserRec => u !== undefined))];
      return unique.filter((u) => u.seq > afterSeq).sort((a, b) => a.seq - b.seq);
    }
  }
  return ctx.org.users.iterateFrom(afterSeq);
}

function* matching(users: Iterable<UserRec>, test: (u: UserRec) => boolean): Generator<UserRec> {
  for (const u of users) if (test(u)) yield u;
}

function listUsers(ctx: Ctx): Reply {
  const q = ctx.query;
  const filter = q.get('filter');
  const search = q.get('search');
  const text = q.get('q');
  let expr: Expr | null = null;
  if (search) {
    expr = parseExpression(search);
  } else if (filter) {
    expr = parseExpression(filter);
    checkFilter(expr, (attr, op) => (FILTER_EQ.has(attr) && op === 'eq') || (DATE_ATTRS.has(attr) && DATE_OPS.includes(op)));
  }
  const limit = pageLimit(q, text && !expr ? 10 : 200, 200);
  const after = decodeCursor(q.get('after'));
  let test: (u: UserRec) => boolean;
  if (expr) {
    const e = expr;
    test = (u) => evaluate(e, userGetter(u));
  } else if (text) {
    const t = text.toLowerCase();
    test = (u) =>
      u.status !== 'DEPROVISIONED' &&
      [u.firstName, u.lastName, u.email].some((v) => v !== null && v.toLowerCase().startsWith(t));
  } else {
    test = (u) => u.status !== 'DEPROVISIONED';
  }
  const { page, nextAfter } = takePage(matching(candidates(ctx, expr, after), test), limit, (u) => u.seq);
  return json(200, page.map((u) => userJson(u, ctx.baseUrl)), { Link: linkHeader(ctx, nextAfter) });
}

const userParam = (ctx: Ctx): UserRec => findUser(ctx.org, decodeURIComponent(ctx.params[0] ?? ''));

export const userRoutes: Route[] = [
  { method: 'GET', pattern: /^\/api\/v1\/users$/, bucket: 'users', handler: listUsers },
  {
    method: 'POST', pattern: /^\/api\/v1\/users$/, bucket: 'users',
    handler: (ctx) => {
      const u = createUser(ctx.org, objectBody(ctx) as CreateUserBody, {
        activate: boolParam(ctx.query, 'activate', true),
        provider: boolParam(ctx.query, 'provider', false),
        base: ctx.baseUrl,
      });
      return json(200, userJson(u, ctx.baseUrl));
    },
  },
  { method: 'GET', pattern: /^\/api\/v1\/users\/([^/]+)$/, bucket: 'user-get', handler: (ctx) => json(200, userJson(userParam(ctx), ctx.baseUrl)) },
  {
    method: 'POST', pattern: /^\/api\/v1\/users\/([^/]+)$/, bucket: 'user',
    handler: (ctx) => json(200, userJson(updateUser(ctx.org, userParam(ctx), objectBody(ctx) as CreateUserBody, false), ctx.baseUrl)),
  },
  {
    method: 'PUT', pattern: /^\/api\/v1\/users\/([^/]+)$/, bucket: 'user',
    handler: (ctx) => json(200, userJson(updateUser(ctx.org, userParam(ctx), objectBody(ctx) as CreateUserBody, true), ctx.baseUrl)),
  },
  {
    method: 'DELETE', pattern: /^\/api\/v1\/users\/([^/]+)$/, bucket: 'user',
    handler: (ctx) => {
      deleteUser(ctx.org, userParam(ctx));
      return noContent;
    },
  },
  {
    method: 'POST', pattern: /^\/api\/v1\/users\/([^/]+)\/lifecycle\/(activate|reactivate|deactivate)$/, bucket: 'user',
    handler: (ctx) => {
      const u = userParam(ctx);
      switch (ctx.params[1]) {
        case 'activate':
          return json(200, activateUser(ctx.org, u, boolParam(ctx.query, 'sendEmail', true), ctx.baseUrl));
        case 'reactivate':
          return json(200, reactivateUser(ctx.org, u, boolParam(ctx.query, 'sendEmail', false), ctx.baseUrl));
        default:
          deactivateUser(ctx.org, u);
          return json(200, {});
      }
    },
  },
  {
    method: 'GET', pattern: /^\/api\/v1\/users\/([^/]+)\/groups$/, bucket: 'other',
    handler: (ctx) => {
      const u = userParam(ctx);
      const groups = [...ctx.org.groups.all()].filter((g) => g.type === 'BUILT_IN' || g.members.has(u.id));
      return json(200, groups.map((g) => groupJson(g, ctx.baseUrl)));
    },
  },
];

