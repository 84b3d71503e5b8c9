import { AuthError, EfsOktaError, JournalError, OktaCallError, OktaUnreachableError } from '../core/errors.js';

/** Errors that end the whole run (credentials, permissions, an unreachable org, a broken journal): never per-record. */
export function isFatal(err: unknown): boolean {
  return err instanceof AuthError || err instanceof JournalError || err instanceof OktaUnreachableError;
}

/** The code a record's failure is filed under: Okta's errorCode, the HTTP status, or our error's code. */
export function failureCode(err: unknown): string {
  return err instanceof OktaCallError ? (err.errorCode ?? `HTTP_${err.status ?? 'NETWORK'}`) : err instanceof EfsOktaError ? err.code : 'UNEXPECTED';
}
