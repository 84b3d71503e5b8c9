import type { UserKind, UserState } from '../core/types.js';
import type { GroupRegistry, RecordReader } from '../journal/contracts.js';
import type { JournalRow } from '../journal/types.js';
import type { OktaGateway, OktaUser, OktaUserStatus } from '../okta/types.js';
import { profileOf } from './outcome.js';

/**
 * Reconciles the journal with Okta: pages through the installation's groups (one list call per 200
 * members, not one call per user) and looks up by id only what the groups did not show.
 */
export type DifferenceType = 'missing_in_okta' | 'not_in_group' | 'unexpected_status' | 'profile_drift' | 'not_in_journal' | 'activation_link_lost';

export interface Difference {
  type: DifferenceType;
  kind: UserKind | null;
  key: string | null;
  login: string | null;
  oktaId: string;
  expected: string;
  actual: string;
}

export interface VerifyResult {
  checked: number;
  groupMembers: number;
  /** The journal says PROVISIONED, Okta says they set a password since: progress, not a difference (`users refresh` records it). */
  passwordSetSinceRefresh: number;
  differences: Difference[];
}

const TRACKED: UserState[] = ['staged', 'activating', 'provisioned', 'active', 'linked'];
const PAGE = 500;
/** Okta statuses of a user who has set a password (PROVISIONED: emailed, no password yet). */
const PASSWORD_SET: OktaUserStatus[] = ['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED'];
const WAITING: OktaUserStatus[] = ['PROVISIONED', 'RECOVERY'];

function statusMatches(state: string, status: OktaUserStatus): boolean {
  if (state === 'staged') return status === 'STAGED';
  if (state === 'provisioned') return WAITING.includes(status);
  if (state === 'active') return PASSWORD_SET.includes(status) || status === 'RECOVERY';
  if (state === 'activating') return status === 'STAGED' || WAITING.includes(status) || PASSWORD_SET.includes(status);
  return status !== 'DEPROVISIONED';
}

function drift(row: JournalRow, user: OktaUser): string[] {
  const want = profileOf(row);
  const fields: (keyof typeof want)[] = ['login', 'email', 'firstName', 'lastName'];
  return fields.filter((f) => (want[f] ?? null) !== (user.profile[f] ?? null)).map(String);
}

/**
 * The tracked rows a page at a time: a journal iterator must not stay open across an Okta call
 * (the activity log writes to the same SQLite connection meanwhile, which SQLite refuses).
 */
async function* trackedRows(journal: RecordReader, kinds: UserKind[]): AsyncGenerator<JournalRow> {
  let after: { kind: string; key: string } | null = null;
  for (;;) {
    const rows = journal.page({ kinds, states: TRACKED }, after, PAGE);
    if (rows.length === 0) return;
    yield* rows;
    const last = rows[rows.length - 1] as JournalRow;
    after = { kind: last.kind, key: last.key };
  }
}

export async function verifyUsers(deps: { journal: RecordReader & GroupRegistry; okta: OktaGateway }, kinds: UserKind[] = ['admin', 'panelist']): Promise<VerifyResult> {
  const { journal, okta } = deps;
  const members = new Map<string, { user: OktaUser; groups: Set<UserKind> }>();
  for (const kind of kinds) {
    const group = journal.group(kind);
    if (!group) continue;
    for await (const user of okta.listGroupMembers(group.oktaId)) {
      const entry = members.get(user.id) ?? { user, groups: new Set<UserKind>() };
      entry.groups.add(kind);
      members.set(user.id, entry);
    }
  }
  const differences: Difference[] = [];
  const known = new Set<string>();
  let checked = 0;
  let passwordSetSinceRefresh = 0;
  for await (const row of trackedRows(journal, kinds)) {
    if (!row.oktaId) continue;
    known.add(row.oktaId);
    checked++;
    const base = { kind: row.kind as UserKind, key: row.key, login: row.login, oktaId: row.oktaId };
    let entry = members.get(row.oktaId);
    let user = entry?.user ?? null;
    const wantGroups = row.groups.length ? row.groups : [row.kind as UserKind];
    if (!entry) {
      user = await okta.getUser(row.oktaId);
      if (!user) {
        differences.push({ ...base, type: 'missing_in_okta', expected: row.state, actual: 'no such user' });
        continue;
      }
    }
    const missingGroups = wantGroups.filter((g) => kinds.includes(g) && journal.group(g) && !entry?.groups.has(g));
    if (missingGroups.length) differences.push({ ...base, type: 'not_in_group', expected: missingGroups.join(','), actual: [...(entry?.groups ?? [])].join(',') || 'none' });
    const u = user as OktaUser;
    if (row.state === 'provisioned' && PASSWORD_SET.includes(u.status)) passwordSetSinceRefresh++;
    else if (!statusMatches(row.state, u.status)) differences.push({ ...base, type: 'unexpected_status', expected: row.state, actual: u.status });
    // A --no-email activation that Okta carried out but whose link never reached the links file:
    // the user cannot sign in and nobody has the link. `users activate` issues a new one.
    if (row.state === 'activating' && row.activation === 'link' && u.status === 'PROVISIONED') {
      differences.push({ ...base, type: 'activation_link_lost', expected: 'activation link in a links file', actual: 'PROVISIONED, link lost: run "efs-okta users activate" to issue a new one' });
    }
    if (row.ours && !row.dirty) {
      const fields = drift(row, u);
      if (fields.length) differences.push({ ...base, type: 'profile_drift', expected: fields.map((f) => `${f}=${String(profileOf(row)[f])}`).join('; '), actual: fields.map((f) => `${f}=${String(u.profile[f])}`).join('; ') });
    }
    entry = undefined;
  }
  for (const [id, m] of members) {
    // Users of removed or deactivated records are still in the groups (Okta keeps a DEPROVISIONED
    // user's memberships): the journal knows them; the sync reports them, not verify.
    if (!known.has(id) && !journal.findByOktaId(id).some((r) => r.state !== 'deleted')) differences.push({ type: 'not_in_journal', kind: null, key: null, login: m.user.profile.login, oktaId: id, expected: 'not in the groups', actual: `member of ${[...m.groups].join(',')}` });
  }
  return { checked, groupMembers: members.size, passwordSetSinceRefresh, differences };
}
