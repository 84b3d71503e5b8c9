import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import type { Reply } from './context.js';

/**
 * Okta's org authorization server for OAuth 2.0 service apps, as far as efs-okta needs it:
 * - POST /oauth2/v1/token, client_credentials with a private_key_jwt client assertion
 *   (https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/): iss = sub =
 *   client id, aud = the token endpoint URL, signed by a key registered on the app; unknown client or
 *   bad signature → 401 invalid_client; a scope the app was not granted → 400 invalid_scope.
 * - DPoP (RFC 9449; https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/), required per
 *   app (Okta's default for new API service apps): no proof → 400 invalid_dpop_proof; a proof without
 *   the server's nonce → 400 use_dpop_nonce with a `DPoP-Nonce` header; then a DPoP-bound token.
 * - API calls: `Bearer <token>` for unbound tokens; `DPoP <token>` plus a proof whose htm, htu (the
 *   decoded path, no query), ath and key match, else 401 with `WWW-Authenticate: DPoP
 *   error="invalid_dpop_proof"` (RFC 9449 §7.1).
 */
export interface SimOAuthApp {
  clientId: string;
  /** The public key registered on the app (JWK with kty RSA or EC). */
  publicJwk: JWK;
  /** Require DPoP-bound tokens (Okta: "Require Demonstrating Proof of Possession (DPoP) header"). */
  dpop: boolean;
  scopes: string[];
}

interface IssuedToken {
  clientId: string;
  scopes: string[];
  jkt: string | null;
  expiresAt: number;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const PROOF_MAX_AGE_S = 300;
const STRUCTURAL = /(%2[Ff]|%3[Ff]|%23|%25)/;

function oauthError(status: number, error: string, description: string, headers?: Record<string, string>): Reply {
  return { status, body: { error, error_description: description }, ...(headers ? { headers } : {}) };
}

/** The request's URL as Okta compares it with a proof's htu: origin and decoded path, no query. */
function expectedHtu(url: URL): string {
  const path = url.pathname.split(STRUCTURAL).map((p, i) => {
    if (i % 2 === 1) return p.toUpperCase();
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  }).join('');
  return `${url.origin}${path}`;
}

export class SimOAuth {
  readonly apps = new Map<string, SimOAuthApp>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly usedJti = new Set<string>();
  private nonce = randomBytes(16).toString('base64url');
  /** Token requests answered, by outcome (for tests). */
  readonly answers: string[] = [];

  register(app: SimOAuthApp): void {
    this.apps.set(app.clientId, app);
  }

  reset(): void {
    this.tokens.clear();
    this.usedJti.clear();
    this.answers.length = 0;
  }

  async token(form: URLSearchParams, dpopHeader: string | undefined, url: URL, now: number): Promise<Reply> {
    const reply = await this.tokenReply(form, dpopHeader, url, now);
    this.answers.push(reply.status === 200 ? `200 ${String((reply.body as Record<string, unknown>).token_type)}` : `${reply.status} ${String((reply.body as Record<string, unknown>).error)}`);
    return reply;
  }

