import { describe, expect, it } from 'vitest';
import { classifyRequest, scopeFor, templatePath } from '../../src/okta/buckets.js';
import { readRateHeaders } from '../../src/okta/rate-headers.js';
import { isReplaySafe, maxAttemptsFor, RATE_LIMIT_ATTEMPTS, RETRY_TABLE, ruleFor } from '../../src/okta/retry-table.js';
import { MapHeaders } from './fake-okta.js';

describe('retry table', () => {
  const cases: [string, number | 'network', string | null, boolean, string, string | null][] = [
    ['concurrency 429 backs off briefly', 429, 'E0000047', true, 'retry', 'concurrency'],
    ['rate 429 E0000047 waits for reset', 429, 'E0000047', false, 'retry', 'reset'],
    ['429 without code waits for reset', 429, null, false, 'retry', 'reset'],
    ['401 E0000011 stops the run', 401, 'E0000011', false, 'auth', null],
    ['401 E0000004 stops the run', 401, 'E0000004', false, 'auth', null],
    ['403 E0000006 stops the run', 403, 'E0000006', false, 'auth', null],
    ['403 E0000016 goes back to the caller', 403, 'E0000016', false, 'return', null],
    ['403 E0000038 goes back to the caller', 403, 'E0000038', false, 'return', null],
    ['500 E0000009 backs off', 500, 'E0000009', false, 'retry', 'backoff'],
    ['502 backs off', 502, null, false, 'retry', 'backoff'],
    ['503 backs off', 503, null, false, 'retry', 'backoff'],
    ['504 backs off', 504, null, false, 'retry', 'backoff'],
    ['501 goes back to the caller', 501, null, false, 'return', null],
    ['400 E0000001 goes back to the caller', 400, 'E0000001', false, 'return', null],
    ['404 E0000007 goes back to the caller', 404, 'E0000007', false, 'return', null],
    ['400 invalid_client (OAuth) stops the run', 400, 'invalid_client', false, 'auth', null],
    ['400 invalid_scope (OAuth) stops the run', 400, 'invalid_scope', false, 'auth', null],
    ['400 use_dpop_nonce goes back to the token provider (it repeats the request with the nonce)', 400, 'use_dpop_nonce', false, 'return', null],
    ['409 E0000112 (user transitioning after an asynchronous activation) backs off and retries', 409, 'E0000112', false, 'retry', 'backoff'],
    ['409 with another code goes back to the caller', 409, 'E0000999', false, 'return', null],
    ['302 is refused', 302, null, false, 'fail', null],
    ['ECONNRESET backs off', 'network', 'ECONNRESET', false, 'retry', 'backoff'],
    ['ECONNREFUSED stops the run (wrong org URL or port)', 'network', 'ECONNREFUSED', false, 'unreachable', null],
    ['ETIMEDOUT backs off', 'network', 'ETIMEDOUT', false, 'retry', 'backoff'],
    ['EPIPE backs off', 'network', 'EPIPE', false, 'retry', 'backoff'],
    ['request timeout backs off', 'network', 'request-timeout', false, 'retry', 'backoff'],
    ['ENOTFOUND stops the run (wrong org URL)', 'network', 'ENOTFOUND', false, 'unreachable', null],
    ['unknown transport errors fail', 'network', 'EWEIRD', false, 'fail', null],
  ];
  for (const [name, status, code, conc, action, wait] of cases) {
    it(`retry table: ${name}`, () => {
      const rule = ruleFor(status, code, conc);
      expect(rule.action).toBe(action);
      if (rule.action === 'retry') expect(rule.wait).toBe(wait);
    });
  }

  it('retry table: ambiguous failures are flagged', () => {
    expect(ruleFor('network', 'ECONNRESET')).toMatchObject({ ambiguous: true });
    expect(ruleFor(500, 'E0000009')).toMatchObject({ ambiguous: true });
    expect(ruleFor(429, 'E0000047')).toMatchObject({ ambiguous: false });
  });

  it('retry table: attempts come from okta.maxAttempts for backoff, at least RATE_LIMIT_ATTEMPTS for 429s', () => {
    expect(maxAttemptsFor(ruleFor(500, null), 6)).toBe(6);
    expect(maxAttemptsFor(ruleFor(429, 'E0000047'), 6)).toBe(RATE_LIMIT_ATTEMPTS);
    expect(maxAttemptsFor(ruleFor(429, 'E0000047'), 15)).toBe(15);
    expect(maxAttemptsFor(ruleFor(401, null), 6)).toBe(1);
    expect(RETRY_TABLE.every((r) => r.rule.why.length > 0)).toBe(true);
  });

  it('retry table: only app creation and new client secrets are unsafe to replay', () => {
    expect(isReplaySafe('POST', 'https://o.okta.com/api/v1/apps')).toBe(false);
    expect(isReplaySafe('POST', 'https://o.okta.com/api/v1/apps/0oa1/credentials/secrets')).toBe(false);
    expect(isReplaySafe('POST', 'https://o.okta.com/api/v1/users?activate=false')).toBe(true);
    expect(isReplaySafe('POST', '/api/v1/apps/0oa1/lifecycle/deactivate')).toBe(true);
    expect(isReplaySafe('GET', '/api/v1/apps')).toBe(true);
  });
});

