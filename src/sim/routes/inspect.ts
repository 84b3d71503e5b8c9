import type { Reply } from '../context.js';
import { E } from '../errors.js';
import { isBucketName, type BucketName } from '../options.js';
import type { ServerDeps } from '../server.js';
import { verifyImportedPassword } from '../validation/verify-password.js';

/**
 * `/__sim/` endpoints, with the same token as the API (the original token keeps working here
 * after a revocation so tests can still look):
 *   GET  /__sim/stats   requests per bucket and status, 429s, peak concurrency, users by status
 *   GET  /__sim/outbox  activation emails Okta would have sent
 *   POST /__sim/reset   empty org, counters and rate windows
 *   POST /__sim/token   {"revoke": true} | {"token": "NEW"}: revoke or replace the API token
 *   POST /__sim/scopes  {"deny": ["apps", ...]}: the token lacks the scope for those buckets (403 E0000006)
 *   POST /__sim/verify-password {"login", "password"}: does the password match the user's imported hash?
 */
export function statsBody(deps: ServerDeps): Record<string, unknown> {
  const { stats, org, limiter, clock } = deps;
  return {
    requests: stats.requests,
    total: stats.total,
    rateLimited: stats.rateLimited,
    concurrencyLimited: stats.concurrencyLimited,
    failed: stats.failed,
    dropped: stats.dropped,
    unauthorized: stats.unauthorized,
    inFlight: stats.inFlight,
    peakConcurrency: stats.peakConcurrency,
    usersByStatus: org.users.countByStatus(),
    users: org.users.size,
    groups: org.groups.size,
    apps: org.apps.size,
    outbox: org.outbox.length,
    buckets: limiter.view(clock.now()),
  };
}

export function inspectionRoute(method: string, path: string, body: unknown, deps: ServerDeps): Reply {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  switch (`${method} ${path}`) {
    case 'GET /__sim/stats':
      return { status: 200, body: statsBody(deps) };
    case 'GET /__sim/outbox':
      return { status: 200, body: deps.org.outbox };
    case 'POST /__sim/reset':
      deps.onReset();
      return { status: 200, body: {} };
    case 'POST /__sim/token':
      if (b.revoke === true) deps.controls.token = null;
      else if (typeof b.token === 'string' && b.token.length > 0) deps.controls.token = b.token;
      else throw E.malformed('Send {"revoke": true} or {"token": "NEW_TOKEN"}');
      return { status: 200, body: {} };
    case 'POST /__sim/scopes': {
      const deny = Array.isArray(b.deny) ? b.deny : null;
      if (!deny || !deny.every((x): x is BucketName => typeof x === 'string' && isBucketName(x))) {
        throw E.malformed('Send {"deny": [bucket, ...]} with bucket names');
      }
      deps.controls.deniedBuckets = new Set(deny);
      return { status: 200, body: {} };
    }
    case 'POST /__sim/verify-password': {
      if (typeof b.login !== 'string' || typeof b.password !== 'string') throw E.malformed('Send {"login": "...", "password": "..."}');
      const u = deps.org.users.getByLogin(b.login);
      if (!u) throw E.notFound(`${b.login} (User)`);
      const hash = u.importedHash;
      return { status: 200, body: { imported: hash !== null, algorithm: hash?.algorithm ?? null, verified: hash !== null && verifyImportedPassword(hash, b.password) } };
    }
    default:
      throw E.notFound(path);
  }
}