  private async tokenReply(form: URLSearchParams, dpopHeader: string | undefined, url: URL, now: number): Promise<Reply> {
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    const assertion = form.get('client_assertion');
    if (form.get('client_assertion_type') !== JWT_BEARER || !assertion) return oauthError(401, 'invalid_client', 'Client authentication failed: a private_key_jwt client assertion is required.');
    let clientId: string;
    try {
      clientId = String(decodeJwt(assertion).iss ?? '');
    } catch {
      return oauthError(401, 'invalid_client', 'The client_assertion is not a JWT.');
    }
    const app = this.apps.get(clientId);
    if (!app) return oauthError(401, 'invalid_client', 'The client_assertion names an unknown client.');
    const aud = `${url.origin}/oauth2/v1/token`;
    try {
      const key = await importJWK(app.publicJwk, app.publicJwk.alg ?? (app.publicJwk.kty === 'EC' ? 'ES256' : 'RS256'));
      await jwtVerify(assertion, key, { issuer: clientId, subject: clientId, audience: aud, currentDate: new Date(now) });
    } catch {
      return oauthError(401, 'invalid_client', 'The client_assertion signature is invalid.');
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const missing = scopes.filter((s) => !app.scopes.includes(s));
    if (scopes.length === 0 || missing.length > 0) return oauthError(400, 'invalid_scope', `The following scopes are not allowed: ${missing.join(' ') || '(none requested)'}`);
    let jkt: string | null = null;
    if (app.dpop) {
      if (!dpopHeader) return oauthError(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
      const proof = await this.checkProof(dpopHeader, 'POST', aud, null, now);
      if ('problem' in proof) return oauthError(400, 'invalid_dpop_proof', proof.problem);
      if (proof.nonce !== this.nonce) {
        return oauthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', { 'DPoP-Nonce': this.nonce });
      }
      jkt = proof.jkt;
    }
    const access = randomBytes(32).toString('base64url');
    this.tokens.set(access, { clientId, scopes, jkt, expiresAt: now + 3_600_000 });
    return { status: 200, body: { token_type: jkt ? 'DPoP' : 'Bearer', expires_in: 3600, access_token: access, scope: scopes.join(' ') } };
  }

  /**
   * The client of an API call, or the 401 to answer. `key` identifies the caller for the per-token
   * share of the rate limits.
   */
  async authenticate(authorization: string, dpopHeader: string | undefined, method: string, url: URL, now: number): Promise<{ key: string } | { reply: Reply }> {
    const m = /^(Bearer|DPoP)\s+(\S+)$/i.exec(authorization.trim());
    const t = m ? this.tokens.get(m[2] as string) : undefined;
    const invalid = (error: string, description: string): { reply: Reply } => ({
      reply: {
        status: 401,
        body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorId: 'oauth', errorCauses: [] },
        headers: { 'WWW-Authenticate': `${m?.[1] ?? 'Bearer'} error="${error}", error_description="${description}"` },
      },
    });
    if (!m || !t || t.expiresAt <= now) return invalid('invalid_token', 'The access token is invalid.');
    const scheme = (m[1] as string).toLowerCase();
    if (t.jkt === null) return scheme === 'bearer' ? { key: `oauth:${t.clientId}` } : invalid('invalid_token', 'The access token is not DPoP-bound.');
    if (scheme !== 'dpop') return invalid('invalid_token', 'A DPoP-bound access token must be sent with the DPoP scheme.');
    if (!dpopHeader) return invalid('invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
    const proof = await this.checkProof(dpopHeader, method, expectedHtu(url), m[2] as string, now);
    if ('problem' in proof) return invalid('invalid_dpop_proof', proof.problem);
    if (proof.jkt !== t.jkt) return invalid('invalid_dpop_proof', 'The DPoP proof key does not match the access token.');
    return { key: `oauth:${t.clientId}` };
  }

  private async checkProof(proof: string, method: string, htu: string, accessToken: string | null, now: number): Promise<{ jkt: string; nonce: string | null } | { problem: string }> {
    try {
      const header = decodeProtectedHeader(proof);
      if (header.typ !== 'dpop+jwt' || !header.jwk || typeof header.alg !== 'string') return { problem: 'The DPoP proof must have typ dpop+jwt and carry its public jwk.' };
      const key = await importJWK(header.jwk, header.alg);
      const { payload } = await jwtVerify(proof, key, { typ: 'dpop+jwt', currentDate: new Date(now) });
      if (payload.htm !== method) return { problem: `DPoP proof htm ${String(payload.htm)} does not match ${method}.` };
      if (payload.htu !== htu) return { problem: `DPoP proof htu does not match the request URL.` };
      if (typeof payload.iat !== 'number' || Math.abs(now / 1000 - payload.iat) > PROOF_MAX_AGE_S) return { problem: 'The DPoP proof iat is out of range.' };
      if (typeof payload.jti !== 'string' || this.usedJti.has(payload.jti)) return { problem: 'The DPoP proof jti is missing or was used before.' };
      if (accessToken !== null) {
        const ath = createHash('sha256').update(accessToken).digest('base64url');
        if (payload.ath !== ath) return { problem: 'The DPoP proof ath does not match the access token.' };
      }
      this.usedJti.add(payload.jti);
      return { jkt: await calculateJwkThumbprint(header.jwk), nonce: typeof payload.nonce === 'string' ? payload.nonce : null };
    } catch (e) {
      return { problem: `The DPoP proof is invalid (${e instanceof Error ? e.message : 'unreadable'}).` };
    }
  }
}