describe('buckets', () => {
  const rows: [string, string, string][] = [
    ['GET', '/api/v1/users?filter=x', 'users'],
    ['POST', '/api/v1/users?activate=false', 'users'],
    ['GET', '/api/v1/users/ada%40acme.example', 'user-get'],
    ['POST', '/api/v1/users/00u1', 'user'],
    ['PUT', '/api/v1/users/00u1', 'user'],
    ['DELETE', '/api/v1/users/00u1', 'user'],
    ['POST', '/api/v1/users/00u1/lifecycle/activate?sendEmail=false', 'user'],
    ['GET', '/api/v1/users/00u1/groups', 'other'],
    ['GET', '/api/v1/groups?q=efs', 'groups'],
    ['POST', '/api/v1/groups', 'groups'],
    // Exact path: only /groups/{id} itself is the group bucket; its sub-paths share the groups bucket.
    ['GET', '/api/v1/groups/00g1', 'group'],
    ['DELETE', '/api/v1/groups/00g1', 'group'],
    ['PUT', '/api/v1/groups/00g1/users/00u1', 'groups'],
    ['GET', '/api/v1/groups/00g1/users?limit=200', 'groups'],
    ['GET', '/api/v1/apps?q=acme', 'apps'],
    ['POST', '/api/v1/apps', 'apps'],
    // Exact path: only /apps/{id} itself is the app bucket; groups, lifecycle, secrets share the apps bucket.
    ['GET', '/api/v1/apps/0oa1', 'app'],
    ['PUT', '/api/v1/apps/0oa1', 'app'],
    ['PUT', '/api/v1/apps/0oa1/groups/00g1', 'apps'],
    ['POST', '/api/v1/apps/0oa1/lifecycle/deactivate', 'apps'],
    ['POST', '/api/v1/apps/0oa1/credentials/secrets', 'apps'],
    ['POST', '/oauth2/v1/token', 'oauth'],
    ['GET', '/api/v1/org', 'other'],
  ];
  for (const [method, path, bucket] of rows) {
    it(`buckets: ${method} ${path} → ${bucket} (as the simulator counts it)`, () => {
      expect(classifyRequest(method, `https://acme.okta.com${path}`)).toBe(bucket);
      expect(classifyRequest(method, path)).toBe(bucket);
    });
  }

  it('buckets: templatePath hides ids, logins and queries', () => {
    expect(templatePath('https://a.okta.com/api/v1/users/ada%40acme.example?x=1')).toBe('/api/v1/users/{id}');
    expect(templatePath('/api/v1/groups/00g1/users/00u2')).toBe('/api/v1/groups/{id}/users/{id}');
    expect(templatePath('/api/v1/apps/0oa1/credentials/secrets/ocs1/lifecycle/deactivate')).toBe('/api/v1/apps/{id}/credentials/secrets/{id}/lifecycle/deactivate');
    expect(templatePath('/api/v1/users/00u1/lifecycle/activate?sendEmail=false')).toBe('/api/v1/users/{id}/lifecycle/activate');
  });

  it('buckets: scopeFor names the management scope of each family', () => {
    expect(scopeFor('user-get')).toBe('okta.users.manage');
    expect(scopeFor('group')).toBe('okta.groups.manage');
    expect(scopeFor('apps')).toBe('okta.apps.manage');
    expect(scopeFor('other')).toBeNull();
  });
});

describe('rate headers', () => {
  const now = Date.UTC(2026, 10, 27, 12, 0, 0, 300);
  it('rate headers: reads Limit, Remaining and Reset; ignores a skew within Date resolution', () => {
    const r = readRateHeaders(new MapHeaders({
      date: new Date(now).toUTCString(), 'X-Rate-Limit-Limit': '600', 'X-Rate-Limit-Remaining': '42', 'X-Rate-Limit-Reset': String(Math.floor(now / 1000) + 30),
    }), now);
    expect(r).toMatchObject({ limit: 600, remaining: 42, skewMs: 0, resetAt: (Math.floor(now / 1000) + 30) * 1000 });
  });

  it('rate headers: converts Reset to our clock with the Date skew', () => {
    const server = now - 90_000; // the server's clock is 90 s behind
    const r = readRateHeaders(new MapHeaders({
      date: new Date(server).toUTCString(), 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '1', 'x-rate-limit-reset': String(Math.floor(server / 1000) + 60),
    }), now);
    expect(r!.resetAt - now).toBeGreaterThan(59_000);
    expect(r!.resetAt - now).toBeLessThan(61_000);
  });

  it('rate headers: missing or duplicated headers', () => {
    expect(readRateHeaders(new MapHeaders({ 'x-rate-limit-limit': '600' }), now)).toBeNull();
    const dup = readRateHeaders(new MapHeaders({ 'x-rate-limit-limit': '600, 600', 'x-rate-limit-remaining': '5, 5', 'x-rate-limit-reset': '1800000000, 1800000000' }), now);
    expect(dup).toMatchObject({ limit: 600, remaining: 5, resetEpoch: 1_800_000_000 });
  });
});
