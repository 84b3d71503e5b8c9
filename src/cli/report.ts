import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { openRuntime } from '../app/runtime.js';
import { writeRecordsReport } from '../report/records-report.js';
import { configFlags, withConfigOptions, type ConfigOptionValues } from './options.js';

export function register(program: Command): void {
  withConfigOptions(
    program
      .command('report')
      .description('one row per record (kind, source key, login, state, reason, Okta id) from the journal')
      .addOption(new Option('--format <format>', 'report format').choices(['csv', 'json']).default('csv'))
      .option('-o, --output <file>', 'write to this file instead of stdout'),
  ).action(async (o: ConfigOptionValues & { format: 'csv' | 'json'; output?: string }) => {
    const rt = await openRuntime({ configPath: o.config, flags: configFlags(o), okta: false, readonly: true });
    try {
      if (o.output) {
        const out = createWriteStream(o.output, { mode: 0o600 });
        const n = await writeRecordsReport(rt.journal, o.format, out);
        out.end();
        await finished(out);
        process.stderr.write(`efs-okta: wrote ${n} records to ${o.output}\n`);
      } else {
        await writeRecordsReport(rt.journal, o.format, process.stdout);
      }
    } finally {
      rt.close();
    }
  });
}
