import { createPrivateKey, randomUUID } from 'node:crypto';
import { importJWK, importPKCS8, SignJWT, type JWK } from 'jose';
import type { Clock } from '../core/clock.js';
import { AuthError } from '../core/errors.js';
import { DpopSigner } from './dpop.js';
import type { FetchResponse } from './executor.js';

/**
 * The access token of an OAuth 2.0 service app: client_credentials with a private_key_jwt client
 * assertion (https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/),
 * DPoP-bound when the app requires it (RFC 9449; Okta's default for new API service apps).
 * The SDK's own OAuth does not get past Okta's first `use_dpop_nonce` answer and signs `htu` with
 * `%40` left in (okta-sdk-nodejs #424, #521), so the token is made here and the executor puts it
 * on every request. Tokens and keys stay in this object: never in errors, events or files.
 *
 * Token endpoint conversation (Okta's DPoP guide):
 *   1. POST /oauth2/v1/token without a proof (dpop: auto) → a Bearer token, or 400
 *      invalid_dpop_proof when the app requires DPoP;
 *   2. with a proof → 400 use_dpop_nonce and a `DPoP-Nonce` header;
 *   3. with a proof carrying that nonce → a DPoP token.
 * Any other refusal stops the run with what to fix.
 */
export type DpopMode = 'auto' | 'always' | 'never';

export interface TokenRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface OAuthTokenOptions {
  orgUrl: string;
  clientId: string;
  privateKeyPem: string;
  keyId: string | null;
  scopes: string[];
  dpop: DpopMode;
  clock: Clock;
  /** Sends a token request (through the governor, without an Authorization header). */
  send: (req: TokenRequest) => Promise<FetchResponse>;
  /** Stops every other request of the run with the same error. */
  stop: (err: AuthError) => void;
}

export interface Token {
  value: string;
  dpop: boolean;
  expiresAt: number;
}

const EARLY_RENEWAL_MS = 60_000;

export class OAuthTokenProvider {
  private token: Token | null = null;
  private pending: Promise<Token> | null = null;
  private signer: DpopSigner | null = null;
  private nonce: string | null = null;
  private readonly tokenUrl: string;

  constructor(private readonly o: OAuthTokenOptions) {
    this.tokenUrl = `${o.orgUrl}/oauth2/v1/token`;
  }

  /** Whether the current token is DPoP-bound (known after the first token). */
  get usesDpop(): boolean {
    return this.token?.dpop ?? false;
  }

  /** The token for the next request (a new one when none is held or it is about to expire). */
  async ensure(): Promise<Token> {
    if (this.token && this.token.expiresAt - EARLY_RENEWAL_MS > this.o.clock.now()) return this.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    this.token = await this.pending;
    return this.token;
  }

  /** The Authorization (and DPoP) headers for one API request: a fresh proof every time. */
  async headersFor(token: Token, method: string, url: string): Promise<Record<string, string>> {
    if (!token.dpop) return { Authorization: `Bearer ${token.value}` };
    const signer = await this.dpopSigner();
    return { Authorization: `DPoP ${token.value}`, DPoP: await signer.proof(method, url, null, token.value) };
  }

  /** Okta said the token is no longer valid (401 on a token that worked): the next call gets a new one. */
  invalidate(token: Token): void {
    if (this.token === token) this.token = null;
  }

  private async dpopSigner(): Promise<DpopSigner> {
    this.signer ??= await DpopSigner.create();
    return this.signer;
  }

