import { createHash } from 'node:crypto';
import type { OktaCredentials } from './client.js';

/**
 * Which token (or OAuth service app) a run uses, as the shared rate budget names it: Okta limits
 * each one to its own share of a bucket (https://developer.okta.com/docs/reference/rl2-token-oauth/).
 * An API token is named by a short SHA-256 fingerprint, so the ledger and Redis never hold it; an
 * OAuth app by its client id, which is not a secret.
 */
export function principalOf(credentials: OktaCredentials): string {
  if (credentials.mode === 'oauth') return `oauth:${credentials.clientId}`;
  return `ssws:${createHash('sha256').update(credentials.token).digest('hex').slice(0, 16)}`;
}
