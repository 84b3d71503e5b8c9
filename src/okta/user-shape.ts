import type { OktaUser, OktaUserStatus } from './types.js';

type Loose = Record<string, unknown>;

/** Okta's timestamps arrive as ISO text (the SDK may turn them into Dates): epoch ms, or null. */
export function epochMs(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

export function toOktaUser(raw: unknown): OktaUser {
  const u = (raw ?? {}) as Loose;
  const profileIn = (u.profile ?? {}) as Loose;
  const profile: Loose = {};
  for (const [k, v] of Object.entries(profileIn)) if (v !== undefined) profile[k] = v;
  // Activation is asynchronous: Okta may still show the old status with `transitioningToStatus`
  // (User model, Okta Management OpenAPI). The activation went through, so the user counts as the
  // status it is moving to; an update in that moment gets 409 E0000112, which the governor retries.
  const time = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null);
  const transitioning = typeof u.transitioningToStatus === 'string' && u.transitioningToStatus !== '' ? (u.transitioningToStatus as OktaUserStatus) : null;
  return {
    id: String(u.id ?? ''),
    status: transitioning ?? (String(u.status ?? 'STAGED') as OktaUserStatus),
    ...(transitioning ? { transitioningToStatus: transitioning } : {}),
    activated: time(u.activated),
    lastLogin: time(u.lastLogin),
    passwordChanged: time(u.passwordChanged),
    profile: {
      ...profile,
      login: String(profile.login ?? ''),
      email: String(profile.email ?? ''),
      firstName: (profile.firstName as string | null | undefined) ?? null,
      lastName: (profile.lastName as string | null | undefined) ?? null,
    },
    created: epochMs(u.created),
  };
}
