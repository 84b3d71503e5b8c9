import { OktaCallError } from '../core/errors.js';
import type { ErrorInfo } from './governor.js';
import type { HeaderSource } from './rate-headers.js';

/**
 * Okta's answer to a call that failed, read once, where the executor reads the response: the
 * governor decides retries from it and call.ts matches it against an operation's outcome table.
 * Okta's error body is `{errorCode, errorSummary, errorLink, errorId, errorCauses}` and only
 * errorCode is meant for flow control (https://developer.okta.com/docs/reference/error-codes/);
 * the token endpoint answers RFC 6749 `{error, error_description}` instead.
 */
export interface FailedAnswer {
  status: number;
  errorCode: string | null;
  errorSummary: string | null;
  /** errorCauses[].errorSummary, e.g. "login: An object with this field already exists in the current organization". */
  causes: string[];
  /** X-Okta-Request-Id (else the body's errorId): what Okta support asks for. */
  requestId: string | null;
}

/** The part of a node-fetch Response the parse reads. */
export interface ReadableAnswer {
  status: number;
  headers: HeaderSource;
  text(): Promise<string>;
}

/**
 * The executor's answer to the SDK for a failed call: the SDK passes it through to the caller as
 * it is. Its message names the answer, never the URL (a path may hold a login) or a header.
 */
export class OktaAnswerError extends OktaCallError {
  readonly answer: FailedAnswer;

  constructor(answer: FailedAnswer) {
    super('OKTA_ERROR', describeAnswer(answer), { status: answer.status, errorCode: answer.errorCode }, {
      context: { requestId: answer.requestId },
    });
    this.answer = answer;
  }
}

/** "Okta answered 400 E0000001 (Api validation failed: login): login: An object with this field already exists". */
export function describeAnswer(a: FailedAnswer): string {
  const causes = a.causes.length > 0 ? `: ${a.causes.join('; ')}` : '';
  return `Okta answered ${a.status}${a.errorCode ? ` ${a.errorCode}` : ''} (${a.errorSummary || `HTTP ${a.status}`})${causes}`;
}

/** What the governor's retry table needs of the answer. */
export function errorInfo(a: FailedAnswer): ErrorInfo | null {
  return a.errorCode === null && a.errorSummary === null ? null : { code: a.errorCode, summary: a.errorSummary };
}

/** Reads the failed answer's body (a body that is not JSON leaves the Okta fields empty). */
export async function readFailedAnswer(res: ReadableAnswer): Promise<FailedAnswer> {
  const answer: FailedAnswer = {
    status: res.status, errorCode: null, errorSummary: null, causes: [], requestId: res.headers.get('x-okta-request-id'),
  };
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await res.text());
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = {};
  }
  answer.errorCode = text(body.errorCode) ?? text(body.error);
  answer.errorSummary = text(body.errorSummary) ?? text(body.error_description);
  answer.causes = Array.isArray(body.errorCauses) ? body.errorCauses.map(causeText).filter((s) => s.length > 0) : [];
  answer.requestId ??= text(body.errorId);
  // RFC 9449 §7.1 / RFC 6750 §3: a resource server names a DPoP or token problem in WWW-Authenticate.
  const challenge = /error="([^"]+)"(?:.*error_description="([^"]*)")?/.exec(res.headers.get('www-authenticate') ?? '');
  if (challenge) {
    answer.errorCode = challenge[1] as string;
    answer.errorSummary = challenge[2] ?? null;
  }
  return answer;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  return typeof v === 'number' ? String(v) : null;
}

function causeText(c: unknown): string {
  return typeof c === 'object' && c !== null ? String((c as { errorSummary?: unknown }).errorSummary ?? '') : String(c);
}
