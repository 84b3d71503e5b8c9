import path from 'node:path';
import { describeError } from '../core/errors.js';
import { isAlive, openJournal, type SqliteJournal } from '../journal/sqlite.js';
import { throughputChart } from '../report/html/charts.js';
import { funnelChart } from '../report/html/funnel-chart.js';
import { buildStatus, type StatusModel } from '../report/status-model.js';

/** What the dashboard pushes: one status model per journal, with its chart drawn on the server. */
export interface DashboardPayload {
  generatedAt: number;
  journals: DashboardJournal[];
}

export interface DashboardJournal {
  id: number;
  /** The journal's file name (no directory). */
  file: string;
  status: StatusModel | null;
  /** Why there is no status yet (no journal file: the run has not started), without any path. */
  error: string | null;
  /** Inline SVG of throughput and 429s over the last hour. */
  chart: string | null;
}

/**
 * Reads the journals through readonly connections of its own, so a run in another process (or in
 * this one) keeps writing undisturbed (WAL). A journal that does not exist yet is retried each time.
 */
export class StatusFeed {
  private readonly handles: (SqliteJournal | null)[];

  constructor(private readonly files: string[]) {
    this.handles = files.map(() => null);
  }

  read(now: number): DashboardPayload {
    return { generatedAt: now, journals: this.files.map((file, id) => this.readOne(id, file, now)) };
  }

  private readOne(id: number, file: string, now: number): DashboardJournal {
    const name = path.basename(file);
    try {
      let j = this.handles[id] ?? null;
      if (!j) {
        j = openJournal(file, { readonly: true });
        this.handles[id] = j;
      }
      const funnel = j.activation?.funnel(now) ?? null;
      const status = buildStatus(j, { now, funnel, holderAlive: isAlive });
      return { id, file: name, status, error: null, chart: throughputChart(status.series, { height: 200 }) + (funnel && funnel.totals.emailed > 0 ? funnelChart(funnel, { height: 180 }) : '') };
    } catch (err) {
      const handle = this.handles[id];
      if (handle && /no such table/i.test(describeError(err))) {
        // A journal file created but not yet migrated by its run: read it again next time.
        return { id, file: name, status: null, error: 'the journal is being created: waiting for the run', chart: null };
      }
      handle?.close();
      this.handles[id] = null;
      return { id, file: name, status: null, error: `cannot read ${name} yet: has a run created it? (waiting)`, chart: null };
    }
  }

  close(): void {
    for (const h of this.handles) h?.close();
    this.handles.fill(null);
  }
}
