import { describeError, isEfsOktaError, OktaCallError } from '../core/errors.js';

/**
 * Mapping of what the SDK throws. Non-retryable error answers reach the SDK as they are and it
 * throws OktaApiError {status, errorCode, errorSummary, errorCauses} (HttpError when the body is not
 * JSON); our executor throws AuthError/OktaCallError itself. Only errorCode drives decisions:
 * https://developer.okta.com/docs/reference/error-codes/
 */
export interface ApiFailure {
  status: number;
  errorCode: string | null;
  summary: string;
  causes: string[];
}

export function apiFailure(err: unknown): ApiFailure | null {
  if (typeof err !== 'object' || err === null || isEfsOktaError(err)) return null;
  const e = err as { status?: unknown; errorCode?: unknown; errorSummary?: unknown; errorCauses?: unknown; name?: unknown };
  if (typeof e.status !== 'number') return null;
  const causes = Array.isArray(e.errorCauses)
    ? e.errorCauses.map((c) => (typeof c === 'object' && c !== null ? String((c as { errorSummary?: unknown }).errorSummary ?? '') : String(c))).filter((s) => s.length > 0)
    : [];
  return {
    status: e.status,
    errorCode: typeof e.errorCode === 'string' ? e.errorCode : typeof e.errorCode === 'number' ? String(e.errorCode) : null,
    summary: typeof e.errorSummary === 'string' ? e.errorSummary : `HTTP ${e.status}`,
    causes,
  };
}

export function isNotFound(err: unknown): boolean {
  const f = apiFailure(err);
  return f !== null && f.status === 404;
}

export function hasCode(err: unknown, ...codes: string[]): ApiFailure | null {
  const f = apiFailure(err);
  return f !== null && f.errorCode !== null && codes.includes(f.errorCode) ? f : null;
}

/** "login: An object with this field already exists in the current organization". */
export function isAlreadyExists(f: ApiFailure): boolean {
  return f.errorCode === 'E0000001' && f.causes.some((c) => /already exists/i.test(c));
}

/**
 * Anything not handled by the caller: our own errors pass through; an Okta answer becomes
 * OktaCallError naming the operation (never a URL: it may hold a login).
 */
export function unexpected(err: unknown, op: string): Error {
  if (isEfsOktaError(err)) return err;
  const f = apiFailure(err);
  if (f) {
    const causes = f.causes.length ? `: ${f.causes.join('; ')}` : '';
    return new OktaCallError('OKTA_ERROR', `${op}: Okta answered ${f.status}${f.errorCode ? ` ${f.errorCode}` : ''} (${f.summary})${causes}`, {
      status: f.status,
      errorCode: f.errorCode,
    }, { cause: err });
  }
  return new OktaCallError('OKTA_CALL_FAILED', `${op}: ${describeError(err).replace(/https?:\/\/\S+/g, '<url>')}`, { status: null, errorCode: null }, { cause: err });
}
