/**
 * What the governor does with each kind of answer, in one table (documented in docs/rate-limits.md,
 * "Retries"). Keyed by HTTP status and Okta errorCode (only errorCode is meant for
 * flow control: https://developer.okta.com/docs/reference/error-codes/), or by the network error.
 *
 * - `retry`: wait (`reset`: until the bucket's Reset + jitter; `backoff`: jittered exponential;
 *   `concurrency`: 1–2 s jittered, never Reset, which is only a hint on a concurrency 429 and
 *   stalls clients for minutes) and send again, at most `attempts` tries in all ('config' =
 *   okta.maxAttempts).
 * - `auth`: stop the run: every later request fails at once with the same AuthError.
 * - `return`: hand the answer back: the executor throws it as OktaAnswerError and the operation's
 *   outcome table (call.ts) says what it means.
 * - `fail`: fail this call now with OktaCallError.
 * - `unreachable`: the org cannot be reached at all (wrong okta.orgUrl): stop the run at once with
 *   OktaUnreachableError; retrying cannot help and every record would fail the same way.
 *
 * `ambiguous` marks failures after which the request may or may not have been carried out. Those
 * are retried only when sending the request twice cannot create two things (see isReplaySafe).
 */
import { pathOnly } from './buckets.js';

export type WaitKind = 'reset' | 'backoff' | 'concurrency';

export type RetryRule =
  | { action: 'retry'; wait: WaitKind; attempts: number | 'config'; ambiguous: boolean; why: string }
  | { action: 'auth'; why: string }
  | { action: 'return'; why: string }
  | { action: 'fail'; why: string }
  | { action: 'unreachable'; why: string };

export interface RetryRow {
  /** HTTP status, or 'network' for a request that got no answer. */
  status: number | 'network';
  /** Okta errorCode, network error code, or '*' for any. */
  code: string;
  /** Only for 429: Limit 0 marks a concurrency 429. */
  concurrency?: boolean;
  rule: RetryRule;
}

/** Rate 429s are Okta telling us when to come back, not failures: they get more tries. */
export const RATE_LIMIT_ATTEMPTS = 10;

const backoff = (why: string, ambiguous = true): RetryRule => ({ action: 'retry', wait: 'backoff', attempts: 'config', ambiguous, why });

