import { finished } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { openPrivateStream, writePrivateFile } from '../files/private-file.js';
import { UsageError } from '../core/errors.js';
import { terminalText } from '../core/terminal-text.js';
import { portalJournal } from '../journal/portals.js';
import { htmlReport } from '../report/html/index.js';
import { writeRecordsReport } from '../report/records-report.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';

type ReportFlags = ConfigOptionValues & { format: 'csv' | 'json' | 'html'; output?: string; unmasked?: boolean };

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('report')
      .description('csv/json: one row per record (kind, source key, login, state, reason, Okta id); html: a self-contained report for the customer')
      .addOption(new Option('--format <format>', 'report format').choices(['csv', 'json', 'html']).default('csv'))
      .option('-o, --output <file>', 'write to this file instead of stdout')
      .option('--unmasked', 'html: show logins in full (masked as a***@example.com by default)'),
  ).action(async (o: ReportFlags) => {
    if (o.unmasked && o.format !== 'html') throw new UsageError('USAGE', '--unmasked applies to --format html only (csv and json always list full logins)');
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true });
    try {
      if (o.format === 'html') {
        const html = htmlReport(rt.journal, { now: rt.clock.now(), unmasked: o.unmasked ?? false });
        if (o.output) {
          writePrivateFile(o.output, html, 'the report');
          process.stderr.write(`efs-okta: wrote the HTML report to ${terminalText(o.output)}\n`);
        } else {
          process.stdout.write(html);
        }
      } else if (o.output) {
        const file = openPrivateStream(o.output, 'the report');
        let n: number;
        try {
          n = await writeRecordsReport(rt.journal, o.format, file.stream, undefined, portalJournal(rt.journal).all());
          file.stream.end();
          await finished(file.stream);
          file.commit();
        } catch (err) {
          file.abort();
          throw err;
        }
        process.stderr.write(`efs-okta: wrote ${n} records to ${terminalText(o.output)}\n`);
      } else {
        await writeRecordsReport(rt.journal, o.format, process.stdout, undefined, portalJournal(rt.journal).all());
      }
    } finally {
      rt.close();
    }
  });
}
