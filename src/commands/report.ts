import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Runtime } from '../app/runtime.js';
import { openPrivateStream, writePrivateFile } from '../files/private-file.js';
import type { ActivationRow } from '../journal/activation.js';
import { portalJournal } from '../journal/portals.js';
import { htmlReport } from '../report/html/index.js';
import { writeRecordsReport } from '../report/records-report.js';

/** `report`: csv/json, one row per record; html, a self-contained report for the customer. Reads the journal only. */
export interface ReportOptions {
  format: 'csv' | 'json' | 'html';
  /** A file (written readable only by you, complete or not at all), or a stream (stdout). */
  output: string | Writable;
  /** html: logins in full (masked as a***@example.com by default). */
  unmasked?: boolean;
}

export interface ReportSummary {
  /** csv/json: the rows written (html: null). */
  records: number | null;
  /** The file written (null: a stream). */
  file: string | null;
}

/** The funnel rows to merge into csv/json (none in a journal written before the activation table). */
function funnelRows(rt: Runtime): { rows: Iterator<ActivationRow>; now: number } | undefined {
  const log = rt.journal.activation;
  return log ? { rows: log.iterate(), now: rt.clock.now() } : undefined;
}

/** Runs on a runtime opened read-only without Okta. */
export async function report(rt: Runtime, options: ReportOptions): Promise<ReportSummary> {
  const file = typeof options.output === 'string' ? options.output : null;
  if (options.format === 'html') {
    const html = htmlReport(rt.journal, { now: rt.clock.now(), unmasked: options.unmasked ?? false, funnel: rt.journal.activation?.funnel(rt.clock.now()) ?? null });
    if (typeof options.output === 'string') writePrivateFile(options.output, html, 'the report');
    else options.output.write(html);
    return { records: null, file };
  }
  if (typeof options.output !== 'string') {
    const records = await writeRecordsReport(rt.journal, options.format, options.output, undefined, portalJournal(rt.journal).all(), funnelRows(rt));
    return { records, file };
  }
  const out = openPrivateStream(options.output, 'the report');
  try {
    const records = await writeRecordsReport(rt.journal, options.format, out.stream, undefined, portalJournal(rt.journal).all(), funnelRows(rt));
    out.stream.end();
    await finished(out.stream);
    out.commit();
    return { records, file };
  } catch (err) {
    out.abort();
    throw err;
  }
}
