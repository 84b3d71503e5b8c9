import type { UserKind } from '../core/types.js';
import type { Journal } from '../journal/types.js';
import type { OktaGateway } from '../okta/types.js';

/** The Okta group name of an installation's users of one kind (config `groups.<kind>` overrides). */
export function groupName(installation: string, kind: UserKind, override?: string): string {
  return override ?? `EFS ${installation} ${kind === 'admin' ? 'admins' : 'panelists'}`;
}

/**
 * Makes sure each kind has its Okta group and the journal knows its id. A group found by its exact
 * name is reused (a crash between Okta's answer and the journal write leaves it behind); `created`
 * records whether this journal made it, so rollback deletes only what it created.
 */
export async function ensureGroups(
  deps: { journal: Journal; okta: OktaGateway; now: () => number },
  installation: string,
  kinds: UserKind[],
  names: Partial<Record<UserKind, string>>,
): Promise<Map<UserKind, string>> {
  const ids = new Map<UserKind, string>();
  for (const kind of kinds) {
    const name = groupName(installation, kind, names[kind]);
    const known = deps.journal.group(kind);
    if (known && known.name === name) {
      ids.set(kind, known.oktaId);
      continue;
    }
    const found = await deps.okta.findGroupByName(name);
    if (found) {
      const createdBefore = found.description?.includes(`efs-okta installation ${installation}`) ?? false;
      deps.journal.setGroup(kind, { name, oktaId: found.id, created: createdBefore }, deps.now());
      ids.set(kind, found.id);
      continue;
    }
    const group = await deps.okta.createGroup(name, `EFS ${kind}s of efs-okta installation ${installation}`);
    deps.journal.setGroup(kind, { name, oktaId: group.id, created: true }, deps.now());
    ids.set(kind, group.id);
  }
  return ids;
}
