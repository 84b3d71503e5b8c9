import { REASONS } from '../../records/reasons.js';

/**
 * Plain-language explanations of the reason codes a customer sees in the report, and what they can do
 * about each state. Record reasons come from records/reasons.ts; these are the ones the journal and the
 * phases add.
 */
const MORE: Record<string, string> = {
  federated: 'signs in through their company\'s identity provider: never given an Okta password account',
  excluded: 'excluded by the installation\'s rules (status or filter)',
  inactive: 'inactive in EFS: not migrated',
  'key.duplicate': 'the same source key appears more than once in the export',
  'duplicate.same_login': 'same login (ignoring case and accents) as another record, which is kept',
  'duplicate.merged': 'an admin who is also a panelist: one Okta user in both groups',
  'conflict.login_exists': 'the login already exists in Okta and was not created by this migration: left untouched',
  'linked.existing': 'the login already existed in Okta: added to the installation\'s groups, nothing else changed',
  'removed.missing': 'no longer in the source',
  'removed.excluded': 'no longer to be migrated (excluded now)',
  'password.imported': 'created with the imported password hash: signs in with the old password',
  'activation.failed': 'Okta did not activate the user',
  'okta.user_missing': 'the Okta user this record pointed to is gone',
  'source.missing': 'the source no longer has this record',
  rollback: 'deleted from Okta by efs-okta rollback (a later users create or portals sync creates it again)',
  'rollback.unlinked': 'removed from the installation\'s groups by rollback; the Okta user is untouched',
  'conflict.login_of_record': 'the login belongs to the Okta user of another record of this migration: settled once that record is synced',
  'key.changed': 'a new source key for a login this migration created: the existing Okta user now follows this record',
  'removed.key_changed': 'replaced in the source by a new key with the same login, which took over the Okta user',
  'reactivation.pending': 'back in the source after its Okta user was deactivated: the next activation run activates it again',
  'activation.link_pending': 'an activation link was requested and not yet handed over',
  'activation.link_lost': 'activated, but the activation link was lost before it reached the links file: the next activation run issues a new one',
  'activation.link': 'activated; the activation link is in the links file',
  'activation.email': 'activated; Okta emailed the activation link',
  'activation.previous_run': 'activated by an earlier run',
};

/**
 * The meaning of a reason code. A skip by the include/exclude rules carries the status value itself
 * as its reason (`0`, `9`, `gesperrt`: whatever the installation's status column holds), so an
 * unknown code of a skipped record is explained as that.
 */
export function explainReason(code: string, state?: string): string {
  const known = (REASONS as Record<string, string>)[code] ?? MORE[code];
  if (known) return known;
  if (code.startsWith('okta.')) return `Okta refused the call (${code.slice(5)}) after the allowed retries`;
  if (state === 'skipped') return `the status column holds "${code}", which the installation's include/exclude rules do not migrate`;
  return '';
}

export const WHAT_TO_DO: Record<string, string> = {
  invalid: 'Correct the record in EFS (the reason says what is wrong); the next run picks it up.',
  conflict: 'The login belongs to an Okta user this migration did not create. Decide whether to link it (onExisting: link) or change the login in EFS.',
  failed: 'Okta refused the call. The next run retries it; if it keeps failing, send the code to your Okta administrator.',
};
