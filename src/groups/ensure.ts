import { ConfigError } from '../core/errors.js';
import type { UserKind } from '../core/types.js';
import type { GroupRegistry, MetaStore } from '../journal/contracts.js';
import type { OktaGateway, OktaGroup } from '../okta/types.js';
import { CLOCK_SKEW_MS } from '../core/clock.js';

/** The Okta group name of an installation's users of one kind (config `groups.<kind>` overrides). */
export function groupName(installation: string, kind: UserKind, override?: string): string {
  return override ?? `EFS ${installation} ${kind === 'admin' ? 'admins' : 'panelists'}`;
}

function groupDescription(installation: string, kind: UserKind): string {
  return `EFS ${kind}s of efs-okta installation ${installation}`;
}

/** The journal's note that a group create is in flight (meta key), so a lost answer can be proven ours. */
const markKey = (kind: UserKind): string => `group.creating.${kind}`;

/**
 * Makes sure each kind has its Okta group and the journal knows its id; `created` records whether
 * this journal made it, so rollback deletes only what it created. A group with the name that the
 * journal does not know is ours only when a create of ours was in flight for it (the mark written
 * before the call) and Okta made it after the mark with our description: a lost answer. Any other
 * group of that name is someone else's: refused, or used only with `adopt` (--adopt-groups), and
 * then never deleted; its members stay foreign (a user is ours only by our own create).
 */
export async function ensureGroups(
  deps: { journal: GroupRegistry & MetaStore; okta: OktaGateway; now: () => number },
  installation: string,
  kinds: UserKind[],
  names: Partial<Record<UserKind, string>>,
  options: { adopt?: boolean } = {},
): Promise<Map<UserKind, string>> {
  const ids = new Map<UserKind, string>();
  for (const kind of kinds) {
    const name = groupName(installation, kind, names[kind]);
    const known = deps.journal.group(kind);
    if (known && known.name === name) {
      ids.set(kind, known.oktaId);
      continue;
    }
    const description = groupDescription(installation, kind);
    const found = await deps.okta.findGroupByName(name);
    if (found) {
      const ours = isLostCreateOfOurs(deps.journal, kind, name, description, found);
      if (!ours && !options.adopt) {
        throw new ConfigError('GROUP_NOT_OURS', `Okta already has a group "${name}" (${found.id}) that this journal did not create: it may belong to someone else. Nothing was changed. Set groups.${kind} in the config to a name of this installation's own, or, if this group is meant for this installation, run "efs-okta users create --adopt-groups" (its current members stay untouched and are never adopted, and rollback never deletes the group)`, {
          context: { kind, name, groupId: found.id },
        });
      }
      deps.journal.setGroup(kind, { name, oktaId: found.id, created: ours }, deps.now());
      deps.journal.setMeta(markKey(kind), '');
      ids.set(kind, found.id);
      continue;
    }
    deps.journal.setMeta(markKey(kind), JSON.stringify({ name, at: deps.now() }));
    const group = await deps.okta.createGroup(name, description);
    deps.journal.setGroup(kind, { name, oktaId: group.id, created: true }, deps.now());
    deps.journal.setMeta(markKey(kind), '');
    ids.set(kind, group.id);
  }
  return ids;
}

function isLostCreateOfOurs(journal: MetaStore, kind: UserKind, name: string, description: string, found: OktaGroup): boolean {
  const raw = journal.meta(markKey(kind));
  if (!raw) return false;
  let mark: { name?: unknown; at?: unknown };
  try {
    mark = JSON.parse(raw) as { name?: unknown; at?: unknown };
  } catch {
    return false;
  }
  if (mark.name !== name || typeof mark.at !== 'number') return false;
  if (found.description !== description) return false;
  return typeof found.created === 'number' && found.created >= mark.at - CLOCK_SKEW_MS;
}
