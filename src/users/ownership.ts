import { CLOCK_SKEW_MS } from '../core/clock.js';
import type { UserKind, UserState } from '../core/types.js';
import { profileHash } from '../journal/snapshot.js';
import type { RecordReader } from '../journal/contracts.js';
import type { JournalRow } from '../journal/types.js';
import type { OktaUser } from '../okta/types.js';

/**
 * Ownership is a recorded fact, never inferred. A user is ours when this journal recorded it so:
 * its id came back from our create (`created`), a create of ours whose answer was lost is proven to
 * be that user (`recovered`, below), or it is the user of a record of ours that left the source and
 * whose login a new source key now has (`inherited`). Membership of our groups, a matching login or
 * a record's history prove nothing: anyone with admin rights can put a user in a group.
 */


/** States of a record that still uses its Okta user: that user is never taken over by another key. */
const IN_USE: UserState[] = ['creating', 'staged', 'activating', 'active', 'updating', 'failed', 'deactivating'];

/** The hash of the profile Okta holds, comparable with the hash of what we sent. */
export function oktaProfileHash(user: OktaUser): string {
  const p = user.profile;
  return profileHash({
    login: p.login, email: p.email, firstName: p.firstName, lastName: p.lastName,
    locale: (p.locale as string | null | undefined) ?? null, preferredLanguage: (p.preferredLanguage as string | null | undefined) ?? null,
  });
}

/**
 * Is `user` (found by the record's login) the user our own create made, whose answer was lost?
 * Only for a record in `creating`: Okta created the user after we marked it (less the clock skew),
 * it is still STAGED, its profile is exactly what we sent, and it is in every group we sent.
 * Returns why not, or null when proven.
 */
export function lostCreateDisproof(row: JournalRow, user: OktaUser, userGroupIds: string[], sentGroupIds: string[]): string | null {
  if (row.state !== 'creating' || row.createMarkedAt === null) return 'no create of ours is in flight for this record';
  if (user.status !== 'STAGED') return `it is ${user.status}, our creates leave users STAGED`;
  if (typeof user.created !== 'number') return 'Okta did not say when it was created';
  if (user.created < row.createMarkedAt - CLOCK_SKEW_MS) return `it was created ${new Date(user.created).toISOString()}, before our create (${new Date(row.createMarkedAt).toISOString()})`;
  const sent = row.syncedHash ?? row.sourceHash;
  if (oktaProfileHash(user) !== sent) return 'its profile differs from what we sent';
  const missing = sentGroupIds.filter((g) => !userGroupIds.includes(g));
  if (missing.length > 0) return "it is not in the installation's groups we created it in";
  return null;
}

/** Another record of this journal that owns (recorded) the Okta user `userId`, if any. */
export function otherOwner(journal: RecordReader, userId: string, self: Pick<JournalRow, 'kind' | 'key'>): JournalRow | null {
  return journal.findByOktaId(userId).find((r) => r.ours && !(r.kind === self.kind && r.key === self.key)) ?? null;
}

/** May a new source key with the same login take over `owner`'s Okta user? Only once `owner` left the source. */
export function canInherit(owner: JournalRow, user: OktaUser): boolean {
  return !IN_USE.includes(owner.state as UserState) && owner.state !== 'deactivated' && user.status !== 'DEPROVISIONED';
}

/** The Okta group ids a record's user belongs in (two when an admin is also a panelist). */
export function sentGroupIds(row: JournalRow, groupIds: ReadonlyMap<UserKind, string>): string[] {
  return (row.groups.length ? row.groups : [row.kind as UserKind]).map((k) => groupIds.get(k)).filter((g): g is string => !!g);
}
