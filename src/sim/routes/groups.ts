import { json, noContent, objectBody, type Ctx, type Reply, type Route } from '../context.js';
import { E, validationError } from '../errors.js';
import { checkFilter, evaluate, parseExpression, type Expr, type Getter } from '../filter.js';
import { iso } from '../org.js';
import { decodeCursor, linkHeader, pageLimit, takePage } from '../pagination.js';
import { appJson, groupJson, userJson } from '../render.js';
import type { GroupRec } from '../store/groups.js';
import type { UserRec } from '../store/users.js';
import { findUser } from '../users.js';

/**
 * /api/v1/groups routes (https://developer.okta.com/docs/reference/api/groups/). Group names are
 * unique among OKTA_GROUPs; the built-in Everyone group holds every user and cannot be changed.
 */
function groupGetter(g: GroupRec): Getter {
  return (attr) => {
    switch (attr) {
      case 'id': return g.id;
      case 'type': return g.type;
      case 'profile.name': return g.name;
      case 'profile.description': return g.description;
      case 'created': return iso(g.created);
      case 'lastUpdated': return iso(g.lastUpdated);
      case 'lastMembershipUpdated': return iso(g.lastMembershipUpdated);
      default: return undefined;
    }
  };
}

function findGroup(ctx: Ctx): GroupRec {
  const id = decodeURIComponent(ctx.params[0] ?? '');
  const g = ctx.org.groups.get(id);
  if (!g) throw E.notFound(`${id} (UserGroup)`);
  return g;
}

function editable(g: GroupRec): GroupRec {
  if (g.type !== 'OKTA_GROUP') throw E.accessDenied();
  return g;
}

function profileOf(ctx: Ctx): { name: string; description: string | null } {
  const profile = objectBody(ctx).profile as Record<string, unknown> | undefined;
  const name = profile?.name;
  if (typeof name !== 'string' || name.trim() === '') throw validationError(['name: The field cannot be left blank']);
  if (name.length > 255) throw validationError(['name: The field is too long (maximum 255 characters)']);
  const d = profile?.description;
  return { name, description: typeof d === 'string' ? d : null };
}

function checkNameFree(ctx: Ctx, name: string, self: GroupRec | null): void {
  const other = ctx.org.groups.getByName(name);
  if (other && other !== self) {
    throw validationError(['name: An object with this field already exists in the current organization']);
  }
}

function listGroups(ctx: Ctx): Reply {
  const q = ctx.query;
  let expr: Expr | null = null;
  const search = q.get('search');
  const filter = q.get('filter');
  if (search) expr = parseExpression(search);
  else if (filter) {
    expr = parseExpression(filter);
    checkFilter(expr, (attr, op) =>
      (['id', 'type', 'profile.name'].includes(attr) && op === 'eq') ||
      (['lastUpdated', 'lastMembershipUpdated', 'created'].includes(attr) && ['eq', 'gt', 'ge', 'lt', 'le'].includes(op)));
  }
  const text = q.get('q')?.toLowerCase() ?? null;
  const after = decodeCursor(q.get('after'));
  const limit = pageLimit(q, text ? 300 : 10000, 10000);
  const all = [...ctx.org.groups.all()].filter(
    (g) => g.seq > after && (!expr || evaluate(expr, groupGetter(g))) && (!text || g.name.toLowerCase().startsWith(text)),
  );
  const { page, nextAfter } = takePage(all, limit, (g) => g.seq);
  return json(200, page.map((g) => groupJson(g, ctx.baseUrl)), { Link: linkHeader(ctx, nextAfter) });
}

function listMembers(ctx: Ctx): Reply {
  const g = findGroup(ctx);
  const limit = pageLimit(ctx.query, 1000, 10000);
  const after = decodeCursor(ctx.query.get('after'));
  let page: UserRec[];
  let nextAfter: number | null;
  if (g.type === 'BUILT_IN') {
    ({ page, nextAfter } = takePage(ctx.org.users.iterateFrom(after), limit, (u) => u.seq));
  } else {
    const r = takePage(g.members.iterateFrom(after), limit, (e) => e.seq);
    page = r.page.map((e) => ctx.org.users.get(e.userId)).filter((u): u is UserRec => u !== undefined);
    nextAfter = r.nextAfter;
  }
  return json(200, page.map((u) => userJson(u, ctx.baseUrl)), { Link: linkHeader(ctx, nextAfter) });
}

export const groupRoutes: Route[] = [
  { method: 'GET', pattern: /^\/api\/v1\/groups$/, bucket: 'groups', handler: listGroups },
  {
    method: 'POST', pattern: /^\/api\/v1\/groups$/, bucket: 'groups',
    handler: (ctx) => {
      const p = profileOf(ctx);
      checkNameFree(ctx, p.name, null);
      const now = ctx.now;
      const g = ctx.org.groups.insert({
        id: ctx.org.newId('00g'), type: 'OKTA_GROUP', name: p.name, description: p.description,
        created: now, lastUpdated: now, lastMembershipUpdated: now,
      });
      return json(200, groupJson(g, ctx.baseUrl));
    },
  },
  { method: 'GET', pattern: /^\/api\/v1\/groups\/([^/]+)$/, bucket: 'group', handler: (ctx) => json(200, groupJson(findGroup(ctx), ctx.baseUrl)) },
  {
    method: 'PUT', pattern: /^\/api\/v1\/groups\/([^/]+)$/, bucket: 'group',
    handler: (ctx) => {
      const g = editable(findGroup(ctx));
      const p = profileOf(ctx);
      checkNameFree(ctx, p.name, g);
      g.name = p.name;
      g.description = p.description;
      g.lastUpdated = ctx.now;
      return json(200, groupJson(g, ctx.baseUrl));
    },
  },
  {
    method: 'DELETE', pattern: /^\/api\/v1\/groups\/([^/]+)$/, bucket: 'group',
    handler: (ctx) => {
      const g = editable(findGroup(ctx));
      ctx.org.groups.remove(g.id);
      ctx.org.apps.removeGroupEverywhere(g.id);
      return noContent;
    },
  },
  { method: 'GET', pattern: /^\/api\/v1\/groups\/([^/]+)\/users$/, bucket: 'groups', handler: listMembers },
  {
    method: 'PUT', pattern: /^\/api\/v1\/groups\/([^/]+)\/users\/([^/]+)$/, bucket: 'groups',
    handler: (ctx) => {
      const g = editable(findGroup(ctx));
      const u = findUser(ctx.org, decodeURIComponent(ctx.params[1] ?? ''));
      if (g.members.add(u.id)) g.lastMembershipUpdated = ctx.now;
      return noContent;
    },
  },
  {
    method: 'DELETE', pattern: /^\/api\/v1\/groups\/([^/]+)\/users\/([^/]+)$/, bucket: 'groups',
    handler: (ctx) => {
      const g = editable(findGroup(ctx));
      const u = findUser(ctx.org, decodeURIComponent(ctx.params[1] ?? ''));
      if (g.members.remove(u.id)) g.lastMembershipUpdated = ctx.now;
      return noContent;
    },
  },
  {
    method: 'GET', pattern: /^\/api\/v1\/groups\/([^/]+)\/apps$/, bucket: 'groups',
    handler: (ctx) => {
      const g = findGroup(ctx);
      return json(200, [...ctx.org.apps.all()].filter((a) => a.groups.has(g.id)).map((a) => appJson(a, ctx.baseUrl)));
    },
  },
];
