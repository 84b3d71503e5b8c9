import { json, type Ctx, type Reply, type Route } from '../context.js';
import { E } from '../errors.js';
import { evaluate, parseExpression, type Expr } from '../filter.js';
import { iso, type LogEventRec } from '../org.js';
import { decodeCursor, linkHeader, pageLimit, takePage } from '../pagination.js';

/**
 * GET /api/v1/logs, the System Log (https://developer.okta.com/docs/reference/api/system-log/):
 * events the simulator records (user.lifecycle.activate / reactivate), `since`/`until` bounds on
 * `published`, a `filter` over eventType and target.id, `limit` (default 100, at most 1000).
 * Only bounded requests are simulated: they page with `after` and end.
 */
function time(ctx: Ctx, name: string, dflt: number): number {
  const v = ctx.query.get(name);
  if (v === null) return dflt;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw E.malformed(`${name}: not an ISO 8601 time`);
  return t;
}

function eventJson(e: LogEventRec): Record<string, unknown> {
  return {
    uuid: e.uuid,
    published: iso(e.published),
    eventType: e.eventType,
    severity: 'INFO',
    outcome: { result: 'SUCCESS' },
    target: [{ id: e.targetId, type: 'User' }],
  };
}

function listLogs(ctx: Ctx): Reply {
  const since = time(ctx, 'since', ctx.org.now() - 7 * 86_400_000);
  const until = time(ctx, 'until', ctx.org.now());
  const filter = ctx.query.get('filter');
  const expr: Expr | null = filter ? parseExpression(filter) : null;
  const limit = pageLimit(ctx.query, 100, 1000);
  const after = decodeCursor(ctx.query.get('after'));
  const indexed = ctx.org.systemLog.map((e, i) => ({ e, seq: i + 1 }));
  const hits = indexed.filter(({ e, seq }) => seq > after && e.published >= since && e.published < until
    && (!expr || evaluate(expr, (attr) => (attr === 'eventType' ? e.eventType : attr === 'target.id' ? e.targetId : undefined))));
  const { page, nextAfter } = takePage(hits, limit, (h) => h.seq);
  return json(200, page.map((h) => eventJson(h.e)), { Link: linkHeader(ctx, nextAfter) });
}

export const logRoutes: Route[] = [{ method: 'GET', pattern: /^\/api\/v1\/logs$/, bucket: 'other', handler: listLogs }];
