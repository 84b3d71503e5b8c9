/**
 * Okta rate-limit buckets by endpoint family, classified the way Okta (and our simulator,
 * src/sim/routes/*) counts them. Okta publishes the families, not a bucket id in the headers, so a
 * client has to know which calls share a bucket:
 * https://developer.okta.com/docs/reference/rl-global-mgmt/
 * - `users`:    GET/POST /api/v1/users: list, filter, search AND create share one bucket.
 * - `user-get`: GET /api/v1/users/{idOrLogin}: its own, larger bucket (use it for existence checks).
 * - `user`:     POST/PUT/DELETE /api/v1/users/{id} and /lifecycle/* (GET of sub-resources: `other`).
 * - `group`: /api/v1/groups/{id} itself; `groups`: /api/v1/groups and every other /api/v1/groups* path
 *   (members: /groups/{id}/users…). Buckets are matched by exact path.
 * - `app`: /api/v1/apps/{id} itself; `apps`: /api/v1/apps and every other /api/v1/apps* path
 *   (/apps/{id}/groups…, /lifecycle/…, /credentials/…), the small 100/min bucket.
 * - `oauth`:    /oauth2/v1/token (OAuth service apps get their access token there; a bucket of its own).
 * - `other`:    everything else.
 */
export const GOVERNOR_BUCKETS = ['users', 'user', 'user-get', 'groups', 'group', 'apps', 'app', 'oauth', 'other'] as const;
export type GovernorBucket = (typeof GOVERNOR_BUCKETS)[number];

export function pathOnly(urlOrPath: string): string {
  let p = urlOrPath;
  const scheme = p.indexOf('://');
  if (scheme >= 0) {
    const slash = p.indexOf('/', scheme + 3);
    p = slash >= 0 ? p.slice(slash) : '/';
  }
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function classifyRequest(method: string, urlOrPath: string): GovernorBucket {
  const m = method.toUpperCase();
  const p = pathOnly(urlOrPath);
  if (p.startsWith('/oauth2/')) return 'oauth';
  const parts = p.split('/').filter((s) => s.length > 0);
  if (parts[0] !== 'api' || parts[1] !== 'v1') return 'other';
  const family = parts[2];
  const rest = parts.slice(3);
  if (family === 'users') {
    if (rest.length === 0) return 'users';
    if (rest.length === 1) return m === 'GET' ? 'user-get' : 'user';
    if (rest[1] === 'lifecycle') return 'user';
    return m === 'GET' ? 'other' : 'user';
  }
  // Okta matches a bucket by exact path (rl-global-mgmt): `/api/v1/apps/{id}` names that path only,
  // and `/api/v1/apps*` covers the rest of the family.
  if (family === 'groups') return rest.length === 1 ? 'group' : 'groups';
  if (family === 'apps') return rest.length === 1 ? 'app' : 'apps';
  return 'other';
}

/**
 * The path with ids, logins and the query removed: what events and errors may show. A login in a
 * path (GET /api/v1/users/{login}) is personal data, and a filter query may hold one too.
 */
export function templatePath(urlOrPath: string): string {
  const parts = pathOnly(urlOrPath).split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const prev = parts[i - 1];
    const seg = parts[i] as string;
    if (i > 0 && (prev === 'users' || prev === 'groups' || prev === 'apps' || prev === 'secrets') && parts[1] === 'api') {
      out.push('{id}');
    } else {
      out.push(seg);
    }
  }
  return out.join('/') || '/';
}

/** The OAuth scope a service app needs for a bucket's calls (names what to grant on a 403). */
export function scopeFor(bucket: GovernorBucket): string | null {
  switch (bucket) {
    case 'users':
    case 'user':
    case 'user-get':
      return 'okta.users.manage';
    case 'groups':
    case 'group':
      return 'okta.groups.manage';
    case 'apps':
    case 'app':
      return 'okta.apps.manage';
    default:
      return null;
  }
}
