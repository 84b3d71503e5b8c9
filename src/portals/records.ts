import type { PortalRecord } from '../records/types.js';
import type { RowSource } from '../source/types.js';
import type { SourceRow } from '../core/source-row.js';
import { MAX_LABEL_LENGTH, portalLabel } from './settings.js';

/**
 * Reading the portal source. Portals are few (one per portal instance), so they are collected in
 * memory; the normalizer (records/ normalizePortal) is passed in and does the URL checks.
 */
export async function readPortalRecords(
  source: RowSource,
  normalize: (row: SourceRow) => PortalRecord,
  signal?: AbortSignal,
): Promise<PortalRecord[]> {
  const records: PortalRecord[] = [];
  for await (const row of source.rows(signal)) records.push(normalize(row));
  return markDuplicateKeys(records);
}

/**
 * A key that appears on two rows cannot be told apart in the journal or in the app label, and we
 * cannot know which row is right: the portal becomes invalid (`key.duplicate`), once, naming every
 * line, until the source is fixed. A row without a key is tracked under a made-up name
 * (`(line N)`), never a duplicate; when a real key reads the same, the made-up one moves to
 * `(line N)#2`, so every row stays one record.
 */
export function markDuplicateKeys(input: PortalRecord[]): PortalRecord[] {
  const taken = new Set(input.filter((r) => !r.keyMadeUp).map((r) => r.key));
  const records = input.map((r) => {
    if (!r.keyMadeUp) return r;
    let key = r.key;
    for (let n = 2; taken.has(key); n++) key = `${r.key}#${n}`;
    taken.add(key);
    return key === r.key ? r : { ...r, key };
  });
  const lines = new Map<string, number[]>();
  for (const r of records) lines.set(r.key, [...(lines.get(r.key) ?? []), r.line]);
  const out: PortalRecord[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const at = lines.get(r.key) ?? [];
    if (at.length < 2) {
      out.push(r);
      continue;
    }
    if (seen.has(r.key)) continue;
    seen.add(r.key);
    out.push({
      ...r,
      classification: {
        state: 'invalid',
        reason: 'key.duplicate',
        message: `portal key ${JSON.stringify(r.key)} appears on lines ${at.join(', ')}: keep one row per portal`,
      },
    });
  }
  return out;
}

/**
 * A key so long that even a shortened name leaves the label `EFS <installation> · … (<key>)` over
 * Okta's 100 characters: Okta would refuse the app (E0000001 "label: The field is too long") on every
 * run, so the portal is invalid (`key.too_long`) until the key is shorter, never failed forever.
 */
export function markUnlabelable(records: PortalRecord[], installation: string): PortalRecord[] {
  return records.map((r) => {
    if (r.classification.state === 'invalid') return r;
    const label = portalLabel(installation, r.name, r.key);
    if (label.length <= MAX_LABEL_LENGTH) return r;
    const room = MAX_LABEL_LENGTH - `EFS ${installation} ·  (…)`.length - 1;
    return {
      ...r,
      classification: {
        state: 'invalid' as const,
        reason: 'key.too_long',
        message: `portal key ${JSON.stringify(r.key.length > 40 ? `${r.key.slice(0, 40)}…` : r.key)} is ${r.key.length} characters long: the Okta app label "EFS ${installation} · <name> (<key>)" would exceed Okta's ${MAX_LABEL_LENGTH} characters; use a key of at most ${Math.max(room, 0)} characters`,
      },
    };
  });
}