export const RETRY_TABLE: readonly RetryRow[] = [
  { status: 429, code: '*', concurrency: true, rule: { action: 'retry', wait: 'concurrency', attempts: RATE_LIMIT_ATTEMPTS, ambiguous: false, why: 'concurrency limit (X-Rate-Limit-Limit: 0): back off briefly, lower concurrency' } },
  { status: 429, code: 'E0000047', rule: { action: 'retry', wait: 'reset', attempts: RATE_LIMIT_ATTEMPTS, ambiguous: false, why: 'rate limit exceeded: wait for the window to reset' } },
  { status: 429, code: '*', rule: { action: 'retry', wait: 'reset', attempts: RATE_LIMIT_ATTEMPTS, ambiguous: false, why: 'too many requests: wait for the window to reset' } },
  { status: 401, code: '*', rule: { action: 'auth', why: 'credentials refused (E0000004 authentication failed, E0000011 invalid token)' } },
  // The OAuth token endpoint (/oauth2/v1/token) answers RFC 6749 errors: the service app's setup is wrong.
  { status: 400, code: 'invalid_client', rule: { action: 'auth', why: 'OAuth client id or key refused' } },
  { status: 400, code: 'invalid_scope', rule: { action: 'auth', why: 'OAuth scope not granted to the service app' } },
  { status: 400, code: 'unauthorized_client', rule: { action: 'auth', why: 'OAuth client may not use client_credentials' } },
  { status: 400, code: 'invalid_grant', rule: { action: 'auth', why: 'OAuth client assertion refused' } },
  // DPoP (RFC 9449) at the token endpoint: the token provider answers these (switch to DPoP, send the
  // nonce) and stops the run itself when they persist.
  { status: 400, code: 'use_dpop_nonce', rule: { action: 'return', why: 'the token endpoint wants a DPoP proof with its nonce: the token provider repeats the request with it' } },
  { status: 400, code: 'invalid_dpop_proof', rule: { action: 'return', why: 'the app requires DPoP (or refused the proof): the token provider switches to DPoP or stops the run' } },
  // On an API call a refused proof cannot heal by retrying: stop with what to fix.
  { status: 401, code: 'invalid_dpop_proof', rule: { action: 'auth', why: 'Okta refused the DPoP proof of an API call' } },
  { status: 403, code: 'E0000006', rule: { action: 'auth', why: 'access denied: missing scope or admin role' } },
  { status: 403, code: '*', rule: { action: 'return', why: 'business outcome (E0000016 already active, E0000038 wrong status)' } },
  // Activation is asynchronous: while a user shows `transitioningToStatus`, an update is refused with
  // 409 E0000112 and nothing was changed (https://developer.okta.com/docs/reference/error-codes/#E0000112).
  { status: 409, code: 'E0000112', rule: backoff('user is transitioning to a new status (asynchronous activation): nothing changed, try again shortly', false) },
  { status: 500, code: '*', rule: backoff('internal error (E0000009)') },
  { status: 502, code: '*', rule: backoff('bad gateway') },
  { status: 503, code: '*', rule: backoff('service unavailable') },
  { status: 504, code: '*', rule: backoff('gateway timeout') },
  // Okta's org hosts sit behind load balancers that always accept connections: a refusal means the
  // URL names another host or port (a typo, a leftover test port), not a passing outage.
  { status: 'network', code: 'ECONNREFUSED', rule: { action: 'unreachable', why: 'connection refused: nothing accepts connections at that host and port: check okta.orgUrl (or OKTA_ORG_URL / --org-url)' } },
  { status: 'network', code: 'ECONNRESET', rule: backoff('connection reset / socket hang up') },
  { status: 'network', code: 'EPIPE', rule: backoff('connection closed while sending') },
  { status: 'network', code: 'ETIMEDOUT', rule: backoff('connection timed out') },
  { status: 'network', code: 'ECONNABORTED', rule: backoff('connection aborted') },
  { status: 'network', code: 'EAI_AGAIN', rule: backoff('DNS lookup failed for now', false) },
  { status: 'network', code: 'UND_ERR_SOCKET', rule: backoff('socket closed') },
  { status: 'network', code: 'request-timeout', rule: backoff('no answer within the request timeout') },
  { status: 'network', code: 'ENOTFOUND', rule: { action: 'unreachable', why: 'the org host does not resolve: check okta.orgUrl (or OKTA_ORG_URL / --org-url)' } },
  { status: 'network', code: '*', rule: { action: 'fail', why: 'unexpected transport error' } },
];

/** Statuses not in the table: 3xx are refused (the token must not follow a redirect), the rest returned. */
export function ruleFor(status: number | 'network', code: string | null, concurrency = false): RetryRule {
  const rows = RETRY_TABLE.filter((r) => r.status === status);
  const match =
    rows.find((r) => r.code === code && (r.concurrency ?? false) === concurrency) ??
    rows.find((r) => r.code === '*' && (r.concurrency ?? false) === concurrency) ??
    rows.find((r) => r.code === '*' && r.concurrency === undefined);
  if (match) return match.rule;
  if (typeof status === 'number' && status >= 300 && status < 400) {
    return { action: 'fail', why: 'redirect: not followed, so the credentials never reach another host' };
  }
  return { action: 'return', why: status === 'network' ? 'unknown' : status < 300 ? 'success' : 'answer for the caller' };
}

/**
 * Whether sending a request a second time cannot create a second object. Creating a user, a group
 * or a group membership twice is answered with an error we resolve (login/name already exists);
 * but app labels are not unique (since 2021) and every POST of a client secret adds one, so a
 * create-app or new-secret POST whose answer was lost must not be sent again blindly: it fails,
 * and the portal phase looks the app up by label on the next run. Every reactivate sends a new
 * email and leaves the user PROVISIONED (nothing answers "already done"): a lost answer is
 * resolved from the System Log by the reminder phase, never by sending again.
 */
export function isReplaySafe(method: string, path: string): boolean {
  if (method.toUpperCase() !== 'POST') return true;
  const p = pathOnly(path);
  if (/^\/api\/v1\/apps$/.test(p)) return false;
  if (/^\/api\/v1\/apps\/[^/]+\/credentials\/secrets$/.test(p)) return false;
  if (/^\/api\/v1\/users\/[^/]+\/lifecycle\/reactivate$/.test(p)) return false;
  return true;
}

export function maxAttemptsFor(rule: RetryRule, configured: number): number {
  if (rule.action !== 'retry') return 1;
  return rule.attempts === 'config' ? configured : Math.max(rule.attempts, configured);
}
