import { createHash } from 'node:crypto';
import { RequestExecutor } from '@okta/okta-sdk-nodejs';
import { OktaCallError } from '../core/errors.js';
import { templatePath } from './buckets.js';
import { errorInfo, OktaAnswerError, readFailedAnswer, type FailedAnswer } from './answer.js';
import type { GovernedRequest, Governor } from './governor.js';
import type { OAuthTokenProvider, TokenRequest } from './oauth-token.js';
import type { HeaderSource } from './rate-headers.js';

/**
 * The SDK's request executor, replaced by one that goes through our governor. The SDK's default
 * executor retries only 429s (twice, no jitter, trusting Reset: concurrency 429s stall it for
 * minutes) and nothing else; ours paces, caps concurrency and retries per retry-table.ts.
 * A failed answer is read once, here (answer.ts): the governor retries on it, and what is left
 * reaches the SDK's caller as an OktaAnswerError (the SDK passes it through), which call.ts matches
 * against the operation's outcome table. The SDK never parses an error body of ours.
 *
 * Credentials stay with the org: a request for any other origin (e.g. a `Link: rel="next"` that
 * points elsewhere) is refused before it is sent, and redirects are not followed (node-fetch
 * would follow them by default). Request headers are never logged or put in errors.
 */

/** What we use of node-fetch's Response (the SDK's types leave it untyped: @types/node-fetch is absent). */
export interface FetchResponse {
  status: number;
  headers: HeaderSource;
  clone(): FetchResponse;
  text(): Promise<string>;
}

export interface SdkRequest {
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  redirect?: string;
  timeout?: number;
  [key: string]: unknown;
}

export interface GovernedExecutorOptions {
  governor: Governor;
  orgUrl: string;
  /** Per-request timeout (ms) from sending to the answer's headers; a timeout is retried. */
  timeoutMs?: number;
}

export class GovernedRequestExecutor extends RequestExecutor {
  readonly governor: Governor;
  private readonly origin: string;
  private readonly timeoutMs: number;
  /** Fingerprints of OAuth access tokens that have worked (never the tokens themselves). */
  private readonly workedTokens = new Set<string>();
  private tokens: OAuthTokenProvider | null = null;

  constructor(options: GovernedExecutorOptions) {
    super();
    this.governor = options.governor;
    this.origin = new URL(options.orgUrl).origin;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  override fetch(request: Parameters<RequestExecutor['fetch']>[0]): ReturnType<RequestExecutor['fetch']> {
    return this.governed(request as SdkRequest) as ReturnType<RequestExecutor['fetch']>;
  }

  /** An OAuth service app's tokens: from now on every request carries its token (and DPoP proof). */
  useTokenProvider(provider: OAuthTokenProvider): void {
    this.tokens = provider;
  }

  get hasTokenProvider(): boolean {
    return this.tokens !== null;
  }

  /** A token endpoint request: governed (rate, retries), sent as it is, without an access token. */
  async sendTokenRequest(req: TokenRequest): Promise<FetchResponse> {
    const request: SdkRequest = { ...req, redirect: 'manual', timeout: this.timeoutMs };
    // The token provider reads the answer's body itself (an access token, or an RFC 6749 error).
    const { res } = await this.exchange({ method: req.method, url: req.url }, () => super.fetch(request as Parameters<RequestExecutor['fetch']>[0]) as Promise<FetchResponse>, true);
    return res;
  }

  /**
   * One request through the governor. A failed answer's body is parsed once, for both the
   * governor's retry table and the caller; `keepBody`: parse a copy, the caller reads the body too.
   */
  private async exchange(req: GovernedRequest, send: () => Promise<FetchResponse>, keepBody = false): Promise<{ res: FetchResponse; failure: FailedAnswer | null }> {
    const read: { last: FailedAnswer | null } = { last: null };
    const res = await this.governor.run(req, send, async (answer) => {
      read.last = await readFailedAnswer(keepBody ? answer.clone() : answer);
      return errorInfo(read.last);
    });
    if (res.status < 400) return { res, failure: null };
    return { res, failure: read.last ?? { status: res.status, errorCode: null, errorSummary: null, causes: [], requestId: res.headers.get('x-okta-request-id') } };
  }

  private async governed(request: SdkRequest): Promise<FetchResponse> {
    const url = request.url ?? '';
    const method = (request.method ?? 'GET').toUpperCase();
    let origin: string | null = null;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = null;
    }
    if (origin !== this.origin) {
      throw new OktaCallError(
        'OKTA_FOREIGN_HOST',
        `refused to send ${method} ${templatePath(url)} to ${origin ?? 'an invalid URL'}: credentials go only to okta.orgUrl (${this.origin})`,
        { status: null, errorCode: null },
      );
    }
    request.redirect = 'manual';
    request.timeout = this.timeoutMs;
    if (this.tokens) return this.withAccessToken(this.tokens, request, method, url);
    const auth = headerValue(request.headers, 'authorization');
    const bearer = auth !== null && /^(bearer|dpop) /i.test(auth) ? fingerprint(auth) : null;
    const { res, failure } = await this.exchange(
      { method, url, authRenewable: bearer !== null && this.workedTokens.has(bearer) },
      () => super.fetch(request as Parameters<RequestExecutor['fetch']>[0]) as Promise<FetchResponse>,
    );
    // Any answer but 401 shows Okta accepted the token (a 404 or 403 is about the resource).
    if (bearer !== null && res.status !== 401) this.workedTokens.add(bearer);
    if (failure) throw new OktaAnswerError(failure);
    return res;
  }

  /**
   * A request of an OAuth service app: the token is fetched before the request is admitted (a
   * refusal stops the run as an AuthError), every attempt carries a fresh DPoP proof (a proof's
   * jti may be used once), and a 401 on a token that worked means it expired: a new one, once.
   */
  private async withAccessToken(tokens: OAuthTokenProvider, request: SdkRequest, method: string, url: string): Promise<FetchResponse> {
    for (let round = 0; ; round++) {
      const token = await tokens.ensure();
      const worked = this.workedTokens.has(fingerprint(token.value));
      const { res, failure } = await this.exchange({ method, url, authRenewable: worked && round === 0 }, async () => {
        setHeaders(request, await tokens.headersFor(token, method, url));
        return (await super.fetch(request as Parameters<RequestExecutor['fetch']>[0])) as FetchResponse;
      });
      if (res.status === 401 && worked && round === 0) {
        tokens.invalidate(token);
        continue;
      }
      if (res.status !== 401) this.workedTokens.add(fingerprint(token.value));
      if (failure) throw new OktaAnswerError(failure);
      return res;
    }
  }
}

/** Header names without case, so a header the SDK set is replaced, not doubled. */
function setHeaders(request: SdkRequest, values: Record<string, string>): void {
  const out: Record<string, string> = {};
  const names = new Set(['authorization', 'dpop', ...Object.keys(values).map((k) => k.toLowerCase())]);
  for (const [k, v] of Object.entries(request.headers ?? {})) if (!names.has(k.toLowerCase())) out[k] = v;
  request.headers = { ...out, ...values };
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | null {
  if (!headers) return null;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v);
  return null;
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}
