import { EfsOktaError, OktaCallError } from '../core/errors.js';
import type { OidcApp, OidcAppInput, OktaGateway } from '../okta/types.js';

/**
 * The Okta side of one portal: finding its app again, and issuing a client secret. Kept apart from
 * the phase so the rules that prevent a second app for one portal are in one place.
 */

/** Two or more apps carry the exact label of one portal: a person must pick one (we never guess). */
export class AmbiguousAppError extends EfsOktaError {
  override readonly exitCode = 1;
}

/**
 * The app whose label is exactly `label`, or null. Okta's `q=` is a case-insensitive prefix match
 * on name and label, and labels have not been unique since 2021
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/#tag/Application/operation/listApplications),
 * so the exact comparison is ours.
 */
export async function findAppByExactLabel(okta: OktaGateway, label: string): Promise<OidcApp | null> {
  const matches = (await okta.findAppsByLabelPrefix(label)).filter((a) => a.label === label);
  if (matches.length > 1) {
    throw new AmbiguousAppError(
      'APP_AMBIGUOUS',
      `${matches.length} Okta apps are labelled exactly "${label}" (${matches.map((a) => a.id).join(', ')}): ` +
        'deactivate and delete the ones the portal does not use, then run again',
      { context: { label, apps: matches.map((a) => a.id).join(',') } },
    );
  }
  return matches[0] ?? null;
}

/**
 * The portal's app: by the id the journal knows, else by the labels it may carry (the wanted one,
 * and the one the journal last saw, in case the portal was renamed before a crash).
 */
export async function locateApp(okta: OktaGateway, knownId: string | null, labels: string[]): Promise<{ app: OidcApp | null; goneId: string | null }> {
  let goneId: string | null = null;
  if (knownId) {
    const app = await okta.getApp(knownId);
    if (app) return { app, goneId: null };
    goneId = knownId;
  }
  for (const label of [...new Set(labels)]) {
    const app = await findAppByExactLabel(okta, label);
    if (app) return { app, goneId };
  }
  return { app: null, goneId };
}

/**
 * May a failed create have reached Okta? Only a definite answer from Okta (a 4xx other than 429)
 * says it did not; a dropped connection, a timeout or a 5xx leaves it open, so the caller looks the
 * label up before anything is created again.
 */
export function createOutcomeUnknown(err: unknown): boolean {
  if (err instanceof OktaCallError) return err.status === null || err.status >= 500 || err.status === 429;
  return !(err instanceof EfsOktaError);
}

/**
 * The app's current client secret without rotating it: Okta answers an update (PUT) with it —
 * "The client_secret is only shown when an OAuth 2.0 client app is created or updated (and only if
 * the token_endpoint_auth_method requires a client secret)" (Okta Management OpenAPI,
 * ApplicationCredentialsOAuthClient.client_secret). Used after a crash between the app's create and
 * the hand-over, when the app has exactly one active secret (`shown`: what an update of this run
 * already answered); null when Okta does not show it, and the caller issues a new one.
 */
export async function recoverSecret(okta: OktaGateway, appId: string, wanted: OidcAppInput, shown: string | null): Promise<IssuedSecret | null> {
  // With two active secrets (a rotation died half-way) Okta's answer could be either: issue a new one.
  const active = (await okta.listClientSecrets(appId)).filter((x) => x.status === 'ACTIVE');
  const only = active.length === 1 ? active[0] : undefined;
  if (!only) return null;
  const value = shown ?? (await okta.updateOidcApp(appId, wanted)).clientSecret;
  return value ? { id: only.id, value } : null;
}

export interface IssuedSecret {
  id: string;
  value: string;
}

/**
 * Makes Okta issue a new client secret (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/:
 * POST /api/v1/apps/{appId}/credentials/secrets; an app holds at most two secrets, and only an
 * INACTIVE one can be deleted: POST …/secrets/{secretId}/lifecycle/deactivate, then DELETE).
 * Room is made only with secrets nobody was handed: `onFileId`, the secret in the credentials file
 * (the one the portal uses), is never deactivated or deleted here. It goes in `retireOtherSecrets`,
 * once its replacement is on file. A second ACTIVE secret other than the one on file was issued by
 * a call whose answer was lost; when the file does not say which secret is in use, nothing ACTIVE
 * is removed and the operator is told what to do.
 */
export async function issueSecret(okta: OktaGateway, appId: string, onFileId: string | null): Promise<IssuedSecret> {
  let secrets = await okta.listClientSecrets(appId);
  for (const s of secrets.filter((x) => x.status === 'INACTIVE' && x.id !== onFileId)) await okta.deleteClientSecret(appId, s.id);
  secrets = secrets.filter((x) => x.status === 'ACTIVE' || x.id === onFileId);
  while (secrets.length >= 2) {
    const known = onFileId !== null && secrets.some((s) => s.id === onFileId);
    const victim = secrets.find((s) => s.id !== onFileId);
    if (!known || !victim) {
      throw new OktaCallError(
        'SECRET_IN_USE_UNKNOWN',
        `the Okta app ${appId} already has two client secrets and the credentials file does not say which one the portal uses, so neither is removed: ` +
          'in the Okta Admin Console (Applications › the app › General › Client secrets) deactivate and delete the one the portal does not use, then run again',
        { status: null, errorCode: null },
      );
    }
    await okta.deactivateClientSecret(appId, victim.id);
    await okta.deleteClientSecret(appId, victim.id);
    secrets = secrets.filter((s) => s !== victim);
  }
  const created = await okta.createClientSecret(appId);
  if (!created.secret) {
    throw new OktaCallError('SECRET_MISSING', `Okta created client secret ${created.id} for app ${appId} but did not return its value: run again with --rotate-secret`, { status: null, errorCode: null });
  }
  return { id: created.id, value: created.secret };
}

/** The id of the app's only secret (just after it was created with the app), or null. */
export async function soleSecretId(okta: OktaGateway, appId: string): Promise<string | null> {
  const secrets = await okta.listClientSecrets(appId);
  return secrets.length === 1 ? (secrets[0]?.id ?? null) : null;
}

/** Deactivates and deletes every secret of the app but `keepId` (after the new one was handed over). */
export async function retireOtherSecrets(okta: OktaGateway, appId: string, keepId: string): Promise<number> {
  let retired = 0;
  for (const s of await okta.listClientSecrets(appId)) {
    if (s.id === keepId) continue;
    if (s.status === 'ACTIVE') await okta.deactivateClientSecret(appId, s.id);
    await okta.deleteClientSecret(appId, s.id);
    retired++;
  }
  return retired;
}
