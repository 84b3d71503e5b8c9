import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Kind } from '../core/types.js';
import type { PortalRow } from '../journal/portals.js';
import type { Journal } from '../journal/types.js';
import { csvLine } from './csv.js';
import { jsonText } from '../core/terminal-text.js';

export const REPORT_COLUMNS = ['kind', 'key', 'login', 'state', 'reason', 'message', 'okta_id', 'duplicate_of', 'attempts'] as const;

/**
 * One row per record from the journal (it streams: a million rows never sit in memory), users
 * first, then the portals (kind `portal`, the Okta app id as okta_id) when their rows are given.
 * Never includes a password hash, token or client secret: the journal holds none that could leak here.
 */
export async function writeRecordsReport(journal: Journal, format: 'csv' | 'json', out: Writable, kinds?: Kind[], portals: Iterable<PortalRow> = []): Promise<number> {
  let n = 0;
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  if (format === 'csv') await write(csvLine([...REPORT_COLUMNS]));
  else await write('[\n');
  for (const r of allRows(journal, kinds, portals)) {
    const values = [r.kind, r.key, r.login, r.state, r.reason, r.message, r.oktaId, r.duplicateOf, r.attempts];
    if (format === 'csv') await write(csvLine(values));
    else {
      const obj = Object.fromEntries(REPORT_COLUMNS.map((c, i) => [c, values[i] ?? null]));
      await write(`${n === 0 ? '' : ',\n'}${jsonText(obj)}`);
    }
    n++;
  }
  if (format === 'json') await write('\n]\n');
  return n;
}

type ReportRow = { kind: string; key: string; login: string | null; state: string; reason: string | null; message: string | null; oktaId: string | null; duplicateOf: string | null; attempts: number };

function* allRows(journal: Journal, kinds: Kind[] | undefined, portals: Iterable<PortalRow>): Generator<ReportRow> {
  yield* journal.all(kinds);
  if (kinds && !kinds.includes('portal')) return;
  for (const p of portals) yield { kind: 'portal', key: p.key, login: null, state: p.state, reason: p.reason, message: p.message, oktaId: p.appId, duplicateOf: null, attempts: p.attempts };
}
