import { SimApiError } from './errors.js';
import type { UserRec } from './store/users.js';

/**
 * Activation links and what a user does with them.
 *
 * - A link works once and expires after the org's lifetime: 7 days by default, 8 hours to 180 days
 *   as the admin sets it (https://help.okta.com/en-us/content/topics/security/security_general.htm,
 *   "Activation emails are valid for"). A new link (reactivate) replaces the old one: only the
 *   latest token of a user works (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/reactivateUser:
 *   "restarts the activation workflow").
 * - A spent, replaced or expired token is refused the way Okta's Authentication API refuses an
 *   invalid activation token: 401 E0000004 "Authentication failed"
 *   (https://developer.okta.com/docs/reference/api/authn/#primary-authentication-with-activation-token).
 * - Email limits apply per recipient: "no more than 30 emails per recipient, per minute" for some
 *   email types (https://developer.okta.com/docs/reference/rl2-limits/, "Email, SMS, and call rate
 *   limits"). Emails over the limit are not delivered; the API call still succeeds.
 */
export const DEFAULT_LINK_LIFETIME_MS = 7 * 86_400_000;
export const EMAILS_PER_RECIPIENT_PER_MINUTE = 30;

interface TokenRec {
  userId: string;
  issuedAt: number;
  expiresAt: number;
  spent: boolean;
}

export const authFailed = (): SimApiError => new SimApiError(401, 'E0000004', 'Authentication failed');

export class ActivationTokens {
  private byToken = new Map<string, TokenRec>();
  private latest = new Map<string, string>();

  constructor(public lifetimeMs: number = DEFAULT_LINK_LIFETIME_MS) {}

  issue(token: string, userId: string, now: number): void {
    const previous = this.latest.get(userId);
    if (previous) this.byToken.delete(previous);
    this.byToken.set(token, { userId, issuedAt: now, expiresAt: now + this.lifetimeMs, spent: false });
    this.latest.set(userId, token);
  }

  /** The user a valid token belongs to, spending it; E0000004 for an unknown, spent, replaced or expired one. */
  spend(token: string, now: number): string {
    const rec = this.byToken.get(token);
    if (!rec || rec.spent || now >= rec.expiresAt) throw authFailed();
    rec.spent = true;
    return rec.userId;
  }

  clear(): void {
    this.byToken.clear();
    this.latest.clear();
  }
}

/** Recent email times per recipient, to apply Okta's per-recipient limit. */
export class RecipientLimit {
  private sent = new Map<string, number[]>();
  suppressed = 0;

  constructor(public perMinute: number = EMAILS_PER_RECIPIENT_PER_MINUTE) {}

  /** True when an email to `to` may go out now (and counts it). */
  allow(to: string, now: number): boolean {
    const key = to.toLowerCase();
    const recent = (this.sent.get(key) ?? []).filter((t) => t > now - 60_000);
    if (this.perMinute > 0 && recent.length >= this.perMinute) {
      this.sent.set(key, recent);
      this.suppressed++;
      return false;
    }
    recent.push(now);
    this.sent.set(key, recent);
    return true;
  }

  clear(): void {
    this.sent.clear();
    this.suppressed = 0;
  }
}

/**
 * The user follows the link and sets a password: PROVISIONED (or RECOVERY) → ACTIVE, token spent.
 * The password itself is never kept (the simulator stores only that there is one).
 */
export function completeActivation(user: UserRec, now: number): void {
  if (user.status !== 'PROVISIONED' && user.status !== 'RECOVERY') throw authFailed();
  user.status = 'ACTIVE';
  user.statusChanged = now;
  user.lastUpdated = now;
  user.passwordChanged = now;
  user.credential = 'password';
  user.activated ??= now;
}

/** A sign-in with the password: only an ACTIVE user can; Okta records lastLogin. */
export function signIn(user: UserRec, now: number): void {
  if (user.status !== 'ACTIVE') throw authFailed();
  user.lastLogin = now;
}
