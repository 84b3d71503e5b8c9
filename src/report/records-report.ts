import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Kind } from '../core/types.js';
import type { ActivationRow } from '../journal/activation.js';
import type { Journal } from '../journal/types.js';
import { csvLine } from './csv.js';

export const REPORT_COLUMNS = [
  'kind', 'key', 'login', 'state', 'reason', 'message', 'okta_id', 'duplicate_of', 'attempts',
  // The activation funnel (times in ISO 8601 UTC): the last link, its wave (run id) and expiry, reminders sent,
  // what `users refresh` last read from Okta, and for PROVISIONED users how long they have waited.
  'emailed_at', 'wave', 'link_expires_at', 'reminders', 'okta_status', 'last_login', 'password_set_at', 'waiting_days',
] as const;

/**
 * One row per record from the journal (it streams: a million rows never sit in memory).
 * Never includes a password hash, token or client secret: the journal holds none that could leak here.
 */
const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export async function writeRecordsReport(journal: Journal, format: 'csv' | 'json', out: Writable, kinds?: Kind[], funnel?: { rows: Iterator<ActivationRow>; now: number }): Promise<number> {
  let n = 0;
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  if (format === 'csv') await write(csvLine([...REPORT_COLUMNS]));
  else await write('[\n');
  // Both streams are in (kind, key) order: a merge join, one pass each.
  let a = funnel?.rows.next();
  for (const r of journal.all(kinds)) {
    while (a && !a.done && (a.value.kind < r.kind || (a.value.kind === r.kind && a.value.key < r.key))) a = funnel?.rows.next();
    const f = a && !a.done && a.value.kind === r.kind && a.value.key === r.key ? a.value : null;
    const waiting = r.state === 'provisioned' && f?.emailedAt && funnel ? Math.floor((funnel.now - f.emailedAt) / 86_400_000) : null;
    const values = [
      r.kind, r.key, r.login, r.state, r.reason, r.message, r.oktaId, r.duplicateOf, r.attempts,
      iso(f?.emailedAt), f?.wave ?? null, iso(f?.linkExpiresAt), f?.reminders ?? null, f?.oktaStatus ?? null, f?.oktaLastLogin ?? null, iso(f?.passwordSetAt), waiting,
    ];
    if (format === 'csv') await write(csvLine(values));
    else {
      const obj = Object.fromEntries(REPORT_COLUMNS.map((c, i) => [c, values[i] ?? null]));
      await write(`${n === 0 ? '' : ',\n'}${JSON.stringify(obj)}`);
    }
    n++;
  }
  if (format === 'json') await write('\n]\n');
  return n;
}
