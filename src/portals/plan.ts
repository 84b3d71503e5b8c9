import { PORTAL_RESUME } from '../core/lifecycle/portal.js';
import type { PortalJournal } from '../journal/portals.js';
import type { PortalRecord } from '../records/types.js';
import { markDuplicateKeys, markUnlabelable } from './records.js';
import { portalAppInput, settingsHash, type PortalSettings } from './settings.js';

/**
 * `portals sync --dry-run`: what a run would do, from the source and the journal alone. No call
 * goes to Okta and nothing is written; the real run still compares with what Okta holds (an app
 * changed or deleted there is only noticed then).
 */
export type PortalPlanAction =
  /** No app known: look it up by its exact label, create it if absent. */
  | 'create'
  /** A previous run died around the create: look up by label first (create only if absent). */
  | 'resume'
  | 'update'
  | 'unchanged'
  | 'invalid';

export interface PortalPlanEntry {
  key: string;
  label: string | null;
  action: PortalPlanAction;
  /** A client secret would be issued (and written to the credentials file). */
  newSecret: boolean;
  reason: string | null;
  message: string | null;
}

export function planPortals(
  portals: PortalJournal,
  input: PortalRecord[],
  options: { installation: string; settings: PortalSettings; rotateSecret?: string | null },
): PortalPlanEntry[] {
  return markUnlabelable(markDuplicateKeys(input), options.installation).map((record): PortalPlanEntry => {
    if (record.classification.state === 'invalid') {
      const { reason, message } = record.classification;
      return { key: record.key, label: null, action: 'invalid', newSecret: false, reason, message };
    }
    const wanted = portalAppInput(record, options.settings, options.installation);
    const row = portals.get(record.key);
    const base = { key: record.key, label: wanted.label, reason: null, message: null };
    if (!row || row.appId === null) {
      const resume = row !== null && PORTAL_RESUME.includes(row.state);
      return { ...base, action: resume ? 'resume' : 'create', newSecret: true };
    }
    const newSecret = row.secretIssuedAt === null || options.rotateSecret === record.key;
    const action = row.state !== 'registered' || row.settingsHash !== settingsHash(wanted) ? 'update' : 'unchanged';
    return { ...base, action, newSecret };
  });
}
