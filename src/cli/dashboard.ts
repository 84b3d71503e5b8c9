import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import type { CoreEmitter } from '../core/events.js';
import { DEFAULT_DASHBOARD_PORT, startDashboard, type DashboardHandle } from '../dashboard/server.js';
import { parseWhole } from './options.js';

interface DashboardFlags {
  config: string;
  journal?: string[];
  host: string;
  port: number;
}

export function register(program: Command): void {
  program
    .command('dashboard')
    .description('serve a live, read-only page of one or several journals (counts, rate, 429s, ETA, failures); runs until Ctrl-C')
    .option('-c, --config <file>', 'the installation config file (its journal is shown when no --journal is given)', 'efs-okta.yaml')
    .option('--journal <file>', 'a journal file to show; repeat for several installations', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--host <host>', 'address to listen on (loopback by default: the page has no login)', '127.0.0.1')
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').argParser(parseWhole).default(DEFAULT_DASHBOARD_PORT))
    .action(async (o: DashboardFlags) => {
      const journals = o.journal?.length ? o.journal : [loadConfig(o.config, {}, process.env).journal];
      const dashboard = await startDashboard({ journals, host: o.host, port: o.port });
      if (!['127.0.0.1', 'localhost', '::1'].includes(o.host)) {
        process.stderr.write(`efs-okta: warning: the dashboard listens on ${o.host}: anyone who can reach it sees the counts (no names, no secrets)\n`);
      }
      process.stdout.write(`efs-okta: dashboard on ${dashboard.url} (${journals.length} journal${journals.length === 1 ? '' : 's'}); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await dashboard.stop();
    });
}

/** `--dashboard [port]` for runs (users create, users activate): the same page, served in-process. */
export function dashboardOption(): Option {
  return new Option('--dashboard [port]', `serve the live dashboard on 127.0.0.1 while this run goes on (port; default ${DEFAULT_DASHBOARD_PORT})`);
}

/** Starts the dashboard for a run when its --dashboard flag is set: fed by the run's events and journal. */
export async function startRunDashboard(flag: boolean | string | undefined, rt: { config: { journal: string }; emitter: CoreEmitter; clock: Clock }): Promise<DashboardHandle | null> {
  if (flag === undefined || flag === false) return null;
  const port = typeof flag === 'string' ? parseWhole(flag) : DEFAULT_DASHBOARD_PORT;
  const dashboard = await startDashboard({ journals: [rt.config.journal], port, emitter: rt.emitter, clock: rt.clock });
  process.stderr.write(`efs-okta: dashboard on ${dashboard.url}\n`);
  return dashboard;
}
