import type { Route } from './context.js';
import { E } from './errors.js';
import type { BucketName } from './options.js';
import { appRoutes } from './routes/apps.js';
import { groupRoutes } from './routes/groups.js';
import { metaRoutes } from './routes/meta.js';
import { secretRoutes } from './routes/secrets.js';
import { userRoutes } from './routes/users.js';

const ROUTES: Route[] = [...userRoutes, ...groupRoutes, ...secretRoutes, ...appRoutes, ...metaRoutes];

export interface Match {
  bucket: BucketName;
  route: Route | null;
  params: string[];
  /** Set when the path exists but not for this method, or does not exist at all. */
  error: 'not_found' | 'method' | null;
}

/** Finds the route and the rate-limit bucket of a request; unknown paths fall in `other`. */
export function matchRoute(method: string, path: string): Match {
  let pathMatched: Route | null = null;
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method === method) return { bucket: r.bucket, route: r, params: m.slice(1), error: null };
    pathMatched ??= r;
  }
  if (pathMatched) return { bucket: pathMatched.bucket, route: null, params: [], error: 'method' };
  return { bucket: 'other', route: null, params: [], error: 'not_found' };
}

export function routeError(m: Match, path: string): Error {
  return m.error === 'method' ? E.methodNotAllowed() : E.notFound(path);
}