  private async fetchToken(): Promise<Token> {
    let useDpop = this.o.dpop === 'always' || this.token?.dpop === true || this.nonce !== null;
    for (let round = 0; round < 4; round++) {
      const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' };
      if (useDpop) headers.DPoP = await (await this.dpopSigner()).proof('POST', this.tokenUrl, this.nonce);
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: this.o.scopes.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await this.assertion(),
      }).toString();
      const res = await this.o.send({ url: this.tokenUrl, method: 'POST', headers, body });
      const json = await readJson(res);
      if (res.status === 200 && typeof json.access_token === 'string') {
        const dpop = String(json.token_type ?? '').toLowerCase() === 'dpop';
        const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : 3600;
        return { value: json.access_token, dpop, expiresAt: this.o.clock.now() + expiresIn * 1000 };
      }
      const error = typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
      const nonce = res.headers.get('dpop-nonce');
      if (error === 'use_dpop_nonce' && nonce && nonce !== this.nonce) {
        this.nonce = nonce;
        useDpop = true;
        continue;
      }
      if (error === 'invalid_dpop_proof' && !useDpop && this.o.dpop === 'auto') {
        useDpop = true;
        continue;
      }
      throw this.refused(error, typeof json.error_description === 'string' ? json.error_description : null, useDpop);
    }
    throw this.refused('use_dpop_nonce', 'the token endpoint kept asking for a new DPoP nonce', true);
  }

  private refused(error: string, description: string | null, usedDpop: boolean): AuthError {
    const what = `Okta's token endpoint refused service app ${this.o.clientId} (${error}${description ? `: ${description}` : ''})`;
    let fix: string;
    if (error === 'invalid_dpop_proof' || error === 'use_dpop_nonce') {
      fix = this.o.dpop === 'never'
        ? 'the app requires DPoP: remove okta.oauth.dpop: never (or turn off "Require Demonstrating Proof of Possession (DPoP) header in token requests" on the app in Okta Admin > Applications)'
        : `the DPoP proof was refused${usedDpop ? '' : ' before one was sent'}: check that this machine's clock is right (proofs carry the time), or turn off "Require DPoP" on the app in Okta Admin > Applications`;
    } else if (error === 'invalid_scope') {
      fix = 'grant okta.users.manage, okta.groups.manage and okta.apps.manage in Okta Admin > Applications > (the app) > Okta API Scopes, and list only granted scopes in okta.oauth.scopes';
    } else {
      fix = 'check okta.oauth.clientId, that the app uses "Public key / Private key" client authentication, and that the public key of okta.oauth.privateKeyFile (and okta.oauth.keyId) is registered on it';
    }
    const err = new AuthError('OKTA_OAUTH_REFUSED', `${what}: ${fix}`, { context: { errorCode: error, dpop: usedDpop } });
    this.o.stop(err);
    return err;
  }

  private async assertion(): Promise<string> {
    const { key, alg } = await signingKey(this.o.privateKeyPem);
    const now = Math.floor(this.o.clock.now() / 1000);
    const header: { alg: string; kid?: string } = { alg };
    if (this.o.keyId) header.kid = this.o.keyId;
    return new SignJWT({})
      .setProtectedHeader(header)
      .setIssuer(this.o.clientId)
      .setSubject(this.o.clientId)
      .setAudience(this.tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(key);
  }
}

/** The service app's key (PEM or JWK) and its JWS algorithm: RS256 for RSA, ES256 for P-256. */
async function signingKey(pemOrJwk: string): Promise<{ key: Parameters<SignJWT['sign']>[0]; alg: string }> {
  if (pemOrJwk.startsWith('{')) {
    const jwk = JSON.parse(pemOrJwk) as JWK;
    const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : 'RS256');
    return { key: (await importJWK(jwk, alg)) as Parameters<SignJWT['sign']>[0], alg };
  }
  const type = createPrivateKey(pemOrJwk).asymmetricKeyType;
  const alg = type === 'ec' ? 'ES256' : 'RS256';
  const pkcs8 = pemOrJwk.includes('BEGIN PRIVATE KEY') ? pemOrJwk : createPrivateKey(pemOrJwk).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key: await importPKCS8(pkcs8, alg), alg };
}

async function readJson(res: FetchResponse): Promise<Record<string, unknown>> {
  try {
    const v = JSON.parse(await res.text()) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
