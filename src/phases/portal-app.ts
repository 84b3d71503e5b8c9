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
export async function recoverSecret(okta: OktaGateway, appId: string, wanted: OidcAppInput, shown: string | null): Promise<string | null> {
  // With two active secrets (a rotation died half-way) Okta's answer could be either: issue a new one.
  const active = (await okta.listClientSecrets(appId)).filter((x) => x.status === 'ACTIVE');
  if (active.length !== 1) return null;
  return shown ?? (await okta.updateOidcApp(appId, wanted)).clientSecret;
}

export interface IssuedSecret {
  id: string;
  value: string;
}

/**
 * Makes Okta issue a new client secret (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/):
 * an app holds at most two, so inactive ones are deleted first, and if two active ones remain
 * (an earlier rotation died before it cleaned up) one of them goes: neither was ever handed over.
 */
export async function issueSecret(okta: OktaGateway, appId: string): Promise<IssuedSecret> {
  let secrets = await okta.listClientSecrets(appId);
  for (const s of secrets.filter((x) => x.status === 'INACTIVE')) await okta.deleteClientSecret(appId, s.id);
  secrets = secrets.filter((x) => x.status === 'ACTIVE');
  while (secrets.length >= 2) {
    const victim = secrets.shift() as (typeof secrets)[number];
    await okta.deactivateClientSecret(appId, victim.id);
    await okta.deleteClientSecret(appId, victim.id);
  }
  const created = await okta.createClientSecret(appId);
  if (!created.secret) {
    throw new OktaCallError('SECRET_MISSING', `Okta created client secret ${created.id} for app ${appId} but did not return its value: run again with --rotate-secret`, { status: null, errorCode: null });
  }
  return { id: created.id, value: created.secret };
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
